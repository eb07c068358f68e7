"""From command-line paths to the files to check.

Directories are walked recursively for YAML/JSON/template and .tf files, skipping VCS and dependency folders, CDK
asset folders, `.terraform/` and whatever `.gitignore` excludes (matched in-process: git is never run, see
mlcheck.inputs.gitignore). Globs are expanded here too, so quoted patterns work on every shell. Neither walks
nor `**` follow symbolic links to directories, so a link loop cannot multiply or hang a run. A directory that
cannot be listed becomes a candidate carrying the error, reported like an unreadable file: a partial scan is
never silent.

Terraform: a directory of `.tf` files is one configuration, so one candidate (`terraform=True`, path = the
directory). A directory that another walked configuration calls as a local module (`source = "./modules/x"`) is
checked through that call, not again on its own. A `.tf` file named on the command line (as pre-commit passes
changed files) checks its directory's configuration and reports only the findings in the files named (`only`).
"""

from __future__ import annotations

import errno
import fnmatch
import os
import re
import stat

from mlcheck.inputs.gitignore import GitIgnore, repository_rules
from mlcheck.util.record import FrozenRecord

EXTENSIONS = (".yaml", ".yml", ".json", ".template")
TERRAFORM_EXTENSION = ".tf"
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache",
             ".pytest_cache", ".ruff_cache", ".aws-sam", ".terraform"}
# A local module call's source, found without parsing HCL (a root that calls a directory makes it a module).
_LOCAL_SOURCE = re.compile(rb'\bsource\s*=\s*"(\.\.?/[^"$]*)"')
_GLOB_CHARS = set("*?[")
_ABSENT = (errno.ENOENT, errno.ENOTDIR)  # a glob's literal part that names nothing: not a walk error


class Candidate(FrozenRecord):
    __slots__ = _fields = ("path", "explicit", "error", "terraform", "only")
    path: str  # filesystem path ("-" for stdin); a Terraform configuration's directory
    explicit: bool  # named on the command line (reported even if it is not a template)
    error: str | None  # set when discovery itself failed here (a directory that cannot be listed)
    terraform: bool  # a Terraform configuration (the .tf files of the directory `path`)
    only: tuple | None  # Terraform: the .tf files whose findings are reported (None: all of the configuration's)

    def __init__(self, path, explicit, error=None, terraform=False, only=None):
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "explicit", explicit)
        object.__setattr__(self, "error", error)
        object.__setattr__(self, "terraform", terraform)
        object.__setattr__(self, "only", only)


class DiscoveryError(Exception):
    pass


def discover(paths: list[str]) -> list[Candidate]:
    found: dict[str, Candidate] = {}
    configurations: dict[str, set | None] = {}  # Terraform directory -> .tf files named (None: walked, all)

    def add_walk(directory) -> int:
        walked = _walk(directory)
        for path, error in walked:
            path = os.path.normpath(path)
            if error is None and path.endswith(TERRAFORM_EXTENSION):
                configurations[os.path.dirname(path) or "."] = None
            else:
                found.setdefault(path, Candidate(path, False, error))
        return len(walked)

    def add_file(path):
        path = os.path.normpath(path)
        if path.endswith(TERRAFORM_EXTENSION) and os.path.isfile(path):
            directory = os.path.dirname(path) or "."
            if directory not in configurations or configurations[directory] is not None:
                configurations.setdefault(directory, set()).add(path)
        else:
            found[path] = Candidate(path, True)

    for arg in paths or ["."]:
        if arg == "-":
            found.setdefault("-", Candidate("-", True))
            continue
        if arg.startswith("aws://"):  # an AWS account's region, read by mlcheck.inputs.aws_account
            region = "aws://" + arg[len("aws://"):].strip("/")
            found.setdefault(region, Candidate(region, True))
            continue
        try:
            mode = os.stat(arg).st_mode
        except OSError as exc:
            if _GLOB_CHARS & set(arg):
                matches, errors = _glob(arg)
                for path, error in errors:
                    found.setdefault(os.path.normpath(path), Candidate(os.path.normpath(path), False, error))
                for match in matches:
                    if os.path.isdir(match):
                        add_walk(match)
                    elif os.path.normpath(match) not in found:  # files, and whatever else matched (a pipe,
                        add_file(match)  # a dangling link): reading reports it
                if not matches and not errors:  # a typo in CI paths must not pass as "0 files checked"
                    raise DiscoveryError(f"{arg}: no file matches this pattern")
                continue
            reason = "no such file or directory" if exc.errno == errno.ENOENT else (exc.strerror or str(exc))
            raise DiscoveryError(f"{arg}: {reason}") from None
        if stat.S_ISDIR(mode):
            if not add_walk(arg):
                raise DiscoveryError(f"{arg}: no {', '.join(EXTENSIONS)} or {TERRAFORM_EXTENSION} file in this "
                                     "directory (skipped folders and .gitignore'd files aside)")
        else:  # named explicitly: checked (or its read error reported) whatever its kind
            add_file(arg)
    modules = _local_modules([d for d, named in configurations.items() if named is None])
    for directory, named in configurations.items():
        if named is None and os.path.abspath(directory) in modules:
            continue
        found[directory] = Candidate(directory, named is not None, terraform=True,
                                     only=None if named is None else tuple(sorted(named)))
    return list(found.values())


def _local_modules(directories) -> set:
    """Absolute paths of the directories these configurations call as local modules (read without parsing HCL;
    a file that cannot be read calls nothing here, and reading it reports the error later)."""
    from mlcheck.inputs.safe_read import InputError, read_file

    out = set()
    for directory in directories:
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            continue
        for name in names:
            if not name.endswith(TERRAFORM_EXTENSION):
                continue
            try:
                raw = read_file(os.path.join(directory, name))
            except InputError:
                continue
            for match in _LOCAL_SOURCE.finditer(raw):
                source = match.group(1).decode("utf-8", "replace")
                out.add(os.path.normpath(os.path.join(os.path.abspath(directory), source)))
    return out


def _walk(root: str) -> list[tuple[str, str | None]]:
    """(path, None) for each template-like or .tf file below `root`, (directory, error) for each that cannot be
    listed."""
    out: list[tuple[str, str | None]] = []

    def failed(exc: OSError):
        out.append((exc.filename or root, f"cannot read directory: {exc.strerror or exc}"))

    # Per directory: the ignore rules in force there and its path relative to its work tree root.
    state: dict[str, tuple[GitIgnore, str] | None] = {root: _rules_at(root)}
    for dirpath, dirnames, filenames in os.walk(root, onerror=failed):
        current = state.pop(dirpath, None)
        if dirpath != root and (".git" in dirnames or ".git" in filenames):
            current = (repository_rules(dirpath), "")  # a nested repository has rules of its own
        if current is not None and ".gitignore" in filenames:
            current = (current[0].descend(dirpath, current[1]), current[1])
        parent = os.path.basename(dirpath)
        kept = []
        for name in sorted(dirnames):
            if name in SKIP_DIRS or (parent == "cdk.out" and name.startswith("asset.")):
                continue
            if current is not None:
                rel = f"{current[1]}/{name}" if current[1] else name
                if current[0].ignored(rel, True):
                    continue
                state[os.path.join(dirpath, name)] = (current[0], rel)
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if not (name.lower().endswith(EXTENSIONS) or name.endswith(TERRAFORM_EXTENSION)):
                continue
            if current is not None and current[0].ignored(f"{current[1]}/{name}" if current[1] else name, False):
                continue
            out.append((os.path.join(dirpath, name), None))
    return out


def _rules_at(directory: str) -> tuple[GitIgnore, str] | None:
    """The ignore rules in force in `directory` (those of the .gitignore files above it, within its work tree),
    and its path from the work tree root; None outside a repository. The directory itself was named, so is not
    tested against them."""
    repo = find_repo_root(directory)
    if repo is None:
        return None
    rel = os.path.relpath(os.path.abspath(directory), repo)
    parts = [] if rel == "." else rel.split(os.sep)
    rules, here, here_rel = repository_rules(repo), repo, ""
    for part in parts:
        rules = rules.descend(here, here_rel)
        here, here_rel = os.path.join(here, part), f"{here_rel}/{part}" if here_rel else part
    return rules, here_rel


def _glob(pattern: str) -> tuple[list[str], list[tuple[str, str]]]:
    """Like glob.glob(pattern, recursive=True), sorted, but `**` does not enter symbolic links to directories
    (a link loop would be followed until the path is too long), and directories that cannot be listed are
    returned as (path, error)."""
    absolute = pattern.startswith(("/", os.sep))
    parts = [p for p in pattern.replace(os.sep, "/").split("/") if p]
    dirs_only = pattern.endswith(("/", os.sep))
    if not parts:
        return [], []
    start = "/" if absolute else ""
    matches: set[str] = set()
    errors: list[tuple[str, str]] = []
    seen: set[tuple[str, int]] = set()
    stack = [(start, 0)]
    while stack:
        path, k = stack.pop()
        if (path, k) in seen:
            continue
        seen.add((path, k))
        part, last = parts[k], k == len(parts) - 1
        if part == "**":
            if last and path and path != start:
                matches.add(path)
            elif not last:
                stack.append((path, k + 1))  # `**` as zero directories
            for name, is_dir, is_link in _entries(path, errors):
                if name.startswith("."):
                    continue
                child = os.path.join(path, name)
                if last:
                    matches.add(child)
                if is_dir and not is_link:
                    stack.append((child, k))
        elif _GLOB_CHARS & set(part):
            for name, is_dir, _ in _entries(path, errors):
                if name.startswith(".") and not part.startswith("."):
                    continue
                if fnmatch.fnmatchcase(name, part):
                    child = os.path.join(path, name)
                    if last:
                        matches.add(child)
                    elif is_dir:
                        stack.append((child, k + 1))
        else:
            child = os.path.join(path, part)
            if last:
                if os.path.lexists(child):
                    matches.add(child)
            elif os.path.isdir(child):
                stack.append((child, k + 1))
    if dirs_only:
        matches = {m for m in matches if os.path.isdir(m)}
    return sorted(matches), errors


def _entries(directory: str, errors: list) -> list[tuple[str, bool, bool]]:
    """(name, is a directory, is a symbolic link) for each entry of `directory` ("" for the current one)."""
    out = []
    try:
        with os.scandir(directory or ".") as it:
            for entry in it:
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                out.append((entry.name, is_dir, entry.is_symlink()))
    except OSError as exc:
        if exc.errno not in _ABSENT:
            errors.append((directory or ".", f"cannot read directory: {exc.strerror or exc}"))
    return out


def find_repo_root(start: str) -> str | None:
    path = os.path.abspath(start)
    while True:
        if os.path.exists(os.path.join(path, ".git")):
            return path
        parent = os.path.dirname(path)
        if parent == path:
            return None
        path = parent

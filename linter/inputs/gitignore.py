"""`.gitignore` matching done here, not by git: running any git command on the scanned repository reads its own
`.git/config`, and settings there (`core.fsmonitor`, hooks, ...) run commands, so mlcheck never runs git.

The rules of gitignore(5): patterns from `.git/info/exclude`, then from each `.gitignore` from the work tree's
root down to the directory of the path, the last matching pattern deciding; `!` re-includes, but nothing below
an excluded directory (the walk does not enter it). A slash at the start or in the middle anchors a pattern to
its `.gitignore`'s directory, otherwise it matches a name at any depth; a trailing slash matches directories only;
`*`, `?` and `[...]` never match `/`; `**/`, `/**/` and a trailing `/**` span directories; `\\` escapes.

Not read: `core.excludesFile` (user configuration) and the index, so a tracked file that a pattern matches is
skipped, as ripgrep does. `.gitignore` files that are symbolic links are not followed, as git does not.
"""

from __future__ import annotations

import os
import re
import stat

from mlcheck.util.record import FrozenRecord

_LIMIT = 1024 * 1024  # a .gitignore or exclude file; larger ones are not read
_POSIX_CLASSES = {
    "alnum": "a-zA-Z0-9", "alpha": "a-zA-Z", "blank": " \\t", "cntrl": "\\x00-\\x1f\\x7f", "digit": "0-9",
    "graph": "!-~", "lower": "a-z", "print": " -~", "punct": "!-/:-@\\[-`{-~", "space": " \\t\\n\\r\\f\\v",
    "upper": "A-Z", "xdigit": "0-9a-fA-F",
}


class _Pattern(FrozenRecord):
    __slots__ = _fields = ("base", "regex", "negated", "dir_only", "basename")
    base: str  # directory of the file it came from, relative to the work tree root ("" for the root)
    regex: re.Pattern
    negated: bool
    dir_only: bool
    basename: bool  # no slash: matched against the last path component, at any depth below `base`

    def __init__(self, base, regex, negated, dir_only, basename):
        object.__setattr__(self, "base", base)
        object.__setattr__(self, "regex", regex)
        object.__setattr__(self, "negated", negated)
        object.__setattr__(self, "dir_only", dir_only)
        object.__setattr__(self, "basename", basename)


class GitIgnore:
    """The ignore patterns in force in one directory of a work tree; paths are relative to the tree's root,
    with `/` separators."""

    def __init__(self, patterns: tuple = ()):
        self.patterns = patterns

    def descend(self, directory: str, rel: str) -> GitIgnore:
        """The rules in force below `directory` (at `rel`): these plus its own .gitignore, if it has one."""
        added = _read_patterns(os.path.join(directory, ".gitignore"), rel)
        return GitIgnore(self.patterns + added) if added else self

    def ignored(self, rel: str, is_dir: bool) -> bool:
        for pattern in reversed(self.patterns):
            if pattern.dir_only and not is_dir:
                continue
            if pattern.base:
                if not rel.startswith(pattern.base + "/"):
                    continue
                sub = rel[len(pattern.base) + 1:]
            else:
                sub = rel
            if pattern.regex.fullmatch(sub.rpartition("/")[2] if pattern.basename else sub):
                return not pattern.negated
        return False


def repository_rules(root: str) -> GitIgnore:
    """The rules in force at the root of the work tree at `root`: `info/exclude` of its git directory."""
    git_dir = _git_dir(root)
    if git_dir is None:
        return GitIgnore()
    common = _small_text(os.path.join(git_dir, "commondir"))  # a linked worktree shares info/ with the main one
    if common and common.strip():
        git_dir = os.path.join(git_dir, common.strip())
    return GitIgnore(_read_patterns(os.path.join(git_dir, "info", "exclude"), ""))


def _git_dir(root: str) -> str | None:
    dot_git = os.path.join(root, ".git")
    if os.path.isdir(dot_git):
        return dot_git
    text = _small_text(dot_git)  # a worktree or submodule: "gitdir: <path>"
    if text and text.startswith("gitdir:"):
        return os.path.join(root, text[len("gitdir:"):].strip())
    return None


def _small_text(path: str) -> str | None:
    """A small regular file's text (not following a symbolic link), or None."""
    from mlcheck.inputs.safe_read import InputError, read_file

    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        return read_file(path, _LIMIT).decode("utf-8", "surrogateescape")  # file names are decoded alike
    except (OSError, InputError):
        return None


def _read_patterns(path: str, base: str) -> tuple:
    text = _small_text(path)
    return tuple(parse(text, base)) if text else ()


def parse(text: str, base: str = "") -> list:
    patterns = []
    for line in text.split("\n"):
        line = _trim(line[:-1] if line.endswith("\r") else line)
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        if negated:
            line = line[1:]
        dir_only = line.endswith("/")
        if dir_only:
            line = line[:-1]
        if not line:
            continue
        basename = "/" not in line
        if line.startswith("/"):
            line = line[1:]
        body = _translate(line)
        if body is None:  # malformed (unclosed bracket, trailing backslash): git matches nothing with it
            continue
        patterns.append(_Pattern(base, re.compile(body, re.DOTALL), negated, dir_only, basename))
    return patterns


def _trim(line: str) -> str:
    """Trailing spaces go, unless escaped with a backslash."""
    stripped = line.rstrip(" ")
    if stripped != line and stripped.endswith("\\") and (len(stripped) - len(stripped.rstrip("\\"))) % 2:
        return stripped + " "
    return stripped


def _translate(pattern: str) -> str | None:
    """A wildmatch pattern (with WM_PATHNAME, as git uses it) as a regular expression."""
    out = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            j = i
            while j < n and pattern[j] == "*":
                j += 1
            spans = j - i >= 2 and (i == 0 or pattern[i - 1] == "/") and (j == n or pattern[j] == "/")
            if spans and j == n:
                out.append(".*")  # `**` at the end: everything below
            elif spans:
                out.append("(?:.*/)?")  # `**/`: zero or more directories
                j += 1
            else:
                out.append("[^/]*")
            i = j
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            translated = _bracket(pattern, i)
            if translated is None:
                return None
            piece, i = translated
            out.append(piece)
        elif c == "\\":
            if i + 1 == n:
                return None
            out.append(re.escape(pattern[i + 1]))
            i += 2
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


def _bracket(pattern: str, start: int):
    """`[...]` from `start`: (regex, index after it), or None when it does not close."""
    i, n = start + 1, len(pattern)
    negated = i < n and pattern[i] in "!^"
    if negated:
        i += 1
    items = []
    first = True
    while True:
        if i >= n:
            return None
        c = pattern[i]
        if c == "]" and not first:
            i += 1
            break
        first = False
        if c == "[" and pattern.startswith("[:", i):
            end = pattern.find(":]", i + 2)
            if end >= 0:
                name = pattern[i + 2:end]
                if name not in _POSIX_CLASSES:
                    return None
                items.append(_POSIX_CLASSES[name])
                i = end + 2
                continue
        if c == "\\":
            i += 1
            if i >= n:
                return None
            c = pattern[i]
        i += 1
        if i + 1 < n and pattern[i] == "-" and pattern[i + 1] != "]":
            high = pattern[i + 1]
            i += 2
            if high == "\\":
                if i >= n:
                    return None
                high = pattern[i]
                i += 1
            if c <= high:  # a reversed range matches nothing
                items.append(f"{_class_char(c)}-{_class_char(high)}")
        else:
            items.append(_class_char(c))
    body = "".join(items)
    if negated:
        return f"[^/{body}]", i
    return (f"(?!/)[{body}]" if body else "(?!)"), i


def _class_char(c: str) -> str:
    return "\\" + c if c in "\\]^-[" else c

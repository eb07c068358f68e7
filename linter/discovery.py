"""From command-line paths to the files to check.

Directories are walked recursively for YAML/JSON/template files, skipping VCS and dependency folders, CDK asset
folders and whatever `.gitignore` excludes (asked of git itself when the directory is in a repository, so the
rules match exactly). Globs are expanded here too, so quoted patterns work on every shell.
"""

from __future__ import annotations

import glob
import os
import subprocess
from dataclasses import dataclass

EXTENSIONS = (".yaml", ".yml", ".json", ".template")
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache",
             ".pytest_cache", ".ruff_cache", ".aws-sam"}
_GLOB_CHARS = set("*?[")


@dataclass(frozen=True, slots=True)
class Candidate:
    path: str  # filesystem path ("-" for stdin)
    explicit: bool  # named on the command line (reported even if it is not a template)


class DiscoveryError(Exception):
    pass


def discover(paths: list[str]) -> list[Candidate]:
    found: dict[str, Candidate] = {}
    for arg in paths or ["."]:
        if arg == "-":
            found.setdefault("-", Candidate("-", True))
        elif os.path.isdir(arg):
            for path in _walk(arg):
                found.setdefault(os.path.normpath(path), Candidate(os.path.normpath(path), False))
        elif os.path.exists(arg):
            found[os.path.normpath(arg)] = Candidate(os.path.normpath(arg), True)
        elif _GLOB_CHARS & set(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            for match in matches:
                if os.path.isdir(match):
                    for path in _walk(match):
                        found.setdefault(os.path.normpath(path), Candidate(os.path.normpath(path), False))
                elif os.path.isfile(match):
                    found.setdefault(os.path.normpath(match), Candidate(os.path.normpath(match), True))
        else:
            raise DiscoveryError(f"{arg}: no such file or directory")
    return list(found.values())


def _walk(root: str) -> list[str]:
    files: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        parent = os.path.basename(dirpath)
        dirnames[:] = sorted(
            d for d in dirnames
            if d not in SKIP_DIRS and not (parent == "cdk.out" and d.startswith("asset."))
        )
        for name in sorted(filenames):
            if name.lower().endswith(EXTENSIONS):
                files.append(os.path.join(dirpath, name))
    return _drop_gitignored(root, files)


def _drop_gitignored(root: str, files: list[str]) -> list[str]:
    if not files or find_repo_root(root) is None:
        return files
    try:
        proc = subprocess.run(
            ["git", "-C", root, "check-ignore", "--stdin", "-z"],
            input="\0".join(os.path.relpath(f, root) for f in files).encode(),
            capture_output=True, timeout=20,
        )
    except (OSError, subprocess.SubprocessError):
        return files
    if proc.returncode not in (0, 1):  # 1 = nothing ignored
        return files
    ignored = {os.path.normpath(os.path.join(root, p.decode())) for p in proc.stdout.split(b"\0") if p}
    return [f for f in files if os.path.normpath(f) not in ignored]


def find_repo_root(start: str) -> str | None:
    path = os.path.abspath(start)
    while True:
        if os.path.exists(os.path.join(path, ".git")):
            return path
        parent = os.path.dirname(path)
        if parent == path:
            return None
        path = parent

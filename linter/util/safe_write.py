"""Writing the files mlcheck produces (`--output-file`, `--write-baseline`) without hanging or clobbering.

Opening a named pipe for writing blocks until a reader comes, a device takes whatever is written, and a report
cut short by a crash (or a full disk) would be read by the next CI step as a complete one. So:
- the path is checked before anything is written: it must be a regular file or not exist yet. A directory, a
  named pipe, a device or a socket is refused with a message that says which (`check_target`, run before
  linting so that a bad path costs no work);
- a symbolic link is followed when it ends at a regular file (the link stays, its target is rewritten, as
  `>` in a shell does); a link to anything else, or a dangling one, is refused;
- the text is written to a temporary file in the same directory, flushed to disk and renamed over the target:
  readers see the old file or the whole new one, never half of it. A rename never opens the target, so a pipe
  swapped in after the check cannot block. Only when the directory does not let us create a file but the file
  itself is writable is it rewritten in place (opened non-blocking, without following links, checked again).
"""

from __future__ import annotations

import os
import stat
import tempfile

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
_IN_PLACE_FLAGS = os.O_WRONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) \
    | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


class OutputError(Exception):
    """A file that cannot be written; the message says why, without the path (callers name it)."""


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def check_target(path: str) -> str:
    """The path to write (a symbolic link's final target, else `path`). Raises OutputError when it is not a
    regular file that exists or a name that can be created."""
    if not path or path.endswith(("/", os.sep)):
        raise OutputError("is a directory name, not a file name")
    try:
        info = os.lstat(path)
    except FileNotFoundError:  # a new file, in a folder that must exist (others' problems show when it is made)
        if not os.path.isdir(os.path.dirname(path) or "."):
            raise OutputError("the folder it goes in does not exist") from None
        return path
    except OSError as exc:
        raise OutputError(exc.strerror or str(exc)) from None
    if stat.S_ISLNK(info.st_mode):
        try:
            info = os.stat(path)
        except FileNotFoundError:
            raise OutputError("a symbolic link to nothing (dangling)") from None
        except OSError as exc:
            raise OutputError(exc.strerror or str(exc)) from None
        if not stat.S_ISREG(info.st_mode):
            raise OutputError(f"not a regular file but a symbolic link to {_kind(info.st_mode)}")
        return os.path.realpath(path)
    if not stat.S_ISREG(info.st_mode):
        raise OutputError(f"not a regular file but {_kind(info.st_mode)}")
    return path


def write_text(path: str, text: str) -> None:
    """Write `text` (UTF-8) to `path` as a whole (see the module docs). Raises OutputError."""
    target = check_target(path)
    try:
        data = text.encode("utf-8", "surrogateescape")  # a file name that was not UTF-8 gets its bytes back
    except UnicodeEncodeError:
        data = text.encode("utf-8", "replace")
    directory = os.path.dirname(target) or "."
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=directory)
    except PermissionError:
        if os.path.lexists(target):  # a writable file in a directory we may not create files in
            _write_in_place(target, data)
            return
        raise OutputError("permission denied") from None
    except OSError as exc:
        raise OutputError(exc.strerror or str(exc)) from None
    try:
        try:
            with os.fdopen(fd, "wb") as handle:
                if hasattr(os, "fchmod"):  # not on Windows, where mkstemp's file is writable as it is
                    os.fchmod(handle.fileno(), _new_file_mode(target))
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as exc:
        raise OutputError(exc.strerror or str(exc)) from None


def append_text(path: str, text: str) -> None:
    """Append to a regular file (GitHub's job summary): checked as check_target does, opened without blocking
    or following a link swapped in after the check, so a FIFO or device there is refused, not waited on."""
    _write_regular(check_target(path), text.encode("utf-8"), os.O_APPEND | os.O_CREAT, truncate=False)


def _new_file_mode(target: str) -> int:
    """An existing file keeps its permissions; a new one gets what `open()` would give it (0666 less umask)."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _write_in_place(target: str, data: bytes) -> None:
    _write_regular(target, data, 0, truncate=True)


def _write_regular(target: str, data: bytes, flags: int, truncate: bool) -> None:
    """Write through a descriptor opened without blocking or following links, refusing what is not a regular
    file by then (a FIFO swapped in after the check)."""
    try:
        fd = os.open(target, _IN_PLACE_FLAGS | flags, 0o666)
    except OSError as exc:
        raise OutputError(exc.strerror or str(exc)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            mode = os.fstat(handle.fileno()).st_mode
            if not stat.S_ISREG(mode):  # swapped in after the check
                raise OutputError(f"not a regular file but {_kind(mode)}")
            if truncate:
                handle.truncate(0)
            handle.write(data)
    except OSError as exc:
        raise OutputError(exc.strerror or str(exc)) from None

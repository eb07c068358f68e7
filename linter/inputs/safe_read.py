"""Bounded reading of every input: templates, stdin, and the files named by --config, --parameters-file and
--baseline.

Opening a named pipe blocks until something writes to it, and a device such as /dev/zero never ends, so a path
is checked with stat before it is opened (and with fstat after, in case it was swapped in between), opened
non-blocking, and read to at most the size limit plus one byte. Streams (stdin) are read to the same bound.
"""

from __future__ import annotations

import os
import stat
import sys

from mlcheck.inputs.loader.load import MAX_BYTES

HEAD_BYTES = 65536  # enough of an oversized file to tell whether it looks like a template
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0) \
    | getattr(os, "O_BINARY", 0)
_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


class InputError(Exception):
    """An input that cannot be read; the message says why, without the path (callers name it)."""


class InputTooLarge(InputError):
    def __init__(self, message: str, head: bytes):
        super().__init__(message)
        self.head = head


def _check_regular(mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = next((f" but {name}" for test, name in _KINDS if test(mode)), "")
        raise InputError(f"not a regular file{kind}")


def too_large_message(size: int | None, limit: int = MAX_BYTES) -> str:
    measured = f"{size / 1048576:.1f} MB, " if size is not None else ""
    return f"file is {measured}larger than the {limit // 1048576} MB limit"


def read_file(path: str, limit: int = MAX_BYTES) -> bytes:
    """The bytes of the regular file at `path`. Raises InputError (InputTooLarge beyond `limit`)."""
    try:
        _check_regular(os.stat(path).st_mode)
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise InputError(exc.strerror or str(exc)) from None
    try:
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            _check_regular(info.st_mode)
            if info.st_size > limit:
                raise InputTooLarge(too_large_message(info.st_size, limit), handle.read(HEAD_BYTES))
            data = handle.read(limit + 1)  # files whose size stat does not know (/proc) stop here too
    except OSError as exc:
        raise InputError(exc.strerror or str(exc)) from None
    if len(data) > limit:
        raise InputTooLarge(too_large_message(None, limit), data[:HEAD_BYTES])
    return data


def read_stdin(limit: int = MAX_BYTES) -> bytes:
    """At most `limit` + 1 bytes of stdin (a pipe, a terminal, a file or a device), so that an endless one ends
    and the caller can report the size limit. A closed stdin reads as empty."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        return b""
    try:
        return stream.read(limit + 1) or b""
    except OSError:
        return b""


def read_json(path: str, limit: int = MAX_BYTES):
    """The data of a JSON file, depth- and size-bounded like templates. Raises InputError naming the line."""
    from mlcheck.inputs.loader import ParseError
    from mlcheck.inputs.loader.json_loader import load_json
    from mlcheck.inputs.loader.load import decode

    raw = read_file(path, limit)
    try:
        text = decode(raw)
        if not text.strip():
            raise ParseError("empty file")
        return load_json(text).data
    except ParseError as exc:
        raise InputError(f"line {exc.line}: {exc.message}") from None

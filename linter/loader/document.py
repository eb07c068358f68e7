"""The parsed form every loader produces.

Data stays plain Python (dict/list/str/...): rules and resolution stay fast and simple. Locations live beside
the data in one table keyed by the path to a value (a tuple of keys and list indexes), so any JSON pointer a
finding carries can be turned back into an exact line and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Path = tuple  # tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Location:
    """1-based start and end of a key/value pair (the key's start, the value's end)."""

    line: int
    column: int
    end_line: int
    end_column: int


class ParseError(Exception):
    """A file that cannot be read as YAML/JSON; carries the 1-based line of the problem."""

    def __init__(self, message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.message = message
        self.line = max(1, line)
        self.column = max(1, column)


@dataclass(slots=True)
class Document:
    data: Any
    locations: dict = field(default_factory=dict)  # Path -> Location
    text: str = ""
    _lines: list | None = field(default=None, repr=False)

    def location(self, path: Path) -> Location:
        """Location of `path`; for a path missing from the file (a property left to its AWS default), the
        first line of its nearest existing ancestor: the mapping that should hold it."""
        path = tuple(path)
        found = self.locations.get(path)
        if found is not None:
            return found
        while path:
            path = path[:-1]
            found = self.locations.get(path)
            if found is not None:
                return Location(found.line, found.column, found.line, self._line_end(found.line))
        return Location(1, 1, 1, self._line_end(1))

    def _line_end(self, line: int) -> int:
        """Exclusive end column of a line, without trailing comments and whitespace."""
        lines = self._lines
        if lines is None:
            lines = self._lines = self.text.splitlines()
        if not 1 <= line <= len(lines):
            return 1
        text = lines[line - 1].split(" #", 1)[0].rstrip()
        return len(text) + 1

    def source_lines(self) -> list[str]:
        return self.text.splitlines()


def pointer(path: Path) -> str:
    """RFC 6901 JSON pointer for a path tuple."""
    if not path:
        return ""
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path)

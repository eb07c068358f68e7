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

    def location(self, path: Path) -> Location:
        """Location of `path`, or of its nearest ancestor that exists in the file (a missing property
        points at the mapping that should hold it)."""
        path = tuple(path)
        while path:
            found = self.locations.get(path)
            if found is not None:
                return found
            path = path[:-1]
        return self.locations.get((), Location(1, 1, 1, 1))

    def source_lines(self) -> list[str]:
        return self.text.splitlines()


def pointer(path: Path) -> str:
    """RFC 6901 JSON pointer for a path tuple."""
    if not path:
        return ""
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path)

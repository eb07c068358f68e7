"""The parsed form every loader produces.

Data stays plain Python (dict/list/str/...): rules and resolution stay fast and simple. Locations live beside
the data in a `LocationTable`, a tree that mirrors the data, so any JSON pointer a finding carries can be
turned back into an exact line and column.
"""

from __future__ import annotations

from array import array
from typing import Any

from mlcheck.util.record import FrozenRecord, Record

Path = tuple  # tuple[str | int, ...]


class Location(FrozenRecord):
    """1-based start and end of a key/value pair (the key's start, the value's end).

    `file` is None for a value of the document's own file (every YAML/JSON input); a model built from several
    files (a Terraform configuration: a directory of .tf files) names the display path of the file it is in."""

    __slots__ = _fields = ("line", "column", "end_line", "end_column", "file")
    line: int
    column: int
    end_line: int
    end_column: int
    file: str | None

    def __init__(self, line, column, end_line, end_column, file=None):
        object.__setattr__(self, "line", line)
        object.__setattr__(self, "column", column)
        object.__setattr__(self, "end_line", end_line)
        object.__setattr__(self, "end_column", end_column)
        object.__setattr__(self, "file", file)


class ParseError(Exception):
    """A file that cannot be read as YAML/JSON; carries the 1-based line of the problem."""

    def __init__(self, message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.message = message
        self.line = max(1, line)
        self.column = max(1, column)


def shown(key, limit: int = 80) -> str:
    """A key as an error message quotes it: a 10 MB key must not make a 10 MB message."""
    text = str(key)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text):,} characters)"


NO_NODE = -1  # a value whose location is not kept (the contents of a YAML merge key `<<`)
LEAF, MAPPING, SEQUENCE = 0, 1, 2
_OPEN = 2**31 - 1  # subtree end of a collection not closed yet


class LocationTable:
    """Locations of every key and value, as a tree of numbered nodes that mirrors the data.

    A full path per value would cost memory in proportion to depth times size (gigabytes for a 1.8 MB file of
    deep values). Here a node is a few machine words in flat arrays, with no object of its own: its position
    (four ints), the key that reaches it (the data's own string; None in a sequence) and the end of its
    subtree. Nodes are numbered in document order, so a collection's first child is the next node and each
    child's subtree end is its next sibling. A lookup index (key -> child, or index -> child) is built only
    for the collections a lookup goes through. Read like the dict it replaced: `get(path)`, `table[path]`, `in`.
    """

    __slots__ = ("_pos", "_key", "_end", "_root", "_index", "_files")

    def __init__(self):
        self._pos = array("i")  # line, column, end_line, end_column of node i at [4i, 4i + 4)
        self._key: list = []  # node -> the key that reaches it from its mapping; None in a sequence
        self._end = array("i")  # node -> the first node after its subtree
        self._root = NO_NODE
        self._index: dict = {}  # node -> {key: child} or array of children, for the nodes looked up through
        self._files: dict = {}  # node -> display path, for the nodes of a multi-file model (`set_file`) only

    def add(self, parent: int | None, key, kind: int = LEAF, position=(0, 0, 0, 0)) -> int:
        """A new node under `parent` (None: the document root), reached by `key` when the parent is a mapping
        (None in a sequence). Children must be added in document order, after their parent and before the
        parent is `place`d. A leaf is complete at once; a collection when it is placed. Returns the node id,
        or NO_NODE under a NO_NODE parent."""
        if parent == NO_NODE:
            return NO_NODE
        node = len(self._key)
        self._key.append(key if parent is not None else None)
        self._pos.extend(position)
        self._end.append(node + 1 if kind == LEAF else _OPEN)
        if parent is None:
            self._root = node
        return node

    def place(self, node: int, line: int, column: int, end_line: int, end_column: int) -> None:
        """Set a node's position; for a collection, after its last child: its subtree ends here."""
        if node != NO_NODE:
            pos, i = self._pos, 4 * node
            pos[i], pos[i + 1], pos[i + 2], pos[i + 3] = line, column, end_line, end_column
            self._end[node] = len(self._key)

    def set_file(self, node: int, file: str) -> None:
        """Name the file a node is in, when it is not the document's own (see Location.file)."""
        if node != NO_NODE:
            self._files[node] = file

    def _children(self, node: int):
        end, stop = self._end, min(self._end[node], len(self._key))
        child = node + 1
        while child < stop:
            yield child
            child = end[child]

    def key_line(self, node: int, key) -> int | None:
        """Line of `key` in the mapping `node`, also while it is being built (for a duplicate key's message)."""
        if node == NO_NODE:
            return None
        for child in self._children(node):
            if self._key[child] == key:
                return self._pos[4 * child]
        return None

    def child(self, node: int, step) -> int:
        """The child of `node` reached by `step` (a key or a list index), or NO_NODE."""
        index = self._index.get(node)
        if index is None:
            kids = list(self._children(node))
            if kids and self._key[kids[0]] is None:
                index = array("i", kids)
            else:
                index = dict(zip((self._key[k] for k in kids), kids))
            self._index[node] = index
        if type(index) is dict:
            try:
                return index.get(step, NO_NODE)
            except TypeError:  # an unhashable step: no such key
                return NO_NODE
        if isinstance(step, int) and 0 <= step < len(index):
            return index[step]
        return NO_NODE

    def find(self, path) -> tuple[int, int]:
        """(deepest node along `path`, how many steps of the path it took); (NO_NODE, 0) without a root."""
        node = self._root
        if node == NO_NODE:
            return NO_NODE, 0
        depth = 0
        for step in path:
            nxt = self.child(node, step)
            if nxt == NO_NODE:
                break
            node, depth = nxt, depth + 1
        return node, depth

    def position(self, node: int) -> Location:
        i = 4 * node
        if self._files:
            return Location(*self._pos[i:i + 4], self._files.get(node))
        return Location(*self._pos[i:i + 4])

    def get(self, path, default=None):
        path = tuple(path)
        node, depth = self.find(path)
        return self.position(node) if node != NO_NODE and depth == len(path) else default

    def __getitem__(self, path) -> Location:
        found = self.get(path)
        if found is None:
            raise KeyError(path)
        return found

    def renamed(self, rename) -> "LocationTable":
        """A copy whose mapping keys are `rename(path, key)`, `path` being the keys and indexes (as in the file)
        that lead to the mapping: the locations of data whose keys an adapter renames the same way."""
        table = LocationTable()
        table._pos, table._end, table._root = self._pos, self._end, self._root
        keys = table._key = list(self._key)
        if self._root == NO_NODE:
            return table
        stack = [(self._root, ())]
        while stack:
            node, path = stack.pop()
            for i, child in enumerate(self._children(node)):
                key = self._key[child]
                if key is not None:
                    keys[child] = rename(path, key)
                stack.append((child, path + ((i if key is None else key),)))
        return table

    def __contains__(self, path) -> bool:
        return self.get(path) is not None

    def __len__(self) -> int:
        return len(self._key)


class Document(Record):
    __slots__ = _fields = ("data", "locations", "text", "_lines", "_line_ends")
    _repr_fields = ("data", "locations", "text")
    data: Any
    locations: LocationTable
    text: str
    _lines: list | None
    _line_ends: dict

    def __init__(self, data, locations=None, text="", _lines=None, _line_ends=None):
        self.data = data
        self.locations = LocationTable() if locations is None else locations
        self.text = text
        self._lines = _lines
        self._line_ends = {} if _line_ends is None else _line_ends

    def location(self, path: Path) -> Location:
        """Location of `path`; for a path missing from the file (a property left to its AWS default), the
        first line of its nearest existing ancestor: the mapping that should hold it."""
        path = tuple(path)
        node, depth = self.locations.find(path)
        if node == NO_NODE:
            return Location(1, 1, 1, self._line_end(1))
        found = self.locations.position(node)
        if depth == len(path):
            return found
        if found.file is not None:  # another file's text is not at hand: the ancestor's own first line
            end = found.end_column if found.end_line == found.line else found.column
            return Location(found.line, found.column, found.line, end, found.file)
        return Location(found.line, found.column, found.line, self._line_end(found.line))

    def _line_end(self, line: int) -> int:
        """Exclusive end column of a line, without trailing comments and whitespace. Cached: a minified JSON
        file is one line, and scanning it again for every finding would make a run quadratic."""
        end = self._line_ends.get(line)
        if end is None:
            lines = self._lines
            if lines is None:
                lines = self._lines = self.text.splitlines()
            if not 1 <= line <= len(lines):
                end = 1
            else:
                end = len(lines[line - 1].split(" #", 1)[0].rstrip()) + 1
            self._line_ends[line] = end
        return end

    def source_lines(self) -> list[str]:
        return self.text.splitlines()


def pointer(path: Path) -> str:
    """RFC 6901 JSON pointer for a path tuple."""
    if not path:
        return ""
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path)

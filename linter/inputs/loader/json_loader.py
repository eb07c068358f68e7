"""JSON loading with a location for every key and value.

The standard library's parser keeps no positions, so this is a small iterative parser: a token regex plus the
C-accelerated `json.decoder.scanstring` for strings. Iterative so that a deeply nested file gives a clean error,
not a RecursionError; duplicate keys are reported like the YAML loader does.
"""

from __future__ import annotations

import bisect
from array import array
import json.decoder
import re

from mlcheck.model.document import LEAF, MAPPING, SEQUENCE, Document, LocationTable, ParseError, shown
from mlcheck.inputs.loader.yaml_loader import MAX_DEPTH, MAX_NODES
from mlcheck.util.regex import lazy

_scanstring = json.decoder.scanstring
_WS = lazy(r"[ \t\n\r]*")
_NUMBER = lazy(r"-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")
_LITERALS = {"true": True, "false": False, "null": None}
_SURROGATE = lazy("[\ud800-\udfff]")  # a lone one: an escaped pair is joined by scanstring
MEMO_LENGTH = 64
INT_DIGITS = 4000  # below Python's int/str conversion limit (4300): str() of a longer int raises


class _Cursor:
    __slots__ = ("text", "newlines")

    def __init__(self, text):
        self.text = text
        self.newlines = array("i", map(re.Match.start, re.finditer("\n", text)))  # 4 bytes a line, not 36

    def line_col(self, offset):
        line = bisect.bisect_left(self.newlines, offset)
        start = self.newlines[line - 1] + 1 if line else 0
        return line + 1, offset - start + 1


def load_json(text: str) -> Document:
    cur = _Cursor(text)
    table = LocationTable()
    n = len(text)

    def fail(message, offset):
        line, col = cur.line_col(min(offset, n))
        raise ParseError(f"invalid JSON: {message}", line, col)

    memo: dict = {}  # one str object per distinct key or short value: templates repeat them thousands of times

    def string(start):
        """The string whose opening quote is at `start`, and the offset after its closing quote."""
        try:
            value, end = _scanstring(text, start + 1, True)
        except ValueError as exc:
            message = getattr(exc, "msg", str(exc).split(":")[0])  # "Invalid control character at"
            fail(message.removesuffix(" at").lower(), getattr(exc, "pos", start))
        if not value.isascii() and _SURROGATE.search(value):
            # Python keeps it, but it cannot be written out as UTF-8: reject it here, with its line.
            fail("lone surrogate escape (\\ud800-\\udfff without its pair) in a string", start)
        if len(value) <= MEMO_LENGTH:
            value = memo.setdefault(value, value)
        return value, end

    # Stack entries: [container, node, key-or-None, key_offset, start_offset, is_map]
    stack: list[list] = []
    pos = _WS.match(text, 0).end()
    root = None
    have_root = False
    count = 0

    def skip(p):
        return _WS.match(text, p).end()

    while True:
        if pos >= n:
            fail("unexpected end of file", pos)
        top = stack[-1] if stack else None
        ch = text[pos]
        # In a mapping, expect a key (or the closing brace).
        if top is not None and top[5] and top[2] is None:
            if ch == "}":
                pass  # end of the mapping (a trailing comma was rejected already)
            elif ch != '"':
                fail("expected a string key", pos)
            else:
                key_offset = pos
                key, pos = string(pos)
                pos = skip(pos)
                if pos >= n or text[pos] != ":":
                    fail("expected ':' after a key", pos)
                if key in top[0]:
                    first = table.key_line(top[1], key)
                    where = f" (first defined at line {first})" if first else ""
                    line, col = cur.line_col(key_offset)
                    raise ParseError(f"duplicate key '{shown(key)}'{where}", line, col)
                top[2], top[3] = key, key_offset
                pos = skip(pos + 1)
                if pos >= n:
                    fail("unexpected end of file", pos)
                ch = text[pos]

        if ch == "}" and top is not None and top[5] and top[2] is None or ch == "]" and top is not None and not top[5]:
            stack.pop()
            end = pos + 1
            value, start = top[0], top[4]
            table.place(top[1], *cur.line_col(start), *cur.line_col(end))
            pos = skip(end)
            if not stack:
                root, have_root = value, True
                break
            pos = _after_value(stack, value, text, pos, fail)
            continue

        # A value begins here.
        count += 1
        if count > MAX_NODES:
            fail(f"more than {MAX_NODES:,} values", pos)
        start = top[3] if top is not None and top[5] else pos
        parent, key = (top[1], top[2]) if top is not None else (None, None)
        if ch == "{" or ch == "[":
            node = table.add(parent, key, MAPPING if ch == "{" else SEQUENCE)
            stack.append([{} if ch == "{" else [], node, None, None, start, ch == "{"])
            if len(stack) > MAX_DEPTH:
                fail(f"document nested deeper than {MAX_DEPTH} levels", pos)
            pos = skip(pos + 1)
            continue
        if ch == '"':
            value, end = string(pos)
        else:
            m = _NUMBER.match(text, pos)
            if m and m.end() > pos:
                end = m.end()
                value = _number(m)
            else:
                for word, literal in _LITERALS.items():
                    if text.startswith(word, pos):
                        value, end = literal, pos + len(word)
                        break
                else:
                    if text.startswith(("NaN", "Infinity", "-Infinity"), pos):
                        fail("NaN and Infinity are not JSON numbers", pos)
                    fail(f"unexpected character {ch!r}", pos)
        table.add(parent, key, LEAF, (*cur.line_col(start), *cur.line_col(end)))
        pos = skip(end)
        if top is None:
            root, have_root = value, True
            break
        pos = _after_value(stack, value, text, pos, fail)

    if pos < n:
        fail("extra data after the document", pos)
    return Document(root if have_root else None, table, text)


def _after_value(stack, value, text, pos, fail):
    """Store a finished value in its parent and consume the separator that follows it."""
    top = stack[-1]
    if top[5]:
        top[0][top[2]] = value
        top[2] = None
    else:
        top[0].append(value)
    if pos >= len(text):
        fail("unexpected end of file", pos)
    ch = text[pos]
    if ch == ",":
        pos = _WS.match(text, pos + 1).end()
        if pos < len(text) and text[pos] in "}]":
            fail("trailing comma", pos)
        return pos
    if ch == ("}" if top[5] else "]"):
        return pos
    fail(f"expected ',' or '{'}' if top[5] else ']'}'", pos)


def _number(m):
    """A JSON number as Python reads it; an integer too long for Python's int/str conversion (4,300 digits)
    becomes a float, +-inf, as most JSON parsers read it: still a number, larger than any limit, never a crash."""
    digits = m.group()
    if m.group(1) or m.group(2) or len(digits) > INT_DIGITS:
        return float(digits)
    return int(digits)

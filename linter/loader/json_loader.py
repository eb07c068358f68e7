"""JSON loading with a location for every key and value.

The standard library's parser keeps no positions, so this is a small iterative parser: a token regex plus the
C-accelerated `json.decoder.scanstring` for strings. Iterative so that a deeply nested file gives a clean error,
not a RecursionError; duplicate keys are reported like the YAML loader does.
"""

from __future__ import annotations

import bisect
import json.decoder
import re

from mlcheck.loader.document import Document, Location, ParseError
from mlcheck.loader.yaml_loader import MAX_DEPTH, MAX_NODES

_scanstring = json.decoder.scanstring
_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")
_LITERALS = {"true": True, "false": False, "null": None}


class _Cursor:
    __slots__ = ("text", "newlines")

    def __init__(self, text):
        self.text = text
        self.newlines = [m.start() for m in re.finditer("\n", text)]

    def line_col(self, offset):
        line = bisect.bisect_left(self.newlines, offset)
        start = self.newlines[line - 1] + 1 if line else 0
        return line + 1, offset - start + 1


def load_json(text: str) -> Document:
    cur = _Cursor(text)
    locations: dict = {}
    n = len(text)

    def fail(message, offset):
        line, col = cur.line_col(min(offset, n))
        raise ParseError(f"invalid JSON: {message}", line, col)

    # Stack entries: [container, path, key-or-None, key_offset, start_offset, is_map]
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
                try:
                    key, pos = _scanstring(text, pos + 1, True)
                except ValueError as exc:
                    fail(str(exc).split(":")[0], pos)
                pos = skip(pos)
                if pos >= n or text[pos] != ":":
                    fail("expected ':' after a key", pos)
                if key in top[0]:
                    first = locations.get(top[1] + (key,))
                    where = f" (first defined at line {first.line})" if first else ""
                    line, col = cur.line_col(key_offset)
                    raise ParseError(f"duplicate key '{key}'{where}", line, col)
                top[2], top[3] = key, key_offset
                pos = skip(pos + 1)
                if pos >= n:
                    fail("unexpected end of file", pos)
                ch = text[pos]

        if ch == "}" and top is not None and top[5] and top[2] is None or ch == "]" and top is not None and not top[5]:
            stack.pop()
            end = pos + 1
            value, path, start = top[0], top[1], top[4]
            _record(locations, cur, path, start, end)
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
        path = (top[1] + (top[2],) if top[5] else top[1] + (len(top[0]),)) if top is not None else ()
        if ch == "{" or ch == "[":
            stack.append([{} if ch == "{" else [], path, None, None, start, ch == "{"])
            if len(stack) > MAX_DEPTH:
                fail(f"document nested deeper than {MAX_DEPTH} levels", pos)
            pos = skip(pos + 1)
            continue
        if ch == '"':
            try:
                value, end = _scanstring(text, pos + 1, True)
            except ValueError as exc:
                fail(str(exc).split(":")[0], pos)
        else:
            m = _NUMBER.match(text, pos)
            if m and m.end() > pos:
                end = m.end()
                value = float(m.group()) if m.group(1) or m.group(2) else int(m.group())
            else:
                for word, literal in _LITERALS.items():
                    if text.startswith(word, pos):
                        value, end = literal, pos + len(word)
                        break
                else:
                    fail(f"unexpected character {ch!r}", pos)
        _record(locations, cur, path, start, end)
        pos = skip(end)
        if top is None:
            root, have_root = value, True
            break
        pos = _after_value(stack, value, text, pos, fail)

    if pos < n:
        fail("extra data after the document", pos)
    return Document(root if have_root else None, locations, text)


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


def _record(locations, cur, path, start, end):
    line, col = cur.line_col(start)
    end_line, end_col = cur.line_col(end)
    locations[path] = Location(line, col, end_line, end_col)

"""CloudFormation-aware YAML loading with a location for every key and value.

Built on libyaml's *event* stream rather than its composer: libyaml's composer recurses in C and crashes the
process on deeply nested input, while events arrive flat and we build the data with an explicit stack whose
depth we bound. Short-form tags (`!Ref`, `!GetAtt A.B`, `!Sub [..]`, ...) become their long `Fn::` forms, as
CloudFormation reads them. Only safe scalar types are ever constructed; unknown tags keep their plain value.
"""

from __future__ import annotations

import yaml
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import ScalarNode

from mlcheck.model.document import LEAF, MAPPING, NO_NODE, SEQUENCE, Document, LocationTable, ParseError, shown

MAX_DEPTH = 500
MAX_NODES = 1_000_000  # after alias expansion: stops "billion laughs" documents

# libyaml's event parser (C); CBaseLoader is just CParser plus classes we never call.
_Parser = getattr(yaml, "CBaseLoader", None)

# Short-form tag -> long-form key. `!Ref` and `!Condition` are not `Fn::` functions.
CFN_TAGS = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    **{
        f"!{name}": f"Fn::{name}"
        for name in (
            "And", "Base64", "Cidr", "Equals", "FindInMap", "GetAtt", "GetAZs", "If", "ImportValue", "Join",
            "Length", "Not", "Or", "Select", "Split", "Sub", "ToJsonString", "Transform", "ForEach",
        )
    },
}

_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()
_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
# The only scalars ever constructed; any other tag (`!!timestamp`, `!!binary`, and `!!map`/`!!set`/`!!omap`
# on a scalar, whose constructors are generators) keeps its text.
_CONSTRUCTED = {f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float")}
MEMO_LENGTH = 64
INT_BITS = 13_000  # ~3,900 digits: str() of an int over Python's 4,300-digit limit raises


def _scalar(event: ScalarEvent):
    tag = event.tag
    value = event.value
    if tag is None or tag == "!":
        if event.style or not event.implicit[0]:
            return value
        tag = _resolver.resolve(ScalarNode, value, (True, False))
    if tag not in _CONSTRUCTED:
        return value
    if tag == _INT and ":" in value and len(value) > 4000:
        # A base-60 integer (`1:30:00`) is built digit by digit, in quadratic time; one this long is huge.
        return float("-inf") if value.startswith("-") else float("inf")
    try:
        number = _constructor.yaml_constructors[tag](_constructor, ScalarNode(tag, value, event.start_mark,
                                                                              event.end_mark))
    except Exception:  # a malformed !!int etc.: keep the text rather than fail the file
        if tag == _INT and value.lstrip("+-").replace("_", "").isdigit():  # over Python's 4,300-digit limit
            return float(value.replace("_", ""))
        return value
    if type(number) is int and number.bit_length() > INT_BITS:
        # Like the JSON loader: a number too long to print is +-inf, still larger than any limit.
        return float("inf") if number > 0 else float("-inf")
    return number


def _reader_error(exc, text: str, byte_offsets: bool) -> ParseError:
    """A reader error (a character YAML does not allow) at its own line and column. libyaml counts its
    position in bytes of the UTF-8 text it was given, the pure-Python reader in characters."""
    offset = exc.position
    if byte_offsets:
        offset = len(text.encode("utf-8")[:offset].decode("utf-8", "replace"))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    character = f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
    return ParseError(f"invalid YAML: unacceptable character {character}: {exc.reason}", line, column)


def _is_merge_key(event: ScalarEvent) -> bool:
    return event.value == "<<" and event.tag is None and event.implicit[0] and not event.style


def _getatt(value):
    """`!GetAtt A.B.C` -> ["A", "B.C"] (attribute names may contain dots)."""
    if isinstance(value, str):
        logical_id, _, attribute = value.partition(".")
        return [logical_id, attribute] if attribute else [logical_id]
    return value


def _tag_key(tag):
    """Long-form key for a local tag: `!Sub` -> `Fn::Sub`; unknown `!X` -> `Fn::X`, which resolution then
    treats as unknown rather than as the plain value it tags."""
    if not tag or not tag.startswith("!") or tag.startswith("!!") or tag == "!":
        return None
    return CFN_TAGS.get(tag) or "Fn::" + tag[1:]


def _wrap(tag, value):
    key = _tag_key(tag)
    if key is None:
        return value
    if key == "Fn::GetAtt":
        value = _getatt(value)
    elif key == "Fn::GetAZs" and value is None:
        value = ""
    return {key: value}


class _Frame:
    __slots__ = ("container", "node", "tag", "anchor", "start", "size", "key", "key_mark", "merges", "is_map",
                 "inner", "flow", "last_end")

    def __init__(self, is_map, node, tag, anchor, start, inner, flow):
        self.is_map = is_map
        self.container = {} if is_map else []
        self.node = node  # location node of the data value (the wrapper dict for tagged nodes)
        self.inner = inner  # node that children hang under (inside `Fn::X` for tagged nodes)
        self.tag = tag
        self.anchor = anchor
        self.start = start
        self.size = 1
        self.key = _NO_KEY
        self.key_mark = None
        self.merges = None
        self.flow = flow
        self.last_end = None  # end of the last child: a block collection ends there, not at the next token


_NO_KEY = object()
_MERGE = object()


def load_yaml(text: str) -> Document:
    if _Parser is None:  # pure-Python fallback is slower but equally safe
        parser = yaml.SafeLoader(text)
        next_event = parser.get_event
    else:
        parser = _Parser(text)
        next_event = parser.get_event
    table = LocationTable()
    memo: dict = {}  # one str object per distinct key or short value: templates repeat them thousands of times
    anchors: dict = {}
    stack: list[_Frame] = []
    total = 0
    root = None
    have_root = False
    documents = 0

    def mark(start, end):
        return start.line + 1, start.column + 1, end.line + 1, end.column + 1

    def parent_of_value(frame, mark):
        """(parent node, key) for a value starting now; NO_NODE inside a merge key's value, whose keys are
        copied into the mapping and are not where they are written."""
        if frame is None:
            return None, None
        if not frame.is_map:
            return frame.inner, None
        if frame.key is _NO_KEY:
            raise ParseError("mapping keys must be plain scalars", mark.line + 1, mark.column + 1)
        return (NO_NODE, None) if frame.key is _MERGE else (frame.inner, frame.key)

    def place(value, size, start_mark, end_mark, tag_path_extra=None):
        """Attach a finished value to its parent (or make it the root)."""
        nonlocal root, have_root, total
        if not stack:
            root, have_root = value, True
            return
        frame = stack[-1]
        frame.size += size
        frame.last_end = end_mark
        if frame.is_map:
            if frame.key is _NO_KEY:
                raise ParseError("mapping keys must be plain scalars", start_mark.line + 1, start_mark.column + 1)
            if frame.key is _MERGE:
                if frame.merges is None:
                    frame.merges = []
                frame.merges.extend(value if isinstance(value, list) else [value])
            else:
                frame.container[frame.key] = value
            frame.key = _NO_KEY
        else:
            frame.container.append(value)

    try:
        while True:
            try:
                event = next_event()
            except yaml.reader.ReaderError as exc:
                raise _reader_error(exc, text, byte_offsets=_Parser is not None) from None
            except yaml.YAMLError as exc:
                problem_mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
                problem = getattr(exc, "problem", None) or str(exc)
                line = problem_mark.line + 1 if problem_mark else 1
                column = problem_mark.column + 1 if problem_mark else 1
                raise ParseError(f"invalid YAML: {problem}", line, column) from None
            if event is None:
                break
            kind = type(event)

            if kind is ScalarEvent:
                frame = stack[-1] if stack else None
                if frame is not None and frame.is_map and frame.key is _NO_KEY:
                    # A mapping key.
                    if event.tag is not None and event.tag != "!" and event.tag not in (_STR,):
                        key = _scalar(event)
                    else:
                        key = event.value
                    if _is_merge_key(event):
                        frame.key = _MERGE
                    else:
                        key = key if isinstance(key, str) else str(key).lower() if isinstance(key, bool) else str(key)
                        if len(key) <= MEMO_LENGTH:
                            key = memo.setdefault(key, key)
                        if key in frame.container:
                            first = table.key_line(frame.inner, key)
                            where = f" (first defined at line {first})" if first else ""
                            raise ParseError(
                                f"duplicate key '{shown(key)}'{where}", event.start_mark.line + 1,
                                event.start_mark.column + 1,
                            )
                        frame.key = key
                    frame.key_mark = event.start_mark
                    continue
                total += 1
                value = _scalar(event)
                if type(value) is str and len(value) <= MEMO_LENGTH:
                    value = memo.setdefault(value, value)
                value = _wrap(event.tag, value)
                parent, key = parent_of_value(frame, event.start_mark)
                start = frame.key_mark if frame is not None and frame.is_map and frame.key_mark else event.start_mark
                loc = mark(start, event.end_mark)
                inner_key = _tag_key(event.tag)
                node = table.add(parent, key, MAPPING if inner_key else LEAF, loc)
                if inner_key:
                    table.add(node, inner_key, LEAF, loc)
                    table.place(node, *loc)
                if event.anchor:
                    anchors[event.anchor] = (value, 1)
                place(value, 1, event.start_mark, event.end_mark)

            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                frame = stack[-1] if stack else None
                parent, key = parent_of_value(frame, event.start_mark)
                start = frame.key_mark if frame is not None and frame.is_map and frame.key_mark else event.start_mark
                tag = event.tag if _tag_key(event.tag) else None
                if frame is not None and frame.is_map and frame.key is _MERGE:
                    tag = None
                is_map = kind is MappingStartEvent
                node = table.add(parent, key, MAPPING if tag or is_map else SEQUENCE)
                inner = table.add(node, _tag_key(tag), MAPPING if is_map else SEQUENCE) if tag else node
                new = _Frame(is_map, node, tag, event.anchor, start, inner, event.flow_style)
                stack.append(new)
                if len(stack) > MAX_DEPTH:
                    raise ParseError(
                        f"document nested deeper than {MAX_DEPTH} levels", event.start_mark.line + 1,
                        event.start_mark.column + 1,
                    )
                total += 1

            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                frame = stack.pop()
                value = frame.container
                if frame.merges:
                    for merged in frame.merges:
                        if isinstance(merged, dict):
                            for k, v in merged.items():
                                value.setdefault(k, v)
                value = _wrap(frame.tag, value)
                end = event.end_mark if frame.flow or frame.last_end is None else frame.last_end
                loc = mark(frame.start, end)
                table.place(frame.node, *loc)
                if frame.inner != frame.node:
                    table.place(frame.inner, *loc)
                if frame.anchor:
                    anchors[frame.anchor] = (value, frame.size)
                place(value, frame.size, frame.start, end)

            elif kind is AliasEvent:
                if event.anchor not in anchors:
                    raise ParseError(
                        f"unknown alias '*{event.anchor}'", event.start_mark.line + 1, event.start_mark.column + 1
                    )
                value, size = anchors[event.anchor]
                total += size
                if total > MAX_NODES:
                    raise ParseError(
                        f"YAML aliases expand to more than {MAX_NODES:,} nodes (a 'billion laughs' document?)",
                        event.start_mark.line + 1, event.start_mark.column + 1,
                    )
                frame = stack[-1] if stack else None
                if frame is not None and frame.is_map and frame.key is _MERGE:
                    place(value, size, event.start_mark, event.end_mark)
                    continue
                parent, key = parent_of_value(frame, event.start_mark)
                start = frame.key_mark if frame is not None and frame.is_map and frame.key_mark else event.start_mark
                table.add(parent, key, LEAF, mark(start, event.end_mark))
                place(value, size, event.start_mark, event.end_mark)

            elif kind is yaml.events.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise ParseError(
                        "several YAML documents in one file (a template is one document)",
                        event.start_mark.line + 1, event.start_mark.column + 1,
                    )
            if total > MAX_NODES:
                raise ParseError(f"document has more than {MAX_NODES:,} nodes", 1)
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose:
            dispose()
    return Document(root if have_root else None, table, text)

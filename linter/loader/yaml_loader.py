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

from mlcheck.loader.document import Document, Location, ParseError

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
_KEEP_AS_TEXT = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary", _STR}


def _scalar(event: ScalarEvent):
    tag = event.tag
    value = event.value
    if tag is None or tag == "!":
        if event.style or not event.implicit[0]:
            return value
        tag = _resolver.resolve(ScalarNode, value, (True, False))
    if tag in _KEEP_AS_TEXT or not tag.startswith("tag:yaml.org,2002:"):
        return value
    construct = _constructor.yaml_constructors.get(tag)
    if construct is None:
        return value
    try:
        return construct(_constructor, ScalarNode(tag, value, event.start_mark, event.end_mark))
    except Exception:  # a malformed !!int etc.: keep the text rather than fail the file
        return value


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
    __slots__ = ("container", "path", "tag", "anchor", "start", "size", "key", "key_mark", "merges", "is_map",
                 "inner", "flow", "last_end")

    def __init__(self, is_map, path, tag, anchor, start, inner, flow):
        self.is_map = is_map
        self.container = {} if is_map else []
        self.path = path  # path of the data value (the wrapper dict for tagged nodes)
        self.inner = inner  # path that children hang under (inside `Fn::X` for tagged nodes)
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
    locations: dict = {}
    anchors: dict = {}
    stack: list[_Frame] = []
    total = 0
    root = None
    have_root = False
    documents = 0

    def mark(start, end):
        return start.line + 1, start.column + 1, end.line + 1, end.column + 1

    def child_path(frame):
        if frame.is_map:
            return frame.inner + (frame.key,)
        return frame.inner + (len(frame.container),)

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
                frame.merges = (frame.merges or []) + (value if isinstance(value, list) else [value])
            else:
                frame.container[frame.key] = value
            frame.key = _NO_KEY
        else:
            frame.container.append(value)

    try:
        while True:
            try:
                event = next_event()
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
                        if key in frame.container:
                            first = locations.get(frame.inner + (key,))
                            where = f" (first defined at line {first.line})" if first else ""
                            raise ParseError(
                                f"duplicate key '{key}'{where}", event.start_mark.line + 1,
                                event.start_mark.column + 1,
                            )
                        frame.key = key
                    frame.key_mark = event.start_mark
                    continue
                total += 1
                value = _scalar(event)
                value = _wrap(event.tag, value)
                path = child_path(frame) if frame else ()
                start = frame.key_mark if frame is not None and frame.is_map and frame.key_mark else event.start_mark
                loc = Location(*mark(start, event.end_mark))
                locations[path] = loc
                inner_key = _tag_key(event.tag)
                if inner_key:
                    locations[path + (inner_key,)] = loc
                if event.anchor:
                    anchors[event.anchor] = (value, 1)
                place(value, 1, event.start_mark, event.end_mark)

            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                frame = stack[-1] if stack else None
                path = child_path(frame) if frame else ()
                start = frame.key_mark if frame is not None and frame.is_map and frame.key_mark else event.start_mark
                tag = event.tag if _tag_key(event.tag) else None
                inner = path + (_tag_key(tag),) if tag else path
                new = _Frame(kind is MappingStartEvent, path, tag, event.anchor, start, inner, event.flow_style)
                if frame is not None and frame.is_map and frame.key is _MERGE:
                    new.tag = None
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
                loc = Location(*mark(frame.start, end))
                locations[frame.path] = loc
                if frame.inner != frame.path:
                    locations[frame.inner] = loc
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
                path = child_path(frame) if frame else ()
                start = frame.key_mark if frame is not None and frame.is_map and frame.key_mark else event.start_mark
                locations[path] = Location(*mark(start, event.end_mark))
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
    return Document(root if have_root else None, locations, text)

"""`jsonencode` as Terraform computes it, and back, for values with symbolic parts.

IAM policies in Terraform are mostly `jsonencode({...})`: the provider receives a JSON string. With every value
known the string is exactly Terraform's (keys sorted, no spaces, `<`, `>` and `&` escaped as Go does). A value
that holds a `Reference` or an `Unknown` (a role's ARN known only after apply) encodes to a `Composite`: the JSON
text with those parts in place, so `decode` can give the mapping the structure back with them where they were.
"""

from __future__ import annotations

import json

from mlcheck.inputs.terraform.resource import Reference
from mlcheck.model.values import Composite, Unknown, make_string

_GO_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_SYMBOLIC = (Reference, Unknown)
# Marks that stand for symbolic parts while the JSON text is parsed (private-use characters: JSON takes them as
# they are, and no policy writes them).
_OPEN, _CLOSE = "\ue000", "\ue001"


def _dumps(value) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    for char, escape in _GO_ESCAPES.items():
        if char in text:
            text = text.replace(char, escape)
    return text


def encode(value):
    """The JSON text Terraform's jsonencode gives (a str), a Composite when parts are symbolic, or Unknown when
    the value cannot be encoded (a set of symbolic keys, a float that JSON cannot hold)."""
    parts: list = []
    try:
        _encode(value, parts)
    except (TypeError, ValueError) as exc:
        return Unknown(f"jsonencode of a value that cannot be encoded ({exc})")
    return make_string(parts)


def _encode(value, parts: list) -> None:
    if isinstance(value, _SYMBOLIC):
        parts.extend(('"', value, '"'))  # a symbolic value stands for a string (an ARN, a name)
    elif isinstance(value, Composite):
        parts.append('"')
        for part in value.parts:
            parts.append(_dumps(part)[1:-1] if isinstance(part, str) else part)
        parts.append('"')
    elif isinstance(value, dict):
        if any(not isinstance(key, str) for key in value):
            raise TypeError("an object key is not a string")
        parts.append("{")
        for i, key in enumerate(sorted(value)):
            parts.append(("," if i else "") + _dumps(key) + ":")
            _encode(value[key], parts)
        parts.append("}")
    elif isinstance(value, (list, tuple)):
        parts.append("[")
        for i, item in enumerate(value):
            if i:
                parts.append(",")
            _encode(item, parts)
        parts.append("]")
    else:
        parts.append(_dumps(value))


def join(pieces: list):
    """Pieces of a string as one value: a lone symbolic piece is itself (Terraform's "${x}" is x)."""
    kept = [piece for piece in pieces if piece != ""]
    if len(kept) == 1 and not isinstance(kept[0], str):
        return kept[0]
    return make_string(kept)


def decode(value):
    """The structure a JSON string (or a Composite from `encode`) stands for, with symbolic parts back in place:
    a string that was one symbolic part is that part, a string with text around it a Composite. Unknown when it
    is not JSON (or is itself unknown)."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, str):
        try:
            return json.loads(value)
        except (ValueError, RecursionError):
            return Unknown("not a JSON document")
    if not isinstance(value, Composite):
        return Unknown("not a JSON document")
    marks = {}
    text = []
    for part in value.parts:
        if isinstance(part, str):
            text.append(part)
        else:
            mark = f"{_OPEN}{len(marks)}{_CLOSE}"
            marks[mark] = part
            text.append(mark)
    try:
        data = json.loads("".join(text))
    except (ValueError, RecursionError):
        return Unknown("a JSON document with parts known only after apply in a place JSON does not allow")
    return _restore(data, marks)


def _restore(data, marks):
    if isinstance(data, str):
        if _OPEN not in data:
            return data
        pieces = []
        for chunk in data.split(_OPEN):
            number, found, text = chunk.partition(_CLOSE)
            part = marks.get(f"{_OPEN}{number}{_CLOSE}") if found else None
            if part is not None:
                pieces.extend((part, text))
            else:  # the character was in the policy itself
                pieces.append((_OPEN if pieces else "") + chunk)
        return join(pieces)
    if isinstance(data, dict):
        return {key: _restore(item, marks) for key, item in data.items()}
    if isinstance(data, list):
        return [_restore(item, marks) for item in data]
    return data

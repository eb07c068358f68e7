"""What a resolved property value can be besides plain data.

Resolution never guesses. A value it cannot know becomes `Unknown` (with the reason, for `--show-unknown`);
a reference to a template resource stays a `ResourceRef` so that graph rules can follow it; strings built from
known and unknown pieces (`!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Role}`) stay `Composite`,
so rules can still read their literal text and the resources they name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class _NoValue:
    """`AWS::NoValue`: the property is removed, as CloudFormation does."""

    __slots__ = ()

    def __repr__(self):
        return "NO_VALUE"


NO_VALUE = _NoValue()


@dataclass(frozen=True, slots=True)
class Unknown:
    reason: str

    def __str__(self):
        return f"<unknown: {self.reason}>"


@dataclass(frozen=True, slots=True)
class ResourceRef:
    """`!Ref Id` (attribute None) or `!GetAtt Id.Attribute`."""

    logical_id: str
    attribute: str | None = None

    def __str__(self):
        return f"${{{self.logical_id}.{self.attribute}}}" if self.attribute else f"${{{self.logical_id}}}"


@dataclass(frozen=True, slots=True)
class Pseudo:
    """A pseudo parameter whose value depends on where the stack is deployed (AWS::Region, AWS::AccountId...)."""

    name: str

    def __str__(self):
        return f"${{{self.name}}}"


@dataclass(frozen=True, slots=True)
class AZ:
    """`!Select [index, !GetAZs region]`: a definite but unnamed Availability Zone of the region."""

    index: int
    region: str = ""

    def __str__(self):
        return f"<AZ #{self.index} of {self.region or 'the stack region'}>"


@dataclass(frozen=True, slots=True)
class AZList:
    """`!GetAZs region`: the region's AZs, unknown in number and name, but distinct by index."""

    region: str = ""


@dataclass(frozen=True, slots=True)
class Composite:
    """A string made of literal text and symbolic parts."""

    parts: tuple

    def text(self, placeholder: str = "*") -> str:
        """The literal text, each symbolic part replaced by `placeholder`."""
        return "".join(p if isinstance(p, str) else placeholder for p in self.parts)

    def resource_refs(self) -> list:
        return [p for p in self.parts if isinstance(p, ResourceRef)]

    def has_unknown(self) -> bool:
        return any(isinstance(p, Unknown) for p in self.parts)

    def __str__(self):
        return "".join(str(p) for p in self.parts)


def make_string(parts: list) -> Any:
    """Join resolved pieces: a plain str when every piece is known text, else a Composite. Adjacent text is
    gathered in runs and joined once (adding to a string piece by piece is quadratic in the number of pieces)."""
    merged: list = []
    run: list = []  # text pieces not yet joined
    for part in parts:
        if isinstance(part, (int, float)) and not isinstance(part, bool):
            part = str(part)
        elif isinstance(part, bool):
            part = "true" if part else "false"
        for inner in (part.parts if isinstance(part, Composite) else (part,)):
            if isinstance(inner, str):
                run.append(inner)
            elif inner != "":
                _flush(merged, run)
                merged.append(inner)
    _flush(merged, run)
    if not merged:
        return ""
    if len(merged) == 1 and isinstance(merged[0], str):
        return merged[0]
    return Composite(tuple(merged))


def _flush(merged: list, run: list) -> None:
    text = "".join(run)
    run.clear()
    if text:
        merged.append(text)


def text_size(value) -> int:
    """Characters of text in a resolved string (its literal parts for a Composite): what building it costs."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, Composite):
        return sum(len(p) for p in value.parts if isinstance(p, str))
    return 0


SYMBOLIC = (Unknown, ResourceRef, Pseudo, AZ, AZList, Composite)


def is_unknown(value) -> bool:
    return isinstance(value, Unknown)


def is_symbolic(value) -> bool:
    return isinstance(value, SYMBOLIC)


QUOTED_LIMIT = 300  # characters of a template value quoted in a message; the message itself is bounded too


def describe(value) -> str:
    """Short human rendering of a resolved value for messages: a value from the template is quoted up to
    QUOTED_LIMIT characters (a 5 MB string makes a message of a few hundred characters, not 5 MB)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)) and len(value) > QUOTED_LIMIT:
        return f"<{type(value).__name__} of {len(value):,} items>"  # str() of it would cost its whole size
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= QUOTED_LIMIT else f"{text[:QUOTED_LIMIT]}... ({len(text):,} characters)"

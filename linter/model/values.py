"""What a resolved property value can be besides plain data.

Resolution never guesses. A value it cannot know becomes `Unknown` (with the reason, for `--show-unknown`);
a reference to a template resource stays a `ResourceRef` so that graph rules can follow it; strings built from
known and unknown pieces (`!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Role}`) stay `Composite`,
so rules can still read their literal text and the resources they name.
"""

from __future__ import annotations

from typing import Any

from mlcheck.util.record import FrozenRecord


class _NoValue:
    """`AWS::NoValue`: the property is removed, as CloudFormation does."""

    __slots__ = ()

    def __repr__(self):
        return "NO_VALUE"


NO_VALUE = _NoValue()

# The symbolic values below are compared and hashed all through resolution: they write out __eq__ and __hash__
# (as dataclasses would generate them) rather than use Record's generic ones, a third slower.


class Unknown(FrozenRecord):
    __slots__ = _fields = ("reason",)
    reason: str

    def __init__(self, reason):
        object.__setattr__(self, "reason", reason)

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (self.reason,) == (other.reason,)

    def __hash__(self):
        return hash((self.reason,))

    def __str__(self):
        return f"<unknown: {self.reason}>"


# What a defaults-only resource (the SageMaker Python SDK's config file, mlcheck.inputs.sdk_config) reads for a
# property the file does not set: not decided here (the code that creates the resource may set it), so neither
# the AWS default nor a finding. Rules see an Unknown; the engine reports no "could not verify" for it.
UNDECIDED = Unknown("not set in this defaults file: the code that creates the resource decides it")


def is_undecided(value) -> bool:
    return isinstance(value, Unknown) and value.reason == UNDECIDED.reason


class ResourceRef(FrozenRecord):
    """`!Ref Id` (attribute None) or `!GetAtt Id.Attribute`."""

    __slots__ = _fields = ("logical_id", "attribute")
    logical_id: str
    attribute: str | None

    def __init__(self, logical_id, attribute=None):
        object.__setattr__(self, "logical_id", logical_id)
        object.__setattr__(self, "attribute", attribute)

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (self.logical_id, self.attribute) == (other.logical_id, other.attribute)

    def __hash__(self):
        return hash((self.logical_id, self.attribute))

    def __str__(self):
        return f"${{{self.logical_id}.{self.attribute}}}" if self.attribute else f"${{{self.logical_id}}}"


class Pseudo(FrozenRecord):
    """A pseudo parameter whose value depends on where the stack is deployed (AWS::Region, AWS::AccountId...)."""

    __slots__ = _fields = ("name",)
    name: str

    def __init__(self, name):
        object.__setattr__(self, "name", name)

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (self.name,) == (other.name,)

    def __hash__(self):
        return hash((self.name,))

    def __str__(self):
        return f"${{{self.name}}}"


class AZ(FrozenRecord):
    """`!Select [index, !GetAZs region]`: a definite but unnamed Availability Zone of the region."""

    __slots__ = _fields = ("index", "region")
    index: int
    region: str

    def __init__(self, index, region=""):
        object.__setattr__(self, "index", index)
        object.__setattr__(self, "region", region)

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (self.index, self.region) == (other.index, other.region)

    def __hash__(self):
        return hash((self.index, self.region))

    def __str__(self):
        return f"<AZ #{self.index} of {self.region or 'the stack region'}>"


class AZList(FrozenRecord):
    """`!GetAZs region`: the region's AZs, unknown in number and name, but distinct by index."""

    __slots__ = _fields = ("region",)
    region: str

    def __init__(self, region=""):
        object.__setattr__(self, "region", region)

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (self.region,) == (other.region,)

    def __hash__(self):
        return hash((self.region,))


class Composite(FrozenRecord):
    """A string made of literal text and symbolic parts."""

    __slots__ = _fields = ("parts",)
    parts: tuple

    def __init__(self, parts):
        object.__setattr__(self, "parts", parts)

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (self.parts,) == (other.parts,)

    def __hash__(self):
        return hash((self.parts,))

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

"""Comparing names that are built, not written: `!Sub ${ModelName}-prd-${TrainJobId}` in an Endpoint's
`EndpointName` and in a ScalableTarget's ResourceId name the same endpoint, whatever the parameters' values.

`name_key(value)` renders a resolved name to a comparison key: literal text, pseudo parameters and resource
references as `${...}`, and *identifying* unknowns — a parameter without default, an import — as
`<reason>`, because the same parameter has the same value everywhere in one stack. Two equal keys are the
same name. Unequal keys prove nothing when either holds an unknown part (`ModelName` might make them equal);
`has_unknown` tells callers when a non-match must be treated as unknown rather than as a mismatch.
"""

from __future__ import annotations

from mlcheck.model.values import Composite, Pseudo, ResourceRef, Unknown


def identifying(unknown: Unknown) -> bool:
    """An unknown that stands for one value throughout the template."""
    return unknown.reason.startswith(("parameter '", "Fn::ImportValue "))


def name_key(value) -> str | None:
    """A comparison key for a resolved name; None when it cannot be compared (a non-identifying unknown,
    a list, ...)."""
    if isinstance(value, str):
        return value
    parts = value.parts if isinstance(value, Composite) else (value,)
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, (Pseudo, ResourceRef)):
            out.append(str(part))
        elif isinstance(part, Unknown) and identifying(part):
            out.append(f"<{part.reason}>")
        else:
            return None
    return "".join(out)


def has_unknown(value) -> bool:
    if isinstance(value, Unknown):
        return True
    return isinstance(value, Composite) and value.has_unknown()


def display_name(value) -> str:
    """A readable rendering of a possibly built name: `${ModelVariant}-${ModelName}`."""
    if isinstance(value, str):
        return value
    parts = value.parts if isinstance(value, Composite) else (value,)
    out = []
    for part in parts:
        if isinstance(part, Unknown):
            reason = part.reason
            out.append("${" + reason.split("'")[1] + "}" if reason.startswith("parameter '") else "${?}")
        else:
            out.append(str(part))
    return "".join(out)

"""SageMaker instance types per job kind (hosting, training, processing, transform, notebook), for MLC705.

The data is `mlcheck/data/instance_types.json`, generated from botocore's SageMaker service model by
`tools/gen_instance_types.py` (see there to regenerate); botocore itself is never imported at run time. The file
is read when a rule first asks (a few milliseconds).
"""

from __future__ import annotations

import json
from mlcheck import data
from functools import lru_cache

KINDS = ("hosting", "training", "processing", "transform", "notebook")


@lru_cache(maxsize=1)
def _data() -> dict:
    with open(data.path("instance_types.json"), encoding="utf-8") as handle:
        return json.load(handle)


def source() -> str:
    """Where the lists come from, e.g. 'botocore 1.44.8' (named in messages: enums grow with new types)."""
    return _data().get("source", "?")


@lru_cache(maxsize=None)
def types_for(kind: str) -> frozenset:
    return frozenset(_data()["kinds"].get(kind, "").split())


def kinds_offering(instance_type: str) -> list:
    """The job kinds whose list has the type (in KINDS order)."""
    return [kind for kind in KINDS if instance_type in types_for(kind)]


def suggestion(instance_type: str, kind: str) -> str | None:
    """The type of that kind the value most likely means: same text in another case, a missing `ml.` prefix,
    or the closest spelling."""
    known = types_for(kind)
    text = instance_type.strip()
    lowered = text.lower()
    for candidate in (lowered, "ml." + lowered):
        if candidate in known:
            return candidate
    import difflib  # here: only a mistyped instance type needs it

    close = difflib.get_close_matches(lowered, sorted(known), n=1, cutoff=0.8)
    return close[0] if close else None

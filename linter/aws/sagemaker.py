"""SageMaker facts shared by rules: production variants and instance types with local NVMe storage."""

from __future__ import annotations

import re

from mlcheck.util.regex import lazy
from mlcheck.model.values import Unknown

# Instance types with local NVMe instance storage: SageMaker rejects a KmsKeyId for their storage (the
# data is on the instance store, encrypted by the hardware). From the SageMaker docs "Host instance storage
# volumes": the "d" families (c5d, m5d, r5d, ...) and the GPU/Trainium families that ship instance storage.
_NVME = lazy(r"^ml\.(?:[a-z]+\d+[a-z]*d[a-z]*|g4dn|g5|g6|g6e|p3dn|p4d|p4de|p5|p5e|p5en|trn1|trn1n)\.", re.I)


def has_local_nvme(instance_type: str) -> bool:
    return bool(_NVME.match(instance_type))


def variants(view, ctx=None):
    """(index, variant mapping) for each ProductionVariant of an EndpointConfig view. With `ctx`, a variant list
    or a variant that cannot be known (the whole Properties, the list or an item an `Fn::If` left undecided) is
    recorded as unknown for the check, not skipped in silence."""
    items = view.get("ProductionVariants")
    if isinstance(items, Unknown):
        if ctx is not None:
            ctx.unknown(view.path("ProductionVariants"), f"the variants of {view.logical_id}: {items.reason}")
        return
    if isinstance(items, list):
        for i, variant in enumerate(items):
            if isinstance(variant, dict):
                yield i, variant
            elif isinstance(variant, Unknown) and ctx is not None:
                ctx.unknown(view.path("ProductionVariants", i),
                            f"variant {i + 1} of {view.logical_id}: {variant.reason}")


def is_serverless(variant: dict) -> bool:
    return "ServerlessConfig" in variant and "InstanceType" not in variant

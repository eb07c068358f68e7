"""One large instance serves a production variant.

## What it does
Reports an instance-based production variant of an `AWS::SageMaker::EndpointConfig` that runs on a single
instance (`InitialInstanceCount` 1 or missing, with no autoscaling target keeping `MinCapacity` >= 2) of a
large type: size `4xlarge` or bigger, or `metal`. Informational: the fix is usually two or more instances of a
smaller size with the same total capacity.

## Why is this bad?
The whole variant's capacity sits on one machine. When it fails, all of it is gone at once; several smaller
instances spread across Availability Zones lose only a fraction, often for the same price.

## Example
```yaml
      - ModelName: !GetAtt Model.ModelName
        VariantName: AllTraffic
        InstanceType: ml.c5.9xlarge
        InitialInstanceCount: 1
```

## Use instead
```yaml
      - ModelName: !GetAtt Model.ModelName
        VariantName: AllTraffic
        InstanceType: ml.c5.2xlarge
        InitialInstanceCount: 4
```

## References
- [Best practices for deploying models on SageMaker hosting services](https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-best-practices.html)
- [AWS Well-Architected Framework, Reliability pillar](https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/welcome.html)
"""

import re

from mlcheck.aws.autoscaling import capacity, kept_at_two
from mlcheck.util.convert import to_int
from mlcheck.util.regex import lazy
from mlcheck.engine.rule import Hit, Rule
from mlcheck.aws.sagemaker import is_serverless, variants
from mlcheck.model.values import is_symbolic

_SIZE = lazy(r"^ml\.[a-z0-9-]+\.(\d+)xlarge$|^ml\.[a-z0-9-]+\.(metal)$", re.I)
LARGE_FROM = 4  # 4xlarge and up


def is_large(instance_type) -> bool:
    if not isinstance(instance_type, str):
        return False
    match = _SIZE.match(instance_type.strip())
    if not match:
        return False
    if match.group(2) is not None:
        return True
    size = to_int(match.group(1))  # None for a size no instance type has (thousands of digits)
    return size is not None and size >= LARGE_FROM


def check(view, ctx):
    for i, variant in variants(view, ctx):
        if is_serverless(variant):
            continue
        instance_type = variant.get("InstanceType")
        count = variant.get("InitialInstanceCount")
        if is_symbolic(instance_type) or is_symbolic(count):
            ctx.unknown(view.path("ProductionVariants", i), "instance type or count is computed")
            continue
        if not is_large(instance_type):
            continue
        number = capacity(count) if count is not None else 1
        if number is None:
            ctx.unknown(view.path("ProductionVariants", i, "InitialInstanceCount"),
                        "InitialInstanceCount is not a number mlcheck can read")
            continue
        if number != 1:
            continue
        covered, unknown = kept_at_two(ctx, view.resource, variant.get("VariantName"))
        if covered:
            continue
        if unknown:
            ctx.unknown(view.path("ProductionVariants", i), "; ".join(unknown))
            continue
        yield Hit(view.path("ProductionVariants", i, "InstanceType"),
                  f"Variant '{variant.get('VariantName')}' of '{view.logical_id}' runs on one {instance_type}: "
                  "several smaller instances would limit what one failure takes down")


RULE = Rule(
    id="MLC507",
    name="few-large-instances",
    severity="info",
    resource_types=("AWS::SageMaker::EndpointConfig",),
    check=check,
    fix="Serve the variant with two or more instances of a smaller type (same total capacity) across AZs.",
    peers={},
    practice="high-availability",
)

"""Production variant runs on a single instance.

## What it does
Checks every instance-based production variant of an `AWS::SageMaker::EndpointConfig`: it needs an
`InitialInstanceCount` of at least 2, or an Application Auto Scaling target for that variant (matched through
the Endpoint that uses the configuration) that keeps `MinCapacity` at 2 or more. Serverless variants are exempt.

## Why is this bad?
One instance is a single point of failure: when it fails, or while SageMaker replaces it, the endpoint has no
capacity. With two or more instances SageMaker spreads them over Availability Zones.

## Example
```yaml
EndpointConfig:
  Type: AWS::SageMaker::EndpointConfig
  Properties:
    ProductionVariants:
      - ModelName: !GetAtt Model.ModelName
        VariantName: AllTraffic
        InstanceType: ml.m5.large
        InitialInstanceCount: 1
```

## Use instead
```yaml
      - ModelName: !GetAtt Model.ModelName
        VariantName: AllTraffic
        InstanceType: ml.m5.large
        InitialInstanceCount: 2
```

## References
- [Best practices for deploying models on SageMaker hosting services](https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-best-practices.html)
- AWS Security Hub control SageMaker.4
"""

from mlcheck.autoscaling import config_of_endpoint, sagemaker_targets
from mlcheck.rule import Hit, Rule
from mlcheck.sagemaker import is_serverless, variants
from mlcheck.values import Unknown, is_symbolic


def _count(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def check(view, ctx):
    single = []
    for i, variant in variants(view):
        if is_serverless(variant):
            continue
        count = variant.get("InitialInstanceCount")
        if is_symbolic(count):
            ctx.unknown(view.path("ProductionVariants", i, "InitialInstanceCount"),
                        count.reason if isinstance(count, Unknown) else "instance count is computed")
            continue
        number = _count(count) if count is not None else 1
        if number is not None and number < 2:
            single.append((i, variant, number, count is None))
    if not single:
        return
    targets, unknown = sagemaker_targets(ctx)
    for i, variant, number, missing in single:
        name = variant.get("VariantName")
        covered = False
        for target in targets:
            if target.endpoint is None or config_of_endpoint(target.endpoint, ctx) is not view.resource:
                continue
            if target.variant != name:
                continue
            minimum = _count(target.min_capacity)
            if is_symbolic(target.min_capacity):
                unknown.append(f"MinCapacity of {target.resource.logical_id} is unknown")
            elif minimum is not None and minimum >= 2:
                covered = True
        if covered:
            continue
        if unknown:
            ctx.unknown(view.path("ProductionVariants", i), "; ".join(unknown))
            continue
        shown = "no InitialInstanceCount" if missing else f"InitialInstanceCount {number}"
        where = view.path("ProductionVariants", i) if missing else view.path(
            "ProductionVariants", i, "InitialInstanceCount")
        yield Hit(where, f"Variant '{name}' of endpoint configuration '{view.logical_id}' runs on one instance "
                         f"({shown}) and no autoscaling target keeps MinCapacity >= 2")


RULE = Rule(
    id="MLC501",
    name="single-instance-variant",
    severity="medium",
    resource_types=("AWS::SageMaker::EndpointConfig",),
    check=check,
    fix="Set InitialInstanceCount: 2 or more, or add a ScalableTarget for the variant with MinCapacity: 2.",
    peers={"aws": ["SageMaker.4", "sagemaker-endpoint-config-prod-instance-count"]},
    practice="High Availability & Fault Tolerance: Avoid single points of failure. Deploy resources to multiple "
             "locations: Multiple Availability Zones (AZs) to protect against instance/AZ failure.",
)

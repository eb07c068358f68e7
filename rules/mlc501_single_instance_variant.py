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

from mlcheck.aws.autoscaling import capacity, kept_at_two
from mlcheck.model.names import display_name
from mlcheck.engine.rule import Hit, Rule
from mlcheck.aws.sagemaker import is_serverless, variants
from mlcheck.model.values import Unknown, is_symbolic


def check(view, ctx):
    listed = view.get("ProductionVariants")
    if isinstance(listed, Unknown):
        ctx.unknown(view.path("ProductionVariants"), listed.reason)
        return
    for i, variant in variants(view, ctx):
        if is_serverless(variant):
            continue
        count = variant.get("InitialInstanceCount")
        if is_symbolic(count):
            ctx.unknown(view.path("ProductionVariants", i, "InitialInstanceCount"),
                        count.reason if isinstance(count, Unknown) else "instance count is computed")
            continue
        number = capacity(count) if count is not None else 1
        if number is None:
            ctx.unknown(view.path("ProductionVariants", i, "InitialInstanceCount"),
                        "InitialInstanceCount is not a number mlcheck can read")
            continue
        if number >= 2:
            continue
        name = variant.get("VariantName")
        shown_name = f"'{display_name(name)}'"
        covered, unknown = kept_at_two(ctx, view.resource, name)
        if covered:
            continue
        if unknown:
            ctx.unknown(view.path("ProductionVariants", i), "; ".join(unknown))
            continue
        missing = count is None
        shown = "no InitialInstanceCount" if missing else f"InitialInstanceCount {number}"
        where = view.path("ProductionVariants", i) if missing else view.path(
            "ProductionVariants", i, "InitialInstanceCount")
        yield Hit(where, f"Variant {shown_name} of endpoint configuration '{view.logical_id}' runs on one instance "
                         f"({shown}) and no autoscaling target keeps MinCapacity >= 2")


RULE = Rule(
    id="MLC501",
    name="single-instance-variant",
    severity="medium",
    resource_types=("AWS::SageMaker::EndpointConfig",),
    check=check,
    fix="Set InitialInstanceCount: 2 or more, or add a ScalableTarget for the variant with MinCapacity: 2.",
    peers={"aws": ["SageMaker.4", "sagemaker-endpoint-config-prod-instance-count"]},
    practice="high-availability",
)

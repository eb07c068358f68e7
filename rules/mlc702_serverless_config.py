"""Serverless variant is configured in a way SageMaker rejects.

## What it does
Checks every production and shadow variant of an `AWS::SageMaker::EndpointConfig` (and CreateEndpointConfig
request) that has a `ServerlessConfig`:
- the variant also sets `InstanceType` or `InitialInstanceCount` (a variant is serverless or instance-based,
  not both);
- `MemorySizeInMB` is not one of 1024, 2048, 3072, 4096, 5120, 6144;
- `MaxConcurrency` is not 1–200, or `ProvisionedConcurrency` is not 1–200 or exceeds `MaxConcurrency`.

A value that cannot be resolved is unknown, and so is one that is not a plain number (that is a schema error,
reported by CloudFormation's own validation).

## Why is this bad?
CloudFormation creates the configuration only when the endpoint is deployed, so these mistakes surface as a
failed stack update (and a rollback) instead of in review.

## Example
```yaml
      - ModelName: !GetAtt Model.ModelName
        VariantName: AllTraffic
        InstanceType: ml.m5.large
        ServerlessConfig:
          MemorySizeInMB: 1500
          MaxConcurrency: 500
```

## Use instead
```yaml
      - ModelName: !GetAtt Model.ModelName
        VariantName: AllTraffic
        ServerlessConfig:
          MemorySizeInMB: 2048
          MaxConcurrency: 50
```

## References
- [Deploy models with Amazon SageMaker Serverless Inference](https://docs.aws.amazon.com/sagemaker/latest/dg/serverless-endpoints.html)
- [ProductionVariantServerlessConfig API reference](https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariantServerlessConfig.html)
"""

from mlcheck.util.convert import to_number
from mlcheck.aws.hosting import shown, unknown_reason, variant_entries
from mlcheck.model.names import display_name
from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.values import Unknown, is_symbolic

MEMORY_SIZES = (1024, 2048, 3072, 4096, 5120, 6144)  # ServerlessMemorySizeInMB: 1 GB steps
CONCURRENCY = (1, 200)  # ServerlessMaxConcurrency and ServerlessProvisionedConcurrency bounds
INSTANCE_KEYS = ("InstanceType", "InitialInstanceCount")


def _read(ctx, path, raw):
    """A known number, or None (recorded as unknown when present)."""
    if raw is None:
        return None
    value = to_number(raw)
    if value is None:
        ctx.unknown(path, unknown_reason(raw, "the value") if is_symbolic(raw) else f"{raw!r} is not a number")
    return value


def check(view, ctx):
    for key, i, variant in variant_entries(view):
        config = variant.get("ServerlessConfig")
        if config is None:
            continue
        base = (key, i)
        if isinstance(config, Unknown):
            ctx.unknown(view.path(*base, "ServerlessConfig"), config.reason)
            continue
        name = display_name(variant.get("VariantName", f"variant {i + 1}"))
        what = f"{'Shadow variant' if key.startswith('Shadow') else 'Variant'} '{name}' of '{view.logical_id}'"
        mixed = [k for k in INSTANCE_KEYS if k in variant]
        if mixed:
            yield Hit(view.path(*base, mixed[0]),
                      f"{what} sets ServerlessConfig and {' and '.join(mixed)}: a variant is either serverless or "
                      "instance-based, and SageMaker rejects both")
        if not isinstance(config, dict):
            continue
        path = view.path(*base, "ServerlessConfig")
        memory = _read(ctx, path + ("MemorySizeInMB",), config.get("MemorySizeInMB"))
        if memory is not None and memory not in MEMORY_SIZES:
            yield Hit(path + ("MemorySizeInMB",),
                      f"{what} asks for MemorySizeInMB {shown(memory)}: serverless memory is 1024 to 6144 MB in "
                      "steps of 1024")
        maximum = _read(ctx, path + ("MaxConcurrency",), config.get("MaxConcurrency"))
        low, high = CONCURRENCY
        if maximum is not None and not (low <= maximum <= high and float(maximum).is_integer()):
            yield Hit(path + ("MaxConcurrency",),
                      f"{what} has MaxConcurrency {shown(maximum)}: it must be a whole number from {low} to {high}")
        provisioned = _read(ctx, path + ("ProvisionedConcurrency",), config.get("ProvisionedConcurrency"))
        if provisioned is None:
            continue
        if not (low <= provisioned <= high and float(provisioned).is_integer()):
            yield Hit(path + ("ProvisionedConcurrency",),
                      f"{what} has ProvisionedConcurrency {shown(provisioned)}: it must be a whole number from "
                      f"{low} to {high}")
        elif maximum is not None and provisioned > maximum:
            yield Hit(path + ("ProvisionedConcurrency",),
                      f"{what} has ProvisionedConcurrency {shown(provisioned)} above its MaxConcurrency "
                      f"{shown(maximum)}")


RULE = Rule(
    id="MLC702",
    name="serverless-config",
    severity="high",
    resource_types=("AWS::SageMaker::EndpointConfig",),
    check=check,
    fix="Give a serverless variant only ServerlessConfig (no InstanceType/InitialInstanceCount), MemorySizeInMB "
        "1024-6144 in steps of 1024, MaxConcurrency 1-200 and ProvisionedConcurrency <= MaxConcurrency.",
    practice="serverless-inference",
)

"""Production variants would misroute traffic: repeated names, a negative weight, or all weights zero.

## What it does
Checks the `ProductionVariants` of every `AWS::SageMaker::EndpointConfig` (and CreateEndpointConfig request):
- two variants with the same `VariantName` (names built from the same parameter count as the same);
- an `InitialVariantWeight` below 0;
- every weight 0 (a missing weight is AWS's default, 1).

The message states the traffic split the weights give (e.g. "Blue 80% / Green 20%"), so a reviewer sees at
once what the endpoint would do. A weight or name that cannot be resolved is unknown: it is neither counted as
zero nor as a repeat. Shadow variants are MLC708's subject.

## Why is this bad?
SageMaker routes each request to a variant in proportion to its weight. Repeated names or a negative weight are
rejected when the endpoint is created; weights that are all zero leave no variant to take traffic, so every
invocation fails until someone updates the weights. The split is how A/B tests and canaries are run, so a wrong
one sends real traffic to the wrong model.

## Example
```yaml
EndpointConfig:
  Type: AWS::SageMaker::EndpointConfig
  Properties:
    ProductionVariants:
      - {ModelName: !GetAtt Blue.ModelName, VariantName: Blue, InstanceType: ml.m5.large,
         InitialInstanceCount: 2, InitialVariantWeight: 0}
      - {ModelName: !GetAtt Green.ModelName, VariantName: Blue, InstanceType: ml.m5.large,
         InitialInstanceCount: 2, InitialVariantWeight: 0}
```

## Use instead
```yaml
    ProductionVariants:
      - {ModelName: !GetAtt Blue.ModelName, VariantName: Blue, InstanceType: ml.m5.large,
         InitialInstanceCount: 2, InitialVariantWeight: 0.8}
      - {ModelName: !GetAtt Green.ModelName, VariantName: Green, InstanceType: ml.m5.large,
         InitialInstanceCount: 2, InitialVariantWeight: 0.2}
```

## References
- [Test models in production (production variants)](https://docs.aws.amazon.com/sagemaker/latest/dg/model-ab-testing.html)
- [ProductionVariant API reference](https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html)
"""

from mlcheck.util.convert import to_number
from mlcheck.aws.hosting import shown, unknown_reason, variant_entries
from mlcheck.model.names import display_name, has_unknown, name_key
from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.values import Unknown, is_symbolic

DEFAULT_WEIGHT = 1.0  # AWS's default InitialVariantWeight


def _split(names, weights) -> str:
    """'split: Blue 80% / Green 20%' (or the raw weights when they give no split)."""
    total = sum(weights)
    if total <= 0 or any(w < 0 for w in weights):
        return "weights: " + " / ".join(f"{n} {shown(w)}" for n, w in zip(names, weights))
    return "split: " + " / ".join(f"{n} {shown(round(100 * w / total, 1))}%" for n, w in zip(names, weights))


def check(view, ctx):
    listed = view.get("ProductionVariants")
    if isinstance(listed, Unknown):
        ctx.unknown(view.path("ProductionVariants"), listed.reason)
        return
    entries = list(variant_entries(view, ("ProductionVariants",)))
    if not entries:
        return
    names, weights, unknown_weight = [], [], False
    for _, i, variant in entries:
        names.append(display_name(variant.get("VariantName", f"variant {i + 1}")))
        raw = variant.get("InitialVariantWeight", DEFAULT_WEIGHT)
        weight = to_number(raw)
        if weight is None:
            ctx.unknown(view.path("ProductionVariants", i, "InitialVariantWeight"),
                        unknown_reason(raw, "the weight") if is_symbolic(raw) else f"weight {raw!r} is not a number")
            unknown_weight = True
        weights.append(weight)
    split = "" if unknown_weight else f" ({_split(names, weights)})"

    seen: dict = {}
    for (_, i, variant), name in zip(entries, names):
        value = variant.get("VariantName")
        key = name_key(value) if value is not None else None
        if key is None:
            if value is not None:
                ctx.unknown(view.path("ProductionVariants", i, "VariantName"), unknown_reason(value, "the name"))
            continue
        if key in seen:
            yield Hit(view.path("ProductionVariants", i, "VariantName"),
                      f"Endpoint configuration '{view.logical_id}' has two production variants named '{name}' "
                      f"(variants {seen[key] + 1} and {i + 1}): SageMaker rejects it{split}")
        else:
            seen[key] = i
            if has_unknown(value) and len(entries) > 1:  # a parameter's value may equal another variant's name
                ctx.unknown(view.path("ProductionVariants", i, "VariantName"), "the name may repeat another's")
    for (_, i, variant), name, weight in zip(entries, names, weights):
        if weight is not None and weight < 0:
            yield Hit(view.path("ProductionVariants", i, "InitialVariantWeight"),
                      f"Variant '{name}' of endpoint configuration '{view.logical_id}' has a negative weight "
                      f"{shown(weight)}: SageMaker rejects it{split}")
    if not unknown_weight and all(w == 0 for w in weights):
        yield Hit(view.path("ProductionVariants"),
                  f"Every production variant of endpoint configuration '{view.logical_id}' has weight 0, so no "
                  f"variant receives traffic{split}")


RULE = Rule(
    id="MLC701",
    name="variant-weights",
    severity="high",
    resource_types=("AWS::SageMaker::EndpointConfig",),
    check=check,
    fix="Give every production variant a unique VariantName and an InitialVariantWeight >= 0, at least one "
        "above 0, in the proportions you mean to split traffic.",
    practice="production-variants",
)

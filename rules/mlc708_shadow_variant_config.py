"""Shadow variant is configured in a way SageMaker rejects.

## What it does
Checks the `ShadowProductionVariants` of every `AWS::SageMaker::EndpointConfig` (and CreateEndpointConfig
request):
- a shadow variant's `VariantName` repeats a production variant's (names built from the same parameter count
  as the same);
- more than one shadow variant, or more than one production variant beside a shadow one (the API takes exactly
  one of each in shadow mode);
- a shadow test on serverless: a production or shadow variant has a `ServerlessConfig` (shadow variants need
  instance-based hosting).

Values that cannot be resolved are unknown.

## Why is this bad?
A shadow test replays production traffic to a candidate model. An endpoint configuration SageMaker rejects fails
the deployment; and a candidate that shares its name with the production variant cannot be told apart in the
metrics that the test is run for.

## Example
```yaml
    ProductionVariants:
      - {ModelName: !GetAtt Current.ModelName, VariantName: Prod, InstanceType: ml.m5.large,
         InitialInstanceCount: 2}
    ShadowProductionVariants:
      - {ModelName: !GetAtt Candidate.ModelName, VariantName: Prod, InstanceType: ml.m5.large,
         InitialInstanceCount: 1}
```

## Use instead
```yaml
    ShadowProductionVariants:
      - {ModelName: !GetAtt Candidate.ModelName, VariantName: Candidate, InstanceType: ml.m5.large,
         InitialInstanceCount: 1}
```

## References
- [Shadow tests](https://docs.aws.amazon.com/sagemaker/latest/dg/shadow-tests.html)
- [CreateEndpointConfig: ShadowProductionVariants](https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html)
"""

from mlcheck.aws.hosting import serverless_state, variant_entries
from mlcheck.model.names import display_name, has_unknown, name_key
from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.values import Unknown

SHADOW = "ShadowProductionVariants"


def check(view, ctx):
    shadows = view.get(SHADOW)
    if isinstance(shadows, Unknown):
        ctx.unknown(view.path(SHADOW), shadows.reason)
        return
    if not isinstance(shadows, list) or not shadows:
        return
    production = [(i, v) for _, i, v in variant_entries(view, ("ProductionVariants",))]
    if len(shadows) > 1:
        yield Hit(view.path(SHADOW, 1), f"Endpoint configuration '{view.logical_id}' has {len(shadows)} shadow "
                                        "variants: SageMaker takes one")
    if len(production) > 1:
        yield Hit(view.path("ProductionVariants", production[1][0]),
                  f"Endpoint configuration '{view.logical_id}' has {len(production)} production variants beside a "
                  "shadow variant: in shadow mode SageMaker takes one of each")
    names = {}
    for i, variant in production:
        key = name_key(variant.get("VariantName")) if "VariantName" in variant else None
        if key is not None:
            names[key] = variant.get("VariantName")
    for _, i, shadow in variant_entries(view, (SHADOW,)):
        value = shadow.get("VariantName")
        if value is None:
            continue
        key = name_key(value)
        if key is not None and key in names:
            yield Hit(view.path(SHADOW, i, "VariantName"),
                      f"Shadow variant '{display_name(value)}' of '{view.logical_id}' has the name of a production "
                      "variant: SageMaker rejects it, and the test's metrics could not be told apart")
        elif key is None or has_unknown(value) or any(has_unknown(v) for v in names.values()):
            ctx.unknown(view.path(SHADOW, i, "VariantName"), "variant names cannot all be resolved")
    for key, i, variant in variant_entries(view):
        state = serverless_state(variant)
        if state is None:
            ctx.unknown(view.path(key, i, "ServerlessConfig"), "whether the variant is serverless is not known")
        elif state:
            yield Hit(view.path(key, i, "ServerlessConfig"),
                      f"Endpoint configuration '{view.logical_id}' runs a shadow test with a serverless "
                      f"{'shadow ' if key == SHADOW else 'production '}variant: shadow variants need "
                      "instance-based hosting")


RULE = Rule(
    id="MLC708",
    name="shadow-variant-config",
    severity="high",
    resource_types=("AWS::SageMaker::EndpointConfig",),
    check=check,
    fix="Use one production and one shadow variant, both instance-based, with different VariantNames.",
    practice="production-variants",
)

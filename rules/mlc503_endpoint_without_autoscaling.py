"""Endpoint variant has no autoscaling target.

## What it does
For every `AWS::SageMaker::Endpoint`, follows `EndpointConfigName` to the template's `EndpointConfig` and
checks that each instance-based production variant is scaled by an
`AWS::ApplicationAutoScaling::ScalableTarget` (ServiceNamespace `sagemaker`, ResourceId
`endpoint/<endpoint name>/variant/<variant name>` written literally, with `!Sub` and
`${Endpoint.EndpointName}`, or with `!Join`). Serverless variants scale on their own and are exempt. An
endpoint configuration from outside the template, variants that cannot be known (a whole `Properties` or
variant list given as an `Fn::If` mlcheck could not decide), or a target whose ResourceId cannot be resolved,
makes the result unknown (`--show-unknown` lists it). A configuration or target that exists only under a
`Condition` is checked on each branch, and a finding names the branch it holds on.

## Why is this bad?
Without autoscaling, the instance count chosen at deployment is the capacity forever: a traffic peak causes
throttling and latency, and a failed instance is not compensated by scaling out.

## Example
```yaml
Endpoint:
  Type: AWS::SageMaker::Endpoint
  Properties:
    EndpointConfigName: !GetAtt EndpointConfig.EndpointConfigName
```

## Use instead
```yaml
ScalableTarget:
  Type: AWS::ApplicationAutoScaling::ScalableTarget
  Properties:
    ServiceNamespace: sagemaker
    ScalableDimension: sagemaker:variant:DesiredInstanceCount
    ResourceId: !Sub endpoint/${Endpoint.EndpointName}/variant/AllTraffic
    MinCapacity: 2
    MaxCapacity: 6
```

## References
- [Automatic scaling of Amazon SageMaker models](https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling.html)
"""

from mlcheck.aws.autoscaling import ENDPOINT, config_of_endpoint, targets_for_variant
from mlcheck.model.names import display_name
from mlcheck.engine.rule import Hit, Rule
from mlcheck.aws.sagemaker import is_serverless, variants
from mlcheck.model.values import Unknown


def check(view, ctx):
    config = config_of_endpoint(view.resource, ctx)
    path = view.path("EndpointConfigName")
    if config is None:
        value = view.get("EndpointConfigName")
        ctx.unknown(path, value.reason if isinstance(value, Unknown)
                    else "the endpoint configuration is not defined in this template")
        return
    unscaled, reasons = [], []
    for _, variant in variants(ctx.view(config), ctx):
        if is_serverless(variant):
            continue
        name = variant.get("VariantName")
        targets, unknown = targets_for_variant(ctx, view.resource, name)
        if not targets:
            unscaled.append(display_name(name))
            reasons.extend(unknown)
    if not unscaled:
        return
    if reasons:
        ctx.unknown(path, "; ".join(dict.fromkeys(reasons)))
        return
    listed = ", ".join(f"'{n}'" for n in unscaled)
    yield Hit(path, f"Endpoint '{view.logical_id}' has no autoscaling target for variant{'s' if len(unscaled) > 1 else ''} "
                    f"{listed} of '{config.logical_id}'")


RULE = Rule(
    id="MLC503",
    name="endpoint-without-autoscaling",
    severity="low",
    resource_types=(ENDPOINT,),
    check=check,
    fix="Add an AWS::ApplicationAutoScaling::ScalableTarget per variant (ResourceId endpoint/<name>/variant/<variant>) "
        "and a target-tracking policy on SageMakerVariantInvocationsPerInstance.",
    peers={},
    practice="endpoint-autoscaling",
)

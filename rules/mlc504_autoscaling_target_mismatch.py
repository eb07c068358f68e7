"""Autoscaling target names no endpoint variant of the template, or is inconsistent.

## What it does
For every `AWS::ApplicationAutoScaling::ScalableTarget` with `ServiceNamespace: sagemaker` whose ResourceId has
the form `endpoint/<endpoint>/variant/<variant>` (literal, `!Sub`, `!Join`), reports:
- an endpoint part that names no `AWS::SageMaker::Endpoint` of the template (by `EndpointName` or
  `${Endpoint.EndpointName}`), or that uses `${Endpoint}` / `!Ref Endpoint`, which returns the endpoint's ARN,
  not its name;
- a variant part that is not a `VariantName` of the endpoint's configuration;
- a `ScalableDimension` other than `sagemaker:variant:DesiredInstanceCount` (or
  `sagemaker:variant:DesiredProvisionedConcurrency` for serverless variants);
- `MinCapacity` greater than `MaxCapacity`.
A literal endpoint name in a template without endpoints (the endpoint belongs to another stack) and values
that cannot be resolved are unknown, never reported.

## Why is this bad?
Application Auto Scaling validates the ResourceId only when the stack is deployed: a typo in the variant name
fails the deployment, or — when the name matches another stack's endpoint — scales the wrong endpoint while
the intended one keeps its initial capacity.

## Example
```yaml
ScalableTarget:
  Type: AWS::ApplicationAutoScaling::ScalableTarget
  Properties:
    ServiceNamespace: sagemaker
    ScalableDimension: sagemaker:variant:DesiredInstanceCount
    ResourceId: !Sub endpoint/${Endpoint.EndpointName}/variant/Primary   # the variant is called AllTraffic
    MinCapacity: 2
    MaxCapacity: 4
```

## Use instead
```yaml
    ResourceId: !Sub endpoint/${Endpoint.EndpointName}/variant/AllTraffic
```

## References
- [Register a model (ScalableTarget ResourceId format)](https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-add-code-register.html)
- [AWS::SageMaker::Endpoint return values (Ref returns the ARN)](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sagemaker-endpoint.html)
"""

from mlcheck.aws.autoscaling import (
    ENDPOINT,
    SCALABLE_TARGET,
    VARIANT_DIMENSIONS,
    capacity,
    config_of_endpoint,
    endpoint_match,
    split_resource_id,
)
from mlcheck.model.names import display_name, has_unknown, name_key
from mlcheck.engine.rule import Hit, Rule
from mlcheck.aws.sagemaker import variants
from mlcheck.model.values import Composite, ResourceRef, Unknown, is_symbolic


def _reason(value, what):
    return value.reason if isinstance(value, Unknown) else f"{what} is computed"


def _endpoint(view, ctx, part):
    """(endpoint Resource or None, Hit or None)."""
    path = view.path("ResourceId")
    if isinstance(part, Composite) and len(part.parts) == 1:
        part = part.parts[0]
    if isinstance(part, ResourceRef):
        resource = ctx.graph.template.resources.get(part.logical_id)
        if resource is None or resource.type != ENDPOINT:
            return None, Hit(path, f"ScalableTarget '{view.logical_id}' names '{part.logical_id}' as its endpoint, "
                                   "which is not an AWS::SageMaker::Endpoint")
        if part.attribute is None:
            return None, Hit(path, f"ScalableTarget '{view.logical_id}' uses Ref {part.logical_id} in its "
                                   "ResourceId, which returns the endpoint ARN, not its name",
                             f"Use ${{{part.logical_id}.EndpointName}} (!GetAtt {part.logical_id}.EndpointName).")
        if part.attribute != "EndpointName":
            return None, Hit(path, f"ScalableTarget '{view.logical_id}' uses {part.logical_id}.{part.attribute} in "
                                   "its ResourceId where the endpoint name is needed")
        return resource, None
    endpoint, reason = endpoint_match(part, ctx)
    if endpoint is not None:
        return endpoint, None
    if reason:
        ctx.unknown(path, reason)
        return None, None
    if not ctx.graph.of_type(ENDPOINT):
        ctx.unknown(path, f"endpoint '{display_name(part)}' is not defined in this template")
        return None, None
    return None, Hit(path, f"ScalableTarget '{view.logical_id}' scales endpoint '{display_name(part)}', which is "
                           "not an endpoint of this template")


def check(view, ctx):
    namespace = view.get("ServiceNamespace")
    if is_symbolic(namespace):
        ctx.unknown(view.path("ServiceNamespace"), _reason(namespace, "ServiceNamespace"))
        return
    if namespace != "sagemaker":
        return
    resource_id = view.get("ResourceId")
    split = split_resource_id(resource_id)
    if isinstance(split, Unknown):
        ctx.unknown(view.path("ResourceId"), split.reason)
    elif split is None:
        text = resource_id.text() if isinstance(resource_id, Composite) else resource_id
        if isinstance(text, str) and text.startswith("endpoint/"):
            yield Hit(view.path("ResourceId"), f"ScalableTarget '{view.logical_id}' has a ResourceId that is not "
                                               "of the form endpoint/<endpoint name>/variant/<variant name>")
    else:
        endpoint_part, variant = split
        endpoint, hit = _endpoint(view, ctx, endpoint_part)
        if hit:
            yield hit
        if endpoint is not None:
            yield from _check_variant(view, ctx, endpoint, variant)
        dimension = view.get("ScalableDimension")
        if is_symbolic(dimension):
            ctx.unknown(view.path("ScalableDimension"), _reason(dimension, "ScalableDimension"))
        elif dimension not in VARIANT_DIMENSIONS:
            yield Hit(view.path("ScalableDimension"),
                      f"ScalableTarget '{view.logical_id}' scales a variant but "
                      + ("sets no ScalableDimension (sagemaker:variant:DesiredInstanceCount is needed)"
                         if dimension is None else
                         f"its ScalableDimension is {dimension}, not sagemaker:variant:DesiredInstanceCount"))
    low, high = view.get("MinCapacity"), view.get("MaxCapacity")
    if is_symbolic(low) or is_symbolic(high):
        ctx.unknown(view.path("MinCapacity"), "MinCapacity or MaxCapacity is computed")
        return
    if any(v is not None and capacity(v) is None for v in (low, high)):
        ctx.unknown(view.path("MinCapacity"), "MinCapacity or MaxCapacity is not a number mlcheck can read")
        return
    low, high = capacity(low), capacity(high)
    if low is not None and high is not None and low > high:
        yield Hit(view.path("MinCapacity"),
                  f"ScalableTarget '{view.logical_id}' has MinCapacity {low} greater than MaxCapacity {high}")


def _check_variant(view, ctx, endpoint, variant):
    path = view.path("ResourceId")
    config = config_of_endpoint(endpoint, ctx)
    if config is None:
        ctx.unknown(path, f"the configuration of endpoint {endpoint.logical_id} is not defined in this template")
        return
    names = [item.get("VariantName") for _, item in variants(ctx.view(config), ctx)]
    key = name_key(variant)
    if key is not None and key in {name_key(n) for n in names}:
        return
    if key is None or has_unknown(variant) or any(name_key(n) is None or has_unknown(n) for n in names):
        ctx.unknown(path, f"variant '{display_name(variant)}' cannot be compared with the variants of "
                          f"{config.logical_id}")
        return
    known = ", ".join(display_name(n) for n in names) or "none"
    yield Hit(path, f"ScalableTarget '{view.logical_id}' scales variant '{display_name(variant)}' of endpoint "
                    f"'{endpoint.logical_id}', but its configuration '{config.logical_id}' has no such variant "
                    f"(variants: {known})")


RULE = Rule(
    id="MLC504",
    name="autoscaling-target-mismatch",
    severity="high",
    resource_types=(SCALABLE_TARGET,),
    check=check,
    fix="Write ResourceId as !Sub endpoint/${Endpoint.EndpointName}/variant/<VariantName of the config>, "
        "ScalableDimension sagemaker:variant:DesiredInstanceCount, and MinCapacity <= MaxCapacity.",
    peers={},
    practice="endpoint-autoscaling",
)

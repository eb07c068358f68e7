"""SageMaker autoscaling target has no target-tracking policy on invocations.

## What it does
For every `AWS::ApplicationAutoScaling::ScalableTarget` with `ServiceNamespace: sagemaker`, finds its
`AWS::ApplicationAutoScaling::ScalingPolicy`s — linked by `ScalingTargetId` (`!Ref Target`) or by the same
`ResourceId` and `ScalableDimension` — and reports the target when none is a `TargetTrackingScaling` policy
tracking `SageMakerVariantInvocationsPerInstance`, another SageMaker request-based predefined metric
(`SageMakerVariantConcurrentRequestsPerModelHighResolution`, `SageMakerVariantProvisionedConcurrencyUtilization`,
`SageMakerInferenceComponentInvocationsPerCopy`, ...) or a customized metric. A policy whose link cannot be
resolved makes the result unknown.

## Why is this bad?
A target without a policy never scales: it only pins the capacity between MinCapacity and MaxCapacity. Step
scaling on CPU reacts late to inference load; tracking invocations per instance scales with the traffic the
model actually serves.

## Example
```yaml
ScalableTarget:
  Type: AWS::ApplicationAutoScaling::ScalableTarget
  Properties:
    ServiceNamespace: sagemaker
    ScalableDimension: sagemaker:variant:DesiredInstanceCount
    ResourceId: !Sub endpoint/${Endpoint.EndpointName}/variant/AllTraffic
    MinCapacity: 2
    MaxCapacity: 6
# no ScalingPolicy
```

## Use instead
```yaml
ScalingPolicy:
  Type: AWS::ApplicationAutoScaling::ScalingPolicy
  Properties:
    PolicyName: invocations
    PolicyType: TargetTrackingScaling
    ScalingTargetId: !Ref ScalableTarget
    TargetTrackingScalingPolicyConfiguration:
      TargetValue: 70
      PredefinedMetricSpecification:
        PredefinedMetricType: SageMakerVariantInvocationsPerInstance
```

## References
- [Define a target-tracking scaling policy](https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-add-code-define.html)
"""

from mlcheck.aws.autoscaling import SCALABLE_TARGET, policies_for_target
from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.values import Unknown, is_symbolic


def _tracks_requests(policy_view):
    """True/False, or an Unknown when the policy's type or metric cannot be known."""
    kind = policy_view.get("PolicyType")
    if is_symbolic(kind):
        return Unknown("PolicyType is computed")
    if kind != "TargetTrackingScaling":
        return False
    config = policy_view.get("TargetTrackingScalingPolicyConfiguration")
    if isinstance(config, Unknown):
        return config
    if not isinstance(config, dict):
        return False
    if config.get("CustomizedMetricSpecification") is not None:
        return True
    metric = (config.get("PredefinedMetricSpecification") or {})
    metric = metric.get("PredefinedMetricType") if isinstance(metric, dict) else metric
    if is_symbolic(metric):
        return Unknown("PredefinedMetricType is computed")
    return isinstance(metric, str) and metric.startswith("SageMaker")


def check(view, ctx):
    namespace = view.get("ServiceNamespace")
    if is_symbolic(namespace):
        ctx.unknown(view.path("ServiceNamespace"), "ServiceNamespace is computed")
        return
    if namespace != "sagemaker":
        return
    policies, unknown = policies_for_target(ctx, view.resource)
    reasons = list(unknown)
    for policy in policies:
        result = _tracks_requests(ctx.view(policy))
        if isinstance(result, Unknown):
            reasons.append(f"{policy.logical_id}: {result.reason}")
        elif result:
            return
    if reasons:
        ctx.unknown(view.resource.path, "; ".join(reasons))
        return
    if policies:
        names = ", ".join(p.logical_id for p in policies)
        message = (f"ScalableTarget '{view.logical_id}' has no target-tracking policy on "
                   f"SageMakerVariantInvocationsPerInstance or a custom metric (policies: {names})")
    else:
        message = f"ScalableTarget '{view.logical_id}' has no scaling policy: it never scales"
    yield Hit(view.resource.path + ("Type",), message)


RULE = Rule(
    id="MLC506",
    name="scaling-policy-metric",
    severity="low",
    resource_types=(SCALABLE_TARGET,),
    check=check,
    fix="Add a TargetTrackingScaling ScalingPolicy (ScalingTargetId: !Ref the target) on "
        "SageMakerVariantInvocationsPerInstance.",
    peers={},
    practice="endpoint-autoscaling",
)

"""SageMaker autoscaling target can scale a variant down to one instance.

## What it does
Checks every `AWS::ApplicationAutoScaling::ScalableTarget` with `ServiceNamespace: sagemaker` that scales
instances (`ScalableDimension: sagemaker:variant:DesiredInstanceCount`): its `MinCapacity` must be at least 2.
Targets on provisioned concurrency of serverless variants and on inference components are not about
instances and are skipped.

## Why is this bad?
Autoscaling lowers capacity to `MinCapacity` whenever traffic is quiet. At 1, the endpoint regularly runs on a
single instance — a single point of failure, in a single Availability Zone — however well it scales out under
load.

## Example
```yaml
ScalableTarget:
  Type: AWS::ApplicationAutoScaling::ScalableTarget
  Properties:
    ServiceNamespace: sagemaker
    ScalableDimension: sagemaker:variant:DesiredInstanceCount
    ResourceId: !Sub endpoint/${Endpoint.EndpointName}/variant/AllTraffic
    MinCapacity: 1
    MaxCapacity: 4
```

## Use instead
```yaml
    MinCapacity: 2
    MaxCapacity: 4
```

## References
- [Best practices for deploying models on SageMaker hosting services](https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-best-practices.html)
"""

from mlcheck.aws.autoscaling import INSTANCE_DIMENSION, SCALABLE_TARGET, capacity
from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.values import Unknown, is_symbolic


def _reason(value, what):
    return value.reason if isinstance(value, Unknown) else f"{what} is computed"


def check(view, ctx):
    namespace, dimension = view.get("ServiceNamespace"), view.get("ScalableDimension")
    for key, value in (("ServiceNamespace", namespace), ("ScalableDimension", dimension)):
        if is_symbolic(value):
            ctx.unknown(view.path(key), _reason(value, key))
            return
    if namespace != "sagemaker" or dimension != INSTANCE_DIMENSION:
        return
    minimum = view.get("MinCapacity")
    if is_symbolic(minimum):
        ctx.unknown(view.path("MinCapacity"), _reason(minimum, "MinCapacity"))
        return
    number = capacity(minimum)
    if number is None and minimum is not None:
        ctx.unknown(view.path("MinCapacity"), "MinCapacity is not a number mlcheck can read")
    if number is not None and number < 2:
        yield Hit(view.path("MinCapacity"), f"ScalableTarget '{view.logical_id}' lets the variant scale down to "
                                            f"{number} instance{'s' if number != 1 else ''} (MinCapacity {number})")


RULE = Rule(
    id="MLC505",
    name="autoscaling-min-capacity",
    severity="medium",
    resource_types=(SCALABLE_TARGET,),
    check=check,
    fix="Set MinCapacity: 2 or more so the variant always runs on instances in two Availability Zones.",
    peers={},
    practice="high-availability",
)

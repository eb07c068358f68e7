"""CloudWatch alarm notifies nobody.

## What it does
Checks that every `AWS::CloudWatch::Alarm` and `AWS::CloudWatch::CompositeAlarm` has `AlarmActions` and does
not set `ActionsEnabled: false` (left out, AWS's default is true). An alarm that another resource of the
template acts on is exempt: one named in a composite alarm's `AlarmRule`, in an endpoint's
`DeploymentConfig.AutoRollbackConfiguration`, in a CodeDeploy deployment group's `AlarmConfiguration` or a
SAM function's `DeploymentPreference`, or matched by an EventBridge rule's `EventPattern` (a rule on every
alarm's state changes exempts them all).
`OKActions` and `InsufficientDataActions` alone do not count: they say nothing when the alarm fires. Values
that cannot be known (a parameter without default, an import) are unknown.

## Why is this bad?
An alarm without an action changes colour in the console and nothing else: nobody is paged, no ticket is
opened, no rollback starts. The failure it was written for is found by its users instead.

## Example
```yaml
LatencyAlarm:
  Type: AWS::CloudWatch::Alarm
  Properties:
    Namespace: AWS/SageMaker
    MetricName: ModelLatency
    Dimensions:
      - {Name: EndpointName, Value: !GetAtt Endpoint.EndpointName}
      - {Name: VariantName, Value: AllTraffic}
    Statistic: Average
    Period: 300
    EvaluationPeriods: 3
    Threshold: 500000
    ComparisonOperator: GreaterThanThreshold
```

## Use instead
```yaml
LatencyAlarm:
  Type: AWS::CloudWatch::Alarm
  Properties:
    Namespace: AWS/SageMaker
    MetricName: ModelLatency
    Dimensions:
      - {Name: EndpointName, Value: !GetAtt Endpoint.EndpointName}
      - {Name: VariantName, Value: AllTraffic}
    Statistic: Average
    Period: 300
    EvaluationPeriods: 3
    Threshold: 500000
    ComparisonOperator: GreaterThanThreshold
    AlarmActions: [!Ref OnCallTopic]
```

## References
- [Using Amazon CloudWatch alarms: alarm actions](https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-actions)
"""

from mlcheck.aws.audit import is_false
from mlcheck.aws.monitoring import ALARM, COMPOSITE_ALARM, alarm_is_consumed
from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.values import Unknown, is_symbolic


def check(view, ctx):
    enabled, is_default = view.value("ActionsEnabled")
    if is_symbolic(enabled):
        ctx.unknown(view.path("ActionsEnabled"),
                    enabled.reason if isinstance(enabled, Unknown) else "ActionsEnabled is computed")
        return
    actions = view.get("AlarmActions")
    if isinstance(actions, Unknown):
        ctx.unknown(view.path("AlarmActions"), actions.reason)
        return
    has_actions = isinstance(actions, list) and len(actions) > 0 or (
        actions is not None and not isinstance(actions, list) and actions != "")
    if has_actions and not is_false(enabled):
        return
    if alarm_is_consumed(ctx, view.resource):
        return
    if is_false(enabled) and not is_default:
        yield Hit(view.path("ActionsEnabled"),
                  f"Alarm '{view.logical_id}' has its actions turned off (ActionsEnabled is false)")
    else:
        yield Hit(view.path("AlarmActions"), f"Alarm '{view.logical_id}' has no AlarmActions: nobody is told")


RULE = Rule(
    id="MLC604",
    name="alarm-without-action",
    severity="low",
    category="reliability",  # an endpoint failing unnoticed, not an attack surface
    resource_types=(ALARM, COMPOSITE_ALARM),
    check=check,
    fix="Add AlarmActions (an SNS topic that reaches a person or an incident tool) and leave ActionsEnabled true.",
    peers={},
    practice="cloudwatch-alarms",
)

"""Endpoint has no CloudWatch alarm.

## What it does
For every `AWS::SageMaker::Endpoint`, looks for an `AWS::CloudWatch::Alarm` in the template on a SageMaker
endpoint metric (namespace `AWS/SageMaker` — invocations, errors, latency — or `/aws/sagemaker/Endpoints` —
the instances' CPU, memory, disk) whose `EndpointName` dimension names the endpoint. The metric may be the
alarm's own (`Namespace`, `Dimensions`) or one of its `Metrics[].MetricStat.Metric`. The dimension value is
matched written as `!GetAtt Endpoint.EndpointName`, `!Ref Endpoint`, a literal name or a name built from the
same parameters.

An alarm whose namespace or dimension value cannot be known, one whose metric query expression reads SageMaker
metrics (metric math, `SEARCH`, a Metrics Insights `SELECT`: not matched to an endpoint), or one that exists
only under a condition makes the result unknown, never a finding. A CreateEndpoint request is unknown: its alarms are created elsewhere.

## Why is this bad?
CloudWatch collects an endpoint's metrics whether or not anyone looks at them. Without an alarm, a rise in
`Invocation5XXErrors` or `ModelLatency`, or instances at full CPU, is found by the endpoint's callers first.

## Example
```yaml
Endpoint:
  Type: AWS::SageMaker::Endpoint
  Properties:
    EndpointConfigName: !GetAtt EndpointConfig.EndpointConfigName
```

## Use instead
```yaml
ErrorAlarm:
  Type: AWS::CloudWatch::Alarm
  Properties:
    Namespace: AWS/SageMaker
    MetricName: Invocation5XXErrors
    Dimensions:
      - {Name: EndpointName, Value: !GetAtt Endpoint.EndpointName}
      - {Name: VariantName, Value: AllTraffic}
    Statistic: Sum
    Period: 300
    EvaluationPeriods: 1
    Threshold: 1
    ComparisonOperator: GreaterThanOrEqualToThreshold
    AlarmActions: [!Ref OnCallTopic]
```

## References
- [Monitor Amazon SageMaker with Amazon CloudWatch](https://docs.aws.amazon.com/sagemaker/latest/dg/monitoring-cloudwatch.html)
- [Using Amazon CloudWatch alarms](https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html)
"""

from mlcheck.aws.autoscaling import ENDPOINT
from mlcheck.aws.monitoring import alarm_links, unwatched
from mlcheck.engine.rule import Hit, Rule


def check(view, ctx):
    if view.resource.operation is not None:
        ctx.unknown(view.resource.path, "the alarms of an API request's endpoint are created elsewhere")
        return
    if unwatched(ctx, alarm_links(ctx), view.resource):
        yield Hit(view.resource.path + ("Type",),
                  f"Endpoint '{view.logical_id}' has no CloudWatch alarm on its metrics (EndpointName dimension)")


RULE = Rule(
    id="MLC603",
    name="no-endpoint-alarms",
    severity="low",
    category="reliability",  # an endpoint failing unnoticed, not an attack surface
    resource_types=(ENDPOINT,),
    check=check,
    fix="Add AWS::CloudWatch::Alarm resources on AWS/SageMaker metrics (Invocation5XXErrors, ModelLatency) with "
        "the dimension EndpointName: !GetAtt <Endpoint>.EndpointName and an AlarmActions topic.",
    peers={},
    practice="cloudwatch-alarms",
)

"""Endpoint has no Model Monitor schedule.

## What it does
For every `AWS::SageMaker::Endpoint`, looks for an `AWS::SageMaker::MonitoringSchedule` in the template that
targets it: through the schedule's `EndpointName`, through the `EndpointInput` of its inline
`MonitoringJobDefinition`, or through the job definition it names in `MonitoringJobDefinitionName` (a data
quality, model quality, bias or explainability job definition whose `EndpointName` or
`EndpointInput.EndpointName` names the endpoint). Names are matched written as `!GetAtt Endpoint.EndpointName`,
`!Ref Endpoint`, a literal name or a name built from the same parameters (`!Sub ${ModelName}-prd`).

A schedule or job definition whose endpoint name cannot be known, one from another stack, or a schedule that
exists only under a condition makes the result unknown, never a finding. An endpoint whose configuration in
the template is serverless only is exempt (Serverless Inference does not support Model Monitor). A
CreateEndpoint request is unknown: its schedule is a separate request.

## Why is this bad?
A deployed model degrades silently when the data it sees drifts away from the data it was trained on. Model
Monitor compares captured traffic with a baseline on a schedule and raises violations; without a schedule no
one learns that the predictions have gone wrong until a business metric does.

## Example
```yaml
Endpoint:
  Type: AWS::SageMaker::Endpoint
  Properties:
    EndpointConfigName: !GetAtt EndpointConfig.EndpointConfigName
```

## Use instead
```yaml
DataQualitySchedule:
  Type: AWS::SageMaker::MonitoringSchedule
  Properties:
    MonitoringScheduleName: churn-data-quality
    EndpointName: !GetAtt Endpoint.EndpointName
    MonitoringScheduleConfig:
      MonitoringJobDefinitionName: !GetAtt DataQualityJob.JobDefinitionName
      MonitoringType: DataQuality
      ScheduleConfig:
        ScheduleExpression: cron(0 * ? * * *)
```

## References
- [Schedule monitoring jobs](https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-scheduling.html)
- [Data and model quality monitoring with Amazon SageMaker Model Monitor](https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor.html)
"""

from mlcheck.aws.autoscaling import ENDPOINT, config_of_endpoint
from mlcheck.aws.monitoring import schedule_links, unwatched
from mlcheck.engine.rule import Hit, Rule
from mlcheck.aws.sagemaker import is_serverless, variants


def serverless_only(ctx, endpoint) -> bool:
    config = config_of_endpoint(endpoint, ctx)
    if config is None:
        return False
    found = list(variants(ctx.view(config)))
    return bool(found) and all(is_serverless(variant) for _, variant in found)


def check(view, ctx):
    if view.resource.operation is not None:
        ctx.unknown(view.resource.path, "monitoring schedules of an API request are separate requests")
        return
    if serverless_only(ctx, view.resource):
        return
    if unwatched(ctx, schedule_links(ctx), view.resource):
        yield Hit(view.resource.path + ("Type",),
                  f"Endpoint '{view.logical_id}' has no MonitoringSchedule: nothing watches its model for drift")


RULE = Rule(
    id="MLC602",
    name="no-model-monitor",
    severity="low",
    category="reliability",  # model quality in production, not an attack surface
    resource_types=(ENDPOINT,),
    check=check,
    fix="Add an AWS::SageMaker::MonitoringSchedule (data or model quality) whose EndpointName is "
        "!GetAtt <Endpoint>.EndpointName, and enable data capture on the endpoint configuration.",
    peers={},
    practice="model-monitor",
)

"""Model containers can make outbound network calls.

## What it does
Checks that every `AWS::SageMaker::Model` (and CreateModel / CreateTrainingJob request) sets
`EnableNetworkIsolation: true`, and that every monitoring job definition (data quality, model quality, bias,
explainability), the job definition inside a `MonitoringSchedule`, and CreateProcessingJob request sets
`NetworkConfig.EnableNetworkIsolation: true` (the monitoring requests CreateDataQualityJobDefinition, ...,
CreateMonitoringSchedule are judged like the CloudFormation resources). A missing value is AWS's default,
`false`, and is reported. A model that only serverless variants of the template serve is exempt: serverless
inference supports no network isolation. A schedule that runs a separate job definition
(`MonitoringJobDefinitionName`) is judged through that definition.

## Why is this bad?
Without network isolation the inference (or training) container can open connections of its own — to the
internet or, in a VPC, to anything the security groups allow. A compromised or malicious model image, or a
third-party algorithm, can then send your data out. With isolation SageMaker still downloads the model
artifacts and uploads outputs on the container's behalf. A monitoring job's container reads the endpoint's
captured requests and responses: the same holds for it.

## Example
```yaml
Model:
  Type: AWS::SageMaker::Model
  Properties:
    ExecutionRoleArn: !GetAtt ModelRole.Arn
    PrimaryContainer:
      Image: !Ref ImageUri
      ModelDataUrl: !Sub s3://${ArtifactBucket}/model.tar.gz
```

## Use instead
```yaml
Model:
  Type: AWS::SageMaker::Model
  Properties:
    ExecutionRoleArn: !GetAtt ModelRole.Arn
    EnableNetworkIsolation: true
    PrimaryContainer:
      Image: !Ref ImageUri
      ModelDataUrl: !Sub s3://${ArtifactBucket}/model.tar.gz
```

## References
- [Run training and inference containers in internet-free mode](https://docs.aws.amazon.com/sagemaker/latest/dg/mkt-algo-model-internet-free.html)
- AWS Security Hub controls SageMaker.5, SageMaker.11, SageMaker.12, SageMaker.14, SageMaker.20, SageMaker.25
"""

from mlcheck.aws.hosting import served_only_serverless
from mlcheck.aws.kms import kind_of
from mlcheck.aws.monitoring import JOB_DEFINITIONS, SCHEDULE
from mlcheck.engine.rule import PropertyCheck, Rule, is_true
from mlcheck.model.values import Unknown

MODEL = "AWS::SageMaker::Model"
_SCHEDULE_JOB = ("MonitoringScheduleConfig", "MonitoringJobDefinition")
# resource type -> path of its isolation flag below Properties. TrainingJob and ProcessingJob are SageMaker API
# requests (mlcheck.inputs.sagemaker_api); the job definition requests share their CloudFormation types.
FLAGS = {
    MODEL: ("EnableNetworkIsolation",),
    "AWS::SageMaker::TrainingJob": ("EnableNetworkIsolation",),
    "AWS::SageMaker::ProcessingJob": ("NetworkConfig", "EnableNetworkIsolation"),
    **{t: ("NetworkConfig", "EnableNetworkIsolation") for t in JOB_DEFINITIONS},
    SCHEDULE: _SCHEDULE_JOB + ("NetworkConfig", "EnableNetworkIsolation"),
}
_CHECKS = {
    t: PropertyCheck(t, "/".join(keys), is_true(),
                     message=f"{kind_of(t)} '{{resource}}' does not isolate its containers from the network "
                             f"({keys[-2] + '.' if len(keys) > 1 else ''}EnableNetworkIsolation is {{value}})")
    for t, keys in FLAGS.items()
}


def check(view, ctx):
    if view.type == MODEL:
        exempt, reason = served_only_serverless(ctx, view.resource)
        if exempt is None:
            ctx.unknown(view.path("EnableNetworkIsolation"), reason)
        if exempt is not False:
            return ()
    elif view.type == SCHEDULE:
        job = view.get(*_SCHEDULE_JOB)
        if isinstance(job, Unknown):
            ctx.unknown(view.path(*_SCHEDULE_JOB), job.reason)
            return ()
        if not isinstance(job, dict):
            return ()  # the schedule runs a job definition resource or name, judged there
    return _CHECKS[view.type](view, ctx)


RULE = Rule(
    id="MLC405",
    name="network-isolation-disabled",
    severity="medium",
    resource_types=tuple(FLAGS),
    check=check,
    fix="Set EnableNetworkIsolation: true (the container then gets no network access; SageMaker still fetches "
        "the model artifacts).",
    peers={"checkov": ["CKV_AWS_370"],
           "aws": ["SageMaker.5", "SageMaker.11", "SageMaker.12", "SageMaker.14", "SageMaker.20", "SageMaker.25",
                   "sagemaker-model-isolation-enabled"]},
    practice="network-isolation",
)

"""Model or monitoring job does not run in a VPC.

## What it does
Checks that every `AWS::SageMaker::Model` has a `VpcConfig`, and that every monitoring schedule with an
inline job definition and every monitoring job definition (`DataQualityJobDefinition`,
`ModelQualityJobDefinition`, `ModelBiasJobDefinition`, `ModelExplainabilityJobDefinition`) has
`NetworkConfig.VpcConfig`. A schedule that refers to a separately defined job definition is judged on that
definition. The same applies to training and processing jobs given as SageMaker API requests (CreateTrainingJob
`VpcConfig`, CreateProcessingJob `NetworkConfig.VpcConfig`, CreateHyperParameterTuningJob
`TrainingJobDefinition.VpcConfig`, also as SageMaker Pipelines steps). A model that only serverless variants of
the template serve is exempt: serverless inference cannot run in a VPC.

## Why is this bad?
Outside a VPC, the containers' traffic to S3, ECR and your data sources is governed by none of your network
controls: no security groups, no VPC endpoints, no flow logs.

## Example
```yaml
Model:
  Type: AWS::SageMaker::Model
  Properties:
    ExecutionRoleArn: !GetAtt ModelRole.Arn
    PrimaryContainer:
      Image: !Ref ImageUri
```

## Use instead
```yaml
Model:
  Type: AWS::SageMaker::Model
  Properties:
    ExecutionRoleArn: !GetAtt ModelRole.Arn
    PrimaryContainer:
      Image: !Ref ImageUri
    VpcConfig:
      Subnets: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]
      SecurityGroupIds: [!Ref ModelSecurityGroup]
```

## References
- [Give SageMaker hosted endpoints access to resources in your Amazon VPC](https://docs.aws.amazon.com/sagemaker/latest/dg/host-vpc.html)
- AWS Config rule sagemaker-model-in-vpc
"""

from mlcheck.aws.hosting import served_only_serverless
from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.values import Unknown

MODEL = "AWS::SageMaker::Model"
SCHEDULE = "AWS::SageMaker::MonitoringSchedule"
JOB_DEFINITIONS = (
    "AWS::SageMaker::DataQualityJobDefinition",
    "AWS::SageMaker::ModelQualityJobDefinition",
    "AWS::SageMaker::ModelBiasJobDefinition",
    "AWS::SageMaker::ModelExplainabilityJobDefinition",
)
# jobs given as SageMaker API requests (mlcheck.inputs.sagemaker_api): type -> path of the VpcConfig
JOBS = {
    "AWS::SageMaker::TrainingJob": ("VpcConfig",),
    "AWS::SageMaker::ProcessingJob": ("NetworkConfig", "VpcConfig"),
    "AWS::SageMaker::HyperParameterTuningJob": ("TrainingJobDefinition", "VpcConfig"),
}
KIND = {MODEL: "Model", SCHEDULE: "Monitoring schedule", "AWS::SageMaker::TrainingJob": "Training job",
        "AWS::SageMaker::ProcessingJob": "Processing job", "AWS::SageMaker::HyperParameterTuningJob": "Tuning job"}


def check(view, ctx):
    if view.type == MODEL:
        parent, keys = (), ("VpcConfig",)
        exempt, reason = served_only_serverless(ctx, view.resource)
        if exempt is None:
            ctx.unknown(view.path("VpcConfig"), reason)
        if exempt is not False:
            return
    elif view.type in JOBS:
        parent, keys = (), JOBS[view.type]
        if keys[0] == "TrainingJobDefinition" and not isinstance(view.get(keys[0]), dict):
            return  # a tuning job with TrainingJobDefinitions (several) or none: not judged
    elif view.type == SCHEDULE:
        parent = ("MonitoringScheduleConfig", "MonitoringJobDefinition")
        job = view.get(*parent)
        if isinstance(job, Unknown):
            ctx.unknown(view.path(*parent), job.reason)
            return
        if not isinstance(job, dict):
            return  # uses a job definition resource or name, judged there
        keys = parent + ("NetworkConfig", "VpcConfig")
    else:
        parent, keys = (), ("NetworkConfig", "VpcConfig")
    value = view.get(*keys)
    if isinstance(value, Unknown):
        ctx.unknown(view.path(*keys), value.reason)
        return
    if value not in (None, {}, ""):
        return
    where = view.path(*parent) if parent else view.resource.path + ("Type",)
    kind = KIND.get(view.type, "Monitoring job definition")
    yield Hit(where, f"{kind} '{view.logical_id}' does not run in a VPC (no {'.'.join(keys[len(parent):])})")


RULE = Rule(
    id="MLC406",
    name="outside-vpc",
    severity="medium",
    resource_types=(MODEL, SCHEDULE) + JOB_DEFINITIONS + tuple(JOBS),
    check=check,
    fix="Add VpcConfig (Subnets in at least two AZs, SecurityGroupIds) so the containers run in your VPC.",
    peers={"aws": ["sagemaker-model-in-vpc"]},
    practice="network-isolation",
)

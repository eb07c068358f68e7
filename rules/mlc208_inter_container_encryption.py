"""Distributed SageMaker job does not encrypt traffic between its instances.

## What it does
Checks monitoring job definitions (data quality, model quality, bias, explainability) and the job definition
inside a `MonitoringSchedule`: when the cluster runs more than one instance (`InstanceCount` > 1), the
job's `NetworkConfig.EnableInterContainerTrafficEncryption` must be `true` (missing means false). A job on
one instance has no inter-container traffic and is not reported.

The same holds for training and processing jobs given as SageMaker API requests (CreateTrainingJob,
CreateProcessingJob, CreateHyperParameterTuningJob, or SageMaker Pipelines steps): a training job with
`ResourceConfig.InstanceCount` > 1 needs the top-level `EnableInterContainerTrafficEncryption: true` (a tuning
job: in its `TrainingJobDefinition`), a processing job with `ProcessingResources.ClusterConfig.InstanceCount`
> 1 needs `NetworkConfig.EnableInterContainerTrafficEncryption: true`.

## Why is this bad?
Instances of a distributed job exchange data — features, partial results, model parameters — over the
network. Without inter-container encryption that traffic travels unencrypted inside the VPC.

## Example
```yaml
DataQuality:
  Type: AWS::SageMaker::DataQualityJobDefinition
  Properties:
    JobResources:
      ClusterConfig: {InstanceCount: 2, InstanceType: ml.m5.xlarge, VolumeSizeInGB: 20}
```

## Use instead
```yaml
DataQuality:
  Type: AWS::SageMaker::DataQualityJobDefinition
  Properties:
    JobResources:
      ClusterConfig: {InstanceCount: 2, InstanceType: ml.m5.xlarge, VolumeSizeInGB: 20}
    NetworkConfig:
      EnableInterContainerTrafficEncryption: true
```

## References
- [Protect communications between ML compute instances in a distributed training job](https://docs.aws.amazon.com/sagemaker/latest/dg/train-encrypt.html)
- AWS Security Hub controls SageMaker.9, SageMaker.10, SageMaker.13, SageMaker.15
"""

from mlcheck.convert import to_int
from mlcheck.rule import Hit, Rule
from mlcheck.values import Unknown, describe, is_symbolic

_SCHEDULE = ("MonitoringScheduleConfig", "MonitoringJobDefinition")
# resource type -> (cluster config path, network config path)
JOBS = {
    "AWS::SageMaker::MonitoringSchedule": (_SCHEDULE + ("MonitoringResources", "ClusterConfig"),
                                          _SCHEDULE + ("NetworkConfig",)),
    **{t: (("JobResources", "ClusterConfig"), ("NetworkConfig",))
       for t in ("AWS::SageMaker::DataQualityJobDefinition", "AWS::SageMaker::ModelQualityJobDefinition",
                 "AWS::SageMaker::ModelBiasJobDefinition", "AWS::SageMaker::ModelExplainabilityJobDefinition")},
    # jobs given as SageMaker API requests (mlcheck.sagemaker_api)
    "AWS::SageMaker::TrainingJob": (("ResourceConfig",), ()),
    "AWS::SageMaker::ProcessingJob": (("ProcessingResources", "ClusterConfig"), ("NetworkConfig",)),
    "AWS::SageMaker::HyperParameterTuningJob": (("TrainingJobDefinition", "ResourceConfig"),
                                                ("TrainingJobDefinition",)),
}
KIND = {"AWS::SageMaker::TrainingJob": "Training job", "AWS::SageMaker::ProcessingJob": "Processing job",
        "AWS::SageMaker::HyperParameterTuningJob": "Tuning job"}


def _count(value):
    return to_int(value)


def check(view, ctx):
    cluster, network = JOBS[view.type]
    count = view.get(*cluster, "InstanceCount")
    if is_symbolic(count):
        ctx.unknown(view.path(*cluster, "InstanceCount"),
                    count.reason if isinstance(count, Unknown) else "instance count is computed")
        return
    number = _count(count) if count is not None else None
    if number is None and count is not None:
        ctx.unknown(view.path(*cluster, "InstanceCount"), "instance count is not a number mlcheck can read")
        return
    if number is None or number <= 1:
        return
    flag = view.get(*network, "EnableInterContainerTrafficEncryption")
    if is_symbolic(flag):
        ctx.unknown(view.path(*network, "EnableInterContainerTrafficEncryption"),
                    flag.reason if isinstance(flag, Unknown) else "value is computed")
        return
    if flag is True or (isinstance(flag, str) and flag.strip().lower() == "true"):
        return
    shown = "not set (false)" if flag is None else describe(flag)
    kind = KIND.get(view.type, view.type.rsplit("::", 1)[-1])
    yield Hit(view.path(*network, "EnableInterContainerTrafficEncryption"),
              f"{kind} '{view.logical_id}' runs on {number} instances without inter-container traffic encryption "
              f"(EnableInterContainerTrafficEncryption is {shown})")


RULE = Rule(
    id="MLC208",
    name="inter-container-encryption",
    severity="medium",
    resource_types=tuple(JOBS),
    check=check,
    fix="Set NetworkConfig.EnableInterContainerTrafficEncryption: true.",
    peers={"checkov": ["CKV_AWS_369"], "aws": ["SageMaker.9", "SageMaker.10", "SageMaker.13", "SageMaker.15"]},
    practice="VPC Endpoints (AWS PrivateLink): Enables private and secure communication between your VPC and AWS "
             "services. Traffic never leaves the Amazon network.",
)

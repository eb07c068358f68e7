"""Distributed SageMaker job does not encrypt traffic between its instances.

## What it does
Checks monitoring job definitions (data quality, model quality, bias, explainability) and the job definition
inside a `MonitoringSchedule`: the job's `NetworkConfig.EnableInterContainerTrafficEncryption` must be `true`
(missing means false), at any instance count. A cluster of more than one instance (`InstanceCount` > 1) is
reported at medium; a single instance, which has no traffic between instances until its count is raised, at
low. A schedule that runs a separate job definition (`MonitoringJobDefinitionName`) is judged through that
definition.

Training and processing jobs given as SageMaker API requests (CreateTrainingJob, CreateProcessingJob,
CreateHyperParameterTuningJob, or SageMaker Pipelines steps) are reported only when distributed: a training job
with `ResourceConfig.InstanceCount` > 1 needs the top-level `EnableInterContainerTrafficEncryption: true` (a
tuning job: in its `TrainingJobDefinition`), a processing job with
`ProcessingResources.ClusterConfig.InstanceCount` > 1 needs `NetworkConfig.EnableInterContainerTrafficEncryption:
true`. Monitoring job definition and schedule requests (CreateDataQualityJobDefinition, ...,
CreateMonitoringSchedule) are judged like the CloudFormation resources. In the SageMaker Python SDK's config
file, `EnableInterContainerTrafficEncryption: false` is the default of every job the SDK starts, the distributed
ones among them: it is reported whatever the instance count (which the code sets).

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
- AWS Security Hub controls SageMaker.9, SageMaker.10, SageMaker.13, SageMaker.15, SageMaker.22
"""

from mlcheck.util.convert import to_number
from mlcheck.aws.kms import kind_of
from mlcheck.aws.monitoring import JOB_DEFINITIONS, SCHEDULE
from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.values import Unknown, describe, is_symbolic, is_undecided

_SCHEDULE = ("MonitoringScheduleConfig", "MonitoringJobDefinition")
# resource type -> (cluster config path, network config path)
JOBS = {
    SCHEDULE: (_SCHEDULE + ("MonitoringResources", "ClusterConfig"), _SCHEDULE + ("NetworkConfig",)),
    **{t: (("JobResources", "ClusterConfig"), ("NetworkConfig",)) for t in JOB_DEFINITIONS},
    # jobs given as SageMaker API requests (mlcheck.inputs.sagemaker_api)
    "AWS::SageMaker::TrainingJob": (("ResourceConfig",), ()),
    "AWS::SageMaker::ProcessingJob": (("ProcessingResources", "ClusterConfig"), ("NetworkConfig",)),
    "AWS::SageMaker::HyperParameterTuningJob": (("TrainingJobDefinition", "ResourceConfig"),
                                                ("TrainingJobDefinition",)),
}
# Monitoring jobs are reported at any instance count (Security Hub judges the setting, not the cluster size).
MONITORING = frozenset(JOB_DEFINITIONS) | {SCHEDULE}


def _is_true(flag) -> bool:
    return flag is True or (isinstance(flag, str) and flag.strip().lower() == "true")


def check(view, ctx):
    cluster, network = JOBS[view.type]
    monitoring = view.type in MONITORING
    if view.type == SCHEDULE:
        job = view.get(*_SCHEDULE)
        if isinstance(job, Unknown):
            ctx.unknown(view.path(*_SCHEDULE), job.reason)
            return
        if not isinstance(job, dict):
            return  # the schedule runs a job definition resource or name, judged there
    count = view.get(*cluster, "InstanceCount")
    # defaults for every job (mlcheck.inputs.sdk_config): the distributed jobs among them take the flag too
    undecided = is_undecided(count)
    if undecided:
        instances = None
    elif is_symbolic(count):
        if not monitoring:
            ctx.unknown(view.path(*cluster, "InstanceCount"),
                        count.reason if isinstance(count, Unknown) else "instance count is computed")
            return
        instances = None
    else:
        instances = to_number(count) if count is not None else None
    if not monitoring and not undecided and (instances is None or instances <= 1):
        return
    flag = view.get(*network, "EnableInterContainerTrafficEncryption")
    if is_symbolic(flag):
        ctx.unknown(view.path(*network, "EnableInterContainerTrafficEncryption"),
                    flag.reason if isinstance(flag, Unknown) else "value is computed")
        return
    if _is_true(flag):
        return
    shown = "not set (false)" if flag is None else describe(flag)
    kind = kind_of(view.type)
    path = view.path(*network, "EnableInterContainerTrafficEncryption")
    if instances is not None and instances > 1:
        yield Hit(path, f"{kind} '{view.logical_id}' runs on {instances:g} instances without inter-container "
                        f"traffic encryption (EnableInterContainerTrafficEncryption is {shown})")
    elif instances is not None:
        yield Hit(path, f"{kind} '{view.logical_id}' does not enable inter-container traffic encryption "
                        f"(EnableInterContainerTrafficEncryption is {shown}) and runs on one instance for now",
                  detail="the traffic is exposed once the instance count is raised", severity="low")
    elif undecided:
        yield Hit(path, f"{kind} '{view.logical_id}' sets EnableInterContainerTrafficEncryption to {shown} for "
                        f"every job that does not set it, the distributed ones among them")
    else:
        yield Hit(path, f"{kind} '{view.logical_id}' does not enable inter-container traffic encryption "
                        f"(EnableInterContainerTrafficEncryption is {shown}), and its instance count cannot be "
                        f"known")


RULE = Rule(
    id="MLC208",
    name="inter-container-encryption",
    severity="medium",
    resource_types=tuple(JOBS),
    check=check,
    fix="Set NetworkConfig.EnableInterContainerTrafficEncryption: true.",
    peers={"checkov": ["CKV_AWS_369"], "aws": ["SageMaker.9", "SageMaker.10", "SageMaker.13", "SageMaker.15",
                                                  "SageMaker.22"]},
    practice="network-isolation",
)

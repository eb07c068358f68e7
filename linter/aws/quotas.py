"""SageMaker's instance quotas: which quota an instance request counts against, and how many it asks for.

Service Quotas names SageMaker's instance quotas `<instance type> for <usage> usage` ("ml.p4d.24xlarge for
endpoint usage", "ml.m5.xlarge for spot training job usage"). `--aws` reads the applied ones
(servicequotas:ListServiceQuotas) into the model as resources of the internal type `QUOTA` (no CloudFormation
type), with `QuotaName`, `QuotaCode`, `Value`; `asks(view)` gives what a resource requests, per quota name.
"""

from __future__ import annotations

import re

from mlcheck.aws.hosting import variant_entries
from mlcheck.util.convert import to_int
from mlcheck.model.values import Unknown, is_symbolic

QUOTA = "AWS::ServiceQuotas::AppliedQuota"  # internal: an applied quota read from the account (--aws)
SERVICE_CODE = "sagemaker"
QUOTA_NAME = re.compile(r"^(ml\.[a-z0-9-]+\.[a-z0-9]+) for ((?:spot )?(?:endpoint|training job|processing job|"
                        r"transform job|notebook instance)) usage$")

ENDPOINT, TRAINING, SPOT_TRAINING, PROCESSING, TRANSFORM, NOTEBOOK = (
    "endpoint", "training job", "spot training job", "processing job", "transform job", "notebook instance")


def quota_name(instance_type: str, usage: str) -> str:
    return f"{instance_type} for {usage} usage"


class Ask:
    __slots__ = ("path", "instance_type", "count", "usage")

    def __init__(self, path, instance_type, count, usage):
        self.path, self.instance_type, self.count, self.usage = path, instance_type, count, usage

    @property
    def quota(self) -> str:
        return quota_name(self.instance_type, self.usage)


def _ask(view, block_path, type_key, count_key, usage, multiplier=1, default_count=None):
    """An Ask for an instance type and count in a block, an Unknown when either cannot be known, or None."""
    block = view.get(*block_path) if block_path else view.properties
    if not isinstance(block, dict):
        return Unknown(block.reason) if isinstance(block, Unknown) else None
    instance_type = block.get(type_key)
    if instance_type is None:
        return None
    count = block.get(count_key, default_count) if count_key else 1
    if is_symbolic(instance_type) or not isinstance(instance_type, str):
        return Unknown("the instance type cannot be known") if is_symbolic(instance_type) else None
    number = to_int(count)
    if number is None:
        return Unknown("the instance count cannot be known") if is_symbolic(count) or count is None else None
    return Ask(view.path(*block_path, count_key or type_key), instance_type, number * multiplier, usage)


def asks(view) -> list:
    """[Ask or Unknown] for every instance request of a SageMaker resource."""
    kind, out = view.type, []
    if kind == "AWS::SageMaker::EndpointConfig":
        for key, i, variant in variant_entries(view):
            if "InstanceType" in variant:
                out.append(_ask(view, (key, i), "InstanceType", "InitialInstanceCount", ENDPOINT))
    elif kind == "AWS::SageMaker::NotebookInstance":
        out.append(_ask(view, (), "InstanceType", None, NOTEBOOK))
    elif kind == "AWS::SageMaker::TrainingJob":
        usage = SPOT_TRAINING if view.get("EnableManagedSpotTraining") is True else TRAINING
        out.append(_ask(view, ("ResourceConfig",), "InstanceType", "InstanceCount", usage))
        groups = view.get("ResourceConfig", "InstanceGroups")
        for i, _ in enumerate(groups if isinstance(groups, list) else []):
            out.append(_ask(view, ("ResourceConfig", "InstanceGroups", i), "InstanceType", "InstanceCount", usage))
    elif kind == "AWS::SageMaker::ProcessingJob":
        out.append(_ask(view, ("ProcessingResources", "ClusterConfig"), "InstanceType", "InstanceCount", PROCESSING))
    elif kind == "AWS::SageMaker::TransformJob":
        out.append(_ask(view, ("TransformResources",), "InstanceType", "InstanceCount", TRANSFORM))
    elif kind == "AWS::SageMaker::HyperParameterTuningJob":
        parallel = to_int(view.get("HyperParameterTuningJobConfig", "ResourceLimits", "MaxParallelTrainingJobs"))
        definition = view.get("TrainingJobDefinition")
        spot = isinstance(definition, dict) and definition.get("EnableManagedSpotTraining") is True
        out.append(_ask(view, ("TrainingJobDefinition", "ResourceConfig"), "InstanceType", "InstanceCount",
                        SPOT_TRAINING if spot else TRAINING, multiplier=parallel or 1))
    return [a for a in out if a is not None]


ASKING_TYPES = ("AWS::SageMaker::EndpointConfig", "AWS::SageMaker::NotebookInstance", "AWS::SageMaker::TrainingJob",
                "AWS::SageMaker::ProcessingJob", "AWS::SageMaker::TransformJob",
                "AWS::SageMaker::HyperParameterTuningJob")

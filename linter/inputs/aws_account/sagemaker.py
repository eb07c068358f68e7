"""The region's SageMaker resources, listed, described and turned into CloudFormation-shaped properties.

A Describe* response uses the API's field names, as a Create* request does, and SageMaker's CloudFormation
properties are the Create* request's members (which is why `mlcheck.inputs.sagemaker_api` can read request
bodies as properties): a description becomes properties by keeping the members of the matching Create* request
(botocore's SageMaker model) plus the few a description names differently (`RENAMES`).
"""

from __future__ import annotations

import functools

from mlcheck.inputs.aws_account.inventory import AccountResource
from mlcheck.inputs.aws_account.session import Failed
from mlcheck.inputs.sagemaker_api import OPERATIONS, service_model


class Kind:
    __slots__ = ("create", "list_op", "list_key", "describe", "params", "arn_key", "extra", "since")

    def __init__(self, create, list_op, list_key, describe, params, arn_key, extra=(), since=False):
        self.create = create  # the Create* operation whose request members are the properties
        self.list_op, self.list_key = list_op, list_key
        self.describe = describe
        self.params = params  # summary -> Describe* parameters
        self.arn_key = arn_key
        self.extra = extra  # description members CloudFormation has although the request has not
        self.since = since  # listed from --aws-since on (jobs)

    @property
    def type(self) -> str:
        return OPERATIONS[self.create][0]

    @property
    def name_member(self) -> str:
        return OPERATIONS[self.create][1]


def _by(member, param=None):
    return lambda summary: {param or member: summary[member]}


_DEFINITIONS = [
    Kind(f"Create{k}JobDefinition", f"List{k}JobDefinitions", "JobDefinitionSummaries", f"Describe{k}JobDefinition",
         _by("MonitoringJobDefinitionName", "JobDefinitionName"), "JobDefinitionArn")
    for k in ("DataQuality", "ModelQuality", "ModelBias", "ModelExplainability")]

KINDS = [
    Kind("CreateNotebookInstance", "ListNotebookInstances", "NotebookInstances", "DescribeNotebookInstance",
         _by("NotebookInstanceName"), "NotebookInstanceArn"),
    Kind("CreateModel", "ListModels", "Models", "DescribeModel", _by("ModelName"), "ModelArn"),
    Kind("CreateEndpointConfig", "ListEndpointConfigs", "EndpointConfigs", "DescribeEndpointConfig",
         _by("EndpointConfigName"), "EndpointConfigArn"),
    Kind("CreateEndpoint", "ListEndpoints", "Endpoints", "DescribeEndpoint", _by("EndpointName"), "EndpointArn"),
    Kind("CreateDomain", "ListDomains", "Domains", "DescribeDomain", _by("DomainId"), "DomainArn"),
    Kind("CreateUserProfile", "ListUserProfiles", "UserProfiles", "DescribeUserProfile",
         lambda s: {"DomainId": s["DomainId"], "UserProfileName": s["UserProfileName"]}, "UserProfileArn"),
    Kind("CreateMonitoringSchedule", "ListMonitoringSchedules", "MonitoringScheduleSummaries",
         "DescribeMonitoringSchedule", _by("MonitoringScheduleName"), "MonitoringScheduleArn",
         extra=("EndpointName",)),
    *_DEFINITIONS,
    Kind("CreateFeatureGroup", "ListFeatureGroups", "FeatureGroupSummaries", "DescribeFeatureGroup",
         _by("FeatureGroupName"), "FeatureGroupArn"),
    Kind("CreateTrainingJob", "ListTrainingJobs", "TrainingJobSummaries", "DescribeTrainingJob",
         _by("TrainingJobName"), "TrainingJobArn", since=True),
    Kind("CreateProcessingJob", "ListProcessingJobs", "ProcessingJobSummaries", "DescribeProcessingJob",
         _by("ProcessingJobName"), "ProcessingJobArn", since=True),
]

# Description members named otherwise in the request (and in CloudFormation).
RENAMES = {
    "CreateNotebookInstance": {"SecurityGroups": "SecurityGroupIds"},
    "CreateDomain": {"HomeEfsFileSystemKmsKeyId": "KmsKeyId"},
}


@functools.lru_cache(maxsize=None)
def request_members(operation: str) -> frozenset:
    model = service_model()
    shape = model["operations"][operation[:1].upper() + operation[1:]]["input"]["shape"]
    return frozenset(model["shapes"][shape]["members"])


def properties_of(kind: Kind, described: dict) -> dict:
    """CloudFormation-shaped properties of one description."""
    members = request_members(kind.create) | set(kind.extra)
    renames = RENAMES.get(kind.create, {})
    out = {}
    for key, value in described.items():
        target = renames.get(key, key)
        if target != key and target in described:
            continue  # the current member wins over a deprecated one of the same meaning
        if target in members and value not in ({}, None, []):
            out[target] = value
    return out


def scan(reader, inventory, since=None, kinds=None) -> None:
    """Every resource of every kind (jobs created after `since`), described in parallel."""
    listed = reader.parallel(lambda kind: (kind, _list(reader, kind, since)), KINDS if kinds is None else kinds)
    work = []
    for kind, summaries in listed:
        if isinstance(summaries, Failed):
            inventory.unreadable.append((f"SageMaker {kind.type.rsplit('::', 1)[-1]} resources", summaries.reason))
            continue
        work.extend((kind, summary) for summary in summaries)
    for item in reader.parallel(lambda pair: _describe(reader, *pair), work):
        if isinstance(item, AccountResource):
            inventory.add(item)
        elif item is not None:
            inventory.unreadable.append(item)


def _list(reader, kind, since):
    params = {"CreationTimeAfter": since} if kind.since and since is not None else {}
    return reader.pages("sagemaker", kind.list_op, kind.list_key, **params)


def _describe(reader, kind, summary):
    params = kind.params(summary)
    label = "/".join(str(v) for v in params.values())
    described = reader.call("sagemaker", kind.describe, **params)
    if isinstance(described, Failed):
        return (f"{kind.type} {label}", described.reason)
    arn = described.get(kind.arn_key) or summary.get(kind.arn_key)
    if not isinstance(arn, str):
        return (f"{kind.type} {label}", f"{kind.describe} returned no {kind.arn_key}")
    properties = properties_of(kind, described)
    tags = tags_of(reader, arn)
    if isinstance(tags, dict):
        properties["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
        tags_value = tags
    else:
        tags_value = None
    name = described.get(kind.name_member) or label
    if kind.create == "CreateUserProfile":
        name = f"{described.get('DomainId', summary.get('DomainId'))}/{name}"
    physical = described.get("DomainId") if kind.create == "CreateDomain" else None
    return AccountResource(kind.type, str(name), arn, properties, physical_id=physical, tags=tags_value)


def tags_of(reader, arn: str):
    """Tags as a dict, or Failed."""
    found = reader.pages("sagemaker", "ListTags", "Tags", ResourceArn=arn)
    if isinstance(found, Failed):
        return found
    return {t.get("Key"): t.get("Value", "") for t in found if isinstance(t, dict)}


"""SageMaker API configuration as an input kind: Create* request bodies and SageMaker Pipelines definitions.

Recognised by content, after CloudFormation (see SPEC "Kinds"):
- a bare request body of a Create* operation below, recognised by a cheap signature of top-level keys
  (`SIGNATURES`: the operation's name member plus a key only that operation has, or two such keys);
- `{"Operation": "CreateTrainingJob", "Input": {...}}`: a request wrapped with its operation's name (and,
  optionally, `Metadata` beside them, where inline suppressions go: `Metadata: {mlcheck: {ignore: [...]}}`, as
  at the top level of a template or of a Pipelines definition);
- a Pipelines definition, `{"Version": "2020-12-01", "Steps": [{"Name", "Type", "Arguments"}, ...]}`, whose
  Training/Processing/Transform/Tuning/Model steps carry request bodies (Condition steps are followed into
  their `IfSteps`/`ElseSteps`).

Each request becomes a pseudo-resource of a `Template`, so every rule applies to it unchanged: its type is the
CloudFormation type of the same object (CreateModel -> `AWS::SageMaker::Model`, ...), or, for jobs that have no
CloudFormation type, an internal one: `AWS::SageMaker::TrainingJob`, `AWS::SageMaker::ProcessingJob`,
`AWS::SageMaker::TransformJob`, `AWS::SageMaker::HyperParameterTuningJob`. Its logical id is the request's name
member (TrainingJobName, ...) or the pipeline step's `Name`; its Properties are the request body, located at
the body's path in the document (`()`, `("Input",)`, `("Steps", 2, "Arguments")`), so findings point at the
exact line.

Pipelines expressions are values only known when the pipeline runs: `{"Get": "Parameters.X"}` becomes a
reference to pipeline parameter X (its `DefaultValue`, or `--parameter X=...`), every other expression
(`{"Get": "Steps...."}`, `{"Std:Join": ...}`, `{"Std:JsonGet": ...}`) is unknown.

A top-level `"//"` key (the comment convention of mlcheck's JSON fixtures and of many JSON configs) is not part
of any request and is ignored, for recognition and for MLC004.

Nothing here imports botocore: recognition uses the small signature table below (checked against botocore's
model by the tests). Only MLC004 loads botocore's SageMaker service model (`service_model()`), once per process.
"""

from __future__ import annotations

import functools
from typing import Any

from mlcheck.util.regex import lazy
from mlcheck.model.template import Parameter, Resource, Template
from mlcheck.model.values import Unknown

COMMENT_KEY = "//"

# operation -> (resource type, name member)
OPERATIONS = {
    "CreateModel": ("AWS::SageMaker::Model", "ModelName"),
    "CreateEndpointConfig": ("AWS::SageMaker::EndpointConfig", "EndpointConfigName"),
    "CreateEndpoint": ("AWS::SageMaker::Endpoint", "EndpointName"),
    "CreateNotebookInstance": ("AWS::SageMaker::NotebookInstance", "NotebookInstanceName"),
    "CreateDomain": ("AWS::SageMaker::Domain", "DomainName"),
    "CreateUserProfile": ("AWS::SageMaker::UserProfile", "UserProfileName"),
    "CreateMonitoringSchedule": ("AWS::SageMaker::MonitoringSchedule", "MonitoringScheduleName"),
    "CreateFeatureGroup": ("AWS::SageMaker::FeatureGroup", "FeatureGroupName"),
    "CreateInferenceExperiment": ("AWS::SageMaker::InferenceExperiment", "Name"),
    "CreateDataQualityJobDefinition": ("AWS::SageMaker::DataQualityJobDefinition", "JobDefinitionName"),
    "CreateModelQualityJobDefinition": ("AWS::SageMaker::ModelQualityJobDefinition", "JobDefinitionName"),
    "CreateModelBiasJobDefinition": ("AWS::SageMaker::ModelBiasJobDefinition", "JobDefinitionName"),
    "CreateModelExplainabilityJobDefinition": ("AWS::SageMaker::ModelExplainabilityJobDefinition",
                                               "JobDefinitionName"),
    # no CloudFormation type: internal pseudo types
    "CreateTrainingJob": ("AWS::SageMaker::TrainingJob", "TrainingJobName"),
    "CreateProcessingJob": ("AWS::SageMaker::ProcessingJob", "ProcessingJobName"),
    "CreateTransformJob": ("AWS::SageMaker::TransformJob", "TransformJobName"),
    "CreateHyperParameterTuningJob": ("AWS::SageMaker::HyperParameterTuningJob", "HyperParameterTuningJobName"),
}
TRAINING_JOB = "AWS::SageMaker::TrainingJob"
PROCESSING_JOB = "AWS::SageMaker::ProcessingJob"
TRANSFORM_JOB = "AWS::SageMaker::TransformJob"
TUNING_JOB = "AWS::SageMaker::HyperParameterTuningJob"
JOB_TYPES = (TRAINING_JOB, PROCESSING_JOB, TRANSFORM_JOB, TUNING_JOB)
API_TYPES = tuple(dict.fromkeys(t for t, _ in OPERATIONS.values()))

# Recognition of unwrapped bodies, most specific first: operation -> keys only (or mostly) that operation's
# request has. A body is a request of the operation when it has the name member and one of these, or two of
# these. (tests/test_sagemaker_api.py checks every key against botocore's model.)
SIGNATURES = (
    ("CreateTrainingJob", {"AlgorithmSpecification", "OutputDataConfig", "ResourceConfig", "StoppingCondition",
                           "InputDataConfig", "HyperParameters"}),
    ("CreateProcessingJob", {"AppSpecification", "ProcessingResources", "ProcessingInputs",
                             "ProcessingOutputConfig"}),
    ("CreateTransformJob", {"TransformInput", "TransformOutput", "TransformResources"}),
    ("CreateHyperParameterTuningJob", {"HyperParameterTuningJobConfig", "TrainingJobDefinition",
                                       "TrainingJobDefinitions"}),
    ("CreateEndpointConfig", {"ProductionVariants", "ShadowProductionVariants", "AsyncInferenceConfig",
                              "DataCaptureConfig"}),
    ("CreateEndpoint", {"EndpointConfigName", "DeploymentConfig"}),
    ("CreateModel", {"PrimaryContainer", "Containers", "ExecutionRoleArn", "InferenceExecutionConfig"}),
    ("CreateNotebookInstance", {"InstanceType", "DirectInternetAccess", "RootAccess", "VolumeSizeInGB",
                                "LifecycleConfigName", "DefaultCodeRepository"}),
    ("CreateDomain", {"AuthMode", "DefaultUserSettings", "AppNetworkAccessType"}),
    ("CreateUserProfile", {"DomainId", "UserSettings"}),
    ("CreateMonitoringSchedule", {"MonitoringScheduleConfig"}),
    ("CreateFeatureGroup", {"FeatureDefinitions", "RecordIdentifierFeatureName", "EventTimeFeatureName"}),
    ("CreateInferenceExperiment", {"ModelVariants", "ShadowModeConfig", "DataStorageConfig"}),
    ("CreateDataQualityJobDefinition", {"DataQualityAppSpecification", "DataQualityJobInput",
                                        "DataQualityJobOutputConfig", "DataQualityBaselineConfig"}),
    ("CreateModelQualityJobDefinition", {"ModelQualityAppSpecification", "ModelQualityJobInput",
                                         "ModelQualityJobOutputConfig", "ModelQualityBaselineConfig"}),
    ("CreateModelBiasJobDefinition", {"ModelBiasAppSpecification", "ModelBiasJobInput",
                                      "ModelBiasJobOutputConfig", "ModelBiasBaselineConfig"}),
    ("CreateModelExplainabilityJobDefinition", {"ModelExplainabilityAppSpecification",
                                                "ModelExplainabilityJobInput",
                                                "ModelExplainabilityJobOutputConfig",
                                                "ModelExplainabilityBaselineConfig"}),
)
# Every name member and signature key: a document none of whose top-level keys is here is not a request.
_ANY_KEY = frozenset(k for op, keys in SIGNATURES for k in keys | {OPERATIONS[op][1]})

# Text that marks a file that does not parse as meant to be a SageMaker request (so it is reported, MLC001,
# instead of skipped): a distinctive name member as a key, or a wrapped Create* operation.
TEXT_HINT = lazy(
    r"""["']?\b(?:TrainingJobName|ProcessingJobName|TransformJobName|HyperParameterTuningJobName|"""
    r"""EndpointConfigName|NotebookInstanceName|MonitoringScheduleName)["']?\s*:"""
    r"""|["']Operation["']\s*:\s*["']Create[A-Za-z]+["']""")

# Pipelines step types that carry a request body.
STEP_OPERATIONS = {
    "Training": "CreateTrainingJob",
    "Processing": "CreateProcessingJob",
    "Transform": "CreateTransformJob",
    "Tuning": "CreateHyperParameterTuningJob",
    "Model": "CreateModel",
}
_PIPELINE_VERSION = lazy(r"^\d{4}-\d{2}-\d{2}$")


def _keys(body: dict) -> set:
    return {k for k in body if k != COMMENT_KEY}


# Members of Describe* responses that no Create* request has: a saved `aws sagemaker describe-training-job`
# output looks like a request but is not one (tests check that no request has these members).
RESPONSE_MARKERS = frozenset({"CreationTime", "LastModifiedTime", "ResponseMetadata", "JobDefinitionArn"} | {
    op[len("Create"):] + "Arn" for op in OPERATIONS})


def operation_of(body: Any) -> str | None:
    """The Create* operation an unwrapped request body belongs to, by its signature, or None."""
    if not isinstance(body, dict):
        return None
    keys = _keys(body)
    if not keys & _ANY_KEY or keys & RESPONSE_MARKERS:
        return None
    for op, markers in SIGNATURES:
        found = len(keys & markers)
        if (OPERATIONS[op][1] in keys and found >= 1) or found >= 2:
            return op
    return None


def _is_wrapped(data: dict) -> bool:
    return (isinstance(data.get("Operation"), str) and "Input" in data
            and _keys(data) <= {"Operation", "Input", "Metadata"})


def _is_pipeline(data: dict) -> bool:
    steps = data.get("Steps")
    return (isinstance(data.get("Version"), str) and bool(_PIPELINE_VERSION.match(data["Version"]))
            and isinstance(steps, list) and bool(steps)
            and all(isinstance(s, dict) and "Type" in s for s in steps))


def describe_kind(data: Any) -> str | None:
    """'request', 'wrapped request', 'pipeline' or None (not a SageMaker API document). Cheap: no botocore."""
    if not isinstance(data, dict):
        return None
    if _is_wrapped(data):
        return "wrapped request" if data["Operation"] in OPERATIONS else None
    if _is_pipeline(data):
        return "pipeline"
    return "request" if operation_of(data) else None


def is_sagemaker_api(data: Any) -> bool:
    return describe_kind(data) is not None


# -- building the template ----------------------------------------------------------------------------------

def _is_expression(value) -> bool:
    """A Pipelines expression: `{"Get": ...}` or `{"Std:Join": ...}`-style (one key)."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    (key,) = value
    return key == "Get" or key.startswith("Std:")


def is_expression(value) -> bool:
    return _is_expression(value)


def _convert(value, pipeline: bool):
    """A copy of a request body where Pipelines expressions are CloudFormation-style references the resolver
    understands: a pipeline parameter becomes `Ref`, anything else an unevaluated (unknown) function."""
    if isinstance(value, dict):
        if pipeline and _is_expression(value):
            (key, arg), = value.items()
            if key == "Get" and isinstance(arg, str) and arg.startswith("Parameters."):
                return {"Ref": arg[len("Parameters."):]}
            shown = arg if key == "Get" and isinstance(arg, str) else key
            return Unknown(f"SageMaker Pipelines expression {shown} is known only when the pipeline runs")
        if len(value) == 1:
            (key,) = value
            if key == "Ref" or key.startswith("Fn::"):
                # looks like a CloudFormation intrinsic function, which an API request does not evaluate
                return Unknown(f"{key} is not evaluated in a SageMaker API request")
        return {k: _convert(v, pipeline) for k, v in value.items()}
    if isinstance(value, list):
        return [_convert(v, pipeline) for v in value]
    return value


def build_api_template(file: str, document) -> Template:
    """A Template whose resources are the document's requests (see the module docs)."""
    data = document.data
    template = Template(file=file, document=document)
    requests = []  # (operation, body, body path, step name or None)
    if _is_wrapped(data):
        body = data["Input"]
        if isinstance(body, dict):
            requests.append((data["Operation"], body, ("Input",), None))
        else:
            template.problems.append((("Input",), f"Input of {data['Operation']} is not a mapping"))
    elif _is_pipeline(data):
        _pipeline_parameters(data, template)
        _pipeline_steps(data["Steps"], ("Steps",), requests, template)
    else:
        requests.append((operation_of(data), data, (), None))

    for operation, body, path, step in requests:
        resource_type, name_member = OPERATIONS[operation]
        name = step if step is not None else body.get(name_member)
        logical_id = name if isinstance(name, str) and name.strip() else operation[len("Create"):]
        unique, n = logical_id, 2
        while unique in template.resources:
            unique, n = f"{logical_id}#{n}", n + 1
        body = {k: v for k, v in body.items() if not (path == () and k == COMMENT_KEY)}
        template.resources[unique] = Resource(
            logical_id=unique, type=resource_type,
            definition={"Type": resource_type, "Properties": _convert(body, step is not None)},
            path=path, body_path=path, operation=operation,
        )
    return template


def _pipeline_parameters(data, template):
    params = data.get("Parameters")
    if not isinstance(params, list):
        return
    for spec in params:
        if isinstance(spec, dict) and isinstance(spec.get("Name"), str):
            template.parameters[spec["Name"]] = Parameter(
                name=spec["Name"], type=str(spec.get("Type", "String")), default=spec.get("DefaultValue"),
                has_default="DefaultValue" in spec,
            )


def _pipeline_steps(steps, path, requests, template, depth=0):
    if not isinstance(steps, list) or depth > 20:
        return
    for i, step in enumerate(steps):
        if not isinstance(step, dict):
            continue
        kind, args = step.get("Type"), step.get("Arguments")
        name = step.get("Name") if isinstance(step.get("Name"), str) else f"step{i}"
        if kind == "Condition" and isinstance(args, dict):
            for branch in ("IfSteps", "ElseSteps"):
                _pipeline_steps(args.get(branch), path + (i, "Arguments", branch), requests, template, depth + 1)
        if not isinstance(kind, str):  # a mapping or list (unhashable) names no step type
            template.problems.append((path + (i, "Type"), f"step '{name}' has a Type that is not a string"))
            continue
        operation = STEP_OPERATIONS.get(kind)
        if operation is None:
            continue
        if not isinstance(args, dict):
            template.problems.append((path + (i,), f"step '{name}' of type {kind} has no Arguments mapping"))
            continue
        requests.append((operation, args, path + (i, "Arguments"), name))


DESCRIPTION = "a SageMaker API request or Pipelines definition"
recognises = is_sagemaker_api
build = build_api_template


# -- botocore's service model (MLC004) ------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def service_model() -> dict:
    """botocore's SageMaker service model (the raw `service-2` mapping), loaded on first use."""
    from botocore.loaders import Loader

    return Loader().load_service_model("sagemaker", "service-2")

"""The SageMaker Python SDK's config file (`config.yaml`) as an input kind: defaults for what the SDK creates.

The file sets defaults that the SDK puts into every request it makes when the code leaves the parameter out:
KMS keys, VPC, network isolation, inter-container encryption, environment variables. Two shapes, recognised by
content (never by file name):
- v2 (`sagemaker` 2.x, `sagemaker/config/config_schema.py`; also read by `sagemaker` 3.x): `SchemaVersion: '1.0'`
  and a `SageMaker:` tree of sections named by API object (`SageMaker.Model`, `SageMaker.TrainingJob`, ...)
  whose keys are the API request's own member names (`EnableNetworkIsolation`, `OutputDataConfig.KmsKeyId`);
- v3 (`sagemaker-core`, `sagemaker/core/config_schema.py`): `SageMaker.PythonSDK.Resources.<Resource>`, keyed by
  the resource's snake_case attribute names (`output_data_config: {kms_key_id: ...}`). The SDK applies a
  section's top-level attributes that its schema lists (`V3_ATTRIBUTES`), with everything below them; others
  are not applied, and are not read here. Keys are turned into the API's names as the SDK does (`kms_key_id` ->
  `KmsKeyId`), and the document's locations with them, so findings point at the file's own lines.

Each section becomes one pseudo-resource of the CloudFormation (or, for jobs, mlcheck's internal) type of the
object it gives defaults for, with the section as its Properties, so the rule that judges the resource judges
its defaults. Its logical id is the section's dotted path (`SageMaker.Model`). It is `defaults_only`: a
property the file leaves out is not decided here (the code may set it), so it is neither the AWS default nor a
finding, and only what the file sets can be reported (mlcheck.model.view, mlcheck.engine.engine).

Sections for objects mlcheck has no type for (AutoMLJob, CompilationJob, EdgePackagingJob, ModelPackage,
Pipeline, the `PythonSDK.Modules` other than `RemoteFunction` (`V2_MODULES`), v3 `GlobalDefaults`, ...) are not
read.
"""

from __future__ import annotations

from typing import Any

from mlcheck.inputs.sagemaker_api import OPERATIONS, _convert
from mlcheck.model.document import Document
from mlcheck.model.template import Resource, Template

DESCRIPTION = "a SageMaker Python SDK config file (SchemaVersion and a SageMaker tree)"

_TOP_LEVEL = frozenset({"SchemaVersion", "SageMaker", "CustomParameters"})

# v2 section -> resource type (the sections of SAGEMAKER_PYTHON_SDK_CONFIG_SCHEMA that mlcheck has a type for)
V2_SECTIONS = {
    "Model": "AWS::SageMaker::Model",
    "EndpointConfig": "AWS::SageMaker::EndpointConfig",
    "Endpoint": "AWS::SageMaker::Endpoint",
    "FeatureGroup": "AWS::SageMaker::FeatureGroup",
    "MonitoringSchedule": "AWS::SageMaker::MonitoringSchedule",
    "TrainingJob": "AWS::SageMaker::TrainingJob",
    "ProcessingJob": "AWS::SageMaker::ProcessingJob",
    "TransformJob": "AWS::SageMaker::TransformJob",
}

# v2 `PythonSDK.Modules` whose defaults go into requests of a type mlcheck has: module -> (type, the keys read,
# those named as in the request). A remote function runs as a training job; its `S3KmsKeyId`, `VolumeKmsKeyId`
# and `EnvironmentVariables` go elsewhere in the request (OutputDataConfig.KmsKeyId, ...) and are not read.
V2_MODULES = {
    "RemoteFunction": ("AWS::SageMaker::TrainingJob",
                       frozenset({"EnableInterContainerTrafficEncryption", "VpcConfig", "RoleArn", "Tags"})),
}
V2_MODULES_PATH = ("SageMaker", "PythonSDK", "Modules")

# v3 resource -> the top-level attributes the SDK fills from the file (sagemaker-core 2.27's schema)
V3_ATTRIBUTES = {
    "Model": ("primary_container", "execution_role_arn", "vpc_config"),
    "EndpointConfig": ("data_capture_config", "kms_key_id", "async_inference_config", "execution_role_arn",
                       "vpc_config"),
    "Endpoint": ("data_capture_config", "async_inference_config"),
    "NotebookInstance": ("subnet_id", "security_groups", "role_arn", "kms_key_id"),
    "Domain": ("security_group_id_for_domain_boundary", "default_user_settings", "domain_settings",
               "home_efs_file_system_kms_key_id", "subnet_ids", "kms_key_id", "app_security_group_management",
               "default_space_settings"),
    "UserProfile": ("user_settings",),
    "MonitoringSchedule": ("monitoring_schedule_config",),
    "FeatureGroup": ("online_store_config", "offline_store_config", "role_arn"),
    "InferenceExperiment": ("role_arn", "data_storage_config", "kms_key"),
    "DataQualityJobDefinition": ("data_quality_job_input", "data_quality_job_output_config", "job_resources",
                                 "role_arn", "data_quality_baseline_config", "network_config"),
    "ModelQualityJobDefinition": ("model_quality_job_input", "model_quality_job_output_config", "job_resources",
                                  "role_arn", "model_quality_baseline_config", "network_config"),
    "ModelBiasJobDefinition": ("model_bias_job_input", "model_bias_job_output_config", "job_resources",
                               "role_arn", "model_bias_baseline_config", "network_config"),
    "ModelExplainabilityJobDefinition": ("model_explainability_job_input",
                                         "model_explainability_job_output_config", "job_resources", "role_arn",
                                         "model_explainability_baseline_config", "network_config"),
    "TrainingJob": ("model_artifacts", "role_arn", "output_data_config", "resource_config", "vpc_config",
                    "checkpoint_config", "debug_hook_config", "tensor_board_output_config", "profiler_config"),
    "ProcessingJob": ("processing_resources", "processing_output_config", "network_config", "role_arn"),
    "TransformJob": ("transform_input", "transform_resources", "transform_output", "data_capture_config"),
    "HyperParameterTuningJob": ("training_job_definition",),
}
_V3_TYPES = {op[len("Create"):]: resource_type for op, (resource_type, _) in OPERATIONS.items()}
V3_RESOURCES = ("SageMaker", "PythonSDK", "Resources")

# Attributes whose value is a mapping of the user's own names (environment variables...), not of attributes.
_FREE_MAPPINGS = frozenset({"environment", "environment_variables", "hyper_parameters", "static_hyper_parameters"})
_SPECIAL_NAMES = {"volume_size_in_g_b": "VolumeSizeInGB", "volume_size_in_gb": "VolumeSizeInGB"}


def _at(data, path: tuple):
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _v3_resources(data: dict):
    node = _at(data, V3_RESOURCES)
    return node if isinstance(node, dict) else None


def is_sdk_config(data: Any) -> bool:
    """Decided by content: only the SDK's top-level keys, a `SageMaker` mapping, and `SchemaVersion: '1.0'` (v2)
    or a `SageMaker.PythonSDK.Resources` mapping (v3)."""
    if not isinstance(data, dict) or not isinstance(data.get("SageMaker"), dict):
        return False
    if not set(data) <= _TOP_LEVEL:
        return False
    version = data.get("SchemaVersion")
    return version in ("1.0", 1.0) or _v3_resources(data) is not None


def is_snake_case(key) -> bool:
    """As the SDK decides which keys to rename (sagemaker.core.utils.utils.is_snake_case)."""
    return (isinstance(key, str) and bool(key) and not key[0].isupper() and (key.islower() or key.isalnum())
            and not key.startswith("_") and not key.endswith("_") and "__" not in key)


def api_name(key: str) -> str:
    """A v3 attribute's API member name, as the SDK makes it (snake_to_pascal): `kms_key_id` -> `KmsKeyId`."""
    return _SPECIAL_NAMES.get(key) or "".join(part.title() for part in key.split("_"))


def _rename(path: tuple, key):
    """The key a v3 document's key becomes: under `SageMaker.PythonSDK.Resources.<Resource>`, attribute names
    are the API's (not below a mapping of the user's own names)."""
    if len(path) < len(V3_RESOURCES) + 1 or path[:len(V3_RESOURCES)] != V3_RESOURCES:
        return key
    if any(isinstance(step, str) and step in _FREE_MAPPINGS for step in path[len(V3_RESOURCES) + 1:]):
        return key
    return api_name(key) if is_snake_case(key) else key


def _renamed(value, path: tuple):
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            new = _rename(path, key)
            out[new] = _renamed(item, path + (key,))
        return out
    if isinstance(value, list):
        return [_renamed(item, path + (i,)) for i, item in enumerate(value)]
    return value


def build_sdk_config(file: str, document: Document) -> Template:
    """A Template with one defaults-only resource per section mlcheck has a type for (see the module docs)."""
    data = document.data
    v3 = _v3_resources(data)
    if v3 is not None:
        # the rules read API names: rename the v3 tree's keys, in the data and in the locations alike
        document = Document(_renamed(data, ()), document.locations.renamed(_rename), document.text)
        data, v3 = document.data, _v3_resources(document.data)
    template = Template(file=file, document=document)
    sagemaker = data["SageMaker"]
    for section, resource_type in V2_SECTIONS.items():
        _add(template, ("SageMaker", section), sagemaker.get(section), resource_type, None)
    _check_containers(template, data, V2_MODULES_PATH)
    _check_containers(template, data, V3_RESOURCES)
    modules = _at(data, V2_MODULES_PATH)
    for module, (resource_type, keys) in (V2_MODULES.items() if isinstance(modules, dict) else ()):
        _add(template, V2_MODULES_PATH + (module,), modules.get(module), resource_type, keys)
    for name, attributes in (V3_ATTRIBUTES.items() if v3 is not None else ()):
        _add(template, V3_RESOURCES + (name,), v3.get(name), _V3_TYPES[name],
             {api_name(a) for a in attributes})
    return template


def _check_containers(template: Template, data: dict, path: tuple) -> None:
    """`PythonSDK`, `Modules` and `Resources` hold the sections: one written as a list or a scalar would drop
    every default below it without a word, and the SDK refuses such a file, so it is a problem at its line."""
    node = data
    for depth, key in enumerate(path):
        node = node.get(key)
        if node is None:
            return
        if not isinstance(node, dict):
            problem = (path[:depth + 1], f"{'.'.join(path[:depth + 1])} is not a mapping")
            if problem not in template.problems:  # `PythonSDK` is on both paths
                template.problems.append(problem)
            return


def _add(template: Template, path: tuple, body, resource_type: str, applied: set | None) -> None:
    if body is None:
        return
    logical_id = ".".join(path)
    if not isinstance(body, dict):
        template.problems.append((path, f"{logical_id} is not a mapping"))
        return
    properties = {k: v for k, v in body.items() if applied is None or k in applied}
    template.resources[logical_id] = Resource(
        logical_id=logical_id, type=resource_type,
        definition={"Type": resource_type, "Properties": _convert(_without_nulls(properties), False)},
        path=path, body_path=path, defaults_only=True,
    )


def _without_nulls(value):
    """A key written with no value (`KmsKeyId:`) sets no default: the SDK skips it (v3) or rejects it (v2)."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


recognises = is_sdk_config
build = build_sdk_config

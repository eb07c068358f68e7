"""SageMaker resource stores data without a customer KMS key.

## What it does
Checks that every SageMaker resource that stores data names a KMS key for it:
- NotebookInstance `KmsKeyId` (its ML storage volume);
- EndpointConfig `KmsKeyId` (the storage volumes of its instances), `DataCaptureConfig.KmsKeyId` (captured
  requests and responses, when capture is enabled) and `AsyncInferenceConfig.OutputConfig.KmsKeyId`
  (asynchronous results);
- Studio Domain `KmsKeyId` (its EFS volume);
- FeatureGroup `OfflineStoreConfig.S3StorageConfig.KmsKeyId` (the offline store in S3) and, when the online
  store is enabled (`OnlineStoreConfig.EnableOnlineStore: true`), `OnlineStoreConfig.SecurityConfig.KmsKeyId`
  (the `InMemory` tier is not judged);
- InferenceExperiment `KmsKey` (the storage volumes of its variants' instances; not when all of them have local
  NVMe storage) and `DataStorageConfig.KmsKey` (the requests and responses it captures);
- monitoring job definitions (data quality, model quality, bias, explainability) and MonitoringSchedule job
  definitions: the output `KmsKeyId` and the cluster's `VolumeKmsKeyId`;
- the same resources given as SageMaker API requests (CreateNotebookInstance, CreateEndpointConfig,
  CreateFeatureGroup, CreateInferenceExperiment, CreateMonitoringSchedule, ...);
- training, processing, transform and tuning jobs given as SageMaker API requests (CreateTrainingJob, ...,
  also as SageMaker Pipelines steps): `OutputDataConfig.KmsKeyId` and `ResourceConfig.VolumeKmsKeyId`,
  `ProcessingOutputConfig.KmsKeyId` and `ProcessingResources.ClusterConfig.VolumeKmsKeyId`,
  `TransformOutput.KmsKeyId` and `TransformResources.VolumeKmsKeyId` (a tuning job: those of its
  `TrainingJobDefinition`). A job on instance types with local NVMe storage needs no volume key (SageMaker
  rejects one there).

A block that is absent (no data capture, no offline store) needs no key. Endpoint configurations whose
instance types all have local NVMe storage, and serverless-only configurations, need no `KmsKeyId`:
SageMaker rejects one there (the instance store is encrypted by the hardware).

In the SageMaker Python SDK's config file (defaults for every resource the SDK creates), a key default set to an
empty string means no key: it is reported whatever instance types or online store the code chooses, since the
resources that take the default include those that need a key. A key the file leaves out is not reported.

## Why is this bad?
Without a key you control, AWS encrypts the data with a key of its own — an AWS managed key for storage volumes
and Studio's EFS volume, S3's default encryption (SSE-S3 or the aws/s3 AWS managed key) for data written to S3,
an AWS owned key for the Feature Store online store (the message says which; the table is `mlcheck.aws.kms`): you
cannot restrict who may decrypt it with a key policy you write, or revoke access by disabling the key, and an
AWS owned key's use is not even in your CloudTrail.

A key field written in the template but unset on some branch (`KmsKeyId: !If [HasKey, !Ref Key,
!Ref AWS::NoValue]`) is reported on that branch, naming the conditions and parameters that decide it.

## Example
```yaml
EndpointConfig:
  Type: AWS::SageMaker::EndpointConfig
  Properties:
    ProductionVariants:
      - ModelName: !GetAtt Model.ModelName
        VariantName: AllTraffic
        InstanceType: ml.m5.large
        InitialInstanceCount: 2
```

## Use instead
```yaml
EndpointConfig:
  Type: AWS::SageMaker::EndpointConfig
  Properties:
    KmsKeyId: !Ref ModelKey
    ProductionVariants:
      - ModelName: !GetAtt Model.ModelName
        VariantName: AllTraffic
        InstanceType: ml.m5.large
        InitialInstanceCount: 2
```

## References
- [Protect data at rest using encryption](https://docs.aws.amazon.com/sagemaker/latest/dg/encryption-at-rest.html)
- [Host instance storage volumes](https://docs.aws.amazon.com/sagemaker/latest/dg/host-instance-storage.html)
- AWS Security Hub controls SageMaker.17, SageMaker.18, SageMaker.21, SageMaker.23, SageMaker.24
"""

from mlcheck.aws.kms import AWS_OWNED, JOB_VOLUME_TYPES, KEY_FIELDS, VOLUME, key_fields, kind_of, what_disables
from mlcheck.engine.rule import Hit, Rule
from mlcheck.aws.sagemaker import has_local_nvme, is_serverless, variants
from mlcheck.model.values import Unknown, is_symbolic, is_undecided


FEATURE_GROUP = "AWS::SageMaker::FeatureGroup"
EXPERIMENT = "AWS::SageMaker::InferenceExperiment"
_ONLINE = ("OnlineStoreConfig",)
_ONLINE_KEY = _ONLINE + ("SecurityConfig", "KmsKeyId")


def _is_true(value) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def check(view, ctx):
    if view.type == FEATURE_GROUP:
        yield from _online_store(view, ctx)
    for use in key_fields(view):
        spec = use.field
        if isinstance(use.value, Unknown):
            ctx.unknown(use.path, use.value.reason)
            continue
        if use.value not in (None, "") or not spec.required:
            continue
        if spec.parent == ("DataCaptureConfig",) and _capture_off(view, ctx):
            continue
        if view.type == "AWS::SageMaker::EndpointConfig" and not spec.parent and not _needs_volume_key(view, ctx):
            continue
        if spec.purpose == VOLUME and view.type in JOB_VOLUME_TYPES and not _job_needs_volume_key(view, ctx, spec):
            continue
        if view.type == EXPERIMENT and not spec.parent and not _experiment_needs_volume_key(view, ctx):
            continue
        where = f"{spec.parent[-1]}.{spec.key}" if spec.parent else spec.key
        message, detail = _message(view, ctx, where, spec.parent + (spec.key,), spec.what, spec.aws_default)
        yield Hit(use.path, message, detail=detail)


def _online_store(view, ctx):
    """The online store, when enabled, needs OnlineStoreConfig.SecurityConfig.KmsKeyId (judged here rather than
    through key_fields: a missing SecurityConfig block is a finding too)."""
    if view.get(*_ONLINE) is None:
        return  # no online store (EnableOnlineStore defaults to false)
    for keys in (_ONLINE, _ONLINE + ("EnableOnlineStore",), _ONLINE + ("StorageType",), _ONLINE_KEY[:-1],
                 _ONLINE_KEY):
        value = view.get(*keys)
        if is_undecided(value):
            continue  # a default key: the feature groups that take it may enable a Standard online store
        # a flag or tier computed from something else is unknown; a key given by Ref/GetAtt is a key
        if isinstance(value, Unknown) or (keys[-1] in ("EnableOnlineStore", "StorageType") and is_symbolic(value)):
            ctx.unknown(view.path(*keys), value.reason if isinstance(value, Unknown) else "value is computed")
            return
    enabled = view.get(*_ONLINE, "EnableOnlineStore")
    if not isinstance(view.get(*_ONLINE), dict) or not (_is_true(enabled) or is_undecided(enabled)):
        return
    tier = view.get(*_ONLINE, "StorageType")
    if isinstance(tier, str) and tier.strip() == "InMemory":
        ctx.unknown(view.path(*_ONLINE, "StorageType"), "the InMemory online store tier is not judged")
        return
    if view.get(*_ONLINE_KEY) not in (None, ""):
        return
    doing = "" if is_undecided(enabled) else "enables its online store but "
    message, detail = _message(view, ctx, "OnlineStoreConfig.SecurityConfig.KmsKeyId", _ONLINE_KEY,
                               "its online store", AWS_OWNED, doing=doing)
    yield Hit(view.path(*_ONLINE_KEY), message, detail=detail)


def _message(view, ctx, where, keys, what, aws_default, doing=""):
    """(message, detail). `doing`: what the resource does that needs the key. The detail says what SageMaker
    uses instead and, for a field that is written but unset on this branch, what decides it (the engine's note
    then says which branch)."""
    why = what_disables(ctx.template, view.resource, keys)
    unset = f"sets no {where}" if not why else f"leaves {where} unset"
    message = (f"{kind_of(view.type)} '{view.logical_id}' {doing}{unset}, so SageMaker does not encrypt {what} "
               "with a key you control")
    uses = f"SageMaker uses {aws_default}"
    return message, f"{why}; {uses}" if why else uses


def _experiment_needs_volume_key(view, ctx) -> bool:
    """False when every variant of an inference experiment runs on instance types with local NVMe storage."""
    listed = view.get("ModelVariants")
    if is_undecided(listed):
        return True  # a default key: the experiments that take it may run on instances with volumes
    if isinstance(listed, Unknown):
        ctx.unknown(view.path("ModelVariants"), listed.reason)
        return False
    if not isinstance(listed, list) or not listed:
        return True
    for i in range(len(listed)):
        keys = ("ModelVariants", i, "InfrastructureConfig", "RealTimeInferenceConfig", "InstanceType")
        instance_type = view.get(*keys)
        if instance_type is None:
            return True
        if not isinstance(instance_type, str):
            ctx.unknown(view.path(*keys), "instance type is computed")
            return False
        if not has_local_nvme(instance_type):
            return True
    return False


def _job_needs_volume_key(view, ctx, spec) -> bool:
    """False when the job's instances have local NVMe storage (SageMaker rejects a VolumeKmsKeyId there)."""
    instance_type = view.get(*spec.parent, "InstanceType")
    groups = view.get(*spec.parent, "InstanceGroups")
    if is_undecided(instance_type) and is_undecided(groups):
        return True  # a default key: the jobs that take it may run on instances with volumes
    types = [instance_type] if instance_type is not None else \
        [g.get("InstanceType") for g in groups if isinstance(g, dict)] if isinstance(groups, list) else []
    if not types:
        return True
    for value in types:
        if not isinstance(value, str):
            ctx.unknown(view.path(*spec.parent), "instance type is computed")
            return False
    return not all(has_local_nvme(t) for t in types)


def _capture_off(view, ctx) -> bool:
    enabled = view.get("DataCaptureConfig", "EnableCapture")
    if is_symbolic(enabled):
        return False
    return enabled is False or (isinstance(enabled, str) and enabled.strip().lower() == "false")


def _needs_volume_key(view, ctx) -> bool:
    """False when no variant has a storage volume SageMaker would encrypt with KmsKeyId."""
    found = False
    listed = view.get("ProductionVariants")
    if is_undecided(listed):
        return True  # a default key: the configurations that take it may run on instances with volumes
    if isinstance(listed, Unknown):
        ctx.unknown(view.path("ProductionVariants"), listed.reason)
        return False
    for i, variant in variants(view, ctx):
        if is_serverless(variant):
            continue
        instance_type = variant.get("InstanceType")
        if isinstance(instance_type, str):
            if not has_local_nvme(instance_type):
                found = True
        elif instance_type is not None:
            ctx.unknown(view.path("ProductionVariants", i, "InstanceType"), "instance type is computed")
            return False
    return found


RULE = Rule(
    id="MLC201",
    name="sagemaker-no-kms-key",
    severity="high",
    resource_types=tuple(KEY_FIELDS),
    check=check,
    fix="Set KmsKeyId to a customer managed AWS::KMS::Key that the execution role may use.",
    peers={"checkov": ["CKV_AWS_187", "CKV_AWS_367", "CKV_AWS_368"], "cfn_nag": ["W1200", "W1201"],
           "guard": ["SAGEMAKER_ENDPOINT_CONFIGURATION_KMS_KEY_CONFIGURED",
                     "SAGEMAKER_NOTEBOOK_INSTANCE_KMS_KEY_CONFIGURED"],
           "aws": ["SageMaker.17", "SageMaker.18", "SageMaker.21", "SageMaker.23", "SageMaker.24",
                   "sagemaker-endpoint-configuration-kms-key-configured",
                   "sagemaker-notebook-instance-kms-key-configured"]},
    practice="kms-customer-managed-keys",
)

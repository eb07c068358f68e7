"""SageMaker resource stores data without a customer KMS key.

## What it does
Checks that SageMaker resources that store data name a KMS key: a NotebookInstance's `KmsKeyId` (its ML
storage volume), an EndpointConfig's `KmsKeyId` (the storage volume of its instances) and a Studio Domain's
`KmsKeyId` (its EFS volume). Endpoint configurations whose instance types all have local NVMe storage, and
serverless-only configurations, are exempt: SageMaker rejects a `KmsKeyId` there (the instance store is
encrypted by the hardware).

## Why is this bad?
Without a key you control, the data is encrypted with an AWS owned key: you cannot restrict who may decrypt it
with a key policy, audit its use in CloudTrail, or revoke access by disabling the key.

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
"""

from mlcheck.rule import Hit, Rule
from mlcheck.sagemaker import has_local_nvme, is_serverless, variants
from mlcheck.values import Unknown

WHAT = {
    "AWS::SageMaker::NotebookInstance": ("Notebook instance", "its ML storage volume is"),
    "AWS::SageMaker::EndpointConfig": ("Endpoint configuration", "the storage volumes of its instances are"),
    "AWS::SageMaker::Domain": ("Studio domain", "its EFS home directories are"),
}


def check(view, ctx):
    key = view.get("KmsKeyId")
    if isinstance(key, Unknown):
        ctx.unknown(view.path("KmsKeyId"), key.reason)
        return
    if key not in (None, ""):
        return
    if view.type == "AWS::SageMaker::EndpointConfig" and not _needs_volume_key(view, ctx):
        return
    kind, data = WHAT[view.type]
    yield Hit(view.path("KmsKeyId"), f"{kind} '{view.logical_id}' sets no KmsKeyId, so {data} encrypted with an AWS owned key")


def _needs_volume_key(view, ctx) -> bool:
    """False when no variant has a storage volume SageMaker would encrypt with KmsKeyId."""
    found = False
    for i, variant in variants(view):
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
    resource_types=tuple(WHAT),
    check=check,
    fix="Set KmsKeyId to a customer managed AWS::KMS::Key that the execution role may use.",
    peers={"checkov": ["CKV_AWS_187", "CKV_AWS_367", "CKV_AWS_368"], "cfn_nag": ["W1200", "W1201"],
           "guard": ["SAGEMAKER_ENDPOINT_CONFIGURATION_KMS_KEY_CONFIGURED",
                     "SAGEMAKER_NOTEBOOK_INSTANCE_KMS_KEY_CONFIGURED"],
           "aws": ["sagemaker-endpoint-configuration-kms-key-configured",
                   "sagemaker-notebook-instance-kms-key-configured"]},
    practice="Encryption with AWS KMS: Uses Envelope Encryption. Key Policies: Control which users/roles can use "
             "keys.",
)

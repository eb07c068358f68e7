"""SageMaker resource uses an AWS managed key instead of a customer managed key.

## What it does
Checks every KMS key field of SageMaker resources (the fields MLC201 requires, plus FeatureGroup online
store keys and Studio notebook sharing keys, `SharingSettings.S3KmsKeyId`) for an AWS managed key: an alias `alias/aws/...` (for example `alias/aws/s3`,
`alias/aws/sagemaker`, `alias/aws/ebs`), written literally, as an alias ARN, or built with `!Sub`.

## Why is this bad?
An AWS managed key's policy is fixed: it lets every principal in the account that may use the service use
the key. You cannot limit decryption to the execution role, share it across accounts, disable it, or
rotate it on your schedule; the practice asks for a customer managed key whose key policy you control.

## Example
```yaml
EndpointConfig:
  Type: AWS::SageMaker::EndpointConfig
  Properties:
    KmsKeyId: alias/aws/sagemaker
```

## Use instead
```yaml
EndpointConfig:
  Type: AWS::SageMaker::EndpointConfig
  Properties:
    KmsKeyId: !GetAtt ModelKey.Arn   # an AWS::KMS::Key with a key policy you own
```

## References
- [AWS KMS keys: customer managed and AWS managed keys](https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-mgmt)
- [Protect data at rest using encryption (SageMaker)](https://docs.aws.amazon.com/sagemaker/latest/dg/encryption-at-rest.html)
"""

from mlcheck.aws.kms import KEY_USER_TYPES, key_fields, kind_of, resolve_key
from mlcheck.engine.rule import Hit, Rule


def check(view, ctx):
    for use in key_fields(view):
        if use.value in (None, ""):
            continue
        ref = resolve_key(ctx, use.value)
        if ref.kind == "aws-managed":
            name = use.field.key if not use.field.parent else f"{use.field.parent[-1]}.{use.field.key}"
            yield Hit(use.path, f"{kind_of(view.type)} '{view.logical_id}' encrypts {use.field.what} with the AWS "
                                f"managed key {ref.text} ({name}), whose key policy you cannot restrict")


RULE = Rule(
    id="MLC202",
    name="aws-managed-key",
    severity="medium",
    resource_types=KEY_USER_TYPES,
    check=check,
    fix="Create an AWS::KMS::Key (with rotation and a key policy naming the execution role) and use its ARN.",
    practice="kms-customer-managed-keys",
)

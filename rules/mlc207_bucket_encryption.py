"""S3 bucket used by SageMaker has no SSE-KMS default encryption.

## What it does
Checks every `AWS::S3::Bucket`'s `BucketEncryption` default. A bucket that a SageMaker resource of the
template uses — its name appears in a `ModelDataUrl`, `S3OutputPath`, `DestinationS3Uri`, `S3Uri` (Feature
Store offline store, monitoring outputs), an MLflow tracking server's `ArtifactStoreUri`, ... as
`s3://literal-name/...`, `!Sub s3://${Bucket}/...` or `!Join` (resolved as for MLC305) — must default to
SSE-KMS (`aws:kms` or `aws:kms:dsse`); the finding is medium. SageMaker resources include MLflow tracking
servers (their artifact store) and Feature Store offline stores, as far as `mlcheck.aws.s3` follows their URIs. Any
other bucket without a `BucketEncryption` default at all is reported at info, as RULES.md sets it: S3 already
encrypts it with SSE-S3, and the default `--fail-on low` does not stop a build on it. A
`ServerSideEncryptionConfiguration` written as one mapping instead of a list is read as a one-element list.

## Why is this bad?
Training data, model artifacts and captured inference requests are the sensitive part of an ML system. With
SSE-S3 (or no default) anyone with `s3:GetObject` reads them; with SSE-KMS reading also needs `kms:Decrypt` on
a key whose policy you control, and every use of the key is logged in CloudTrail.

## Example
```yaml
ModelBucket:
  Type: AWS::S3::Bucket
Model:
  Type: AWS::SageMaker::Model
  Properties:
    PrimaryContainer:
      ModelDataUrl: !Sub s3://${ModelBucket}/model.tar.gz
```

## Use instead
```yaml
ModelBucket:
  Type: AWS::S3::Bucket
  Properties:
    BucketEncryption:
      ServerSideEncryptionConfiguration:
        - ServerSideEncryptionByDefault:
            SSEAlgorithm: aws:kms
            KMSMasterKeyID: !GetAtt DataKey.Arn
          BucketKeyEnabled: true
```

## References
- [Setting default server-side encryption for S3 buckets](https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-encryption.html)
- [Protect data at rest using encryption (SageMaker)](https://docs.aws.amazon.com/sagemaker/latest/dg/encryption-at-rest.html)
"""

from mlcheck.engine.rule import Hit, Rule
from mlcheck.aws.s3 import BUCKET, buckets_used_by_sagemaker
from mlcheck.model.values import Unknown, is_symbolic

KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")


def default_algorithm(view):
    """The default SSE algorithm ('' when there is no BucketEncryption default), or an Unknown."""
    rules = view.get("BucketEncryption", "ServerSideEncryptionConfiguration")
    if rules is None:
        return ""
    if isinstance(rules, Unknown):
        return rules
    if isinstance(rules, dict):
        rules = [rules]  # one rule written as a mapping instead of a list: read as a one-element list
    for rule in rules if isinstance(rules, list) else []:
        if not isinstance(rule, dict):
            continue
        default = rule.get("ServerSideEncryptionByDefault")
        if isinstance(default, Unknown):
            return default
        if isinstance(default, dict):
            algorithm = default.get("SSEAlgorithm")
            if is_symbolic(algorithm):
                return algorithm if isinstance(algorithm, Unknown) else Unknown("SSEAlgorithm is computed")
            if isinstance(algorithm, str):
                return algorithm.strip()
    return ""


def check(view, ctx):
    algorithm = default_algorithm(view)
    path = view.path("BucketEncryption")
    if isinstance(algorithm, Unknown):
        ctx.unknown(path, algorithm.reason)
        return
    index = buckets_used_by_sagemaker(ctx)
    uses = index.by_bucket.get(view.logical_id, [])
    if uses:
        if algorithm in KMS_ALGORITHMS:
            return
        first = uses[0]
        users = sorted({u.resource.logical_id for u in uses})
        shown = f"{first.resource.type.rsplit('::', 1)[-1]} '{first.resource.logical_id}' in {first.key}" + (
            f" and {len(users) - 1} more" if len(users) > 1 else "")
        current = f"defaults to {algorithm}" if algorithm else "sets no BucketEncryption (so S3 uses SSE-S3)"
        yield Hit(path, f"Bucket '{view.logical_id}' holds SageMaker data (used by {shown}) but {current}, not "
                        "SSE-KMS with a key you control")
        return
    if not algorithm:
        yield Hit(path, f"Bucket '{view.logical_id}' sets no BucketEncryption default (S3 falls back to SSE-S3 with "
                        "S3-managed keys)", severity="info")


RULE = Rule(
    id="MLC207",
    name="bucket-encryption",
    severity="medium",
    resource_types=(BUCKET,),
    check=check,
    fix="Add BucketEncryption with SSEAlgorithm: aws:kms and KMSMasterKeyID naming a customer managed key "
        "(BucketKeyEnabled: true keeps KMS costs down).",
    peers={"checkov": ["CKV_AWS_19"], "cfn_nag": ["W41"],
           "guard": ["S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED", "S3_DEFAULT_ENCRYPTION_KMS"],
           "aws": ["s3-default-encryption-kms"]},
    practice="kms-customer-managed-keys",
)

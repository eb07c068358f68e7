"""Bucket holding SageMaker model artifacts is not versioned.

## What it does
Finds the template's `AWS::S3::Bucket`s that SageMaker resources read model artifacts from or write training
output to (`ModelDataUrl`, `ModelDataSource` S3 URIs, `S3ModelArtifacts`, training `OutputDataConfig`, an MLflow
tracking server's `ArtifactStoreUri`, where its runs log and register models), resolved
as for MLC305, and checks that each has `VersioningConfiguration` with `Status: Enabled`.

## Why is this bad?
Model artifacts are overwritten in place (`model.tar.gz`). Without versioning, a bad or malicious upload
cannot be rolled back, and what a deployed endpoint loaded cannot be reconstructed.

## Example
```yaml
ArtifactBucket:
  Type: AWS::S3::Bucket
Model:
  Type: AWS::SageMaker::Model
  Properties:
    PrimaryContainer:
      ModelDataUrl: !Sub s3://${ArtifactBucket}/model.tar.gz
```

## Use instead
```yaml
ArtifactBucket:
  Type: AWS::S3::Bucket
  Properties:
    VersioningConfiguration:
      Status: Enabled
```

## References
- [Using versioning in S3 buckets](https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html)
"""

from mlcheck.engine.rule import Hit, Rule
from mlcheck.aws.s3 import BUCKET, buckets_used_by_sagemaker
from mlcheck.model.values import Unknown, is_symbolic


def check(view, ctx):
    uses = [u for u in buckets_used_by_sagemaker(ctx).by_bucket.get(view.logical_id, ()) if u.holds_artifacts]
    if not uses:
        return
    status = view.get("VersioningConfiguration", "Status")
    if is_symbolic(status):
        ctx.unknown(view.path("VersioningConfiguration", "Status"),
                    status.reason if isinstance(status, Unknown) else "Status is computed")
        return
    if status == "Enabled":
        return
    user = uses[0]
    where = view.path("VersioningConfiguration") if view.get("VersioningConfiguration") is not None \
        else view.resource.path + ("Type",)
    state = "suspended" if status == "Suspended" else "not enabled"
    yield Hit(where, f"Bucket '{view.logical_id}' holds SageMaker model artifacts ({user.key} of "
                     f"'{user.resource.logical_id}') but versioning is {state}")


RULE = Rule(
    id="MLC307",
    name="artifact-bucket-versioning",
    severity="low",
    resource_types=(BUCKET,),
    check=check,
    fix="Add VersioningConfiguration: {Status: Enabled} (and a lifecycle rule for noncurrent versions).",
    peers={"checkov": ["CKV_AWS_21"], "guard": ["S3_BUCKET_VERSIONING_ENABLED"],
           "aws": ["s3-bucket-versioning-enabled"]},
    practice="high-availability",
)

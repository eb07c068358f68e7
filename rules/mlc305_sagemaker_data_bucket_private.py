"""SageMaker reads or writes a template bucket that is not private.

## What it does
Follows every S3 URI of a SageMaker resource — `ModelDataUrl`, `S3OutputPath`, `DestinationS3Uri` (data
capture), monitoring and Clarify outputs (`S3Uri`), the Feature Store offline store, an MLflow tracking
server's `ArtifactStoreUri`, an inference experiment's `DataStorageConfig.Destination`, a data-quality job's
`DataCapturedDestinationS3Uri`, a HyperPod cluster's lifecycle `SourceS3Uri`, ... — to the `AWS::S3::Bucket` of the
template it names (`!Sub s3://${Bucket}/model.tar.gz`, `!Join`, or a literal bucket name that matches a
bucket's `BucketName`), and reports the URI when that bucket fails MLC301 (public access block), MLC303
(public bucket policy) or MLC304 (HTTPS only). URIs naming buckets outside the template are not judged; URIs
that cannot be resolved are recorded as unknown.

## Why is this bad?
The buckets SageMaker uses hold the most valuable data of an ML system: training data, model artifacts,
captured inference requests. A bucket that is public or reachable over plain HTTP leaks exactly that data.
This rule ties the bucket finding to the model or endpoint that depends on it, so the risk is visible where
the model is defined.

## Example
```yaml
Model:
  Type: AWS::SageMaker::Model
  Properties:
    PrimaryContainer:
      ModelDataUrl: !Sub s3://${ArtifactBucket}/model.tar.gz   # ArtifactBucket has a public GetObject policy
```

## Use instead
```yaml
ArtifactBucket:
  Type: AWS::S3::Bucket
  Properties:
    PublicAccessBlockConfiguration:
      BlockPublicAcls: true
      BlockPublicPolicy: true
      IgnorePublicAcls: true
      RestrictPublicBuckets: true
# plus a bucket policy that denies aws:SecureTransport false and names no public principal
```

## References
- [Security best practices for Amazon S3](https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html)
- [Protect data at rest and in transit in SageMaker](https://docs.aws.amazon.com/sagemaker/latest/dg/data-protection.html)
"""

from mlcheck.engine.rule import Hit, Rule
from mlcheck.aws.s3 import SAGEMAKER_URI_TYPES, bucket_for_uri, bucket_privacy_problems, s3_uris
from mlcheck.model.values import Unknown


def check(view, ctx):
    for path, key, value in s3_uris(view):
        bucket = bucket_for_uri(value, ctx)
        if isinstance(bucket, Unknown):
            ctx.unknown(path, f"{key}: {bucket.reason}")
            continue
        if bucket is None:
            continue
        problems, unknown = bucket_privacy_problems(ctx, bucket)
        if problems:
            yield Hit(path, f"{key} of '{view.logical_id}' points to bucket '{bucket.logical_id}', which is not "
                            f"private: {'; '.join(problems)}")
        elif unknown:
            ctx.unknown(path, f"bucket {bucket.logical_id}: {'; '.join(unknown)}")


RULE = Rule(
    id="MLC305",
    name="sagemaker-data-bucket-private",
    severity="high",
    resource_types=SAGEMAKER_URI_TYPES,
    check=check,
    fix="Make the bucket private: a full public access block, no public policy statement, and a Deny on "
        "aws:SecureTransport false.",
    peers={},
    practice="s3-private-buckets",
)

"""S3 bucket does not block public access.

## What it does
Checks that every `AWS::S3::Bucket` declares `PublicAccessBlockConfiguration` with all four settings true:
`BlockPublicAcls`, `BlockPublicPolicy`, `IgnorePublicAcls` and `RestrictPublicBuckets`. A setting left out of a
declared block is false. A bucket without the block relies on the account's settings at creation time, which
the template does not control, so it is reported too.

## Why is this bad?
Training data, features and model artifacts are among the most sensitive data an ML platform holds. The public
access block is the one switch that makes a bucket policy or ACL mistake unable to expose them.

## Example
```yaml
DataBucket:
  Type: AWS::S3::Bucket
  Properties:
    PublicAccessBlockConfiguration:
      BlockPublicAcls: true
      IgnorePublicAcls: true
```

## Use instead
```yaml
DataBucket:
  Type: AWS::S3::Bucket
  Properties:
    PublicAccessBlockConfiguration:
      BlockPublicAcls: true
      BlockPublicPolicy: true
      IgnorePublicAcls: true
      RestrictPublicBuckets: true
```

## References
- [Blocking public access to your Amazon S3 storage](https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html)
"""

from mlcheck.engine.rule import Hit, Rule, is_true
from mlcheck.model.values import Unknown, is_symbolic

FLAGS = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")
_true = is_true()


def check(view, ctx):
    block = view.get("PublicAccessBlockConfiguration")
    if block is None:
        yield Hit(view.path("PublicAccessBlockConfiguration"),
                  f"Bucket '{view.logical_id}' declares no PublicAccessBlockConfiguration")
        return
    if isinstance(block, Unknown):
        ctx.unknown(view.path("PublicAccessBlockConfiguration"), block.reason)
        return
    if not isinstance(block, dict):
        return
    off = []
    for flag in FLAGS:
        value = block.get(flag)
        if is_symbolic(value):
            ctx.unknown(view.path("PublicAccessBlockConfiguration", flag), f"{flag} is computed")
            return
        if not _true(value):
            off.append(flag)
    if off:
        listed = ", ".join(off)
        yield Hit(view.path("PublicAccessBlockConfiguration"),
                  f"Bucket '{view.logical_id}' does not block public access: {listed} "
                  f"{'is' if len(off) == 1 else 'are'} not true")


RULE = Rule(
    id="MLC301",
    name="bucket-public-access-block",
    severity="high",
    resource_types=("AWS::S3::Bucket",),
    check=check,
    fix="Add PublicAccessBlockConfiguration with BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls and "
        "RestrictPublicBuckets all true.",
    peers={"checkov": ["CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"],
           "guard": ["S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED", "S3_BUCKET_PUBLIC_READ_PROHIBITED",
                     "S3_BUCKET_PUBLIC_WRITE_PROHIBITED"],
           "aws": ["s3-bucket-level-public-access-prohibited"]},
    practice="s3-private-buckets",
)

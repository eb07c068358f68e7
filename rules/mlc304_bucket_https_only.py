"""S3 bucket accepts requests over plain HTTP.

## What it does
Checks, per `AWS::S3::Bucket`, that a bucket policy attached to *that* bucket (`AWS::S3::BucketPolicy` whose
`Bucket` is a `Ref` to it or its name) has a `Deny` statement for everyone (`Principal: "*"`) covering object
reads when `aws:SecureTransport` is `false`. An HTTPS-only policy on one bucket does not excuse another, and a
bucket without any policy fails. When a policy's target bucket cannot be resolved (a parameter without
default), the result is unknown rather than a finding.

## Why is this bad?
Without the Deny, clients may read and write training data and model artifacts over unencrypted HTTP, where
they can be read or altered in transit.

## Example
```yaml
DataBucket:
  Type: AWS::S3::Bucket
  Properties:
    BucketName: my-training-data     # no bucket policy at all
```

## Use instead
```yaml
DataBucketPolicy:
  Type: AWS::S3::BucketPolicy
  Properties:
    Bucket: !Ref DataBucket
    PolicyDocument:
      Statement:
        - Effect: Deny
          Principal: "*"
          Action: s3:*
          Resource: [!GetAtt DataBucket.Arn, !Sub "${DataBucket.Arn}/*"]
          Condition:
            Bool:
              aws:SecureTransport: false
```

## References
- [Enforce encryption of data in transit (aws:SecureTransport)](https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit)
- AWS Config rule s3-bucket-ssl-requests-only
"""

from mlcheck.rule import Hit, Rule
from mlcheck.s3 import BUCKET, https_only, policies_for_bucket
from mlcheck.values import Unknown


def check(view, ctx):
    result = https_only(ctx, view.resource)
    if isinstance(result, Unknown):
        ctx.unknown(view.path(), result.reason)
        return
    if result:
        return
    policies, _ = policies_for_bucket(ctx, view.resource)
    if policies:
        names = ", ".join(p.logical_id for p in policies)
        message = (f"Bucket '{view.logical_id}' accepts non-HTTPS requests: its policy ({names}) does not deny "
                   "requests where aws:SecureTransport is false")
    else:
        message = (f"Bucket '{view.logical_id}' accepts non-HTTPS requests: no bucket policy denies requests "
                   "where aws:SecureTransport is false")
    yield Hit(view.resource.path + ("Type",), message)


RULE = Rule(
    id="MLC304",
    name="bucket-https-only",
    severity="medium",
    resource_types=(BUCKET,),
    check=check,
    fix="Attach a bucket policy with a Deny for Principal '*' on s3:* when aws:SecureTransport is false.",
    peers={"guard": ["S3_BUCKET_SSL_REQUESTS_ONLY"], "aws": ["s3-bucket-ssl-requests-only"]},
    practice="Amazon S3 Security — Conditions: Enforce rules, like requiring HTTPS.",
)

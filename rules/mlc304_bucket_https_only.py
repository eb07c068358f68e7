"""S3 bucket accepts requests over plain HTTP.

## What it does
Checks, per `AWS::S3::Bucket`, that a bucket policy attached to *that* bucket (`AWS::S3::BucketPolicy` whose
`Bucket` is a `Ref` to it or its name) has a `Deny` statement for everyone (`Principal: "*"`) covering object
reads when `aws:SecureTransport` is `false`. An HTTPS-only policy on one bucket does not excuse another, and a
bucket without any policy fails.

An `AWS::S3::BucketPolicy` whose bucket is not a bucket of this template (a parameter, a literal name, an
`Fn::ImportValue`) is judged on itself: a bucket has one policy, and this resource is all of it, so a policy
without the Deny is reported on the policy. Such a policy also leaves the template's own buckets "could not
verify" only when it does deny insecure transport (it might be theirs); one that denies nothing cannot excuse
any bucket.

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

from mlcheck.engine.rule import Hit, Rule
from mlcheck.aws.s3 import (
    BUCKET,
    BUCKET_POLICY,
    bucket_for_name,
    https_only,
    policies_for_bucket,
    policy_denies_insecure_transport,
)
from mlcheck.model.values import Unknown


def _check_bucket(view, ctx):
    result = https_only(ctx, view.resource)
    if isinstance(result, Unknown):
        ctx.unknown(view.path(), result.reason)
        return
    if result:
        return
    policies, _ = policies_for_bucket(ctx, view.resource)
    if policies:
        names = ", ".join(p.logical_id for p in policies)
        detail = f"its policy ({names}) does not deny requests where aws:SecureTransport is false"
    else:
        detail = "no bucket policy denies requests where aws:SecureTransport is false"
    yield Hit(view.resource.path + ("Type",), f"Bucket '{view.logical_id}' accepts non-HTTPS requests", detail=detail)


def _check_policy(view, ctx):
    """A policy whose bucket is not a bucket of this template (a parameter, a literal name, an import) is judged
    on itself: it is all of that bucket's policy. Policies of template buckets are judged with their bucket."""
    value = view.get("Bucket")
    bucket = bucket_for_name(value, ctx)
    if bucket is not None and not isinstance(bucket, Unknown):
        return
    verdict = policy_denies_insecure_transport(ctx, view.resource)
    if isinstance(verdict, Unknown):
        ctx.unknown(view.path("PolicyDocument"), verdict.reason)
        return
    if verdict:
        return
    if isinstance(value, str):
        target = f"bucket '{value}', which is not defined in this template"
    else:
        target = "a bucket this template does not define"
    where = view.path("PolicyDocument") if view.get("PolicyDocument") is not None else view.resource.path + ("Type",)
    yield Hit(where, f"Bucket policy '{view.logical_id}' (for {target}) does not deny requests where "
                     "aws:SecureTransport is false: it is the bucket's whole policy, so the bucket accepts non-HTTPS "
                     "requests")


def check(view, ctx):
    if view.type == BUCKET_POLICY:
        yield from _check_policy(view, ctx)
    else:
        yield from _check_bucket(view, ctx)


RULE = Rule(
    id="MLC304",
    name="bucket-https-only",
    severity="medium",
    resource_types=(BUCKET, BUCKET_POLICY),
    check=check,
    fix="Attach a bucket policy with a Deny for Principal '*' on s3:* when aws:SecureTransport is false.",
    peers={"guard": ["S3_BUCKET_SSL_REQUESTS_ONLY"], "aws": ["s3-bucket-ssl-requests-only"]},
    practice="s3-https-only",
)

"""S3 bucket has no server access logging.

## What it does
Checks that every `AWS::S3::Bucket` sets `LoggingConfiguration`. A bucket that is itself a log destination is
exempt: named by another bucket's `LoggingConfiguration.DestinationBucketName` or a trail's `S3BucketName`,
using the `LogDeliveryWrite` ACL, or granting `logging.s3.amazonaws.com` in its bucket policy. Off by default.

## Why is this bad?
Server access logs record who read which object — the record you need after a data-set or model-artifact
leak. CloudTrail data events are an alternative; some organisations require both.

## Example
```yaml
DataBucket:
  Type: AWS::S3::Bucket
```

## Use instead
```yaml
DataBucket:
  Type: AWS::S3::Bucket
  Properties:
    LoggingConfiguration:
      DestinationBucketName: !Ref AccessLogBucket
      LogFilePrefix: data/
```

## References
- [Logging requests with server access logging](https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html)
"""

from mlcheck.model.cache import template_index
from mlcheck.aws.policy import services_of
from mlcheck.engine.rule import Hit, Rule
from mlcheck.aws.s3 import BUCKET, BUCKET_POLICY, bucket_for_name, policy_statements
from mlcheck.model.values import Unknown

LOG_SERVICES = ("logging.s3.amazonaws.com", "delivery.logs.amazonaws.com", "cloudtrail.amazonaws.com")


def _services(principal):
    return services_of(principal)  # service principals as IAM reads them (${AWS::URLSuffix} included)


def _destinations(ctx):
    found, unknown = set(), []

    def add(value, what):
        bucket = bucket_for_name(value, ctx)
        if isinstance(bucket, Unknown):
            unknown.append(f"{what}: {bucket.reason}")
        elif bucket is not None:
            found.add(bucket.logical_id)

    for bucket in ctx.graph.of_type(BUCKET):
        target = ctx.view(bucket).get("LoggingConfiguration", "DestinationBucketName")
        if target is not None:
            add(target, f"log destination of {bucket.logical_id}")
    for trail in ctx.graph.of_type("AWS::CloudTrail::Trail"):
        target = ctx.view(trail).get("S3BucketName")
        if target is not None:
            add(target, f"S3BucketName of {trail.logical_id}")
    for policy in ctx.graph.of_type(BUCKET_POLICY):
        stmts, _ = policy_statements(ctx, policy)
        if any(s.effect == "Allow" and any(svc in LOG_SERVICES for svc in _services(s.principal)) for s in stmts):
            add(ctx.view(policy).get("Bucket"), f"Bucket of {policy.logical_id}")
    return found, unknown


def check(view, ctx):
    if view.get("LoggingConfiguration") is not None:
        return
    if view.get("AccessControl") == "LogDeliveryWrite":
        return
    destinations, unknown = template_index(ctx, "mlc308.log_destinations", _destinations)
    if view.logical_id in destinations:
        return
    if unknown:
        ctx.unknown(view.path("LoggingConfiguration"), "; ".join(unknown))
        return
    yield Hit(view.resource.path + ("Type",), f"Bucket '{view.logical_id}' has no server access logging")


RULE = Rule(
    id="MLC308",
    name="bucket-access-logging",
    severity="info",
    resource_types=(BUCKET,),
    check=check,
    fix="Add LoggingConfiguration with DestinationBucketName set to a dedicated access-log bucket.",
    enabled_by_default=False,
    peers={"checkov": ["CKV_AWS_18"], "cfn_nag": ["W35"], "guard": ["S3_BUCKET_LOGGING_ENABLED"],
           "aws": ["s3-bucket-logging-enabled"]},
    practice="audit-trail",
)

"""CloudTrail trail is not logging.

## What it does
Checks that no `AWS::CloudTrail::Trail` sets `IsLogging: false`. (`IsLogging` is required by CloudFormation; a
value from a parameter without default is unknown.)

## Why is this bad?
A trail that does not log records nothing: the `CreateTrainingJob`, `CreateModel` and `UpdateEndpoint` calls
an investigation needs are missing, and the trail's existence gives a false sense of coverage.

## Example
```yaml
Trail:
  Type: AWS::CloudTrail::Trail
  Properties:
    S3BucketName: !Ref TrailBucket
    IsLogging: false
```

## Use instead
```yaml
Trail:
  Type: AWS::CloudTrail::Trail
  Properties:
    S3BucketName: !Ref TrailBucket
    IsLogging: true
```

## References
- [Creating a trail](https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-create-a-trail-using-the-console-first-time.html)
- AWS Config rule cloudtrail-enabled
"""

from mlcheck.aws.audit import TRAIL, is_false
from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.values import Unknown, is_symbolic


def check(view, ctx):
    value = view.get("IsLogging")
    if is_symbolic(value):
        ctx.unknown(view.path("IsLogging"), value.reason if isinstance(value, Unknown) else "IsLogging is computed")
        return
    if is_false(value):
        yield Hit(view.path("IsLogging"), f"Trail '{view.logical_id}' is not logging (IsLogging is false)")


RULE = Rule(
    id="MLC605",
    name="trail-not-logging",
    severity="medium",
    resource_types=(TRAIL,),
    check=check,
    fix="Set IsLogging: true.",
    peers={"guard": ["CLOUD_TRAIL_ENABLED"], "aws": ["cloudtrail-enabled"]},
    practice="audit-trail",
)

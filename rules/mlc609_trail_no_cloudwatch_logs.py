"""CloudTrail trail does not deliver to CloudWatch Logs.

## What it does
Checks that every `AWS::CloudTrail::Trail` sets `CloudWatchLogsLogGroupArn` (with `CloudWatchLogsRoleArn`,
which CloudFormation requires beside it). A value that cannot be known is unknown.

## Why is this bad?
Log files in S3 are read after the fact. Delivered to CloudWatch Logs, the same events can drive metric
filters and alarms — a `DeleteTrail`, a `CreatePresignedNotebookInstanceUrl` from an unknown address — while
there is still time to act.

## Example
```yaml
Trail:
  Type: AWS::CloudTrail::Trail
  Properties:
    S3BucketName: !Ref TrailBucket
    IsLogging: true
```

## Use instead
```yaml
Trail:
  Type: AWS::CloudTrail::Trail
  Properties:
    S3BucketName: !Ref TrailBucket
    IsLogging: true
    CloudWatchLogsLogGroupArn: !GetAtt TrailLogGroup.Arn
    CloudWatchLogsRoleArn: !GetAtt TrailLogsRole.Arn
```

## References
- [Sending events to CloudWatch Logs](https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html)
- AWS Config rule cloud-trail-cloud-watch-logs-enabled
"""

from mlcheck.aws.audit import TRAIL, setting_check
from mlcheck.engine.rule import Rule

RULE = Rule(
    id="MLC609",
    name="trail-no-cloudwatch-logs",
    severity="low",
    resource_types=(TRAIL,),
    check=setting_check(TRAIL, "CloudWatchLogsLogGroupArn",
                        "Trail '{resource}' does not deliver to CloudWatch Logs (no CloudWatchLogsLogGroupArn)"),
    fix="Set CloudWatchLogsLogGroupArn and CloudWatchLogsRoleArn (a role CloudTrail can assume to write the group).",
    peers={"guard": ["CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED"], "aws": ["cloud-trail-cloud-watch-logs-enabled"]},
    practice="cloudwatch-logs",
)

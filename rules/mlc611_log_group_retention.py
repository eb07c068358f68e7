"""Log group keeps its logs forever.

## What it does
Checks that every `AWS::Logs::LogGroup` sets `RetentionInDays`. Left out, AWS keeps the events forever. A
value that cannot be known is unknown.

## Why is this bad?
Logs kept forever cost money every month and keep whatever they hold — request payloads, user identifiers,
stack traces with data — long after anyone needs them. A retention period states how long the evidence is
kept, for audits and for privacy rules alike.

## Example
```yaml
TrainingLogs:
  Type: AWS::Logs::LogGroup
  Properties:
    LogGroupName: /ml/training
```

## Use instead
```yaml
TrainingLogs:
  Type: AWS::Logs::LogGroup
  Properties:
    LogGroupName: /ml/training
    RetentionInDays: 365
```

## References
- [Change log data retention in CloudWatch Logs](https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention)
- AWS Config rule cw-loggroup-retention-period-check
"""

from mlcheck.aws.audit import LOG_GROUP, setting_check
from mlcheck.engine.rule import Rule

RULE = Rule(
    id="MLC611",
    name="log-group-retention",
    severity="low",
    resource_types=(LOG_GROUP,),
    check=setting_check(LOG_GROUP, "RetentionInDays",
                        "Log group '{resource}' has no RetentionInDays: its events are kept forever"),
    fix="Set RetentionInDays to the period your audit and privacy rules require (e.g. 365).",
    peers={"checkov": ["CKV_AWS_66"], "cfn_nag": ["W86"], "guard": ["CW_LOGGROUP_RETENTION_PERIOD_CHECK"],
           "aws": ["cw-loggroup-retention-period-check"]},
    practice="cloudwatch-logs",
)

"""Log group is not encrypted with a KMS key.

## What it does
Checks that every `AWS::Logs::LogGroup` sets `KmsKeyId`. A value that cannot be known is unknown.

## Why is this bad?
CloudWatch Logs encrypts log data with a key AWS owns. Training and inference logs often hold request data and
stack traces; with your own key, reading them also needs `kms:Decrypt`, which the key policy controls and
CloudTrail records, and disabling the key revokes access at once.

## Example
```yaml
TrainingLogs:
  Type: AWS::Logs::LogGroup
  Properties:
    RetentionInDays: 365
```

## Use instead
```yaml
TrainingLogs:
  Type: AWS::Logs::LogGroup
  Properties:
    RetentionInDays: 365
    KmsKeyId: !GetAtt LogsKey.Arn
```

## References
- [Encrypt log data in CloudWatch Logs using AWS KMS](https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html)
- AWS Config rule cloudwatch-log-group-encrypted
"""

from mlcheck.aws.audit import LOG_GROUP, setting_check
from mlcheck.engine.rule import Rule

RULE = Rule(
    id="MLC612",
    name="log-group-no-kms",
    severity="low",
    resource_types=(LOG_GROUP,),
    check=setting_check(LOG_GROUP, "KmsKeyId", "Log group '{resource}' has no KmsKeyId: its logs are not "
                                               "encrypted with a key you control"),
    fix="Set KmsKeyId to a key ARN whose policy lets logs.<region>.amazonaws.com use it.",
    peers={"checkov": ["CKV_AWS_158"], "cfn_nag": ["W84"], "guard": ["CLOUDWATCH_LOG_GROUP_ENCRYPTED"],
           "aws": ["cloudwatch-log-group-encrypted"]},
    practice="cloudwatch-logs",
)

"""CloudTrail trail logs are not encrypted with a KMS key.

## What it does
Checks that every `AWS::CloudTrail::Trail` sets `KMSKeyId` (a key ARN, alias or `!GetAtt Key.Arn`). A value
that cannot be known (a parameter without default, an import) is unknown.

## Why is this bad?
Without a KMS key the log files are encrypted with S3-managed keys: anyone who can read the bucket can read
the account's API history. With a key, reading also needs `kms:Decrypt`, which the key policy controls and
CloudTrail itself records.

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
    KMSKeyId: !GetAtt TrailKey.Arn
```

## References
- [Encrypting CloudTrail log files with AWS KMS keys](https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html)
- AWS Config rule cloud-trail-encryption-enabled
"""

from mlcheck.aws.audit import TRAIL, setting_check
from mlcheck.engine.rule import Rule

RULE = Rule(
    id="MLC608",
    name="trail-no-kms",
    severity="medium",
    resource_types=(TRAIL,),
    check=setting_check(TRAIL, "KMSKeyId", "Trail '{resource}' has no KMSKeyId: its logs are not encrypted "
                                           "with a key you control"),
    fix="Set KMSKeyId to a customer managed key whose policy lets cloudtrail.amazonaws.com encrypt.",
    peers={"checkov": ["CKV_AWS_35"], "guard": ["CLOUD_TRAIL_ENCRYPTION_ENABLED"],
           "aws": ["cloud-trail-encryption-enabled"]},
    practice="audit-trail",
)

"""CloudTrail trail does not validate its log files.

## What it does
Checks that every `AWS::CloudTrail::Trail` sets `EnableLogFileValidation: true`. Left out, AWS's default is
false, so a missing value is a finding.

## Why is this bad?
Without log file validation nobody can prove that a delivered log file was not changed or deleted afterwards:
someone who can write to the trail's bucket can remove the record of what they did.

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
    EnableLogFileValidation: true
```

## References
- [Validating CloudTrail log file integrity](https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html)
- AWS Config rule cloud-trail-log-file-validation-enabled
"""

from mlcheck.aws.audit import TRAIL
from mlcheck.engine.rule import PropertyCheck, Rule, is_true

RULE = Rule(
    id="MLC606",
    name="trail-log-file-validation",
    severity="medium",
    resource_types=(TRAIL,),
    check=PropertyCheck(
        TRAIL, "EnableLogFileValidation", is_true(),
        message="Trail '{resource}' does not validate its log files (EnableLogFileValidation is {value})",
    ),
    fix="Set EnableLogFileValidation: true.",
    peers={"checkov": ["CKV_AWS_36"], "guard": ["CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED"],
           "aws": ["cloud-trail-log-file-validation-enabled"]},
    practice="audit-trail",
)

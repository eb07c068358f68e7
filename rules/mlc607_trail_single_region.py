"""CloudTrail trail records one region only.

## What it does
Checks that every `AWS::CloudTrail::Trail` sets `IsMultiRegionTrail: true`. Left out, AWS's default is false,
so a missing value is a finding. A team that keeps a single-region trail on purpose can ignore this rule alone:
the trail's other settings are separate rules.

## Why is this bad?
A single-region trail does not see SageMaker jobs, endpoints or notebooks started in another region — which is
where an attacker with stolen credentials, or a forgotten experiment, tends to run.

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
    IsMultiRegionTrail: true
```

## References
- [Receiving CloudTrail log files from multiple regions](https://docs.aws.amazon.com/awscloudtrail/latest/userguide/receive-cloudtrail-log-files-from-multiple-regions.html)
- AWS Config rule multi-region-cloudtrail-enabled
"""

from mlcheck.aws.audit import TRAIL
from mlcheck.engine.rule import PropertyCheck, Rule, is_true

RULE = Rule(
    id="MLC607",
    name="trail-single-region",
    severity="medium",
    resource_types=(TRAIL,),
    check=PropertyCheck(
        TRAIL, "IsMultiRegionTrail", is_true(),
        message="Trail '{resource}' records one region only (IsMultiRegionTrail is {value})",
    ),
    fix="Set IsMultiRegionTrail: true (and keep IncludeGlobalServiceEvents true).",
    peers={"checkov": ["CKV_AWS_67"], "guard": ["MULTI_REGION_CLOUD_TRAIL_ENABLED"],
           "aws": ["multi-region-cloudtrail-enabled"]},
    practice="audit-trail",
)

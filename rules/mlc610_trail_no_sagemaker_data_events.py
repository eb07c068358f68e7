"""No trail logs S3 data events for the buckets SageMaker reads and writes.

## What it does
For every `AWS::S3::Bucket` that the template's SageMaker resources read or write (model artifacts, training
and monitoring output, captured endpoint data, feature store offline data — any S3 URI of theirs that names
the bucket), checks that a trail of the template logs its S3 data events: an `EventSelectors` entry whose
`DataResources` has `Type: AWS::S3::Object` with a value covering the bucket, or an `AdvancedEventSelectors`
entry with `eventCategory` `Data` and `resources.type` `AWS::S3::Object` whose `resources.ARN` selectors (if
any) include it. A value covers the bucket when it names all buckets (`arn:aws:s3`,
`arn:${AWS::Partition}:s3:::`) or the bucket's ARN prefix, written literally, as `!Sub ${Bucket.Arn}/` or as
`!Sub arn:aws:s3:::${Bucket}/`. A selector, ARN or trail condition that cannot be known makes the result
unknown.

## Why is this bad?
Management events record that a training job was created; only S3 data events record who downloaded the
training data or replaced the model artifact an endpoint serves. After a data leak or a poisoned model, that
is the record you need.

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
    EventSelectors:
      - ReadWriteType: All
        DataResources:
          - Type: AWS::S3::Object
            Values: [!Sub "${ModelBucket.Arn}/"]
```

## References
- [Logging data events](https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html)
"""

from mlcheck.aws.audit import trails_logging
from mlcheck.model.cache import deployed_only_when
from mlcheck.engine.rule import Hit, Rule
from mlcheck.aws.s3 import BUCKET, buckets_used_by_sagemaker


def check(view, ctx):
    uses = buckets_used_by_sagemaker(ctx).by_bucket.get(view.logical_id)
    if not uses:
        return
    trails, reasons = trails_logging(ctx, view.resource)
    reasons = list(reasons)
    for trail in trails:
        condition = deployed_only_when(ctx, trail)
        if condition is None:
            return
        reasons.append(f"trail {trail.logical_id} exists only when condition {condition} is true")
    path = view.resource.path + ("Type",)
    if reasons:
        ctx.unknown(path, "; ".join(dict.fromkeys(reasons)))
        return
    user = uses[0].resource
    yield Hit(path, f"Bucket '{view.logical_id}' holds SageMaker data (used by {user.logical_id}) and no trail "
                    f"in this template logs its S3 data events")


RULE = Rule(
    id="MLC610",
    name="trail-no-sagemaker-data-events",
    severity="low",
    resource_types=(BUCKET,),
    check=check,
    fix="Add an S3 data event selector for the bucket to a trail: DataResources Type AWS::S3::Object with "
        "Values [!Sub '${Bucket.Arn}/'].",
    peers={"guard": ["CLOUDTRAIL_S3_DATAEVENTS_ENABLED"]},
    practice="audit-trail",
)

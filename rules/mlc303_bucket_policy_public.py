"""Bucket policy allows everyone without a restricting condition.

## What it does
Checks every statement of every `AWS::S3::BucketPolicy`: an `Allow` whose principal is `*` or `{AWS: "*"}`
(also inside a list) must carry a condition that limits it to known callers — `aws:SourceVpce`,
`aws:SourceVpc`, `aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:SourceAccount` or
`aws:SourceArn` with a positive operator (`StringEquals`, `StringLike`, `ArnEquals`, `ArnLike`). A negated or
`...IfExists` operator, or a `*` value, does not restrict. A principal or condition that cannot be resolved is
recorded as unknown, never reported.

## Why is this bad?
A public Allow makes the bucket's objects — training data, model artifacts — readable (or writable) by anyone
on the internet. Conditions on the VPC endpoint or the organisation keep the convenience of a broad principal
while traffic and callers stay private.

## Example
```yaml
ModelBucketPolicy:
  Type: AWS::S3::BucketPolicy
  Properties:
    Bucket: !Ref ModelBucket
    PolicyDocument:
      Statement:
        - Effect: Allow
          Principal: "*"
          Action: s3:GetObject
          Resource: !Sub ${ModelBucket.Arn}/*
```

## Use instead
```yaml
        - Effect: Allow
          Principal: "*"
          Action: s3:GetObject
          Resource: !Sub ${ModelBucket.Arn}/*
          Condition:
            StringEquals:
              aws:SourceVpce: !Ref S3Endpoint
```

## References
- [Bucket policy examples: restricting access to a VPC endpoint](https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies-vpc-endpoint.html)
- [The meaning of "public"](https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status)
"""

from mlcheck.engine.rule import Hit, Rule
from mlcheck.aws.s3 import BUCKET_POLICY, policy_statements, public_statements


def check(view, ctx):
    stmts, reason = policy_statements(ctx, view.resource)
    if reason:
        ctx.unknown(view.path("PolicyDocument"), reason)
        return
    for statement, why in public_statements(stmts):
        if why:
            ctx.unknown(statement.path, why)
            continue
        yield Hit(statement.path + ("Principal",),
                  f"Bucket policy '{view.logical_id}' allows everyone (Principal *) without a condition on "
                  "aws:SourceVpce, aws:PrincipalOrgID, aws:SourceAccount or aws:SourceArn")


RULE = Rule(
    id="MLC303",
    name="bucket-policy-public",
    severity="critical",
    resource_types=(BUCKET_POLICY,),
    check=check,
    fix="Name the principals (account, role ARNs), or add a StringEquals condition on aws:SourceVpce, "
        "aws:PrincipalOrgID, aws:SourceAccount or aws:SourceArn.",
    peers={"cfn_nag": ["F16"], "guard": ["S3_BUCKET_POLICY_NO_WILDCARD_PRINCIPAL"]},
    practice="s3-private-buckets",
)

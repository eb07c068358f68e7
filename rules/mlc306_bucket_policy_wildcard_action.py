"""Bucket policy allows every S3 action.

## What it does
Checks every `Allow` statement of every `AWS::S3::BucketPolicy` for an action of `*` or `s3:*` (string or
list form, any case).

## Why is this bad?
`s3:*` on a bucket includes deleting it, rewriting its policy and ACLs, and disabling its versioning. A
principal that only reads training data or writes model artifacts needs a handful of actions; granting all of
them turns one leaked credential into the loss of the data set.

## Example
```yaml
        - Effect: Allow
          Principal: {AWS: !GetAtt TrainingRole.Arn}
          Action: s3:*
          Resource: !Sub ${DataBucket.Arn}/*
```

## Use instead
```yaml
        - Effect: Allow
          Principal: {AWS: !GetAtt TrainingRole.Arn}
          Action: [s3:GetObject, s3:PutObject]
          Resource: !Sub ${DataBucket.Arn}/*
```

## References
- [Bucket policy examples](https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html)
- [Actions, resources, and condition keys for Amazon S3](https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html)
"""

from mlcheck.aws.policy import action_path
from mlcheck.engine.rule import Hit, Rule
from mlcheck.aws.s3 import BUCKET_POLICY, policy_statements

WILDCARDS = ("*", "s3:*")


def check(view, ctx):
    stmts, reason = policy_statements(ctx, view.resource)
    if reason:
        ctx.unknown(view.path("PolicyDocument"), reason)
        return
    for statement in stmts:
        if statement.is_unknown:
            ctx.unknown(statement.path, "statement cannot be known")
            continue
        if statement.effect != "Allow":
            continue
        for i, action in enumerate(statement.actions):
            if isinstance(action, str) and action.strip().lower() in WILDCARDS:
                yield Hit(action_path(statement, i),
                          f"Bucket policy '{view.logical_id}' allows every S3 action ({action.strip()})")
                break


RULE = Rule(
    id="MLC306",
    name="bucket-policy-wildcard-action",
    severity="medium",
    resource_types=(BUCKET_POLICY,),
    check=check,
    fix="List the S3 actions the principal needs (e.g. s3:GetObject, s3:PutObject, s3:ListBucket).",
    peers={"cfn_nag": ["F15"], "guard": ["S3_BUCKET_POLICY_NO_WILDCARD_ACTION"]},
    practice="least-privilege",
)

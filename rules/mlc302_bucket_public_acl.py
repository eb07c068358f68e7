"""S3 bucket grants public access through its canned ACL.

## What it does
Checks that no `AWS::S3::Bucket` sets `AccessControl` to `PublicRead`, `PublicReadWrite` or
`AuthenticatedRead` (the last one opens the bucket to every AWS account in the world, not to yours).

## Why is this bad?
A public ACL exposes training data, features and model artifacts to anyone. New buckets are private by default;
a public canned ACL deliberately undoes that, and it is easy to miss in review because it is one short line.

## Example
```yaml
DataBucket:
  Type: AWS::S3::Bucket
  Properties:
    AccessControl: PublicRead
```

## Use instead
```yaml
DataBucket:
  Type: AWS::S3::Bucket
  Properties:
    OwnershipControls:
      Rules:
        - ObjectOwnership: BucketOwnerEnforced   # ACLs disabled
    PublicAccessBlockConfiguration:
      BlockPublicAcls: true
      BlockPublicPolicy: true
      IgnorePublicAcls: true
      RestrictPublicBuckets: true
```

## References
- [Canned ACL](https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl)
- [Controlling ownership of objects and disabling ACLs](https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html)
"""

from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.values import Unknown, is_symbolic

PUBLIC_ACLS = ("PublicRead", "PublicReadWrite", "AuthenticatedRead")


def check(view, ctx):
    acl = view.get("AccessControl")
    if acl is None:
        return
    if is_symbolic(acl):
        ctx.unknown(view.path("AccessControl"), acl.reason if isinstance(acl, Unknown) else "AccessControl is computed")
        return
    if isinstance(acl, str) and acl.strip() in PUBLIC_ACLS:
        yield Hit(view.path("AccessControl"),
                  f"Bucket '{view.logical_id}' is public through its canned ACL (AccessControl: {acl.strip()})")


RULE = Rule(
    id="MLC302",
    name="bucket-public-acl",
    severity="critical",
    resource_types=("AWS::S3::Bucket",),
    check=check,
    fix="Remove AccessControl (or set it to Private), disable ACLs with ObjectOwnership: BucketOwnerEnforced and "
        "block public access.",
    peers={"checkov": ["CKV_AWS_20", "CKV_AWS_57"], "cfn_nag": ["W31", "F14"],
           "guard": ["S3_BUCKET_PUBLIC_READ_ACL", "S3_BUCKET_NO_PUBLIC_RW_ACL"]},
    practice="s3-private-buckets",
)

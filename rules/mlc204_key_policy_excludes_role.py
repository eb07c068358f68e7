"""Key policy neither delegates to IAM nor names the execution role that uses the key.

## What it does
For each customer managed `AWS::KMS::Key` a SageMaker resource uses (followed as in MLC203) and the resource's
execution role: reports when the key's `KeyPolicy` has no Allow statement for the account (the root principal
`arn:aws:iam::ACCOUNT:root`, `${AWS::AccountId}`, a bare account id — which lets IAM policies grant use of the
key) and none for the role itself (by `!GetAtt Role.Arn`, a `!Sub` ARN or a literal ARN naming it) or for
`*`. A key without `KeyPolicy` gets CloudFormation's default policy, which delegates to IAM.

## Why is this bad?
For KMS, the key policy is the primary gate: unless it delegates to IAM or names the role, no identity
policy can grant use of the key, so whatever `kms:Decrypt` the role's own policies allow is useless and
SageMaker fails when it needs the key. A key policy that trusts only an administrator role is the usual cause.

## Example
```yaml
ModelKey:
  Type: AWS::KMS::Key
  Properties:
    EnableKeyRotation: true
    KeyPolicy:
      Statement:
        - Effect: Allow
          Principal: {AWS: !GetAtt KeyAdminRole.Arn}
          Action: kms:*
          Resource: "*"
```

## Use instead
```yaml
    KeyPolicy:
      Statement:
        - Effect: Allow
          Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
          Action: kms:*
          Resource: "*"
```

## References
- [Default key policy: allows access to the AWS account and enables IAM policies](https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam)
- [Protect data at rest using encryption (SageMaker)](https://docs.aws.amazon.com/sagemaker/latest/dg/encryption-at-rest.html)
"""

from mlcheck.aws.kms import KEY_USER_TYPES, NEEDED, key_access, keys_and_roles, kind_of
from mlcheck.engine.rule import Hit, Rule


def check(view, ctx):
    for use, ref, role_use in keys_and_roles(ctx, view):
        access = key_access(ctx, ref.key, role_use.role, NEEDED[use.field.purpose])
        if access.key_policy_admits is None:
            ctx.unknown(use.path, "; ".join(access.unknown) or "key policy principals cannot be known")
        elif access.key_policy_admits is False:
            yield Hit(use.path, f"{kind_of(view.type)} '{view.logical_id}' encrypts {use.field.what} with key "
                                f"{ref.describe()}, whose key policy neither delegates to IAM (account root) nor "
                                f"names execution role {role_use.describe()}: the role cannot use the key, "
                                "whatever its own policies allow")


RULE = Rule(
    id="MLC204",
    name="key-policy-excludes-role",
    severity="high",
    resource_types=KEY_USER_TYPES,
    check=check,
    fix="Add a key policy statement for the account root (delegating to IAM) or for the execution role's ARN "
        "with kms:Decrypt, kms:GenerateDataKey and kms:CreateGrant.",
    practice="kms-key-policies",
)

"""SageMaker resource encrypts with a key its execution role may not use.

## What it does
Follows each customer managed key a SageMaker resource uses — `KmsKeyId`, `VolumeKmsKeyId`,
`DataCaptureConfig.KmsKeyId`, async inference and monitoring output keys, FeatureGroup stores; by `!Ref`,
`!GetAtt Key.Arn`, an `AWS::KMS::Alias` resource, a `!Sub` ARN or a literal alias — to the
`AWS::KMS::Key`, and the resource's execution role — Model `ExecutionRoleArn` (an EndpointConfig through its
variants' models), NotebookInstance `RoleArn`, Domain `DefaultUserSettings.ExecutionRole`, job definitions'
`RoleArn`, training/processing/tuning job requests' `RoleArn` — to the `AWS::IAM::Role`. Then it asks
whether the role may use the key: its identity policies (inline, attached template managed policies,
`AWS::IAM::Policy`/`RolePolicy` naming it, known AWS managed policies) must allow `kms:Decrypt` and
`kms:GenerateDataKey` on the key (`*`, the key's ARN, or an ARN pattern covering it), plus `kms:CreateGrant` for storage volumes and `kms:Encrypt` for data the resource
writes — unless the key policy grants the role directly. An explicit Deny in either policy wins (in the key
policy, one naming the role, `*` or the account). The message names the policy that decides: the Deny
statement, the key policy when it neither names the role nor lets IAM policies grant the action, or the role's
identity policies when the key policy lets them grant it and none does.

A key or role that is not defined in the template, or a policy that cannot be read, is unknown: nothing is
reported. When the key policy shuts the role out altogether, MLC204 reports that instead.

## Why is this bad?
SageMaker calls KMS with the execution role's credentials. If the role may not use the key, the notebook
does not start, the endpoint fails to create or update, or data capture silently stops — usually discovered
during a deployment, not in review.

## Example
```yaml
ModelRole:
  Type: AWS::IAM::Role
  Properties:
    AssumeRolePolicyDocument: {...}
    Policies:
      - PolicyName: artifacts
        PolicyDocument:
          Statement:
            - Effect: Allow
              Action: s3:GetObject
              Resource: !Sub ${ArtifactBucket.Arn}/*
Model:
  Type: AWS::SageMaker::Model
  Properties:
    ExecutionRoleArn: !GetAtt ModelRole.Arn
    PrimaryContainer: {...}
EndpointConfig:
  Type: AWS::SageMaker::EndpointConfig
  Properties:
    KmsKeyId: !GetAtt ModelKey.Arn
    ProductionVariants:
      - ModelName: !GetAtt Model.ModelName
        ...
```

## Use instead
```yaml
            - Effect: Allow
              Action: [kms:Decrypt, kms:GenerateDataKey, kms:CreateGrant]
              Resource: !GetAtt ModelKey.Arn
```

## References
- [Protect data at rest using encryption (SageMaker)](https://docs.aws.amazon.com/sagemaker/latest/dg/encryption-at-rest.html)
- [Key policies in AWS KMS](https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html)
- [SageMaker execution roles: KMS permissions](https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html)
"""

from mlcheck.aws.kms import KEY_USER_TYPES, NEEDED, key_access, keys_and_roles, kind_of, or_list
from mlcheck.aws.policy import owner_label, where
from mlcheck.engine.rule import Hit, Rule


def check(view, ctx):
    for use, ref, role_use in keys_and_roles(ctx, view):
        role = role_use.role
        access = key_access(ctx, ref.key, role, NEEDED[use.field.purpose])
        if access.key_policy_admits is False:
            continue  # MLC204
        subject = (f"{kind_of(view.type)} '{view.logical_id}' encrypts {use.field.what} with key "
                   f"{ref.describe()}, but execution role '{role.logical_id}'")
        via = f"the role of {role_use.via}; " if role_use.via else ""
        if access.denied:
            action, statement, doc = access.denied[0]
            source = f"{where(doc, statement)} of {_lower(owner_label(doc.owner))}" if doc else "a Deny statement"
            denied = or_list(a for a, _, _ in access.denied)
            yield Hit(use.path, f"{subject} is denied {denied} on it", detail=f"{via}{source}")
        elif access.missing:
            yield Hit(use.path, f"{subject} is not allowed {or_list(access.missing)} on it",
                      detail=f"{via}{_deciding(access, ref.key, role)}")
        elif access.unknown or access.key_policy_admits is None:
            ctx.unknown(use.path, "; ".join(access.unknown) or "key policy principals cannot be known")


def _deciding(access, key, role) -> str:
    """Which policy withholds the missing actions: the key policy, the role's identity policies, or both (the
    actions named only when the two withhold different ones)."""
    key_side = [a for a in access.missing if access.blocked_by.get(a, "both") in ("key", "both")]
    identity_side = [a for a in access.missing if access.blocked_by.get(a, "both") in ("identity", "both")]
    split = bool(key_side) and bool(identity_side) and key_side != identity_side
    them = "it" if len(access.missing) == 1 else "them"
    said = []
    if key_side:
        what = or_list(key_side) if split else them
        said.append(f"the key policy of key '{key.logical_id}' grants {what} neither to the role nor to the "
                    f"account's IAM policies")
    if identity_side:
        what = or_list(identity_side) if split else them
        said.append(f"no identity policy of role '{role.logical_id}' allows {what}")
    return "; ".join(said)


def _lower(label: str) -> str:
    return label[0].lower() + label[1:]


RULE = Rule(
    id="MLC203",
    name="execution-role-cannot-use-key",
    severity="high",
    resource_types=KEY_USER_TYPES,
    check=check,
    fix="Allow the execution role kms:Decrypt, kms:GenerateDataKey (and kms:CreateGrant for volumes, "
        "kms:Encrypt for outputs) on the key's ARN, and remove any Deny that covers it.",
    practice="kms-key-policies",
)

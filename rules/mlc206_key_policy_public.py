"""Key policy lets anyone use the key.

## What it does
Checks every `Allow` statement of every `AWS::KMS::Key` `KeyPolicy` for a principal of `*` — the bare string
or `{AWS: "*"}`, also inside a list — without a condition that limits the callers: `kms:CallerAccount`,
`kms:ViaService`, `aws:PrincipalOrgID` (or `aws:PrincipalAccount` / `aws:PrincipalArn`), with a positive
operator and a value that is not `*`.

## Why is this bad?
A key policy is the key's primary gate. `Principal: "*"` without a condition lets any AWS account decrypt
what the key protects — the data sets, model artifacts and captured inference data of every SageMaker
resource encrypted with it — or schedule the key's deletion.

## Example
```yaml
      KeyPolicy:
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: [kms:Decrypt, kms:GenerateDataKey*]
            Resource: "*"
```

## Use instead
```yaml
          - Effect: Allow
            Principal: "*"
            Action: [kms:Decrypt, kms:GenerateDataKey*]
            Resource: "*"
            Condition:
              StringEquals:
                kms:CallerAccount: !Ref AWS::AccountId
                kms:ViaService: !Sub sagemaker.${AWS::Region}.amazonaws.com
```

## References
- [Key policies in AWS KMS](https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html)
- [AWS KMS condition keys: kms:CallerAccount, kms:ViaService](https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html)
"""

from mlcheck.aws.policy import public_allows, where
from mlcheck.engine.rule import Hit, Rule

RESTRICTING = ("kms:CallerAccount", "kms:ViaService", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths",
               "aws:PrincipalAccount", "aws:PrincipalArn")


def check(view, ctx):
    for doc, statement in public_allows(view, ctx, "key", RESTRICTING):
        yield Hit(statement.path + ("Principal",),
                  f"Key '{view.logical_id}': {where(doc, statement)} allows everyone (Principal *) without a "
                  "kms:CallerAccount, kms:ViaService or aws:PrincipalOrgID condition")


RULE = Rule(
    id="MLC206",
    name="key-policy-public",
    severity="critical",
    resource_types=("AWS::KMS::Key",),
    check=check,
    fix="Name the principals (account root, role ARNs), or add StringEquals conditions on kms:CallerAccount "
        "and kms:ViaService (or aws:PrincipalOrgID).",
    peers={"checkov": ["CKV_AWS_33"], "cfn_nag": ["F76"], "guard": ["KMS_NO_WILDCARD_PRINCIPAL"]},
    practice="kms-key-policies",
)

"""Role trust policy lets anyone assume the role.

## What it does
Checks every `Allow` statement of every role's `AssumeRolePolicyDocument` for a principal of `*` — the bare
string `Principal: "*"` or `{AWS: "*"}`, also inside a list — without a condition that limits who may assume
it (`aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:SourceAccount`, `aws:SourceArn`,
`sts:ExternalId`, with a positive operator and a value that is not `*`).

## Why is this bad?
Any AWS account in the world could call `sts:AssumeRole` and act with the role's permissions — on the
training data, the models and whatever else the role reaches.

## Example
```yaml
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: sts:AssumeRole
```

## Use instead
```yaml
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: sagemaker.amazonaws.com}
            Action: sts:AssumeRole
```

## References
- [IAM JSON policy elements: Principal](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html)
- [Modifying a role trust policy](https://docs.aws.amazon.com/IAM/latest/UserGuide/roles-managingrole-editing-console.html#roles-managingrole_edit-trust-policy)
"""

from mlcheck.aws.policy import public_allows, where
from mlcheck.engine.rule import Hit, Rule

RESTRICTING = ("aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalAccount", "aws:PrincipalArn",
               "aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths", "sts:ExternalId")


def check(view, ctx):
    for doc, statement in public_allows(view, ctx, "trust", RESTRICTING):
        yield Hit(statement.path + ("Principal",),
                  f"Role '{view.logical_id}': {where(doc, statement)} lets any AWS principal (Principal *) "
                  "assume the role, with no condition on the caller's account or organisation")


RULE = Rule(
    id="MLC107",
    name="trust-policy-public",
    severity="critical",
    resource_types=("AWS::IAM::Role",),
    check=check,
    fix="Name the service or account principals that may assume the role, or add a condition on "
        "aws:PrincipalOrgID / aws:PrincipalAccount / sts:ExternalId.",
    peers={"checkov": ["CKV_AWS_60"]},
    practice="least-privilege",
)

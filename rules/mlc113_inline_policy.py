"""Role, user or group defines inline policies.

## What it does
Reports an `AWS::IAM::Role`, `User` or `Group` with a non-empty `Policies` list. Off by default: enable it
with `--select MLC113` where your organisation requires managed policies.

## Why is this bad?
Inline policies live and die with one principal: they cannot be reused, versioned or attached elsewhere,
and organisation-wide reviews of managed policies miss them.

## Example
```yaml
Role:
  Type: AWS::IAM::Role
  Properties:
    AssumeRolePolicyDocument: {...}
    Policies:
      - PolicyName: model-access
        PolicyDocument: {...}
```

## Use instead
```yaml
ModelAccessPolicy:
  Type: AWS::IAM::ManagedPolicy
  Properties:
    Roles: [!Ref Role]
    PolicyDocument: {...}
```

## References
- [Managed policies and inline policies](https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html)
- AWS Config rule iam-no-inline-policy-check
"""

from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.values import Unknown


def check(view, ctx):
    policies = view.get("Policies")
    if isinstance(policies, Unknown):
        ctx.unknown(view.path("Policies"), policies.reason)
        return
    if isinstance(policies, list) and policies:
        kind = view.type.rsplit("::", 1)[1]
        yield Hit(view.path("Policies"), f"{kind} '{view.logical_id}' defines {len(policies)} inline "
                                         f"polic{'y' if len(policies) == 1 else 'ies'} instead of managed policies")


RULE = Rule(
    id="MLC113",
    name="inline-policy",
    severity="info",
    resource_types=("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"),
    check=check,
    fix="Move the statements into an AWS::IAM::ManagedPolicy and attach it to the principal.",
    enabled_by_default=False,
    peers={"cfn_nag": ["F10"], "guard": ["IAM_NO_INLINE_POLICY_CHECK"], "aws": ["iam-no-inline-policy-check"]},
    practice="least-privilege",
)

"""Role trust policy allows every action, or every STS action.

## What it does
Checks every `Allow` statement of every role's `AssumeRolePolicyDocument` for an `Action` of `*` or `sts:*`
(string or list form, any case).

## Why is this bad?
A trust policy should allow exactly the way the role is assumed — `sts:AssumeRole` for services,
`sts:AssumeRoleWithWebIdentity` for OIDC. `sts:*` also allows `sts:TagSession` and `sts:SetSourceIdentity`,
which let the caller set the session tags and identity that other policies rely on.

## Example
```yaml
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: sagemaker.amazonaws.com}
            Action: "sts:*"
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
- [Role trust policies](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#term_trust-policy)
"""

from mlcheck.aws.policy import allow_statements, element_path, text_of, where
from mlcheck.engine.rule import Hit, Rule


def check(view, ctx):
    for doc, statement in allow_statements(view, ctx, "trust"):
        for i, value in enumerate(statement.actions):
            text = text_of(value)
            if text is None:
                ctx.unknown(element_path(statement, "Action", i), "action cannot be known")
            elif text.lower() in ("*", "sts:*"):
                yield Hit(element_path(statement, "Action", i),
                          f"Role '{view.logical_id}': {where(doc, statement)} allows '{text}' instead of the "
                          "one action the principal uses to assume the role")


RULE = Rule(
    id="MLC111",
    name="trust-policy-wildcard-action",
    severity="high",
    resource_types=("AWS::IAM::Role",),
    check=check,
    fix="Allow only sts:AssumeRole (or sts:AssumeRoleWithWebIdentity / sts:AssumeRoleWithSAML) in the trust "
        "policy.",
    peers={"checkov": ["CKV2_AWS_68"], "cfn_nag": ["F2"], "guard": ["IAM_ROLE_NO_FULL_ACCESS_ON_TRUST_POLICY"]},
    practice="least-privilege",
)

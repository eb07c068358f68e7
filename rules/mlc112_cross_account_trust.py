"""Role trust policy lets another account assume the role without an external ID or MFA.

## What it does
Checks every `Allow` statement of every role's `AssumeRolePolicyDocument` whose principal is an account —
its root ARN (`arn:aws:iam::123456789012:root`) or a bare account id — written as a literal (a parameter
default included). Such a statement needs an `sts:ExternalId` condition (for a third party) or
`aws:MultiFactorAuthPresent: true` (for people). The stack's own account (`${AWS::AccountId}`) is not
cross-account and is not reported.

## Why is this bad?
Trusting an account's root trusts every principal that account's administrators allow to call
`sts:AssumeRole`. Without an external ID a third party can be tricked into using the role for someone else
(confused deputy); without MFA a leaked access key is enough.

## Example
```yaml
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {AWS: arn:aws:iam::111122223333:root}
            Action: sts:AssumeRole
```

## Use instead
```yaml
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {AWS: arn:aws:iam::111122223333:root}
            Action: sts:AssumeRole
            Condition:
              StringEquals:
                sts:ExternalId: !Ref PartnerExternalId
```

## References
- [Using an external ID for third-party access](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html)
- [Configuring MFA-protected API access](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html)
"""

from mlcheck.aws.policy import allow_statements, condition_entries, has_condition, is_unknown, principal_values, where
from mlcheck.util.regex import lazy
from mlcheck.engine.rule import Hit, Rule

_ACCOUNT = lazy(r"^(?:arn:[^:]+:iam::(\d{12}):root|(\d{12}))$")
GUARDS = ("sts:ExternalId", "aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge")


def other_accounts(statement) -> list:
    out = []
    for kind, value in principal_values(statement.principal):
        if kind == "AWS" and isinstance(value, str):
            match = _ACCOUNT.match(value.strip())
            if match:
                out.append(match.group(1) or match.group(2))
    return out


def unknown_principal(statement) -> bool:
    """An AWS principal that cannot be known (`!Sub arn:aws:iam::${PartnerAccount}:root`, no default): it may be
    another account."""
    return any(kind == "?" or (kind == "AWS" and is_unknown(value))
               for kind, value in principal_values(statement.principal))


def _guarded(statement) -> bool | None:
    """An sts:ExternalId condition, MFA required (aws:MultiFactorAuthPresent true — `false` admits callers
    without MFA), or a limit on the MFA age; None when a condition cannot be known."""
    external = has_condition(statement, ("sts:ExternalId", "aws:MultiFactorAuthAge"))
    if external:
        return True
    unknown = external is None
    for operator, key, values in condition_entries(statement.condition):
        if not (isinstance(key, str) and key.lower() == "aws:multifactorauthpresent"):
            continue
        if not (isinstance(operator, str) and operator.lower() == "bool"):
            continue
        if any(is_unknown(v) for v in values):
            unknown = True
        elif any(v is True or (isinstance(v, str) and v.strip().lower() == "true") for v in values):
            return True
    return None if unknown else False


def check(view, ctx):
    for doc, statement in allow_statements(view, ctx, "trust"):
        accounts = other_accounts(statement)
        if not accounts:
            if unknown_principal(statement) and _guarded(statement) is not True:
                ctx.unknown(statement.path + ("Principal",), "a trusted principal cannot be known")
            continue
        guarded = _guarded(statement)
        if guarded:
            continue
        if guarded is None:
            ctx.unknown(statement.path, "condition cannot be known")
            continue
        shown = ", ".join(sorted(set(accounts)))
        yield Hit(statement.path + ("Principal",),
                  f"Role '{view.logical_id}': {where(doc, statement)} lets account {shown} assume the role "
                  "without an sts:ExternalId or MFA condition")


RULE = Rule(
    id="MLC112",
    name="cross-account-trust",
    severity="medium",
    resource_types=("AWS::IAM::Role",),
    check=check,
    fix="Add a StringEquals condition on sts:ExternalId (third parties) or Bool aws:MultiFactorAuthPresent: "
        "true (people), or name the exact role ARN that may assume it.",
    peers={"checkov": ["CKV_AWS_61"]},
    practice="least-privilege",
)

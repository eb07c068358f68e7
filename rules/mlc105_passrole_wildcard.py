"""Policy lets a principal pass any role, to any service.

## What it does
Checks every `Allow` statement of every identity policy for `iam:PassRole` — named, or covered by a wildcard
(`iam:*`, `iam:Pass*`, `*`) or by a `NotAction` that does not exclude it — on Resource `*` (or
`arn:aws:iam::*:role/*`) without an `iam:PassedToService` condition. Every statement is checked.

## Why is this bad?
Passing a role hands its permissions to a service. A principal that may pass *any* role can give a
notebook, training job or Lambda function an administrator role and then act through it — a classic privilege
escalation. Naming the roles (and the service that receives them) keeps it to what the workload deploys.

## Example
```yaml
        - Effect: Allow
          Action: iam:PassRole
          Resource: "*"
```

## Use instead
```yaml
        - Effect: Allow
          Action: iam:PassRole
          Resource: !GetAtt SageMakerExecutionRole.Arn
          Condition:
            StringEquals:
              iam:PassedToService: sagemaker.amazonaws.com
```

## References
- [Granting a user permissions to pass a role to an AWS service](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html)
- [SageMaker roles: passing roles](https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html)
"""

from mlcheck.aws import iam_actions
from mlcheck.aws.policy import (
    IDENTITY_POLICY_TYPES,
    allow_statements,
    covers_action,
    covers_every,
    element_path,
    granted_actions,
    has_condition,
    owner_label,
    where,
)
from mlcheck.engine.rule import Hit, Rule


def any_role(statement):
    """(index of a Resource value that covers every role or None, index of one that cannot be known or None)."""
    unknown = None
    for i, value in enumerate(statement.resources):
        covers = covers_every(value, "iam", "role")
        if covers:
            return i, None
        if covers is None and unknown is None:
            unknown = i
    return None, unknown


def passrole_only(statement) -> tuple:
    """Paths of the Action values that grant iam:PassRole and nothing else (`iam:PassRole`, `iam:Pass*`): what
    this rule reports in the statement, so MLC104 leaves them to it (`iam:*` and `*` grant more)."""
    return tuple(element_path(statement, "Action", i) for i, pattern in granted_actions(statement)
                 if [a.name.lower() for a in iam_actions.expand(pattern)] == ["iam:passrole"])


def check(view, ctx):
    for doc, statement in allow_statements(view, ctx, "identity"):
        covers = covers_action(statement, "iam:PassRole")
        if covers is False:
            continue
        if not statement.has_resource and statement.not_resources:
            # NotResource: every role except those listed — all roles but a few
            excluded = [covers_every(v, "iam", "role") for v in statement.not_resources]
            if any(excluded):
                continue
            path = statement.path + ("NotResource",)
            if None in excluded:
                ctx.unknown(path, "a resource of the statement cannot be known")
                continue
        else:
            index, unknown = any_role(statement)
            if index is None:
                if unknown is not None:
                    ctx.unknown(statement.path + ("Resource",) + ((unknown,) if len(statement.resources) > 1
                                                                  else ()),
                                "a resource of the statement cannot be known")
                continue
            path = statement.path + ("Resource",) + ((index,) if len(statement.resources) > 1 else ())
        if covers is None:
            ctx.unknown(path, "an action of the statement cannot be known")
            continue
        guarded = has_condition(statement, ["iam:PassedToService"])
        if guarded:
            continue
        if guarded is None:
            ctx.unknown(path, "condition cannot be known")
            continue
        roles = "every role not listed in NotResource" if path[-1] == "NotResource" else "every role"
        yield Hit(path, f"{owner_label(view.resource)} may pass {roles} to any service (iam:PassRole without an "
                        "iam:PassedToService condition)", detail=where(doc, statement),
                  subjects=passrole_only(statement) if statement.has_action else ())


RULE = Rule(
    id="MLC105",
    name="passrole-wildcard",
    severity="high",
    resource_types=IDENTITY_POLICY_TYPES,
    check=check,
    fix="Limit iam:PassRole to the ARNs of the roles the principal deploys, with an iam:PassedToService "
        "condition naming the receiving service.",
    peers={"checkov": ["CKV_AWS_110"], "cfn_nag": ["F38", "F39", "F40"],
           "guard": ["IAM_ROLE_NO_WILDCARD_RESOURCE_ON_PASSROLE", "IAM_POLICY_NO_WILDCARD_RESOURCE_ON_PASSROLE"]},
    practice="least-privilege",
)

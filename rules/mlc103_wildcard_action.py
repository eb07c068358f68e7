"""Identity policy allows every action, or every action of a service.

## What it does
Checks every `Allow` statement of every identity policy — a role's, user's or group's `Policies`,
`AWS::IAM::Policy`, `AWS::IAM::ManagedPolicy`, `RolePolicy`, `UserPolicy` and `GroupPolicy` — for an `Action`
of `*` or `service:*`, in string and list form alike. Every statement is checked, not only the first.

## Why is this bad?
A wildcard action grants today's and tomorrow's actions of the service, including the destructive and
permission-changing ones. Least privilege means naming the actions the workload performs.

## Example
```yaml
Policy:
  Type: AWS::IAM::ManagedPolicy
  Properties:
    PolicyDocument:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Action: logs:PutLogEvents
          Resource: "*"
        - Effect: Allow
          Action: ["s3:*"]
          Resource: !Sub ${DataBucket.Arn}/*
```

## Use instead
```yaml
        - Effect: Allow
          Action: [s3:GetObject, s3:PutObject]
          Resource: !Sub ${DataBucket.Arn}/*
```

## References
- [Grant least privilege](https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege)
"""

from mlcheck.aws.policy import IDENTITY_POLICY_TYPES, action_path, allow_statements, owner_label, where
from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.values import Composite, Unknown


def check(view, ctx):
    for doc, statement in allow_statements(view, ctx, "identity"):
        for i, action in enumerate(statement.actions):
            if isinstance(action, Composite):
                ctx.unknown(action_path(statement, i), "action is computed")
                continue
            if isinstance(action, Unknown):
                ctx.unknown(action_path(statement, i), action.reason)
                continue
            if not isinstance(action, str):
                continue
            action = action.strip()
            if action == "*":
                what = "every action of every service ('*')"
            elif action.endswith(":*") and action.count(":") == 1:
                what = f"every {action.split(':')[0]} action ('{action}')"
            else:
                continue
            yield Hit(action_path(statement, i), f"{owner_label(view.resource)} allows {what}",
                      detail=where(doc, statement))


RULE = Rule(
    id="MLC103",
    name="wildcard-action",
    severity="high",
    resource_types=IDENTITY_POLICY_TYPES,
    check=check,
    fix="List the specific actions the workload calls instead of '*' or 'service:*'.",
    peers={"checkov": ["CKV_AWS_62", "CKV_AWS_63"], "cfn_nag": ["F3", "F4", "F5"],
           "guard": ["IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS", "IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS",
                     "IAM_MANAGEDPOLICY_NO_STATEMENTS_WITH_FULL_ACCESS",
                     "IAM_ROLE_NO_WILDCARD_ACTIONS_ON_PERMISSIONS"],
           "aws": ["iam-policy-no-statements-with-admin-access", "iam-policy-no-statements-with-full-access"]},
    practice="least-privilege",
)

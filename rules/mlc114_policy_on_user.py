"""Policy attached directly to an IAM user.

## What it does
Reports permissions given to an IAM user directly: an `AWS::IAM::User` with `Policies` or
`ManagedPolicyArns`, an `AWS::IAM::UserPolicy`, and an `AWS::IAM::Policy` or `ManagedPolicy` whose `Users`
list is not empty.

## Why is this bad?
Permissions on individual users are hard to review and to revoke when people change teams. Grant them to a
group (people) or a role (workloads, and people through federation), and put users in groups.

## Example
```yaml
DataScientist:
  Type: AWS::IAM::User
  Properties:
    ManagedPolicyArns: [!Ref NotebookAccessPolicy]
```

## Use instead
```yaml
DataScientists:
  Type: AWS::IAM::Group
  Properties:
    ManagedPolicyArns: [!Ref NotebookAccessPolicy]
DataScientist:
  Type: AWS::IAM::User
  Properties:
    Groups: [!Ref DataScientists]
```

## References
- [Use groups to assign permissions to IAM users](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html)
"""

from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.values import Unknown


def _non_empty(view, ctx, key):
    value = view.get(key)
    if isinstance(value, Unknown):
        ctx.unknown(view.path(key), value.reason)
        return False
    return isinstance(value, list) and bool(value)


def check(view, ctx):
    if view.type == "AWS::IAM::User":
        for key, what in (("Policies", "inline policies"), ("ManagedPolicyArns", "managed policies")):
            if _non_empty(view, ctx, key):
                yield Hit(view.path(key), f"User '{view.logical_id}' has {what} attached directly; attach them "
                                          "to a group or role instead")
    elif view.type == "AWS::IAM::UserPolicy":
        yield Hit(view.path("UserName"), f"User policy '{view.logical_id}' gives a user permissions directly")
    elif _non_empty(view, ctx, "Users"):
        kind = "Managed policy" if view.type == "AWS::IAM::ManagedPolicy" else "Policy"
        yield Hit(view.path("Users"), f"{kind} '{view.logical_id}' is attached directly to users")


RULE = Rule(
    id="MLC114",
    name="policy-on-user",
    severity="low",
    resource_types=("AWS::IAM::User", "AWS::IAM::UserPolicy", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"),
    check=check,
    fix="Attach the policy to an IAM group and add the user to it (or use a role).",
    peers={"checkov": ["CKV_AWS_40"], "cfn_nag": ["F11", "F12"],
           "guard": ["IAM_NO_POLICY_ON_USER", "IAM_USER_NO_POLICIES_CHECK"]},
    practice="least-privilege",
)

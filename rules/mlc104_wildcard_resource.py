"""Identity policy grants write actions on every resource where they could be scoped to ARNs.

## What it does
Checks every `Allow` statement of every identity policy (a role's, user's or group's `Policies`,
`AWS::IAM::Policy`, `ManagedPolicy`, `RolePolicy`, `UserPolicy`, `GroupPolicy`) whose `Resource` is `*` or
an ARN pattern that covers every resource of a type the action acts on: `arn:aws:s3:::*` for `s3:PutObject`,
`arn:aws:sagemaker:*:*:*` or `arn:${AWS::Partition}:sagemaker:*:*:*/*` for any SageMaker action,
`arn:aws:kms:*:*:key/*` for `kms:Decrypt`, `...:endpoint/*` for `sagemaker:DeleteEndpoint`. A pattern is judged
by what it matches, against the ARN formats the reference gives for the action's resource types: one that
holds a literal name part (`models/*`, `endpoint/ml-*`, `${AWS::StackName}-*`) is scoped, and a type with a
single resource per account (Glue's `catalog`) is named, not covered. Each action (wildcards such as `s3:Put*` are expanded) is looked up in the AWS Service Authorization Reference,
shipped with mlcheck: a finding names the **Write** and **Permissions management** actions that accept
resource ARNs. Actions that cannot be scoped — `ecr:GetAuthorizationToken`, `ec2:Describe*`,
`cloudwatch:PutMetricData`, `xray:PutTraceSegments` — are exempt, as are Read, List
and Tagging actions; these exemptions are what peers' wildcard-resource checks get wrong most often. A
statement is exempt only when a condition key selects the resources it reaches (`aws:ResourceTag/*`,
`<service>:ResourceTag/*`, `s3:ExistingObjectTag/*`, `aws:ResourceAccount`, `aws:ResourceOrgID`,
`aws:ResourceOrgPaths`) or is one of the guardrail keys `iam:PassedToService`, `kms:ViaService`,
`aws:CalledVia*`, `aws:ViaAWSService` and `sagemaker:Vpc*` (`VpcSubnets`, `VpcSecurityGroupIds`). A key on a
request parameter — `s3:x-amz-acl`, `rds:DatabaseEngine`, `sagemaker:InstanceTypes` — narrows nothing: the
statement still reaches every resource.

`Action: "*"` and `service:*` are expanded like any other pattern. One finding per problem: when every action
value the finding would name is reported by MLC103 (`*`, `service:*`) or MLC105 (`iam:PassRole`), MLC104 stays
quiet; a statement that also grants other writes (`[cloudformation:*, iam:CreateRole]`) is still reported. When
that rule is not selected (`--ignore MLC103`) or its finding is suppressed, MLC104 reports the statement.

The finding is **high** when the actions include IAM permissions management that amounts to privilege
escalation — `iam:CreateRole`, `iam:AttachRolePolicy`, `iam:PutRolePolicy`, `iam:CreatePolicyVersion`,
`iam:SetDefaultPolicyVersion`, `iam:UpdateAssumeRolePolicy`, the user and group policy actions,
`iam:CreateAccessKey`, `iam:CreateLoginProfile`/`UpdateLoginProfile`, `iam:AddUserToGroup` and the
permissions-boundary actions — so a `--fail-on high` gate stops it; medium otherwise.

## Why is this bad?
Write actions on `*` let the principal change or delete every resource of that kind in the account — other
teams' buckets, models and keys included — when it needs the few its workload owns.

## Example
```yaml
Policy:
  Type: AWS::IAM::ManagedPolicy
  Properties:
    PolicyDocument:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Action: [ecr:GetAuthorizationToken, logs:PutLogEvents]
          Resource: "*"
        - Effect: Allow
          Action: [s3:GetObject, s3:PutObject]
          Resource: "*"
```

## Use instead
```yaml
        - Effect: Allow
          Action: [ecr:GetAuthorizationToken]   # takes no ARN: "*" is fine
          Resource: "*"
        - Effect: Allow
          Action: [s3:GetObject, s3:PutObject]
          Resource: !Sub ${ModelBucket.Arn}/*
```

## References
- [Grant least privilege](https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege)
- [Service Authorization Reference: actions, resources and condition keys](https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html)
"""

from mlcheck.aws import iam_actions
from mlcheck.aws.policy import (
    IDENTITY_POLICY_TYPES,
    allow_statements,
    covers_arn_format,
    element_path,
    granted_actions,
    is_star,
    narrowed,
    owner_label,
    text_of,
    where,
)
from mlcheck.engine.rule import Hit, Rule


def scopable_writes(statement) -> list:
    """(index, pattern as written, [ActionInfo]) for each Action value that grants Write/Permissions-management
    actions accepting ARNs."""
    out = []
    for i, pattern in granted_actions(statement):
        found = [a for a in iam_actions.expand(pattern) if a.scopable and a.level in iam_actions.WRITE_LEVELS]
        if found:
            out.append((i, pattern, found))
    return out


def _shown(actions: list) -> str:
    parts = []
    for _, pattern, found in actions:
        if len(found) == 1 and found[0].name.lower() == pattern.lower():
            parts.append(found[0].name)
        else:
            parts.append(f"{pattern} ({len(found)} such action{'s' if len(found) > 1 else ''})")
    return ", ".join(parts)


def unscoped(statement, actions) -> tuple:
    """(the actions some Resource value leaves unscoped, as scopable_writes gives them; index of the first such
    value; whether a value cannot be known). A value leaves an action unscoped when it covers every resource of
    a type the action accepts: `*`, `arn:aws:s3:::*` for s3:PutObject, `...:key/*` for kms:Decrypt."""
    first, unknown, out = None, False, []
    for i, pattern, found in actions:
        kept = []
        for action in found:
            for index, value in enumerate(statement.resources):
                covers = True if is_star(value) else _covers_any(value, action.arns)
                if covers:
                    kept.append(action)
                    first = index if first is None else min(first, index)
                    break
                unknown = unknown or covers is None
        if kept:
            out.append((i, pattern, kept))
    return out, first, unknown


def _covers_any(value, arn_formats) -> bool | None:
    unknown = False
    for arn_format in arn_formats:
        covers = covers_arn_format(value, arn_format)
        if covers:
            return True
        unknown = unknown or covers is None
    return None if unknown else False


def check(view, ctx):
    for doc, statement in allow_statements(view, ctx, "identity"):
        if not statement.has_action or not statement.has_resource:
            continue  # NotAction / NotResource: MLC106
        actions = scopable_writes(statement)
        if not actions:
            continue
        actions, first, unknown = unscoped(statement, actions)
        if not actions:
            if unknown:
                ctx.unknown(statement.path + ("Resource",), "resource cannot be known")
            continue
        narrow = narrowed(statement)
        if narrow:
            continue
        path = element_path(statement, "Resource", first)
        if narrow is None:
            ctx.unknown(path, "condition cannot be known")
            continue
        value = statement.resources[first]
        escalation = any(a.name.lower() in iam_actions.PRIVILEGE_ESCALATION for _, _, found in actions for a in found)
        count = sum(len(found) for _, _, found in actions)
        first = actions[0][2][0].name if len(actions[0][2]) == 1 else actions[0][1]
        granted = first if count == 1 else f"{count} write actions ({first}{', ...' if len(actions) > 1 else ''})"
        yield Hit(path, f"{owner_label(view.resource)} allows {granted} on '{text_of(value)}' instead of the "
                        "ARNs they need",
                  detail=f"{where(doc, statement)}: {_shown(actions)}",
                  subjects=tuple(element_path(statement, "Action", i) for i, _, _ in actions),
                  severity="high" if escalation else None)


RULE = Rule(
    id="MLC104",
    name="wildcard-resource",
    severity="medium",
    resource_types=IDENTITY_POLICY_TYPES,
    check=check,
    fix="Name the resources (ARNs, `!GetAtt X.Arn`, `!Sub ${Bucket.Arn}/*`) the write actions need; keep '*' "
        "only for actions that accept no ARN.",
    peers={"checkov": ["CKV_AWS_107", "CKV_AWS_109", "CKV_AWS_111"],
           "cfn_nag": ["W11", "W12", "W13"], "guard": ["IAM_POLICYDOCUMENT_NO_WILDCARD_RESOURCE"]},
    practice="least-privilege",
    yields_to=("MLC103", "MLC105"),  # "One finding per problem": `*`/`service:*` and iam:PassRole statements
)

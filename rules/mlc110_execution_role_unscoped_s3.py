"""SageMaker execution role may use S3 far beyond the locations its resources use.

## What it does
For every role that a SageMaker resource of the template runs as, and whose resources name their S3
locations (`ModelDataUrl`, `S3OutputPath`, `DestinationS3Uri`, `S3Uri`, ... — an EndpointConfig through its
models), checks the policies that give the role S3 access — its inline policies and the
`AWS::IAM::Policy`/`ManagedPolicy`/`RolePolicy` resources attached to it — for an `Allow` statement with
`s3:*`, or with S3 actions that accept ARNs on Resource `*`. The finding is on that statement. Roles whose
resources' S3 locations cannot be known are not judged.

## Why is this bad?
The locations are known, so the role can be limited to them. With `s3:*` or `Resource: "*"` a model's
container — code you may not have written — can read every data set and overwrite every model artifact in the
account.

## Example
```yaml
ModelRole:
  Type: AWS::IAM::Role
  Properties:
    Policies:
      - PolicyName: s3
        PolicyDocument:
          Statement:
            - Effect: Allow
              Action: s3:GetObject
              Resource: "*"
Model:
  Type: AWS::SageMaker::Model
  Properties:
    ExecutionRoleArn: !GetAtt ModelRole.Arn
    PrimaryContainer:
      ModelDataUrl: !Sub s3://${ArtifactBucket}/models/churn/model.tar.gz
```

## Use instead
```yaml
            - Effect: Allow
              Action: s3:GetObject
              Resource: !Sub ${ArtifactBucket.Arn}/models/churn/*
```

## References
- [SageMaker roles: CreateModel API execution role permissions](https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html#sagemaker-roles-createmodel-perms)
- [Grant least privilege](https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege)
"""

from mlcheck.aws import iam_actions
from mlcheck.aws.policy import allow_statements, element_path, granted_actions, owner_label, text_of, where
from mlcheck.aws.roles import ROLE, execution_role_users, models_of_config
from mlcheck.engine.rule import Hit, Rule
from mlcheck.aws.s3 import s3_uris
from mlcheck.model.values import Composite, Unknown

POLICY_HOLDERS = (ROLE, "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy")


def _roles_of(view, ctx) -> list:
    """The template roles the resource's policies apply to."""
    if view.type == ROLE:
        return [view.resource]
    found = {}
    for key in ("Roles", "RoleName"):
        value = view.get(key)
        for item in value if isinstance(value, list) else [value] if value is not None else []:
            role = ctx.graph.target(item, ROLE)
            if role is not None:
                found[role.logical_id] = role
    if view.type == "AWS::IAM::ManagedPolicy":
        for role in ctx.graph.referrers(view.logical_id, ROLE):
            arns = ctx.view(role).get("ManagedPolicyArns")
            if isinstance(arns, list) and any(ctx.graph.target(a, view.type) is view.resource for a in arns):
                found[role.logical_id] = role
    return list(found.values())


def _known_uri(value):
    if isinstance(value, str):
        return value
    if isinstance(value, Composite) and not value.has_unknown():
        return str(value)
    return None


def _locations(ctx, users) -> list:
    """(resource, uri text) for each known S3 location the role's SageMaker resources use."""
    out = []
    for resource, _ in users:
        views = [ctx.view(resource)]
        if resource.type == "AWS::SageMaker::EndpointConfig":
            views += [ctx.view(m) for m, _ in models_of_config(ctx, views[0]) if not isinstance(m, Unknown)]
        for view in views:
            for _, _, value in s3_uris(view):
                uri = _known_uri(value)
                if uri:
                    out.append((view.resource, uri))
    return out


def _broad(statement):
    """(path, what) when the statement grants s3:* or scopable S3 actions on '*'; None otherwise."""
    actions = granted_actions(statement)
    for i, pattern in actions:
        if pattern.lower() == "s3:*":
            return element_path(statement, "Action", i), "s3:*"
        if pattern == "*":
            return element_path(statement, "Action", i), "every action ('*', so s3:* too)"
    stars = [i for i, r in enumerate(statement.resources) if text_of(r) == "*"]
    if not stars:
        return None
    s3 = [p for _, p in actions if p.lower().startswith("s3:") and any(a.scopable for a in iam_actions.expand(p))]
    if s3:
        return element_path(statement, "Resource", stars[0]), f"{', '.join(s3)} on every bucket ('*')"
    return None


def check(view, ctx):
    index = execution_role_users(ctx)
    for role in _roles_of(view, ctx):
        users = index.get(role.logical_id)
        if not users:
            continue
        locations = _locations(ctx, users)
        if not locations:
            continue
        resource, uri = locations[0]
        for doc, statement in allow_statements(view, ctx, "identity"):
            found = _broad(statement)
            if found is None:
                continue
            path, what = found
            label = owner_label(view.resource)
            holder = "" if view.type == ROLE else f" of {label[0].lower() + label[1:]}"
            yield Hit(path, f"Execution role '{role.logical_id}' of {resource.type.rsplit('::', 1)[-1]} "
                            f"'{resource.logical_id}', which uses {uri}, is allowed {what} by "
                            f"{where(doc, statement)}{holder}")


RULE = Rule(
    id="MLC110",
    name="execution-role-unscoped-s3",
    severity="medium",
    resource_types=POLICY_HOLDERS,
    check=check,
    fix="Limit the role's S3 statements to the buckets and prefixes its SageMaker resources use "
        "(e.g. !Sub ${ArtifactBucket.Arn}/models/*) and list the actions instead of s3:*.",
    practice="execution-roles",
)

"""SageMaker execution role does not trust SageMaker alone.

## What it does
For every `AWS::IAM::Role` that a SageMaker resource of the template runs as (Model `ExecutionRoleArn`,
NotebookInstance `RoleArn`, Domain/UserProfile `ExecutionRole`, monitoring jobs, FeatureGroup, Pipeline —
through `!GetAtt`, `!Ref`, `!Sub` or literal ARNs), reads the statements of its `AssumeRolePolicyDocument` that
allow `sts:AssumeRole`:
- no statement trusts `sagemaker.amazonaws.com`: SageMaker cannot assume the role and the deployment fails;
- statements also trust other principals (accounts, users, other services): the role's data access is
  shared with them;
- otherwise, an info-level note when the SageMaker statement has no `aws:SourceAccount` / `aws:SourceArn`
  condition guarding against the confused-deputy problem.

## Why is this bad?
An execution role holds the permissions of an ML workload — its data, its keys, its model artifacts. Only
SageMaker should be able to assume it, and only on behalf of your account; a role nobody can assume breaks
the deployment at the last step.

## Example
```yaml
ModelRole:
  Type: AWS::IAM::Role
  Properties:
    AssumeRolePolicyDocument:
      Statement:
        - Effect: Allow
          Principal: {Service: [sagemaker.amazonaws.com, ec2.amazonaws.com]}
          Action: sts:AssumeRole
```

## Use instead
```yaml
ModelRole:
  Type: AWS::IAM::Role
  Properties:
    AssumeRolePolicyDocument:
      Statement:
        - Effect: Allow
          Principal: {Service: sagemaker.amazonaws.com}
          Action: sts:AssumeRole
          Condition:
            StringEquals: {aws:SourceAccount: !Ref AWS::AccountId}
```

## References
- [SageMaker roles](https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html)
- [Cross-service confused deputy prevention](https://docs.aws.amazon.com/sagemaker/latest/dg/security-confused-deputy-prevention.html)
"""

from mlcheck.aws.policy import covers_action, documents, has_condition, is_unknown, principal_values, where
from mlcheck.aws.roles import execution_role_users
from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.values import Unknown, describe

SAGEMAKER = "sagemaker.amazonaws.com"


def _and_others(count: int, noun: str = "") -> str:
    """" and 1 other", " and 2 other principals": what the message leaves out, counted in words."""
    if not count:
        return ""
    if noun:
        return f" and {count} other {noun}{'s' if count > 1 else ''}"
    return f" and {count} other{'s' if count > 1 else ''}"


def _users(entries) -> str:
    resource, use = entries[0]
    first = f"{resource.type.rsplit('::', 1)[-1]} '{resource.logical_id}'"
    return first + _and_others(len({r.logical_id for r, _ in entries}) - 1)


def check(view, ctx):
    users = execution_role_users(ctx).get(view.logical_id)
    if not users:
        return
    trust = [d for d in documents(view) if d.kind == "trust"]
    if not trust:
        return
    doc = trust[0]
    if isinstance(doc.document, Unknown):
        ctx.unknown(doc.path, doc.document.reason)
        return
    sagemaker, others, unknown = [], [], False
    for statement in doc.statements():
        if statement.is_unknown:
            unknown = True
            continue
        if not statement.is_allow:
            continue
        covers = covers_action(statement, "sts:AssumeRole")
        if covers is None:
            unknown = True
        if not covers:
            continue
        for kind, value in principal_values(statement.principal):
            if kind == "?" or is_unknown(value):
                unknown = True
            elif kind == "Service" and isinstance(value, str) and value.strip().lower() == SAGEMAKER:
                sagemaker.append(statement)
            else:
                others.append((statement, "everyone (*)" if kind == "*" else describe(value).strip()))
    subject = f"Execution role '{view.logical_id}'"
    used_by = f"the execution role of {_users(users)}"
    if not sagemaker:
        if unknown:
            ctx.unknown(doc.path, "a trusted principal cannot be known")
            return
        yield Hit(doc.path, f"{subject} cannot be assumed by {SAGEMAKER}: SageMaker cannot use it and the "
                            "deployment fails", detail=used_by)
        return
    if others:
        statement, who = others[0]
        yield Hit(statement.path + ("Principal",),
                  f"{subject} may also be assumed by {who}{_and_others(len(others) - 1, 'principal')}",
                  detail=f"{where(doc, statement)}; {used_by}")
        return
    guarded = [has_condition(s, ("aws:SourceAccount", "aws:SourceArn")) for s in sagemaker]
    if any(g is None for g in guarded):
        ctx.unknown(sagemaker[0].path, "condition cannot be known")
    elif not all(guarded):
        statement = sagemaker[guarded.index(False)]
        yield Hit(statement.path, f"{subject} trusts {SAGEMAKER} without an aws:SourceAccount or aws:SourceArn "
                                  "condition (confused deputy)", detail=f"{where(doc, statement)}; {used_by}",
                  fix="Add Condition: {StringEquals: {aws:SourceAccount: !Ref AWS::AccountId}} to the statement.",
                  severity="info")


RULE = Rule(
    id="MLC108",
    name="execution-role-trust",
    severity="medium",
    resource_types=("AWS::IAM::Role",),
    check=check,
    fix="Trust only the sagemaker.amazonaws.com service principal in the execution role's trust policy, with an "
        "aws:SourceAccount condition.",
    practice="execution-roles",
)

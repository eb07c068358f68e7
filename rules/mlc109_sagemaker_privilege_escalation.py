"""Principal can pass any role to SageMaker compute it creates.

## What it does
Combines all identity policies of a role, user or group — inline, attached template managed policies,
`AWS::IAM::Policy`/`RolePolicy`/... naming it, known AWS managed policies, and for a user its groups' policies
— and reports the principal when they allow both:
- `iam:PassRole` on every role (`*`, `arn:aws:iam::*:role/*`; an `iam:PassedToService` condition does not
  help here: the role is passed to SageMaker), and
- creating SageMaker compute or sessions on every resource of the kind (`*`, `arn:aws:sagemaker:*:*:*/*`,
  `...:training-job/*`: the caller picks the name): `sagemaker:CreateNotebookInstance`,
  `CreateTrainingJob`, `CreateProcessingJob`, `CreateHyperParameterTuningJob`,
  `CreatePresignedNotebookInstanceUrl` or `CreatePresignedDomainUrl`.
An unconditional Deny of either half removes the finding.

## Why is this bad?
Together these let the principal start a notebook or job that runs as *any* role in the account — an
administrator role included — and act with that role's permissions: a well-known privilege-escalation path.

## Example
```yaml
        - Effect: Allow
          Action: [sagemaker:CreateTrainingJob, iam:PassRole]
          Resource: "*"
```

## Use instead
```yaml
        - Effect: Allow
          Action: sagemaker:CreateTrainingJob
          Resource: !Sub arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:training-job/team-*
        - Effect: Allow
          Action: iam:PassRole
          Resource: !GetAtt TrainingExecutionRole.Arn
          Condition:
            StringEquals: {iam:PassedToService: sagemaker.amazonaws.com}
```

## References
- [AWS IAM privilege escalation methods (Rhino Security Labs)](https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/)
- [Granting a user permissions to pass a role](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html)
"""

from mlcheck.aws import policy as pol
from mlcheck.aws.roles import principal_statements
from mlcheck.engine.rule import Hit, Rule

# action -> the SageMaker resource type it creates or opens (a pattern covering every name of it is "any")
CREATE_ACTIONS = {
    "sagemaker:CreateNotebookInstance": "notebook-instance",
    "sagemaker:CreateTrainingJob": "training-job",
    "sagemaker:CreateProcessingJob": "processing-job",
    "sagemaker:CreateHyperParameterTuningJob": "hyper-parameter-tuning-job",
    "sagemaker:CreatePresignedNotebookInstanceUrl": "notebook-instance",
    "sagemaker:CreatePresignedDomainUrl": "user-profile",
}


def _matcher(service, resource_type):
    return lambda value: pol.covers_every(value, service, resource_type)


def _source(perms, stmts, statement, principal) -> str:
    for (_, doc), s in zip(perms.entries, stmts):
        if s is statement:
            if doc.owner is principal:
                return pol.where(doc, statement)
            owner = pol.owner_label(doc.owner)
            return f"{pol.where(doc, statement)} of {owner[0].lower() + owner[1:]}"
    return "a statement"


def check(view, ctx):
    perms = principal_statements(ctx, view.resource)
    stmts = perms.statements_for(ctx)
    passrole, pass_stmt = pol.evaluate(stmts, "iam:PassRole", _matcher("iam", "role"))
    if passrole != pol.ALLOW:
        if passrole == pol.UNKNOWN or perms.unknown_for("iam:PassRole"):
            ctx.unknown(view.path(), "whether the principal may pass any role cannot be known")
        return
    granted, unknown = None, False
    for action, resource_type in CREATE_ACTIONS.items():
        verdict, statement = pol.evaluate(stmts, action, _matcher("sagemaker", resource_type))
        if verdict == pol.ALLOW:
            granted = (action, statement)
            break
        if verdict == pol.UNKNOWN or perms.unknown_for(action):
            unknown = True
    if granted is None:
        if unknown:
            ctx.unknown(view.path(), "whether the principal may create SageMaker compute cannot be known")
        return
    action, create_stmt = granted
    kind = view.type.rsplit("::", 1)[1]
    yield Hit(pass_stmt.path, f"{kind} '{view.logical_id}' may pass any role and call {action}: it can run "
                              "SageMaker compute as any role in the account",
              detail=f"iam:PassRole on any role: {_source(perms, stmts, pass_stmt, view.resource)}; {action} on any "
                     f"resource: {_source(perms, stmts, create_stmt, view.resource)}")


RULE = Rule(
    id="MLC109",
    name="sagemaker-privilege-escalation",
    severity="high",
    resource_types=("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"),
    check=check,
    fix="Limit iam:PassRole to the execution roles the principal should use, or scope the SageMaker create "
        "actions to named resources.",
    peers={"checkov": ["CKV_AWS_110"]},
    practice="least-privilege",
)

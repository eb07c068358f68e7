"""Role attaches the AWS managed AmazonSageMakerFullAccess policy.

## What it does
Reports an IAM role (or user or group) whose `ManagedPolicyArns` include `AmazonSageMakerFullAccess`, however
the ARN is written: literally, with `!Sub arn:${AWS::Partition}:iam::aws:policy/...`, with `!Join`, or through
a parameter default.

## Why is this bad?
`AmazonSageMakerFullAccess` allows every SageMaker action on every resource, plus broad access to S3, ECR,
CloudWatch, and `iam:PassRole` for SageMaker roles. An execution role or a data scientist's role rarely needs
more than a handful of those actions on a handful of resources.

## Example
```yaml
ExecutionRole:
  Type: AWS::IAM::Role
  Properties:
    AssumeRolePolicyDocument: {...}
    ManagedPolicyArns:
      - !Sub arn:${AWS::Partition}:iam::aws:policy/AmazonSageMakerFullAccess
```

## Use instead
```yaml
ExecutionRole:
  Type: AWS::IAM::Role
  Properties:
    AssumeRolePolicyDocument: {...}
    Policies:
      - PolicyName: model-access
        PolicyDocument:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Action: [s3:GetObject]
              Resource: !Sub ${ModelBucket.Arn}/models/*
```

## References
- [AWS managed policy: AmazonSageMakerFullAccess](https://docs.aws.amazon.com/sagemaker/latest/dg/security-iam-awsmanpol.html)
- [Security best practices in IAM](https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html)
"""

from mlcheck.util.regex import lazy
from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.values import Composite, Unknown

_FULL_ACCESS = lazy(r"^arn:[^:]*:iam::aws:policy/(?:service-role/)?AmazonSageMakerFullAccess$")


def check(view, ctx):
    arns = view.get("ManagedPolicyArns")
    if isinstance(arns, Unknown):
        ctx.unknown(view.path("ManagedPolicyArns"), arns.reason)
        return
    if not isinstance(arns, list):
        return
    for i, arn in enumerate(arns):
        if isinstance(arn, Composite):
            if arn.has_unknown():
                ctx.unknown(view.path("ManagedPolicyArns", i), "policy ARN cannot be known")
                continue
            arn = arn.text("*")
        if isinstance(arn, Unknown):
            ctx.unknown(view.path("ManagedPolicyArns", i), arn.reason)
        elif isinstance(arn, str) and _FULL_ACCESS.match(arn):
            kind = view.type.rsplit("::", 1)[1].lower()
            yield Hit(view.path("ManagedPolicyArns", i),
                      f"{kind.capitalize()} '{view.logical_id}' attaches AmazonSageMakerFullAccess, which allows "
                      "every SageMaker action on every resource")


RULE = Rule(
    id="MLC101",
    name="sagemaker-full-access-policy",
    severity="high",
    resource_types=("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"),
    check=check,
    fix="Replace AmazonSageMakerFullAccess with a policy that lists the SageMaker actions and resources the role "
        "needs.",
    practice="execution-roles",
)

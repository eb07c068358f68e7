"""Notebook instance users have root access.

## What it does
Checks that every `AWS::SageMaker::NotebookInstance` sets `RootAccess: Disabled`. Left out, AWS's default is
`Enabled`, so a missing value is a finding.

## Why is this bad?
With root access every notebook user can change the instance: install software, alter the lifecycle
configuration's effects, read other users' files and the instance's credentials. Least privilege says users
get only what their work needs; lifecycle configurations still run as root when root access is disabled.

## Example
```yaml
Notebook:
  Type: AWS::SageMaker::NotebookInstance
  Properties:
    InstanceType: ml.t3.medium
    RoleArn: !GetAtt NotebookRole.Arn
    RootAccess: Enabled
```

## Use instead
```yaml
Notebook:
  Type: AWS::SageMaker::NotebookInstance
  Properties:
    InstanceType: ml.t3.medium
    RoleArn: !GetAtt NotebookRole.Arn
    RootAccess: Disabled
```

## References
- [Control root access to a notebook instance](https://docs.aws.amazon.com/sagemaker/latest/dg/nbi-root-access.html)
- AWS Security Hub control SageMaker.3
"""

from mlcheck.engine.rule import PropertyCheck, Rule, equals

RULE = Rule(
    id="MLC403",
    name="notebook-root-access",
    severity="medium",
    resource_types=("AWS::SageMaker::NotebookInstance",),
    check=PropertyCheck(
        "AWS::SageMaker::NotebookInstance", "RootAccess", equals("Disabled"),
        message="Notebook instance '{resource}' gives its users root access (RootAccess is {value})",
    ),
    fix="Set RootAccess: Disabled; install what users need through a lifecycle configuration (it runs as root).",
    peers={"checkov": ["CKV_AWS_307"], "aws": ["SageMaker.3", "sagemaker-notebook-instance-root-access-check"]},
    practice="least-privilege",
)

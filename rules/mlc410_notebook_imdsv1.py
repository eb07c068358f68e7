"""Notebook instance allows the instance metadata service version 1.

## What it does
Checks that every `AWS::SageMaker::NotebookInstance` sets
`InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion: "2"`. AWS's default is `1`, which
accepts IMDSv1, so a missing value is reported.

## Why is this bad?
IMDSv1 answers plain GET requests, so a server-side request forgery in any notebook process (a Jupyter
extension, a web app under test) can read the notebook role's temporary credentials. IMDSv2 requires a
session token obtained with a PUT, which such requests cannot send.

## Example
```yaml
Notebook:
  Type: AWS::SageMaker::NotebookInstance
  Properties:
    InstanceType: ml.t3.medium
    RoleArn: !GetAtt NotebookRole.Arn
```

## Use instead
```yaml
Notebook:
  Type: AWS::SageMaker::NotebookInstance
  Properties:
    InstanceType: ml.t3.medium
    RoleArn: !GetAtt NotebookRole.Arn
    InstanceMetadataServiceConfiguration:
      MinimumInstanceMetadataServiceVersion: "2"
```

## References
- [Instance Metadata Service version 2 for notebook instances](https://docs.aws.amazon.com/sagemaker/latest/dg/nbi-imds.html)
"""

from mlcheck.engine.rule import PropertyCheck, Rule, one_of

RULE = Rule(
    id="MLC410",
    name="notebook-imdsv1",
    severity="low",
    resource_types=("AWS::SageMaker::NotebookInstance",),
    check=PropertyCheck(
        "AWS::SageMaker::NotebookInstance", "InstanceMetadataServiceConfiguration/MinimumInstanceMetadataServiceVersion",
        one_of("2", 2),
        message="Notebook instance '{resource}' accepts IMDSv1 (MinimumInstanceMetadataServiceVersion is {value})",
    ),
    fix="Set InstanceMetadataServiceConfiguration: {MinimumInstanceMetadataServiceVersion: \"2\"}.",
    peers={"checkov": ["CKV_AWS_371"]},
    practice="least-privilege",
)

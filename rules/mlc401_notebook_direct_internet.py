"""Notebook instance has direct internet access.

## What it does
Checks that every `AWS::SageMaker::NotebookInstance` (and CreateNotebookInstance request) sets
`DirectInternetAccess: Disabled`. A notebook that leaves the property out gets AWS's default, `Enabled`,
so a missing value is a finding too.

## Why is this bad?
With direct internet access SageMaker attaches a network interface with a route to the internet that does not
pass through your VPC: data in the notebook can be sent anywhere, and packages can be pulled from anywhere,
bypassing your VPC's security groups, NACLs, proxies and VPC endpoints.

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
    DirectInternetAccess: Disabled
    SubnetId: !Ref PrivateSubnet
    SecurityGroupIds: [!Ref NotebookSecurityGroup]
```

## References
- [Connect a notebook instance in a VPC to external resources](https://docs.aws.amazon.com/sagemaker/latest/dg/appendix-notebook-and-internet-access.html)
- AWS Security Hub control SageMaker.1
"""

from mlcheck.engine.rule import PropertyCheck, Rule, equals

RULE = Rule(
    id="MLC401",
    name="notebook-direct-internet",
    severity="high",
    resource_types=("AWS::SageMaker::NotebookInstance",),
    check=PropertyCheck(
        "AWS::SageMaker::NotebookInstance", "DirectInternetAccess", equals("Disabled"),
        message="Notebook instance '{resource}' has direct internet access (DirectInternetAccess is {value})",
    ),
    fix="Set DirectInternetAccess: Disabled and place the notebook in a private subnet (SubnetId) with VPC endpoints.",
    peers={"checkov": ["CKV_AWS_122"], "guard": ["SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS"],
           "aws": ["SageMaker.1", "sagemaker-notebook-no-direct-internet-access"]},
    practice="network-isolation",
)

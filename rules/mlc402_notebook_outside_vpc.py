"""Notebook instance is not in a VPC.

## What it does
Checks that every `AWS::SageMaker::NotebookInstance` has a `SubnetId`, so that it runs in your VPC. A notebook
that sets `DirectInternetAccess: Disabled` without a `SubnetId` is reported with its consequence: SageMaker
rejects that combination, so the stack fails to deploy.

## Why is this bad?
Outside a VPC, the notebook's traffic is governed by none of your network controls: no security groups, no
VPC endpoints, no flow logs. Inside a VPC, traffic to SageMaker, S3 and other services can stay on the AWS
network through VPC endpoints.

## Example
```yaml
Notebook:
  Type: AWS::SageMaker::NotebookInstance
  Properties:
    InstanceType: ml.t3.medium
    RoleArn: !GetAtt NotebookRole.Arn
    DirectInternetAccess: Disabled   # rejected without SubnetId
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
- AWS Security Hub control SageMaker.2
"""

from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.values import Unknown

NOTEBOOK = "AWS::SageMaker::NotebookInstance"


def check(view, ctx):
    subnet = view.get("SubnetId")
    if isinstance(subnet, Unknown):
        ctx.unknown(view.path("SubnetId"), subnet.reason)
        return
    if subnet not in (None, ""):
        return
    access, is_default = view.value("DirectInternetAccess")
    if access == "Disabled" and not is_default:
        yield Hit(view.path("DirectInternetAccess"),
                  f"Notebook instance '{view.logical_id}' sets DirectInternetAccess: Disabled without a SubnetId; "
                  "SageMaker rejects this, so the deployment fails",
                  "Add SubnetId (and SecurityGroupIds) for a private subnet of your VPC.")
        return
    yield Hit(view.path("SubnetId"), f"Notebook instance '{view.logical_id}' is not in a VPC (no SubnetId)")


RULE = Rule(
    id="MLC402",
    name="notebook-outside-vpc",
    severity="medium",
    resource_types=(NOTEBOOK,),
    check=check,
    fix="Set SubnetId to a private subnet of your VPC and SecurityGroupIds to a restrictive security group.",
    peers={"checkov": ["CKV_AWS_306"], "aws": ["SageMaker.2", "sagemaker-notebook-instance-inside-vpc"]},
    practice="network-isolation",
)

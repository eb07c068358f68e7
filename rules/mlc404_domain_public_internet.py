"""Studio domain sends traffic over the public internet.

## What it does
Checks that every `AWS::SageMaker::Domain` sets `AppNetworkAccessType: VpcOnly`. A domain that leaves the
property out gets AWS's default, `PublicInternetOnly`, so a missing value is a finding too.

## Why is this bad?
With `PublicInternetOnly`, Studio apps reach the internet through a SageMaker-managed network interface that
none of your VPC controls apply to: users can download anything and upload data anywhere. `VpcOnly` routes all
Studio traffic through your VPC, where security groups, VPC endpoints and egress controls apply.

## Example
```yaml
Domain:
  Type: AWS::SageMaker::Domain
  Properties:
    DomainName: research
    AuthMode: IAM
    VpcId: !Ref Vpc
    SubnetIds: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]
    DefaultUserSettings:
      ExecutionRole: !GetAtt StudioRole.Arn
```

## Use instead
```yaml
Domain:
  Type: AWS::SageMaker::Domain
  Properties:
    DomainName: research
    AuthMode: IAM
    AppNetworkAccessType: VpcOnly
    VpcId: !Ref Vpc
    SubnetIds: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]
    DefaultUserSettings:
      ExecutionRole: !GetAtt StudioRole.Arn
      SecurityGroups: [!Ref StudioSecurityGroup]
```

## References
- [Connect Studio in a VPC to external resources](https://docs.aws.amazon.com/sagemaker/latest/dg/studio-notebooks-and-internet-access.html)
"""

from mlcheck.engine.rule import PropertyCheck, Rule, equals

RULE = Rule(
    id="MLC404",
    name="domain-public-internet",
    severity="high",
    resource_types=("AWS::SageMaker::Domain",),
    check=PropertyCheck(
        "AWS::SageMaker::Domain", "AppNetworkAccessType", equals("VpcOnly"),
        message="Studio domain '{resource}' sends app traffic over the public internet (AppNetworkAccessType is "
                "{value})",
    ),
    fix="Set AppNetworkAccessType: VpcOnly and add VPC endpoints (sagemaker.api, sagemaker.runtime, s3, sts, logs, "
        "ecr) to the domain's VPC.",
    peers={},
    practice="network-isolation",
)

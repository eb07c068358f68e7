"""SageMaker runs in a VPC that has no VPC endpoints for SageMaker and S3.

## What it does
Follows each SageMaker resource that runs in a VPC — a Model's or monitoring job's `VpcConfig.Subnets`, a
notebook's `SubnetId`, a Domain's `VpcId` — through its subnets (`VpcId`) to the `AWS::EC2::VPC` of the
template, and checks that this VPC has `AWS::EC2::VPCEndpoint`s for `sagemaker.api`, `sagemaker.runtime` and
`s3`. A Domain with `AppNetworkAccessType: VpcOnly` also needs `sts`, `logs`, `ecr.api` and `ecr.dkr`.
Endpoints are recognised by `ServiceName` in every form: `com.amazonaws.us-east-1.sagemaker.api`,
`!Sub com.amazonaws.${AWS::Region}.sagemaker.api`, `!Join`. A VPC or subnet from outside the template, or an
endpoint whose VPC cannot be resolved, makes the result unknown (never a finding). The required lists are the
rule options `required-endpoints` and `vpc-only-domain-endpoints` (in the configuration:
`rules: {MLC407: {required-endpoints: [...]}}`).

## Why is this bad?
Without the endpoints, calls from the VPC to the SageMaker API and runtime, and model and data transfers from
S3, leave through a NAT gateway over the internet — or fail when the VPC has no internet route, which is the
usual symptom of an "isolated" SageMaker deployment that does not work.

## Example
```yaml
Model:
  Type: AWS::SageMaker::Model
  Properties:
    VpcConfig:
      Subnets: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]   # subnets of Vpc, which has no endpoints
      SecurityGroupIds: [!Ref ModelSecurityGroup]
```

## Use instead
```yaml
SageMakerApiEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref Vpc
    ServiceName: !Sub com.amazonaws.${AWS::Region}.sagemaker.api
    VpcEndpointType: Interface
    PrivateDnsEnabled: true
    SubnetIds: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]
    SecurityGroupIds: [!Ref EndpointSecurityGroup]
# likewise sagemaker.runtime (Interface) and s3 (Gateway, RouteTableIds: [...])
```

## References
- [Connect to SageMaker through a VPC interface endpoint](https://docs.aws.amazon.com/sagemaker/latest/dg/interface-vpc-endpoint.html)
- [Connect Studio in a VPC to external resources (required endpoints)](https://docs.aws.amazon.com/sagemaker/latest/dg/studio-notebooks-and-internet-access.html)
"""

from mlcheck.aws.network import (
    REQUIRED_ENDPOINTS,
    SAGEMAKER_NETWORKED,
    VPC_ONLY_DOMAIN_ENDPOINTS,
    conditional_endpoints,
    missing_endpoints,
    vpcs_of,
)
from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.values import Unknown


def check(view, ctx):
    where, vpcs = vpcs_of(ctx, view)
    if where is None:
        return
    location = view.path(*(where.vpc_keys or where.subnets_keys or where.path_keys))
    if isinstance(vpcs, Unknown):
        ctx.unknown(location, vpcs.reason)
        return
    required = tuple(ctx.option("required-endpoints"))
    if view.type == "AWS::SageMaker::Domain" and view.get("AppNetworkAccessType") == "VpcOnly":
        required = tuple(ctx.option("vpc-only-domain-endpoints"))
    for vpc in vpcs:
        missing, unknown = missing_endpoints(ctx, vpc, required)
        if not missing:
            conditional = conditional_endpoints(ctx, vpc, required)
            if conditional:
                ctx.unknown(location, "; ".join(conditional))
            continue
        if unknown:
            ctx.unknown(location, "; ".join(unknown))
            continue
        yield Hit(location, f"'{view.logical_id}' runs in VPC '{vpc.logical_id}', which has no VPC endpoint for "
                            f"{', '.join(missing)}: traffic to these services leaves the AWS network")


RULE = Rule(
    id="MLC407",
    name="missing-vpc-endpoints",
    severity="high",
    resource_types=SAGEMAKER_NETWORKED,
    check=check,
    options={"required-endpoints": REQUIRED_ENDPOINTS, "vpc-only-domain-endpoints": VPC_ONLY_DOMAIN_ENDPOINTS},
    fix="Add AWS::EC2::VPCEndpoint resources in that VPC: interface endpoints for sagemaker.api and "
        "sagemaker.runtime (plus sts, logs, ecr.api, ecr.dkr for a VpcOnly domain) and an S3 gateway endpoint.",
    peers={},
    practice="vpc-endpoints",
)

"""Interface endpoint for SageMaker, STS or CloudWatch Logs without private DNS.

## What it does
Checks every `AWS::EC2::VPCEndpoint` of type `Interface` whose service is a SageMaker service
(`sagemaker.api`, `sagemaker.runtime`, `sagemaker.featurestore-runtime`, `aws.sagemaker.<region>.notebook`,
...), `sts` or `logs`: it must set `PrivateDnsEnabled: true`. CloudFormation's default is `false`.

## Why is this bad?
Without private DNS, the service's public host name (`api.sagemaker.us-east-1.amazonaws.com`) still resolves
to public addresses, so SDKs and the SageMaker Python SDK keep sending traffic over the internet (or fail in a
VPC without a NAT) unless every client is configured with the endpoint-specific host name.

## Example
```yaml
RuntimeEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref Vpc
    ServiceName: !Sub com.amazonaws.${AWS::Region}.sagemaker.runtime
    VpcEndpointType: Interface
    SubnetIds: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]
```

## Use instead
```yaml
RuntimeEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref Vpc
    ServiceName: !Sub com.amazonaws.${AWS::Region}.sagemaker.runtime
    VpcEndpointType: Interface
    PrivateDnsEnabled: true
    SubnetIds: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]
```

## References
- [Access an AWS service using an interface VPC endpoint (private DNS)](https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html)
"""

from mlcheck.aws.network import VPC_ENDPOINT, reason_of, service_suffix
from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.values import Unknown, is_symbolic


def _applies(service: str) -> bool:
    return service.startswith(("sagemaker.", "aws.sagemaker.")) or service in ("sts", "logs")


def check(view, ctx):
    endpoint_type, _ = view.value("VpcEndpointType")
    if is_symbolic(endpoint_type):
        ctx.unknown(view.path("VpcEndpointType"), reason_of(endpoint_type, "VpcEndpointType"))
        return
    if endpoint_type != "Interface":
        return
    service = service_suffix(view.get("ServiceName"))
    if isinstance(service, Unknown):
        ctx.unknown(view.path("ServiceName"), service.reason)
        return
    if service is None or not _applies(service):
        return
    dns, is_default = view.value("PrivateDnsEnabled")
    if is_symbolic(dns):
        ctx.unknown(view.path("PrivateDnsEnabled"), reason_of(dns, "PrivateDnsEnabled"))
        return
    if dns is True or (isinstance(dns, str) and dns.strip().lower() == "true"):
        return
    shown = "not set (false by default)" if is_default else "false"
    where = view.path("PrivateDnsEnabled") if not is_default else view.path("ServiceName")
    yield Hit(where, f"Interface endpoint '{view.logical_id}' for {service} has no private DNS "
                     f"(PrivateDnsEnabled is {shown}): clients keep using the public service address")


RULE = Rule(
    id="MLC408",
    name="endpoint-private-dns",
    severity="medium",
    resource_types=(VPC_ENDPOINT,),
    check=check,
    fix="Set PrivateDnsEnabled: true (the VPC needs EnableDnsSupport and EnableDnsHostnames).",
    peers={},
    practice="vpc-endpoints",
)

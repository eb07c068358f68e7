"""VPC endpoint service accepts every connection request automatically.

## What it does
Checks that every `AWS::EC2::VPCEndpointService` sets `AcceptanceRequired: true`. CloudFormation's default is
`false`: any principal allowed by the service's permissions is connected without review.

## Why is this bad?
An endpoint service exposes a model-serving or data service (behind a Network Load Balancer) to other VPCs.
With automatic acceptance, a misconfigured or wildcard `AllowedPrincipals` lets unknown accounts connect to
it; manual acceptance adds the review step.

## Example
```yaml
InferenceService:
  Type: AWS::EC2::VPCEndpointService
  Properties:
    NetworkLoadBalancerArns: [!Ref InferenceNlb]
```

## Use instead
```yaml
InferenceService:
  Type: AWS::EC2::VPCEndpointService
  Properties:
    AcceptanceRequired: true
    NetworkLoadBalancerArns: [!Ref InferenceNlb]
```

## References
- [Accept or reject connection requests (endpoint services)](https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html)
"""

from mlcheck.engine.rule import PropertyCheck, Rule, is_true

RULE = Rule(
    id="MLC411",
    name="endpoint-service-auto-accept",
    severity="low",
    resource_types=("AWS::EC2::VPCEndpointService",),
    check=PropertyCheck(
        "AWS::EC2::VPCEndpointService", "AcceptanceRequired", is_true(),
        message="VPC endpoint service '{resource}' accepts connection requests automatically (AcceptanceRequired "
                "is {value})",
    ),
    fix="Set AcceptanceRequired: true and accept each consumer's connection explicitly.",
    peers={"checkov": ["CKV_AWS_123"]},
    practice="vpc-endpoints",
)

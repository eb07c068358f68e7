"""Security group allows ingress from the whole internet.

## What it does
Checks every inbound rule — inline `SecurityGroupIngress` of an `AWS::EC2::SecurityGroup` and standalone
`AWS::EC2::SecurityGroupIngress` resources — for a source that is every address: `CidrIp: 0.0.0.0/0`,
`CidrIpv6: ::/0`, or any other spelling of them (`::0/0`, `0:0:0:0:0:0:0:0/0`, zero-padded, a parameter
default): a CIDR is parsed, and a prefix length of 0 is the whole internet. A `SecurityGroupIngress` written as
one mapping instead of a list is read as a one-element list. A rule whose `FromPort` is greater than its
`ToPort` opens nothing (AWS rejects it): it is recorded as "could not verify", not reported. The finding is
**high** when the group is attached to a SageMaker resource (a Model's or job's `VpcConfig.SecurityGroupIds`, a
notebook's `SecurityGroupIds`, a Domain's security groups) or when the port range includes a sensitive port
(22 SSH, 3389 RDP, 20/21 FTP, 3306 MySQL, 5432 PostgreSQL, 8888 Jupyter, ...; protocol `-1` opens them all),
and **medium** otherwise (for example HTTPS on a public load balancer, which may be intended).

## Why is this bad?
SageMaker notebooks, endpoints and jobs never need inbound connections from the internet; an open rule only
adds an attack surface in front of the data they hold. Remote-access and database ports open to the world are
scanned within minutes of creation.

## Example
```yaml
NotebookSecurityGroup:
  Type: AWS::EC2::SecurityGroup
  Properties:
    GroupDescription: notebook
    VpcId: !Ref Vpc
    SecurityGroupIngress:
      - IpProtocol: tcp
        FromPort: 22
        ToPort: 22
        CidrIp: 0.0.0.0/0
```

## Use instead
```yaml
NotebookSecurityGroup:
  Type: AWS::EC2::SecurityGroup
  Properties:
    GroupDescription: notebook
    VpcId: !Ref Vpc
    SecurityGroupIngress:
      - IpProtocol: tcp
        FromPort: 443
        ToPort: 443
        SourceSecurityGroupId: !Ref ClientSecurityGroup
```

## References
- [Security group rules](https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html)
- AWS Config rules restricted-ssh, vpc-sg-open-only-to-authorized-ports
"""

from mlcheck.aws.network import (
    INGRESS,
    SECURITY_GROUP,
    describe_ports,
    describe_world,
    group_rules,
    sagemaker_attachments,
    sensitive_in,
    world_key,
    world_opening,
)
from mlcheck.engine.rule import Hit, Rule


def _judge(ctx, rule: dict, group, label: str, path: tuple):
    opening = world_opening(ctx, rule, path)
    if opening is None:
        return None
    cidr, ports = opening
    attached = sagemaker_attachments(ctx, group) if group is not None else []
    sensitive = sensitive_in(ports)
    opened = "ICMP" if ports is None else describe_ports(ports)
    message = f"{label} allows ingress from {describe_world(cidr)} on {opened}"
    if attached:
        message += f", attached to SageMaker resource '{attached[0].resource.logical_id}'"
    if sensitive:
        more = len(sensitive) - 2
        message += (f"; sensitive: {', '.join(sensitive[:2])}" + (f" and {more} more" if more > 0 else ""))
    severity = "high" if attached or sensitive else "medium"
    return Hit(path + (world_key(rule, cidr),), message, severity=severity)


def check(view, ctx):
    for rule, group, label, path in group_rules(view, ctx, "Ingress"):
        hit = _judge(ctx, rule, group, label, path)
        if hit:
            yield hit


RULE = Rule(
    id="MLC409",
    name="open-ingress",
    severity="high",
    resource_types=(SECURITY_GROUP, INGRESS),
    check=check,
    fix="Restrict the source to the clients that need access (a security group, prefix list or private CIDR); "
        "SageMaker resources need no inbound rule from the internet.",
    peers={"checkov": ["CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_260"], "cfn_nag": ["W2"],
           "guard": ["EC2_SECURITY_GROUP_INGRESS_OPEN_TO_WORLD_RULE", "INCOMING_SSH_DISABLED",
                     "RESTRICTED_INCOMING_TRAFFIC"],
           "aws": ["restricted-ssh", "vpc-sg-open-only-to-authorized-ports"]},
    practice="security-groups",
)

"""Security group allows egress to the whole internet.

## What it does
Checks every outbound rule — inline `SecurityGroupEgress` of an `AWS::EC2::SecurityGroup` and standalone
`AWS::EC2::SecurityGroupEgress` resources — for a destination that is every address (`CidrIp: 0.0.0.0/0`,
`CidrIpv6: ::/0` or another spelling of them: a CIDR is parsed, and a prefix length of 0 is the whole internet).
A `SecurityGroupEgress` written as one mapping instead of a list is read as a one-element list; a rule whose
`FromPort` is greater than its `ToPort` opens nothing (AWS rejects it) and is recorded as "could not verify".

A security group that declares no egress rule gets AWS's default rule, which allows all outbound traffic to
0.0.0.0/0, so it is reported too. AWS adds that default only when no egress rules are given, and CloudFormation
removes it once a standalone `AWS::EC2::SecurityGroupEgress` is attached to the group (the account of the AWS
CDK maintainers in aws-cdk issue 987, whose fix relies on it): such a group is judged by its explicit rules,
each reported on itself. When the only attached egress rule exists under a condition, or an egress rule's group
cannot be known, whether the default applies is recorded as "could not verify".

When the group is attached to a SageMaker resource with isolation intent — a `VpcOnly` Domain, a notebook with
`DirectInternetAccess: Disabled`, a network-isolated Model or job — the message says so: there the open egress
is the exfiltration path the isolation was meant to close. The intent yields when the template itself routes
that resource's subnets (any of them) to the internet through a NAT gateway (`SubnetRouteTableAssociation` →
`RouteTable` → an unconditional `AWS::EC2::Route` to the any-address with `NatGatewayId`): internet access is
then the design, and the finding is an ordinary open-egress one.

Off by default, except for those groups: findings on a group attached to SageMaker with isolation intent are
reported without selecting the rule; `--select MLC412` (or `ALL`) reports open egress everywhere, and
`--ignore MLC412` silences it completely.

## Why is this bad?
Open egress lets any process in the group send data anywhere. In a VPC that reaches AWS services through VPC
endpoints, SageMaker needs outbound HTTPS only to the endpoints' security group or the VPC's CIDR.

## Example
```yaml
StudioSecurityGroup:
  Type: AWS::EC2::SecurityGroup
  Properties:
    GroupDescription: studio
    VpcId: !Ref Vpc          # no SecurityGroupEgress: AWS allows all outbound traffic
```

## Use instead
```yaml
StudioSecurityGroup:
  Type: AWS::EC2::SecurityGroup
  Properties:
    GroupDescription: studio
    VpcId: !Ref Vpc
    SecurityGroupEgress:
      - IpProtocol: tcp
        FromPort: 443
        ToPort: 443
        DestinationSecurityGroupId: !Ref EndpointSecurityGroup
```

## References
- [Default security group rules](https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html)
- [AWS::EC2::SecurityGroup](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-securitygroup.html):
  the default allow-all egress rule is added only when no egress rules are specified
- [aws-cdk issue 987](https://github.com/aws/aws-cdk/issues/987): CloudFormation removes the default egress rule
  once an `AWS::EC2::SecurityGroupEgress` is added to the group
"""

from mlcheck.aws.network import (
    EGRESS,
    SECURITY_GROUP,
    default_egress,
    describe_ports,
    describe_world,
    group_rules,
    nat_route_of,
    sagemaker_attachments,
    world_key,
    world_opening,
)
from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.values import Unknown


def _context(ctx, group) -> tuple:
    """(message tail, whether the group serves SageMaker meant to be isolated: then the finding is on by
    default). The intent yields when the template itself routes that resource's subnets to the internet through
    a NAT gateway: internet access is then the design, not a leak."""
    attached = sagemaker_attachments(ctx, group) if group is not None else []
    intent = [a for a in attached if a.isolation_intent]
    for attachment in intent:
        if nat_route_of(ctx, attachment.resource) is None:
            return (f"; attached to SageMaker resource '{attachment.resource.logical_id}', which is meant to be "
                    "isolated: an exfiltration path", True)
    if intent:
        name = intent[0].resource.logical_id
        return (f"; attached to SageMaker resource '{name}', whose subnets the template routes to the internet "
                f"through a NAT gateway (route '{nat_route_of(ctx, intent[0].resource)}')", False)
    if attached:
        return f"; attached to SageMaker resource '{attached[0].resource.logical_id}'", False
    return "", False


def _judge(ctx, rule, group, label, path):
    opening = world_opening(ctx, rule, path)
    if opening is None:
        return None
    cidr, ports = opening
    opened = "ICMP" if ports is None else describe_ports(ports)
    tail, isolated = _context(ctx, group)
    return Hit(path + (world_key(rule, cidr),), f"{label} allows egress to {describe_world(cidr)} on {opened}{tail}",
               default_on=isolated)


def check(view, ctx):
    if view.type == SECURITY_GROUP:
        raw = view.get("SecurityGroupEgress")
        if raw is None or raw == []:
            default = default_egress(ctx, view.resource)
            if isinstance(default, Unknown):
                ctx.unknown(view.resource.path + ("Type",), f"whether AWS's default egress rule applies: "
                                                            f"{default.reason}")
                return
            if not default:
                return  # judged by its standalone SecurityGroupEgress resources, each checked on its own
            tail, isolated = _context(ctx, view.resource)
            yield Hit(view.resource.path + ("Type",),
                      f"Security group '{view.logical_id}' declares no SecurityGroupEgress, so AWS adds its default "
                      f"rule allowing all egress to 0.0.0.0/0{tail}", default_on=isolated)
            return
    for rule, group, label, path in group_rules(view, ctx, "Egress"):
        hit = _judge(ctx, rule, group, label, path)
        if hit:
            yield hit


RULE = Rule(
    id="MLC412",
    name="open-egress",
    severity="low",
    resource_types=(SECURITY_GROUP, EGRESS),
    check=check,
    fix="Declare SecurityGroupEgress limited to what is needed, e.g. tcp 443 to the VPC endpoints' security group "
        "or the VPC CIDR.",
    enabled_by_default=False,
    partly_on_by_default=True,
    peers={"cfn_nag": ["W5"], "guard": ["EC2_SECURITY_GROUP_EGRESS_OPEN_TO_WORLD_RULE"]},
    practice="security-groups",
)

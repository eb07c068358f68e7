"""SageMaker subnets lie in fewer than two Availability Zones.

## What it does
Resolves the subnet list of every SageMaker `VpcConfig` (Models, monitoring jobs), of every Studio Domain
(`SubnetIds`) and of every interface VPC endpoint for a SageMaker service to the template's `AWS::EC2::Subnet`s,
and their Availability Zones from `AvailabilityZone` (a literal name, or `!Select [n, !GetAZs '']`: distinct
indexes are distinct AZs, the same index is the same AZ) or `AvailabilityZoneId`. A list that spans fewer than
two AZs — including a single subnet — is a finding. Subnets from a `List<AWS::EC2::Subnet::Id>` parameter,
literal subnet ids, and subnets without an AZ (AWS picks one) are unknown, never reported.

## Why is this bad?
SageMaker places endpoint instances and Studio apps in the subnets you give it. All in one AZ, an AZ outage
takes the whole endpoint (or the VPC endpoint every client depends on) down, however many instances it has.

## Example
```yaml
SubnetA:
  Type: AWS::EC2::Subnet
  Properties:
    VpcId: !Ref Vpc
    CidrBlock: 10.0.0.0/24
    AvailabilityZone: !Select [0, !GetAZs ""]
SubnetB:
  Type: AWS::EC2::Subnet
  Properties:
    VpcId: !Ref Vpc
    CidrBlock: 10.0.1.0/24
    AvailabilityZone: !Select [0, !GetAZs ""]   # same AZ as SubnetA
```

## Use instead
```yaml
SubnetB:
  Type: AWS::EC2::Subnet
  Properties:
    VpcId: !Ref Vpc
    CidrBlock: 10.0.1.0/24
    AvailabilityZone: !Select [1, !GetAZs ""]
```

## References
- [Best practices for deploying models on SageMaker hosting services (multiple AZs)](https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-best-practices.html)
- [AWS Well-Architected Framework, Reliability pillar](https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/welcome.html)
"""

from mlcheck.aws.network import (
    SAGEMAKER_NETWORKED,
    VPC_ENDPOINT,
    az_of_subnet,
    distinct_azs,
    placement,
    reason_of,
    service_suffix,
    subnets_in,
)
from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.values import Unknown, is_symbolic

NOTEBOOK = "AWS::SageMaker::NotebookInstance"


def _subnet_list(view):
    """(keys, resolved subnet list) to judge, or None."""
    if view.type == VPC_ENDPOINT:
        kind, _ = view.value("VpcEndpointType")
        if kind != "Interface":
            return None
        service = service_suffix(view.get("ServiceName"))
        if not isinstance(service, str) or not service.startswith(("sagemaker.", "aws.sagemaker.")):
            return None
        subnets = view.get("SubnetIds")
        return (("SubnetIds",), subnets) if subnets is not None else None
    where = placement(view)
    if where is None or where.subnets is None:
        return None
    return where.subnets_keys, where.subnets


def check(view, ctx):
    if view.type == NOTEBOOK:
        return  # a notebook instance has one subnet by design
    found = _subnet_list(view)
    if found is None:
        return
    keys, value = found
    path = view.path(*keys)
    if is_symbolic(value) and not isinstance(value, list):
        ctx.unknown(path, reason_of(value, "subnet list"))
        return
    subnets = subnets_in(value, ctx.graph)
    if isinstance(subnets, Unknown):
        ctx.unknown(path, subnets.reason)
        return
    if not subnets:
        return  # an empty list (e.g. a list parameter whose Default is ""): nothing deployed to judge
    subnets = list({s.logical_id: s for s in subnets}.values())  # a subnet listed twice is still one subnet
    zones = []
    for subnet in subnets:
        zone = az_of_subnet(ctx, subnet)
        if isinstance(zone, Unknown):
            ctx.unknown(path, zone.reason)
            return
        zones.append(zone)
    count = distinct_azs(zones)
    if isinstance(count, Unknown):
        ctx.unknown(path, count.reason)
        return
    if count >= 2:
        return
    names = ", ".join(s.logical_id for s in subnets)
    what = "one subnet" if len(subnets) == 1 else f"{len(subnets)} subnets in the same Availability Zone"
    yield Hit(path, f"'{view.logical_id}' uses {what} ({names}): one AZ failure takes it down")


RULE = Rule(
    id="MLC502",
    name="single-az-subnets",
    severity="medium",
    resource_types=tuple(t for t in SAGEMAKER_NETWORKED if t != NOTEBOOK) + (VPC_ENDPOINT,),
    check=check,
    fix="List subnets in at least two Availability Zones (e.g. AvailabilityZone: !Select [0, !GetAZs ''] and "
        "!Select [1, !GetAZs ''] for two subnets).",
    peers={},
    practice="high-availability",
)

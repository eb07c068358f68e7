"""Network topology as the network and availability rules see it.

SageMaker resource -> subnets -> VPC; the VPC's endpoints by service; security groups and the SageMaker
resources they are attached to; subnets -> Availability Zones. Everything that crosses resources is answered
from per-template indexes (`mlcheck.model.cache.template_index`), built once.

Values outside the template (a subnet list from a `List<AWS::EC2::Subnet::Id>` parameter, an imported VPC, a
literal `subnet-0abc...` id) are *unknown*: functions return an `Unknown` with the reason, never a guess.
"""

from __future__ import annotations

import functools

from mlcheck.model.cache import deployed_only_when, template_index
from mlcheck.util.convert import to_int
from mlcheck.util.record import Record
from mlcheck.util.regex import lazy
from mlcheck.model.values import AZ, Composite, Pseudo, ResourceRef, Unknown, is_symbolic

REGION = Pseudo("AWS::Region")
SUBNET = "AWS::EC2::Subnet"
VPC = "AWS::EC2::VPC"
VPC_ENDPOINT = "AWS::EC2::VPCEndpoint"
SECURITY_GROUP = "AWS::EC2::SecurityGroup"
INGRESS = "AWS::EC2::SecurityGroupIngress"
EGRESS = "AWS::EC2::SecurityGroupEgress"

# VPC endpoint services SageMaker needs to keep its traffic on the AWS network (MLC407). Rule options will be
# configurable (`[tool.mlcheck.rules.MLC407] required-endpoints`); until then these module defaults apply.
REQUIRED_ENDPOINTS = ("sagemaker.api", "sagemaker.runtime", "s3")
VPC_ONLY_DOMAIN_ENDPOINTS = REQUIRED_ENDPOINTS + ("sts", "logs", "ecr.api", "ecr.dkr")

# Where SageMaker resources keep their network settings: (VpcConfig keys, single-subnet key or None).
_VPC_CONFIG_PATHS = (
    ("VpcConfig",),
    ("NetworkConfig", "VpcConfig"),
    ("MonitoringScheduleConfig", "MonitoringJobDefinition", "NetworkConfig", "VpcConfig"),
)

SAGEMAKER_NETWORKED = (
    "AWS::SageMaker::Model",
    "AWS::SageMaker::NotebookInstance",
    "AWS::SageMaker::Domain",
    "AWS::SageMaker::MonitoringSchedule",
    "AWS::SageMaker::DataQualityJobDefinition",
    "AWS::SageMaker::ModelQualityJobDefinition",
    "AWS::SageMaker::ModelBiasJobDefinition",
    "AWS::SageMaker::ModelExplainabilityJobDefinition",
)

_SERVICE = lazy(r"^(?:cn\.)?com\.amazonaws\.[^.]+\.(.+)$")
_SAGEMAKER_SERVICE = lazy(r"^aws\.sagemaker\.[^.]+\.(.+)$")


# -- values ---------------------------------------------------------------------------------------------------

def reason_of(value, what: str) -> str:
    return value.reason if isinstance(value, Unknown) else f"{what} is computed"


def service_suffix(value):
    """`com.amazonaws.<region>.sagemaker.api` in any form (literal region, `${AWS::Region}`, `!Join`) ->
    `sagemaker.api`; `aws.sagemaker.<region>.notebook` -> `aws.sagemaker.notebook`. None when the value is not
    a service name; Unknown when it cannot be known."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, Composite):
        if value.has_unknown():
            return Unknown("ServiceName is computed from a value that cannot be known")
        text = value.text("REGION")
    elif isinstance(value, str):
        text = value
    else:
        return None
    text = text.strip().lower()
    match = _SERVICE.match(text)
    if match:
        return match.group(1)
    match = _SAGEMAKER_SERVICE.match(text)
    if match:
        return "aws.sagemaker." + match.group(1)
    return None


def resource_of(value, graph, *types):
    """The template resource a Ref/GetAtt designates (of the given types), else None."""
    if isinstance(value, Composite) and len(value.parts) == 1:
        value = value.parts[0]
    if isinstance(value, ResourceRef):
        resource = graph.template.resources.get(value.logical_id)
        if resource is not None and (not types or resource.type in types):
            return resource
    if isinstance(value, str) and types:  # a literal id of a resource read from the account (--aws, aws://)
        resource = graph.target(value, *types)
        if resource is not None and resource.from_account:
            return resource
    return None


def subnets_in(value, graph, what: str = "subnet list"):
    """The template Subnet resources of a resolved subnet list (or single subnet); Unknown when any of them is
    outside the template or cannot be known."""
    if isinstance(value, Unknown):
        return value
    items = value if isinstance(value, list) else [value]
    found = []
    for item in items:
        subnet = resource_of(item, graph, SUBNET)
        if subnet is None:
            if isinstance(item, Unknown):
                return item
            if isinstance(item, str):
                return Unknown(f"subnet '{item}' is not defined in this template" if item.strip()
                               else f"a {what} entry is an empty string")
            return Unknown(f"a {what} entry does not name a subnet of this template")
        found.append(subnet)
    return found


def vpc_of_subnet(ctx, subnet):
    value = ctx.view(subnet).get("VpcId")
    vpc = resource_of(value, ctx.graph, VPC)
    if vpc is not None:
        return vpc
    if isinstance(value, Unknown):
        return value
    return Unknown(f"VPC of subnet {subnet.logical_id} is not defined in this template")


def az_of_subnet(ctx, subnet):
    """A comparable key for the subnet's AZ: ('name', 'us-east-1a'), ('regional', '${aws::region}a') for
    `!Sub ${AWS::Region}a`, ('id', 'use1-az1') or ('index', 0) for `!Select [0, !GetAZs '']`; Unknown when it
    cannot be known (or is left to AWS)."""
    view = ctx.view(subnet)
    az = view.get("AvailabilityZone")
    if az is None:
        zone_id = view.get("AvailabilityZoneId")
        if isinstance(zone_id, str):
            return ("id", zone_id.strip().lower())
        if zone_id is not None:
            return Unknown(reason_of(zone_id, f"AvailabilityZoneId of {subnet.logical_id}"))
        return Unknown(f"subnet {subnet.logical_id} sets no AvailabilityZone: AWS chooses one")
    if isinstance(az, AZ):
        return ("index", az.index)
    if isinstance(az, str):
        return ("name", az.strip().lower())
    if isinstance(az, Composite) and all(isinstance(p, str) or p == REGION for p in az.parts):
        return ("regional", az.text("${AWS::Region}").strip().lower())  # !Sub "${AWS::Region}a"
    return Unknown(reason_of(az, f"AvailabilityZone of {subnet.logical_id}"))


def distinct_azs(keys):
    """How many AZs a list of AZ keys spans: an int, or Unknown when names, ids and GetAZs indexes are mixed
    so that they might coincide."""
    groups: dict = {}
    for kind, value in keys:
        groups.setdefault(kind, set()).add(value)
    counts = [len(v) for v in groups.values()]
    if not counts:
        return 0
    if len(groups) == 1 or max(counts) >= 2:
        return max(counts) if len(groups) == 1 else max(max(counts), 2)
    return Unknown("AZs are given partly by name, partly by id or by !GetAZs index: they may coincide")


# -- SageMaker resources in VPCs --------------------------------------------------------------------------------

class Placement(Record):
    """Where a SageMaker resource's network settings are, as written."""

    _fields = ("path_keys", "subnets_keys", "subnets", "security_group_keys", "security_groups", "vpc_keys", "vpc")
    path_keys: tuple  # keys below Properties of the VpcConfig (or of the resource for Notebook/Domain)
    subnets_keys: tuple | None
    subnets: object  # resolved value (list, single subnet, Unknown) or None
    security_group_keys: tuple
    security_groups: object
    vpc_keys: tuple | None
    vpc: object

    def __init__(
        self, path_keys, subnets_keys, subnets, security_group_keys=(), security_groups=None, vpc_keys=None, vpc=None
    ):
        self.path_keys = path_keys
        self.subnets_keys = subnets_keys
        self.subnets = subnets
        self.security_group_keys = security_group_keys
        self.security_groups = security_groups
        self.vpc_keys = vpc_keys
        self.vpc = vpc


def placement(view):
    """The network placement of a SageMaker resource, or None when it declares none."""
    if view.type == "AWS::SageMaker::NotebookInstance":
        subnet = view.get("SubnetId")
        if subnet is None:
            return None
        return Placement((), ("SubnetId",), subnet, ("SecurityGroupIds",), view.get("SecurityGroupIds"))
    if view.type == "AWS::SageMaker::Domain":
        groups = view.get("DefaultUserSettings", "SecurityGroups")
        keys = ("DefaultUserSettings", "SecurityGroups")
        if groups is None:
            groups, keys = view.get("DomainSettings", "SecurityGroupIds"), ("DomainSettings", "SecurityGroupIds")
        return Placement((), ("SubnetIds",), view.get("SubnetIds"), keys, groups, ("VpcId",), view.get("VpcId"))
    for keys in _VPC_CONFIG_PATHS:
        config = view.get(*keys)
        if config is None:
            continue
        if isinstance(config, Unknown):
            return Placement(keys, keys, config, keys, config)
        if isinstance(config, dict):
            return Placement(keys, keys + ("Subnets",), config.get("Subnets"), keys + ("SecurityGroupIds",),
                             config.get("SecurityGroupIds"))
    return None


def vpcs_of(ctx, view):
    """(placement, VPC resources the SageMaker resource runs in) — or (placement, Unknown) when that cannot be
    known; (None, []) when it declares no VPC placement."""
    where = placement(view)
    if where is None:
        return None, []
    if where.vpc_keys is not None and where.vpc is not None:
        vpc = resource_of(where.vpc, ctx.graph, VPC)
        if vpc is not None:
            return where, [vpc]
        return where, Unknown(reason_of(where.vpc, "VpcId") if is_symbolic(where.vpc)
                              else f"VPC {where.vpc} is not defined in this template")
    subnets = subnets_in(where.subnets, ctx.graph)
    if isinstance(subnets, Unknown):
        return where, subnets
    vpcs: dict = {}
    for subnet in subnets:
        vpc = vpc_of_subnet(ctx, subnet)
        if isinstance(vpc, Unknown):
            return where, vpc
        vpcs[vpc.logical_id] = vpc
    return where, list(vpcs.values())


# -- VPC endpoints ----------------------------------------------------------------------------------------------

class Endpoints(Record):
    _fields = ("by_vpc", "unknown")
    by_vpc: dict  # VPC logical id -> {service suffix: [endpoint Resource]}
    unknown: list  # reasons some endpoint's VPC or service cannot be known

    def __init__(self, by_vpc=None, unknown=None):
        self.by_vpc = {} if by_vpc is None else by_vpc
        self.unknown = [] if unknown is None else unknown


def _endpoints(ctx) -> Endpoints:
    out = Endpoints()
    for endpoint in ctx.graph.of_type(VPC_ENDPOINT):
        view = ctx.view(endpoint)
        service = service_suffix(view.get("ServiceName"))
        if isinstance(service, Unknown):
            out.unknown.append(f"service of endpoint {endpoint.logical_id}: {service.reason}")
            continue
        if service is None:
            continue
        vpc_value = view.get("VpcId")
        vpc = resource_of(vpc_value, ctx.graph, VPC)
        if vpc is None:
            if is_symbolic(vpc_value):
                out.unknown.append(f"VPC of endpoint {endpoint.logical_id}: {reason_of(vpc_value, 'VpcId')}")
            continue
        out.by_vpc.setdefault(vpc.logical_id, {}).setdefault(service, []).append(endpoint)
    return out


def endpoints(ctx) -> Endpoints:
    return template_index(ctx, "network.endpoints", _endpoints)


def missing_endpoints(ctx, vpc, required):
    """(services of `required` with no endpoint in the VPC, unknown reasons)."""
    index = endpoints(ctx)
    present = index.by_vpc.get(vpc.logical_id, {})
    missing = [s for s in required if s not in present]
    return missing, (index.unknown if missing else [])


def conditional_endpoints(ctx, vpc, required) -> list:
    """Reasons a required service's endpoints may be absent: each exists only under a Condition that can be
    false while the checked resource exists."""
    present = endpoints(ctx).by_vpc.get(vpc.logical_id, {})
    reasons = []
    for service in required:
        found = present.get(service, ())
        conditions = [deployed_only_when(ctx, e) for e in found]
        if found and all(conditions):
            reasons.append(f"the {service} endpoint {found[0].logical_id} exists only when condition "
                           f"{conditions[0]} is true")
    return reasons


# -- security groups --------------------------------------------------------------------------------------------

class Attachment(Record):
    _fields = ("resource", "isolation_intent")
    resource: object  # SageMaker Resource
    isolation_intent: bool  # VpcOnly domain, notebook without direct internet, network-isolated model/job

    def __init__(self, resource, isolation_intent):
        self.resource = resource
        self.isolation_intent = isolation_intent


def isolation_intent(view) -> bool:
    if view.type == "AWS::SageMaker::Domain":
        return view.get("AppNetworkAccessType") == "VpcOnly"
    if view.type == "AWS::SageMaker::NotebookInstance":
        return view.get("DirectInternetAccess") == "Disabled"
    if view.get("EnableNetworkIsolation") is True:
        return True
    for keys in (("NetworkConfig",), ("MonitoringScheduleConfig", "MonitoringJobDefinition", "NetworkConfig")):
        if view.get(*keys, "EnableNetworkIsolation") is True:
            return True
    return False


class GroupUse(Record):
    _fields = ("by_group", "unknown")
    by_group: dict  # security group logical id -> [Attachment]
    unknown: list

    def __init__(self, by_group=None, unknown=None):
        self.by_group = {} if by_group is None else by_group
        self.unknown = [] if unknown is None else unknown


def group_resource(value, graph):
    """The template SecurityGroup a GroupId / SecurityGroupIds entry designates (Ref or GetAtt GroupId)."""
    return resource_of(value, graph, SECURITY_GROUP)


_GROUP_KEYS = ("SecurityGroupIds", "SecurityGroups")


def _group_values(value, found):
    """Every value listed under a SecurityGroupIds/SecurityGroups key anywhere in resolved properties."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, child in item.items():
                if key in _GROUP_KEYS:
                    found.extend(child if isinstance(child, list) else [child])
                else:
                    stack.append(child)
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _group_use(ctx) -> GroupUse:
    """Security groups attached to SageMaker resources: Model/job VpcConfig, notebook SecurityGroupIds, Domain
    DefaultUserSettings/DefaultSpaceSettings/DomainSettings, UserProfile and Space settings, ..."""
    out = GroupUse()
    types = [t for t in ctx.graph.by_type if t.startswith("AWS::SageMaker::")]
    for resource in ctx.graph.of_type(*types) if types else ():
        view = ctx.view(resource)
        values = _group_values(view.properties, [])
        if not values:
            continue
        intent = isolation_intent(view)
        for value in values:
            group = group_resource(value, ctx.graph)
            if group is not None:
                out.by_group.setdefault(group.logical_id, []).append(Attachment(resource, intent))
            elif isinstance(value, Unknown):
                out.unknown.append(f"security groups of {resource.logical_id}: {value.reason}")
    return out


def sagemaker_attachments(ctx, group):
    """The SageMaker resources a security group is attached to (built once per template)."""
    return template_index(ctx, "network.group_use", _group_use).by_group.get(group.logical_id, [])


ALL_PORTS = (0, 65535)

# Ports an attacker scans for first: remote access, file transfer, databases, caches, search, notebooks.
SENSITIVE_PORTS = {
    20: "FTP data", 21: "FTP", 22: "SSH", 23: "Telnet", 25: "SMTP", 135: "MS RPC", 139: "NetBIOS",
    445: "SMB", 1433: "SQL Server", 1521: "Oracle", 2049: "NFS", 2375: "Docker", 2376: "Docker TLS",
    3306: "MySQL", 3389: "RDP", 5432: "PostgreSQL", 5439: "Redshift", 5601: "Kibana", 5900: "VNC",
    6379: "Redis", 8888: "Jupyter", 9200: "Elasticsearch", 9300: "Elasticsearch", 11211: "Memcached",
    27017: "MongoDB",
}


def _port(value):
    return to_int(value, signed=True)  # -1 means every port


def port_range(rule: dict):
    """(from, to) a rule opens, None for ICMP-only rules, Unknown when it cannot be known (or the range is
    inverted: AWS rejects FromPort > ToPort, so the rule opens nothing)."""
    protocol = rule.get("IpProtocol")
    if is_symbolic(protocol):
        return Unknown(reason_of(protocol, "IpProtocol"))
    text = str(protocol).strip().lower() if protocol is not None else ""
    if text in ("-1", "all"):
        return ALL_PORTS
    if text in ("icmp", "icmpv6", "1", "58"):
        return None
    low, high = rule.get("FromPort"), rule.get("ToPort")
    if is_symbolic(low) or is_symbolic(high):
        return Unknown("port range is computed")
    if any(v is not None and _port(v) is None for v in (low, high)):
        return Unknown("FromPort or ToPort is not a port number")  # not to be taken for "every port"
    low, high = _port(low), _port(high)
    if low is None and high is None:
        return ALL_PORTS
    low = 0 if low is None or low < 0 else low
    high = 65535 if high is None or high < 0 else high
    if low > high:
        return Unknown(f"FromPort {low} is greater than ToPort {high}: AWS rejects the rule, so it opens nothing")
    return (low, high)


def describe_ports(ports) -> str:
    if ports == ALL_PORTS:
        return "all ports"
    low, high = ports
    return f"port {low}" if low == high else f"ports {low}-{high}"


def sensitive_in(ports):
    if ports is None:
        return []
    low, high = ports
    return [f"{p} ({name})" for p, name in sorted(SENSITIVE_PORTS.items()) if low <= p <= high]


@functools.lru_cache(maxsize=256)
def is_any_address(text: str) -> bool:
    """Whether a CIDR covers every address: prefix length 0, whatever the address part (`::0/0`,
    `0:0:0:0:0:0:0:0/0`, `000.000.000.000/0`, `10.0.0.0/0`). Text that is not a CIDR is not the world."""
    import ipaddress  # lazily: only templates with security-group rules need it

    address, slash, prefix = text.strip().partition("/")
    if not slash:
        return False
    if "." in address and ":" not in address:  # ipaddress refuses zero-padded octets; AWS reads them as numbers
        address = ".".join(o.lstrip("0") or "0" for o in address.split("."))
    try:
        return ipaddress.ip_network(f"{address}/{prefix}", strict=False).prefixlen == 0
    except ValueError:
        return False


def world_cidr(rule: dict):
    """The world-open CIDR of a rule as written (`0.0.0.0/0`, `::/0` or another spelling of the any-address),
    None, or Unknown."""
    for key in ("CidrIp", "CidrIpv6"):
        value = rule.get(key)
        if value is None:
            continue
        if is_symbolic(value):
            return Unknown(reason_of(value, key))
        if isinstance(value, str) and is_any_address(value):
            return value.strip()
    return None


def describe_world(cidr: str) -> str:
    """A world-open CIDR for a message: as written, explained when it is not the usual spelling."""
    return cidr if cidr in ("0.0.0.0/0", "::/0") else f"{cidr} (prefix length 0: every address)"


def world_key(rule: dict, cidr: str) -> str:
    """The property of a rule that holds its world-open CIDR (for the finding's location)."""
    value = rule.get("CidrIp")
    return "CidrIp" if isinstance(value, str) and value.strip() == cidr else "CidrIpv6"


def inline_rules(view, key):
    """(index, rule) of a SecurityGroup's inline SecurityGroupIngress/SecurityGroupEgress — a rule is a mapping
    or an Unknown; the index is None for a single mapping written instead of a list (read as a one-element
    list: cfn-lint reports the type, the rule is still judged). Unknown when the list cannot be known."""
    rules = view.get(key)
    if isinstance(rules, Unknown):
        return rules
    if isinstance(rules, dict):
        return [(None, rules)]
    if not isinstance(rules, list):
        return []
    return [(i, r) for i, r in enumerate(rules) if isinstance(r, (dict, Unknown))]


def group_rules(view, ctx, direction: str):
    """(rule mapping, security group Resource or None, label, path) for every ingress or egress rule a resource
    declares: the inline `SecurityGroup<direction>` list of a SecurityGroup, or a standalone
    `AWS::EC2::SecurityGroup<direction>` itself. An inline list that cannot be known is recorded as unknown."""
    key = f"SecurityGroup{direction}"
    if view.type == SECURITY_GROUP:
        rules = inline_rules(view, key)
        if isinstance(rules, Unknown):
            ctx.unknown(view.path(key), rules.reason)
            return
        for i, rule in rules:
            path = view.path(key) if i is None else view.path(key, i)
            if isinstance(rule, Unknown):
                ctx.unknown(path, rule.reason)
                continue
            yield rule, view.resource, f"Security group '{view.logical_id}'", path
    else:
        if "__unknown__" in view.properties:
            ctx.unknown(view.path(), view.properties["__unknown__"].reason)
            return
        group = group_resource(view.get("GroupId"), ctx.graph)
        label = f"{direction} rule '{view.logical_id}'" + (f" of security group '{group.logical_id}'" if group else "")
        yield view.properties, group, label, view.path()


def world_opening(ctx, rule, path):
    """(cidr, ports) when a security-group rule is open to 0.0.0.0/0 or ::/0 (ports None for ICMP), else None;
    a CIDR or port range that cannot be known is recorded as unknown."""
    cidr = world_cidr(rule)
    if isinstance(cidr, Unknown):
        ctx.unknown(path, cidr.reason)
        return None
    if cidr is None:
        return None
    ports = port_range(rule)
    if isinstance(ports, Unknown):
        ctx.unknown(path, ports.reason)
        return None
    return cidr, ports


# -- standalone egress rules ------------------------------------------------------------------------------------

class StandaloneEgress(Record):
    _fields = ("by_group", "unknown")
    by_group: dict  # security group logical id -> [SecurityGroupEgress Resource]
    unknown: list  # reasons some egress rule's group cannot be known

    def __init__(self, by_group=None, unknown=None):
        self.by_group = {} if by_group is None else by_group
        self.unknown = [] if unknown is None else unknown


def _standalone_egress(ctx) -> StandaloneEgress:
    out = StandaloneEgress()
    for egress in ctx.graph.of_type(EGRESS):
        value = ctx.view(egress).get("GroupId")
        group = group_resource(value, ctx.graph)
        if group is not None:
            out.by_group.setdefault(group.logical_id, []).append(egress)
        elif isinstance(value, Unknown):
            out.unknown.append(f"egress rule {egress.logical_id} may belong to it: {value.reason}")
    return out


def default_egress(ctx, group):
    """Whether AWS's default allow-all egress rule stays on a group that declares no inline
    SecurityGroupEgress: True when no standalone `AWS::EC2::SecurityGroupEgress` is attached to it (CloudFormation
    removes the default once one is), False when one always is, Unknown when that depends on a condition or on a
    rule whose group cannot be known."""
    index = template_index(ctx, "network.standalone_egress", _standalone_egress)
    attached = index.by_group.get(group.logical_id, [])
    conditions = [deployed_only_when(ctx, e) for e in attached]
    if attached and not all(conditions):
        return False
    if attached:
        return Unknown(f"its only egress rule {attached[0].logical_id} exists only when condition {conditions[0]} "
                       "is true; otherwise AWS's default allow-all rule applies")
    if index.unknown:
        return Unknown(index.unknown[0])
    return True


# -- routes to the internet -------------------------------------------------------------------------------------

ROUTE_TABLE = "AWS::EC2::RouteTable"
ROUTE = "AWS::EC2::Route"
ROUTE_ASSOCIATION = "AWS::EC2::SubnetRouteTableAssociation"


def _nat_subnets(ctx) -> dict:
    """subnet logical id -> logical id of a Route that sends its internet traffic to a NAT gateway
    (SubnetRouteTableAssociation -> RouteTable -> Route with NatGatewayId to the any-address). Routes and
    associations with a Condition do not count: they do not state the intent of every deployment (and the index
    is shared by every resource checked, whatever its own condition)."""
    nat_tables: dict = {}
    for route in ctx.graph.of_type(ROUTE):
        view = ctx.view(route)
        if view.get("NatGatewayId") is None or route.condition:
            continue
        destinations = (view.get("DestinationCidrBlock"), view.get("DestinationIpv6CidrBlock"))
        if not any(isinstance(d, str) and is_any_address(d) for d in destinations):
            continue
        table = resource_of(view.get("RouteTableId"), ctx.graph, ROUTE_TABLE)
        if table is not None:
            nat_tables.setdefault(table.logical_id, route.logical_id)
    out: dict = {}
    for association in ctx.graph.of_type(ROUTE_ASSOCIATION) if nat_tables else ():
        view = ctx.view(association)
        table = resource_of(view.get("RouteTableId"), ctx.graph, ROUTE_TABLE)
        subnet = resource_of(view.get("SubnetId"), ctx.graph, SUBNET)
        if table is None or subnet is None or table.logical_id not in nat_tables:
            continue
        if not association.condition:
            out.setdefault(subnet.logical_id, nat_tables[table.logical_id])
    return out


def nat_route_of(ctx, resource):
    """The logical id of a Route through which the template sends a SageMaker resource's subnets (any of them)
    to the internet via a NAT gateway, else None."""
    where = placement(ctx.view(resource))
    if where is None:
        return None
    subnets = subnets_in(where.subnets, ctx.graph)
    if isinstance(subnets, Unknown) or not subnets:
        return None
    routes = template_index(ctx, "network.nat_subnets", _nat_subnets)
    return next((routes[s.logical_id] for s in subnets if s.logical_id in routes), None)

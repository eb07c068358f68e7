"""Terraform resources onto the model every rule reads: each mapped resource becomes a model `Resource` with the
CloudFormation type and CloudFormation-shaped Properties of the same AWS object, so that no rule knows Terraform.

- The logical id is the Terraform address (`aws_sagemaker_model.main`); findings show the Terraform type
  (`Resource.source_type`), rules read the CloudFormation one.
- A `Reference` becomes `{"Ref": address}` or `{"Fn::GetAtt": [address, attribute]}`, as CloudFormation returns
  that attribute (`REFERENCE_ATTRIBUTES`): a role's `.arn` is GetAtt Arn, its `.name` the Ref. A reference to a
  resource that is not mapped, or to anything else (`var.`, `data.`, `module.` outputs), is unknown.
- What maps to what is in `catalogue` (types, attribute names, provider defaults, return values); where the
  provider's default differs from CloudFormation's, the mapping writes the provider's value, located at the
  block.
- S3's split-out resources (public access block, encryption, versioning, logging, ACL) and IAM attachments are
  folded into the bucket's or the role's Properties, located at the split-out resource's lines (its own file).
  One whose bucket or role cannot be known makes that property unknown on every bucket or role that has none.
- A type not in `MAPPERS` is skipped, not guessed.

Every value is located at the Terraform attribute's Position (or its block's), in the file it is written in:
the Document's LocationTable names the file of each node (Location.file).
"""

from __future__ import annotations

from mlcheck.inputs.terraform.catalogue import (
    FOLD_SOURCES,
    FOLDED,
    GROUP_RULE,
    LIST_PROPERTIES,
    MAPPERS,
    MISSING,
    NAME_ATTRIBUTES,
    F,
    policy_document,
    reference_value,
    snake_case,
)
from mlcheck.inputs.terraform.resource import Position, Reference, References, TerraformResource
from mlcheck.model.document import MAPPING, SEQUENCE, Document, LocationTable
from mlcheck.model.template import Resource, Template
from mlcheck.model.values import Composite, Unknown

class _Out:
    """The CloudFormation-shaped model being built: data plus the Position of each path in it."""

    def __init__(self, types: dict):
        self.types = types  # address -> CloudFormation type of every mapped resource
        self.positions: dict = {}  # model path -> Position

    def value(self, value, resource: TerraformResource, tf_path: tuple, path: tuple):
        """A Terraform value as the model holds it, its pieces located where Terraform wrote them."""
        self.positions.setdefault(path, resource.position(tf_path))
        if isinstance(value, Reference):
            return reference_value(value, self.types.get(value.address))
        if isinstance(value, Composite):  # "${aws_s3_bucket.data.arn}/*": text around references, as Fn::Join
            return {"Fn::Join": ["", [part if isinstance(part, str) else self.value(part, resource, tf_path, path)
                                      for part in value.parts]]}
        if isinstance(value, dict):
            return {k: self.value(v, resource, tf_path + (k,), path + (k,)) for k, v in value.items()
                    if v is not None}
        if isinstance(value, list):
            return [self.value(v, resource, tf_path + (i,), path + (i,)) for i, v in enumerate(value)]
        return value

    def fields(self, values: dict, fields, resource, tf_path: tuple, path: tuple) -> dict:
        out = {}
        if isinstance(values, Unknown):
            return values
        for field in fields:
            raw = values.get(field.tf, MISSING) if isinstance(values, dict) else MISSING
            at = path + (field.cfn,)
            if raw is MISSING or raw is None or raw == [] and field.block is not None:
                if field.default is not MISSING:  # the provider's own default, located at the block
                    self.positions.setdefault(at, resource.position(tf_path))
                    out[field.cfn] = field.default
                continue
            where = tf_path + (field.tf,)
            if field.block is not None:
                out[field.cfn] = self._block(raw, field, resource, where, at)
                continue
            self.positions.setdefault(at, resource.position(where))
            if field.cfn in LIST_PROPERTIES:
                if isinstance(raw, Reference):
                    raw = [raw]  # a list attribute whose one reference is all the plan names
            elif isinstance(raw, References):
                raw = Unknown("built from several values known only after apply")
            if field.convert is not None and not isinstance(raw, (Reference, Unknown)):
                converted = field.convert(raw)
                if converted is None:  # the provider's way of writing "not set"
                    del self.positions[at]
                    continue
                out[field.cfn] = self.value(converted, resource, where, at)
            elif field.convert is not None and field.cfn in ("Roles", "Users"):
                out[field.cfn] = [self.value(raw, resource, where, at + (0,))]
            else:
                out[field.cfn] = self.value(raw, resource, where, at)
        return out

    def _block(self, raw, field, resource, where, at):
        self.positions.setdefault(at, resource.position(where))
        if isinstance(raw, Unknown):
            return raw
        blocks = raw if isinstance(raw, list) else [raw]
        if field.many:
            return [self.fields(b, field.block, resource, where + (i,), at + (i,)) for i, b in enumerate(blocks)]
        return self.fields(blocks[0], field.block, resource, where + (0,), at) if blocks else {}


def to_template(resources: list[TerraformResource], file: str) -> Template:
    """The model of one Terraform configuration (a directory of .tf files, or one plan): `file` is its display
    path, each location names the file it is in."""
    mapped = [r for r in resources if r.type in MAPPERS or r.type in FOLDED]
    types = {r.address: MAPPERS[r.type][0] for r in mapped if r.type in MAPPERS}
    types.update({r.address: None for r in mapped if r.type in FOLDED})
    out = _Out(types)
    definitions: dict = {}
    owners: dict = {}
    for resource in mapped:
        if resource.type not in MAPPERS:
            continue
        cfn_type, fields = MAPPERS[resource.type]
        if resource.type == "aws_security_group_rule" and resource.values.get("type") == "egress":
            cfn_type = "AWS::EC2::SecurityGroupEgress"
        path = ("Resources", resource.address)
        out.positions[path] = resource.position(())
        properties = out.fields(resource.values, fields, resource, (), path + ("Properties",))
        out.positions.setdefault(path + ("Properties",), resource.position(()))
        extra = _EXTRA.get(resource.type)
        if extra is not None:
            extra(resource, properties, out, path + ("Properties",))
        definitions[resource.address] = {"Type": cfn_type, "Properties": properties}
        owners[resource.address] = resource
        if resource.type == "aws_s3_bucket" and resource.values.get("policy") not in (None, ""):
            _inline_bucket_policy(resource, definitions, owners, out)
    for cfn_type, prop, folds in _fold_split_out(mapped, definitions, owners, out):
        for address, definition in definitions.items():
            if definition["Type"] == cfn_type and address not in folds and prop not in definition["Properties"]:
                definition["Properties"][prop] = Unknown(
                    f"a {FOLD_SOURCES[prop]} whose target cannot be known may set {prop}")
    for address, definition in definitions.items():
        owner = owners[address]
        metadata = _suppressions(owner)
        if metadata:
            definition["Metadata"] = metadata
            out.positions.setdefault(("Resources", address, "Metadata"), owner.position(()))
    data = {"Resources": definitions}
    document = Document(data, _locations(data, out.positions, file), "")
    template = Template(file=file, document=document)
    for address, definition in definitions.items():
        template.resources[address] = Resource(address, definition["Type"], definition, ("Resources", address),
                                               source_type=owners[address].type)
    return template


def _inline_bucket_policy(bucket: TerraformResource, definitions: dict, owners: dict, out: _Out) -> None:
    """The deprecated `policy` argument of aws_s3_bucket, as the BucketPolicy CloudFormation would need for it
    (logical id `<bucket address>.policy`), so that rules reading bucket policies see it."""
    address = bucket.address + ".policy"
    path = ("Resources", address, "Properties")
    out.positions[path[:2]] = out.positions[path] = bucket.position(("policy",))
    raw = bucket.values["policy"]
    document = policy_document(raw) if not isinstance(raw, (Reference, Unknown)) else raw
    definitions[address] = {"Type": "AWS::S3::BucketPolicy", "Properties": {
        "Bucket": {"Ref": bucket.address},
        "PolicyDocument": out.value(document, bucket, ("policy",), path + ("PolicyDocument",))}}
    owners[address] = bucket


# -- security group rules ------------------------------------------------------------------------------------
def _split_group_rules(values: dict, resource, out, base: tuple, cfn: str, tf: str) -> list | None:
    """aws_security_group `ingress`/`egress` blocks -> CloudFormation rules, one per CIDR, prefix list or
    source group."""
    blocks = values.get(tf)
    if not isinstance(blocks, list):
        return blocks if isinstance(blocks, Unknown) else None
    rules = []
    for i, block in enumerate(blocks):
        if not isinstance(block, dict):
            continue
        where = (tf, i)
        common = out.fields(block, GROUP_RULE, resource, where, base + (cfn, len(rules)))
        targets = []
        for key, cfn_key in (("cidr_blocks", "CidrIp"), ("ipv6_cidr_blocks", "CidrIpv6"),
                             ("prefix_list_ids", "DestinationPrefixListId" if tf == "egress" else
                              "SourcePrefixListId"),
                             ("security_groups", "DestinationSecurityGroupId" if tf == "egress" else
                              "SourceSecurityGroupId")):
            items = block.get(key)
            if isinstance(items, Unknown):
                targets.append((cfn_key, items, where + (key,)))
            elif isinstance(items, list):
                targets += [(cfn_key, item, where + (key, j)) for j, item in enumerate(items)]
        if block.get("self") is True:
            targets.append(("SourceSecurityGroupId" if tf == "ingress" else "DestinationSecurityGroupId",
                            Reference(resource.address, "id"), where + ("self",)))
        for cfn_key, item, tf_where in targets or [(None, None, where)]:
            at = base + (cfn, len(rules))
            rule = dict(common)
            for key in common:
                out.positions.setdefault(at + (key,), resource.position(where + (snake_case(key),)))
            if cfn_key is not None:
                rule[cfn_key] = out.value(item, resource, tf_where, at + (cfn_key,))
            out.positions.setdefault(at, resource.position(where))
            rules.append(rule)
    return rules


def _security_group(resource, properties, out, base):
    for cfn, tf in (("SecurityGroupIngress", "ingress"), ("SecurityGroupEgress", "egress")):
        rules = _split_group_rules(resource.values, resource, out, base, cfn, tf)
        if rules:
            out.positions.setdefault(base + (cfn,), resource.position((tf,)))
            properties[cfn] = rules
        elif cfn == "SecurityGroupEgress":
            # The provider removes the allow-all egress rule AWS gives a new group (CloudFormation keeps it): a
            # group with no egress block has no egress but what its standalone rules add. In CloudFormation
            # terms, the rule that allows nothing.
            out.positions.setdefault(base + (cfn,), resource.position(()))
            properties[cfn] = [{"IpProtocol": "-1", "CidrIp": "127.0.0.1/32"}]


def _group_rule_resource(resource, properties, out, base):
    """aws_security_group_rule (`type` ingress/egress) and aws_vpc_security_group_*_rule: one rule."""
    values = resource.values
    egress = resource.type.endswith("egress_rule") or values.get("type") == "egress"
    properties.update(out.fields(values, (F("GroupId", "security_group_id"), F("IpProtocol", "protocol"),
                                          F("IpProtocol", "ip_protocol"), F("FromPort"), F("ToPort"),
                                          F("Description"), F("CidrIp", "cidr_ipv4"), F("CidrIpv6", "cidr_ipv6")),
                                 resource, (), base))
    target = "Destination" if egress else "Source"
    for tf, cfn in (("prefix_list_id", f"{target}PrefixListId"),
                    ("referenced_security_group_id", f"{target}SecurityGroupId"),
                    ("source_security_group_id", f"{target}SecurityGroupId")):
        if values.get(tf) is not None:
            properties[cfn] = out.value(values[tf], resource, (tf,), base + (cfn,))
    cidrs = values.get("cidr_blocks")
    if isinstance(cidrs, list) and cidrs:
        # one CloudFormation rule holds one CIDR: the first is judged here, the rest as the same rule's list
        properties["CidrIp"] = out.value(cidrs[0], resource, ("cidr_blocks", 0), base + ("CidrIp",))
        if len(cidrs) > 1:
            properties["CidrIp"] = _widest(cidrs, resource, out, base)
    elif isinstance(cidrs, Unknown):
        properties["CidrIp"] = cidrs


def _widest(cidrs, resource, out, base):
    """The CIDR of a multi-CIDR standalone rule that opens the most (the world first), located at its item."""
    for i, cidr in enumerate(cidrs):
        if cidr in ("0.0.0.0/0", "::/0"):
            out.positions[base + ("CidrIp",)] = resource.position(("cidr_blocks", i))
            return cidr
    return cidrs[0]


_EXTRA = {
    "aws_security_group": _security_group,
    "aws_security_group_rule": _group_rule_resource,
    "aws_vpc_security_group_ingress_rule": _group_rule_resource,
    "aws_vpc_security_group_egress_rule": _group_rule_resource,
}


# -- split-out resources folded into their bucket or role -------------------------------------------------------
def _target(value, cfn_type: str, definitions: dict):
    """The address of the bucket/role a split-out resource's `bucket`/`role` designates, else None."""
    if isinstance(value, Reference):
        found = definitions.get(value.address)
        return value.address if found is not None and found["Type"] == cfn_type else None
    if isinstance(value, str):
        prop = NAME_ATTRIBUTES[cfn_type][1]
        for address, definition in definitions.items():
            if definition["Type"] == cfn_type and definition["Properties"].get(prop) == value:
                return address
    return None


def _fold_split_out(mapped, definitions, owners, out):
    """Fold each split-out resource into its target's Properties; yields (type, property, targets folded) for
    each kind with one whose target cannot be known (then every other target's property is unknown)."""
    unresolved: dict = {}
    folded: dict = {}
    for resource in mapped:
        spec = FOLDED.get(resource.type)
        if spec is None:
            continue
        key, cfn_type, prop, field = spec
        address = _target(resource.values.get(key), cfn_type, definitions)
        if address is None:
            unresolved[(cfn_type, prop)] = True
            continue
        folded.setdefault((cfn_type, prop), set()).add(address)
        properties = definitions[address]["Properties"]
        base = ("Resources", address, "Properties")
        if field is None:  # a policy attachment: one more managed policy ARN
            arns = properties.setdefault(prop, [])
            if isinstance(arns, list):
                out.positions.setdefault(base + (prop,), resource.position(("policy_arn",)))
                arns.append(out.value(resource.values.get("policy_arn"), resource, ("policy_arn",),
                                      base + (prop, len(arns))))
            continue
        if field.block is not None and field.tf == "":  # the split-out resource's own attributes are the block
            out.positions[base + (prop,)] = resource.position(())
            properties[prop] = out.fields(resource.values, field.block, resource, (), base + (prop,))
        else:
            out.positions.pop(base + (prop,), None)
            properties.update(out.fields(resource.values, (field,), resource, (), base))
    for kind in unresolved:
        yield kind[0], kind[1], folded.get(kind, set())


# -- inline suppressions ---------------------------------------------------------------------------------------
def _suppressions(resource: TerraformResource) -> dict:
    """`# mlcheck:ignore MLC401 reason: ... expires: 2027-01-31` and `#checkov:skip=CKV_AWS_122:why` comments of
    the block, as the Metadata entries the suppression machinery reads."""
    ignore, skip = [], []
    for comment in resource.comments:
        text = comment.lstrip("#/ ").strip()
        if text.startswith("mlcheck:ignore"):
            rest = text[len("mlcheck:ignore"):].strip()
            rule, _, tail = rest.partition(" ")
            entry = {"id": rule}
            reason, _, expires = tail.partition("expires:")
            reason = reason.strip()
            if reason.startswith("reason:"):
                entry["reason"] = reason[len("reason:"):].strip()
            if expires.strip():
                entry["expires"] = expires.strip()
            ignore.append(entry)
        elif text.startswith("checkov:skip="):
            peer, _, why = text[len("checkov:skip="):].partition(":")
            skip.append({"id": peer.strip(), "comment": why.strip()})
    metadata = {}
    if ignore:
        metadata["mlcheck"] = {"ignore": ignore}
    if skip:
        metadata["checkov"] = {"skip": skip}
    return metadata


# -- locations ---------------------------------------------------------------------------------------------------
def _locations(data, positions: dict, file: str) -> LocationTable:
    """A LocationTable mirroring `data`, each node at its path's Position (or its parent's), naming its file."""
    table = LocationTable()

    def add(parent, key, value, path, inherited):
        position = positions.get(path, inherited)
        kind = MAPPING if isinstance(value, dict) else SEQUENCE if isinstance(value, list) else 0
        node = table.add(parent, key, kind, _tuple(position))
        if position is not None and position.file != file:  # the configuration's own file needs no name
            table.set_file(node, position.file)
        if isinstance(value, dict):
            for k, v in value.items():
                add(node, k, v, path + (k,), position)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                add(node, None, v, path + (i,), position)
        if kind:
            table.place(node, *_tuple(position))
        return node

    add(None, None, data, (), Position(file, 1))
    return table


def _tuple(position) -> tuple:
    return (position.line, position.column, position.end_line, position.end_column) if position else (1, 1, 1, 1)

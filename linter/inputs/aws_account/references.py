"""The IAM roles, KMS keys, S3 buckets and EC2 network objects that resources name, read from the account.

`referenced(values)` finds them in any properties (role ARNs, the values of KMS key fields, `s3://` URIs,
subnet/security group/VPC ids); `fetch(reader, inventory, refs)` reads each once (in parallel) and adds it to
the inventory in CloudFormation's shape: a role with its trust policy, inline policies and attached policy
ARNs (customer managed ones as `AWS::IAM::ManagedPolicy` resources of their own), a customer managed key with
its policy, rotation and spec, a bucket with its public access block, encryption, versioning and policy, the
subnets, VPCs, security groups and the VPCs' endpoints. What cannot be read is `Unknown` with the reason.
"""

from __future__ import annotations

import json
import re

from mlcheck.inputs.aws_account.inventory import AccountResource
from mlcheck.inputs.aws_account.session import Failed
from mlcheck.model.values import Unknown

_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/(?:.*/)?([^/]+)$")
_KMS_KEY_FIELDS = {"KmsKeyId", "VolumeKmsKeyId", "S3KmsKeyId", "KmsKey", "KMSMasterKeyID", "KMSKeyId",
                   "kmsKeyId"}
_S3_URI = re.compile(r"^s3://([a-z0-9][a-z0-9.\-]{1,61}[a-z0-9])(?:/|$)")
_BUCKET_ARN = re.compile(r"^arn:aws[a-z-]*:s3:::([a-z0-9][a-z0-9.\-]{1,61}[a-z0-9])(?:/|$)")
_KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[^:]+:\d{12}:key/[0-9a-f-]+$")
_ALIAS = re.compile(r"^(?:arn:aws[a-z-]*:kms:[^:]+:\d{12}:)?(alias/.+)$")
_EC2_ID = re.compile(r"^(subnet|sg|vpc)-[0-9a-f]{8,17}$")
_AWS_MANAGED_POLICY = re.compile(r"^arn:aws[a-z-]*:iam::aws:policy/")

# absent, not unreadable: the answer is "there is none"
_ABSENT = {"NoSuchBucketPolicy", "NoSuchPublicAccessBlockConfiguration",
           "ServerSideEncryptionConfigurationNotFoundError"}


class References:
    __slots__ = ("roles", "keys", "buckets", "subnets", "groups", "vpcs")

    def __init__(self):
        self.roles, self.keys, self.buckets = set(), set(), set()
        self.subnets, self.groups, self.vpcs = set(), set(), set()


def referenced(values, refs: References | None = None) -> References:
    refs = References() if refs is None else refs
    stack = [(None, v) for v in values]
    while stack:
        key, value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.items())
        elif isinstance(value, list):
            stack.extend((key, v) for v in value)
        elif isinstance(value, str):
            text = value.strip()
            if _ROLE_ARN.match(text):
                refs.roles.add(text)
            elif (key in _KMS_KEY_FIELDS and text) or _KEY_ARN.match(text):
                refs.keys.add(text)
            elif _S3_URI.match(text) or _BUCKET_ARN.match(text):
                refs.buckets.add((_S3_URI.match(text) or _BUCKET_ARN.match(text)).group(1))
            elif key in ("S3BucketName", "Bucket", "BucketName") and text:
                refs.buckets.add(text)
            else:
                match = _EC2_ID.match(text)
                if match:
                    {"subnet": refs.subnets, "sg": refs.groups, "vpc": refs.vpcs}[match.group(1)].add(text)
    return refs


def fetch(reader, inventory, refs: References) -> None:
    partition = _partition_of(inventory)
    tasks = [(_role, r) for r in sorted(refs.roles)] + [(_key, k) for k in sorted(refs.keys)]
    tasks += [(_bucket, b) for b in sorted(refs.buckets)]
    for found in reader.parallel(lambda task: task[0](reader, task[1], partition), tasks):
        _add(inventory, found)
    _add(inventory, _network(reader, refs, partition))


def _add(inventory, found):
    for item in found if isinstance(found, list) else [found]:
        if isinstance(item, AccountResource):
            if not inventory.has(item.arn):
                inventory.add(item)
        elif item is not None:
            inventory.unreadable.append(item)


def _partition_of(inventory) -> str:
    """The partition of the resources already read (aws, aws-cn, aws-us-gov), for the ARNs built here."""
    for resource in inventory.resources:
        parts = resource.arn.split(":")
        if len(parts) > 1 and parts[1]:
            return parts[1]
    return "aws"


def _unknown_or(value, reason_prefix=""):
    return Unknown(reason_prefix + value.reason) if isinstance(value, Failed) else value


# -- IAM ----------------------------------------------------------------------------------------------------

def _role(reader, arn, partition):
    name = _ROLE_ARN.match(arn).group(1)
    got = reader.call("iam", "GetRole", RoleName=name)
    if isinstance(got, Failed):
        return (f"role {arn}", got.reason)
    role = got["Role"]
    props = {"RoleName": role["RoleName"], "Path": role.get("Path", "/"),
             "AssumeRolePolicyDocument": _document(role.get("AssumeRolePolicyDocument"))}
    if role.get("PermissionsBoundary"):
        props["PermissionsBoundary"] = role["PermissionsBoundary"].get("PermissionsBoundaryArn")
    out = []
    names = reader.pages("iam", "ListRolePolicies", "PolicyNames", RoleName=name)
    if isinstance(names, Failed):
        props["Policies"] = Unknown(names.reason)
    else:
        policies = []
        for policy_name in names:
            doc = reader.call("iam", "GetRolePolicy", RoleName=name, PolicyName=policy_name)
            policies.append({"PolicyName": policy_name, "PolicyDocument": Unknown(doc.reason)
                             if isinstance(doc, Failed) else _document(doc.get("PolicyDocument"))})
        props["Policies"] = policies
    attached = reader.pages("iam", "ListAttachedRolePolicies", "AttachedPolicies", RoleName=name)
    if isinstance(attached, Failed):
        props["ManagedPolicyArns"] = Unknown(attached.reason)
    else:
        props["ManagedPolicyArns"] = [p["PolicyArn"] for p in attached]
        for policy in attached:
            if not _AWS_MANAGED_POLICY.match(policy["PolicyArn"]):
                out.append(_managed_policy(reader, policy["PolicyArn"], policy.get("PolicyName")))
    out.insert(0, AccountResource("AWS::IAM::Role", role["RoleName"], role["Arn"], props))
    return out


def _managed_policy(reader, arn, name):
    got = reader.call("iam", "GetPolicy", PolicyArn=arn)
    if isinstance(got, Failed):
        document = Unknown(got.reason)
        name = name or arn.rsplit("/", 1)[-1]
    else:
        policy = got["Policy"]
        name = policy["PolicyName"]
        version = reader.call("iam", "GetPolicyVersion", PolicyArn=arn, VersionId=policy["DefaultVersionId"])
        document = Unknown(version.reason) if isinstance(version, Failed) else _document(
            version["PolicyVersion"].get("Document"))
    return AccountResource("AWS::IAM::ManagedPolicy", name, arn, {"ManagedPolicyName": name,
                                                                  "PolicyDocument": document})


def _document(value):
    """A policy document as a mapping (IAM returns it URL-decoded as a mapping; KMS and S3 as JSON text)."""
    if isinstance(value, str):
        from urllib.parse import unquote

        for text in (value, unquote(value)):
            try:
                return json.loads(text)
            except ValueError:
                continue
        return Unknown("the policy document returned is not JSON")
    return value


# -- KMS ----------------------------------------------------------------------------------------------------

def _key(reader, key_id, partition):
    described = reader.call("kms", "DescribeKey", KeyId=key_id)
    if isinstance(described, Failed):
        return (f"KMS key {key_id}", described.reason)
    meta = described["KeyMetadata"]
    if meta.get("KeyManager") != "CUSTOMER":
        return None  # an AWS managed key: nothing of it is the account's to configure
    props = {"KeySpec": meta.get("KeySpec", "SYMMETRIC_DEFAULT"), "KeyUsage": meta.get("KeyUsage"),
             "Enabled": meta.get("Enabled", True), "MultiRegion": meta.get("MultiRegion", False)}
    policy = reader.call("kms", "GetKeyPolicy", KeyId=meta["KeyId"], PolicyName="default")
    props["KeyPolicy"] = Unknown(policy.reason) if isinstance(policy, Failed) else _document(policy.get("Policy"))
    if props["KeySpec"] == "SYMMETRIC_DEFAULT":
        rotation = reader.call("kms", "GetKeyRotationStatus", KeyId=meta["KeyId"])
        props["EnableKeyRotation"] = (Unknown(rotation.reason) if isinstance(rotation, Failed)
                                      else bool(rotation.get("KeyRotationEnabled")))
    props = {k: v for k, v in props.items() if v is not None}
    key = AccountResource("AWS::KMS::Key", meta["KeyId"], meta["Arn"], props, physical_id=meta["KeyId"])
    alias = _ALIAS.match(key_id)
    if not alias:
        return key
    # named by an alias: the alias as a resource of its own, which the key rules follow to the key
    name = alias.group(1)
    arn = key_id if key_id.startswith("arn:") else meta["Arn"].rsplit(":", 1)[0] + ":" + name
    return [key, AccountResource("AWS::KMS::Alias", name[len("alias/"):], arn,  # logical id alias/<name>
                                 {"AliasName": name, "TargetKeyId": meta["Arn"]}, physical_id=name)]


# -- S3 -----------------------------------------------------------------------------------------------------

def _bucket(reader, name, partition):
    arn = f"arn:{partition}:s3:::{name}"
    props = {"BucketName": name}
    block = reader.call("s3", "GetPublicAccessBlock", Bucket=name)
    if isinstance(block, Failed) and _code(block) == "NoSuchBucket":
        return (f"bucket {name}", block.reason)
    if not _is_absent(block):
        props["PublicAccessBlockConfiguration"] = _unknown_or(block) if isinstance(block, Failed) else \
            block.get("PublicAccessBlockConfiguration")
    encryption = reader.call("s3", "GetBucketEncryption", Bucket=name)
    if not _is_absent(encryption):
        props["BucketEncryption"] = _unknown_or(encryption) if isinstance(encryption, Failed) else {
            "ServerSideEncryptionConfiguration":
                (encryption.get("ServerSideEncryptionConfiguration") or {}).get("Rules", [])}
    versioning = reader.call("s3", "GetBucketVersioning", Bucket=name)
    if isinstance(versioning, Failed):
        props["VersioningConfiguration"] = Unknown(versioning.reason)
    elif versioning.get("Status"):
        props["VersioningConfiguration"] = {"Status": versioning["Status"]}
    out = [AccountResource("AWS::S3::Bucket", name, arn, props, physical_id=name)]
    policy = reader.call("s3", "GetBucketPolicy", Bucket=name)
    if not _is_absent(policy):
        document = Unknown(policy.reason) if isinstance(policy, Failed) else _document(policy.get("Policy"))
        out.append(AccountResource("AWS::S3::BucketPolicy", name, arn + "/policy",
                                   {"Bucket": name, "PolicyDocument": document}))
    return out


def _code(failed) -> str:
    return failed.code if isinstance(failed, Failed) else ""


def _is_absent(answer) -> bool:
    return isinstance(answer, Failed) and _code(answer) in _ABSENT


# -- EC2 ----------------------------------------------------------------------------------------------------

def _network(reader, refs, partition):
    out = []
    region = reader.region
    subnets = reader.pages("ec2", "DescribeSubnets", "Subnets", SubnetIds=sorted(refs.subnets)) \
        if refs.subnets else []
    if isinstance(subnets, Failed):
        out.append(("subnets " + ", ".join(sorted(refs.subnets)), subnets.reason))
        subnets = []
    groups = reader.pages("ec2", "DescribeSecurityGroups", "SecurityGroups", GroupIds=sorted(refs.groups)) \
        if refs.groups else []
    if isinstance(groups, Failed):
        out.append(("security groups " + ", ".join(sorted(refs.groups)), groups.reason))
        groups = []
    vpcs = set(refs.vpcs) | {s["VpcId"] for s in subnets} | {g["VpcId"] for g in groups if g.get("VpcId")}
    for subnet in subnets:
        out.append(AccountResource("AWS::EC2::Subnet", subnet["SubnetId"], subnet.get("SubnetArn") or
                                   f"arn:{partition}:ec2:{region}:{subnet.get('OwnerId', '')}:subnet/{subnet['SubnetId']}",
                                   {"VpcId": subnet["VpcId"], "AvailabilityZone": subnet.get("AvailabilityZone"),
                                    "CidrBlock": subnet.get("CidrBlock")}, physical_id=subnet["SubnetId"]))
    for group in groups:
        arn = f"arn:{partition}:ec2:{region}:{group.get('OwnerId', '')}:security-group/{group['GroupId']}"
        out.append(AccountResource("AWS::EC2::SecurityGroup", group["GroupId"], arn, {
            "GroupName": group.get("GroupName"), "GroupDescription": group.get("Description", ""),
            "VpcId": group.get("VpcId"),
            "SecurityGroupIngress": _rules(group.get("IpPermissions", []), "Source"),
            "SecurityGroupEgress": _rules(group.get("IpPermissionsEgress", []), "Destination")},
            physical_id=group["GroupId"]))
    if vpcs:
        described = reader.pages("ec2", "DescribeVpcs", "Vpcs", VpcIds=sorted(vpcs))
        if isinstance(described, Failed):
            out.append(("VPCs " + ", ".join(sorted(vpcs)), described.reason))
        else:
            for vpc in described:
                arn = f"arn:{partition}:ec2:{region}:{vpc.get('OwnerId', '')}:vpc/{vpc['VpcId']}"
                out.append(AccountResource("AWS::EC2::VPC", vpc["VpcId"], arn, {"CidrBlock": vpc.get("CidrBlock")},
                                           physical_id=vpc["VpcId"]))
        endpoints = reader.pages("ec2", "DescribeVpcEndpoints", "VpcEndpoints",
                                 Filters=[{"Name": "vpc-id", "Values": sorted(vpcs)}])
        if isinstance(endpoints, Failed):
            out.append(("VPC endpoints of " + ", ".join(sorted(vpcs)), endpoints.reason))
        else:
            for endpoint in endpoints:
                eid = endpoint["VpcEndpointId"]
                arn = f"arn:{partition}:ec2:{region}:{endpoint.get('OwnerId', '')}:vpc-endpoint/{eid}"
                props = {"VpcId": endpoint["VpcId"], "ServiceName": endpoint.get("ServiceName"),
                         "VpcEndpointType": endpoint.get("VpcEndpointType", "Gateway"),
                         "PrivateDnsEnabled": endpoint.get("PrivateDnsEnabled", False)}
                if endpoint.get("SubnetIds"):
                    props["SubnetIds"] = endpoint["SubnetIds"]
                if endpoint.get("Groups"):
                    props["SecurityGroupIds"] = [g["GroupId"] for g in endpoint["Groups"]]
                if endpoint.get("RouteTableIds"):
                    props["RouteTableIds"] = endpoint["RouteTableIds"]
                if endpoint.get("PolicyDocument"):
                    props["PolicyDocument"] = _document(endpoint["PolicyDocument"])
                out.append(AccountResource("AWS::EC2::VPCEndpoint", eid, arn, props, physical_id=eid))
    return out


def _rules(permissions, peer):
    """EC2 IpPermissions as CloudFormation's SecurityGroupIngress/Egress entries, one per address range."""
    out = []
    for permission in permissions:
        base = {"IpProtocol": str(permission.get("IpProtocol", "-1"))}
        for port in ("FromPort", "ToPort"):
            if port in permission:
                base[port] = permission[port]
        for item in permission.get("IpRanges", []):
            out.append({**base, "CidrIp": item["CidrIp"]})
        for item in permission.get("Ipv6Ranges", []):
            out.append({**base, "CidrIpv6": item["CidrIpv6"]})
        for item in permission.get("UserIdGroupPairs", []):
            out.append({**base, f"{peer}SecurityGroupId": item.get("GroupId")})
        for item in permission.get("PrefixListIds", []):
            out.append({**base, f"{peer}PrefixListId": item.get("PrefixListId")})
    return out

"""Topology helpers behind the MLC3xx/4xx/5xx rules: S3 URIs to buckets, endpoint service names, AZs,
security group severities."""

import json
import textwrap

import pytest

from conftest import ROOT
from mlcheck.inputs.discovery import Candidate
from mlcheck.engine.engine import RuleContext
from mlcheck.model.graph import ResourceGraph
from mlcheck.inputs.loader import load_document
from mlcheck.aws.network import distinct_azs, is_any_address, service_suffix
from mlcheck.model.resolve import Resolver
from mlcheck.engine.runner import Settings, check_file
from mlcheck.aws.s3 import bucket_for_uri
from mlcheck.inputs.cloudformation import build_template
from mlcheck.model.values import Composite, Pseudo, Unknown


def context(text):
    document = load_document(textwrap.dedent(text).encode(), "t.yaml")
    template = build_template("t.yaml", document)
    return RuleContext(template, ResourceGraph(template), Resolver(template))


@pytest.mark.parametrize("value, expected", [
    ("com.amazonaws.us-east-1.sagemaker.api", "sagemaker.api"),
    (Composite(("com.amazonaws.", Pseudo("AWS::Region"), ".sagemaker.runtime")), "sagemaker.runtime"),
    ("com.amazonaws.eu-west-1.s3", "s3"),
    (Composite(("aws.sagemaker.", Pseudo("AWS::Region"), ".notebook")), "aws.sagemaker.notebook"),
    ("vpce-svc-0123", None),
])
def test_service_suffix(value, expected):
    assert service_suffix(value) == expected


def test_service_suffix_unknown():
    assert isinstance(service_suffix(Composite(("com.amazonaws.", Unknown("p"), ".s3"))), Unknown)


@pytest.mark.parametrize("keys, expected", [
    ([("index", 0), ("index", 0)], 1),
    ([("index", 0), ("index", 1)], 2),
    ([("name", "us-east-1a"), ("name", "us-east-1b")], 2),
    ([("name", "us-east-1a"), ("id", "use1-az1"), ("id", "use1-az2")], 2),
])
def test_distinct_azs(keys, expected):
    assert distinct_azs(keys) == expected


def test_mixed_az_forms_are_unknown():
    assert isinstance(distinct_azs([("name", "us-east-1a"), ("index", 0)]), Unknown)


TEMPLATE = """
Parameters:
  Prefix: {Type: String}
Resources:
  Named: {Type: AWS::S3::Bucket, Properties: {BucketName: acme-models}}
  Built: {Type: AWS::S3::Bucket, Properties: {BucketName: !Sub "${AWS::AccountId}-data"}}
  Generated: {Type: AWS::S3::Bucket}
  Model:
    Type: AWS::SageMaker::Model
    Properties:
      Containers:
        - ModelDataUrl: s3://acme-models/m.tar.gz
        - ModelDataUrl: !Sub s3://${AWS::AccountId}-data/m.tar.gz
        - ModelDataUrl: !Join ["", ["s3://", !Ref Generated, "/m.tar.gz"]]
        - ModelDataUrl: s3://elsewhere/m.tar.gz
        - ModelDataUrl: !Sub s3://${Prefix}-models/m.tar.gz
"""


def test_bucket_for_uri_forms():
    ctx = context(TEMPLATE)
    ctx.resource = ctx.template.resources["Model"]
    containers = ctx.view(ctx.resource).get("Containers")
    found = [bucket_for_uri(c["ModelDataUrl"], ctx) for c in containers]
    assert [getattr(b, "logical_id", b) for b in found[:4]] == ["Named", "Built", "Generated", None]
    assert isinstance(found[4], Unknown)
    # With the graph only (no scenario), Ref and literal names still resolve.
    assert bucket_for_uri(containers[0]["ModelDataUrl"], ctx.graph).logical_id == "Named"


def test_open_ingress_severity(tmp_path):
    path = tmp_path / "sg.yaml"
    path.write_text(textwrap.dedent("""
        Resources:
          Web:
            Type: AWS::EC2::SecurityGroup
            Properties:
              GroupDescription: web
              SecurityGroupIngress:
                - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}
                - {IpProtocol: tcp, FromPort: 3000, ToPort: 4000, CidrIp: 0.0.0.0/0}
          Model:
            Type: AWS::SageMaker::Model
            Properties:
              VpcConfig: {Subnets: [subnet-1], SecurityGroupIds: [!Ref Attached]}
          Attached:
            Type: AWS::EC2::SecurityGroup
            Properties:
              GroupDescription: model
              SecurityGroupIngress:
                - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}
    """))
    result = check_file(Candidate(str(path), True), Settings(rule_ids=("MLC409",)))
    got = sorted((f.resource, f.line, f.severity) for f in result.findings)
    assert got == [("Attached", 19, "high"), ("Web", 8, "medium"), ("Web", 9, "high")]
    wide = [f.message for f in result.findings if f.line == 9][0]
    assert wide.endswith("on ports 3000-4000; sensitive: 3306 (MySQL), 3389 (RDP)")


def test_indexes_are_built_once_per_template():
    """Cross-resource indexes are shared by every resource and scenario of a template (linear cost)."""
    from mlcheck.model.cache import template_index

    ctx = context(TEMPLATE)
    builds = []
    for scenario in ({}, {"A": True}, {"A": False}):
        other = RuleContext(ctx.template, ctx.graph, Resolver(ctx.template, None, scenario))
        template_index(other, "test.count", lambda c: builds.append(1) or len(builds))
    assert builds == [1]


def test_a_subnet_listed_twice_is_one_subnet(tmp_path):
    from mlcheck.inputs.discovery import Candidate
    from mlcheck.engine.runner import Settings, check_file

    path = tmp_path / "t.yaml"
    path.write_text("""
Resources:
  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
  A: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24, AvailabilityZone: us-east-1a}}
  Model:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: arn:aws:iam::123456789012:role/model
      PrimaryContainer: {Image: x}
      VpcConfig: {Subnets: [!Ref A, !Ref A], SecurityGroupIds: [sg-0123456789abcdef0]}
""")
    result = check_file(Candidate(str(path), True), Settings(rule_ids=("MLC502",)))
    assert [f.message for f in result.findings] == ["'Model' uses one subnet (A): one AZ failure takes it down"]


def test_an_empty_subnet_id_is_named_as_such_in_the_unknown_reason(tmp_path, run_cli):
    (tmp_path / "t.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Model:\n    Type: AWS::SageMaker::Model\n"
        "    Properties:\n      ExecutionRoleArn: arn:aws:iam::123456789012:role/r\n"
        "      PrimaryContainer: {Image: img}\n"
        "      VpcConfig: {Subnets: ['', subnet-2], SecurityGroupIds: [sg-1]}\n")
    code, out, err = run_cli("--select", "MLC502", "--show-unknown", "t.yaml", cwd=tmp_path)
    assert "an empty string" in err and "subnet  is" not in err


@pytest.mark.parametrize("args, expected", [
    ([], {"IsolatedGroup"}),  # the NAT route states that RoutedDomain is meant to reach the internet
    (["--select", "MLC412"], {"IsolatedGroup", "RoutedGroup"}),
])
def test_isolation_intent_yields_to_a_nat_route(run_cli, args, expected):
    path = ROOT / "fixtures" / "MLC412" / "fail-isolation-yields-to-nat.yaml"
    _, out, _ = run_cli(path, *args, "-f", "json")
    findings = [f for f in json.loads(out)["findings"] if f["rule"] == "MLC412"]
    assert {f["resource"] for f in findings} == expected
    routed = [f["message"] for f in findings if f["resource"] == "RoutedGroup"]
    assert all("through a NAT gateway (route 'DefaultRoute')" in message for message in routed)


def test_a_conditional_nat_route_does_not_yield(run_cli, tmp_path):
    text = (ROOT / "fixtures" / "MLC412" / "fail-isolation-yields-to-nat.yaml").read_text()
    text = text.replace("  DefaultRoute:\n    Type: AWS::EC2::Route\n",
                        "  DefaultRoute:\n    Type: AWS::EC2::Route\n    Condition: WithNat\n")
    text = text.replace("Resources:\n", "Parameters:\n  Nat: {Type: String, Default: 'no'}\nConditions:\n"
                        "  WithNat: !Equals [!Ref Nat, 'yes']\nResources:\n", 1).replace("  Nat:\n    Type: AWS::EC2::NatGateway",
                        "  NatGw:\n    Type: AWS::EC2::NatGateway").replace("NatGatewayId: !Ref Nat", "NatGatewayId: !Ref NatGw")
    path = tmp_path / "stack.yaml"
    path.write_text(text)
    _, out, _ = run_cli(path, "-f", "json")
    assert {f["resource"] for f in json.loads(out)["findings"] if f["rule"] == "MLC412"} \
        == {"IsolatedGroup", "RoutedGroup"}


def test_standalone_egress_removes_the_default_rule_only_when_it_is_deployed(tmp_path):
    path = tmp_path / "sg.yaml"
    path.write_text(textwrap.dedent("""
        Parameters:
          Env: {Type: String, AllowedValues: [dev, prod]}
          ExternalGroup: {Type: String}
        Conditions:
          IsProd: !Equals [!Ref Env, prod]
        Resources:
          Group:
            Type: AWS::EC2::SecurityGroup
            Properties: {GroupDescription: g}
          ProdOnly:
            Type: AWS::EC2::SecurityGroupEgress
            Condition: IsProd
            Properties: {GroupId: !Ref Group, IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8}
    """))
    result = check_file(Candidate(str(path), True), Settings(rule_ids=("MLC412",)))
    assert [f for f in result.findings if f.resource == "Group"] == []
    assert any("ProdOnly exists only when condition IsProd" in u.reason for u in result.unknowns)
    # an egress rule whose group is a parameter may be this group's: unknown, not the default-rule finding
    path.write_text(path.read_text().replace("    Condition: IsProd\n", "").replace("GroupId: !Ref Group",
                                                                              "GroupId: !Ref ExternalGroup"))
    result = check_file(Candidate(str(path), True), Settings(rule_ids=("MLC412",)))
    assert [f for f in result.findings if f.resource == "Group"] == []
    assert any("egress rule ProdOnly may belong to it" in u.reason for u in result.unknowns)


def test_security_group_rules_that_cannot_be_known_are_recorded(tmp_path):
    path = tmp_path / "sg.yaml"
    path.write_text(textwrap.dedent("""
        Parameters:
          Open: {Type: String}
        Conditions:
          IsOpen: !Equals [!Ref Open, 'yes']
        Resources:
          Group:
            Type: AWS::EC2::SecurityGroup
            Properties:
              GroupDescription: g
              SecurityGroupIngress:
                - !If [IsOpen, {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !Ref Open}, !Ref AWS::NoValue]
    """))
    result = check_file(Candidate(str(path), True), Settings(rule_ids=("MLC409",)))
    assert result.findings == [] and result.unknowns


@pytest.mark.parametrize("cidr, world", [
    ("0.0.0.0/0", True), ("::/0", True), ("::0/0", True), ("0:0:0:0:0:0:0:0/0", True),
    ("0000:0000:0000:0000:0000:0000:0000:0000/0", True), ("000.000.000.000/0", True), (" 0.0.0.0/00 ", True),
    ("10.1.2.3/0", True), ("0.0.0.0/1", False), ("::/128", False), ("10.0.0.0/8", False), ("0.0.0.0", False),
    ("not-a-cidr/0", False), ("", False),
])
def test_any_address_is_parsed_not_compared(cidr, world):
    assert is_any_address(cidr) is world

"""Topology helpers behind the MLC3xx/4xx/5xx rules: S3 URIs to buckets, endpoint service names, AZs,
security group severities."""

import textwrap

import pytest

from mlcheck.discovery import Candidate
from mlcheck.engine import RuleContext
from mlcheck.graph import ResourceGraph
from mlcheck.loader import load_document
from mlcheck.network import distinct_azs, service_suffix
from mlcheck.resolve import Resolver
from mlcheck.runner import Settings, check_file
from mlcheck.s3 import bucket_for_uri
from mlcheck.template import build_template
from mlcheck.values import Composite, Pseudo, Unknown


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
    assert wide.endswith("includes sensitive ports 3306 (MySQL), 3389 (RDP)")


def test_indexes_are_built_once_per_template():
    """Cross-resource indexes are shared by every resource and scenario of a template (linear cost)."""
    from mlcheck.cache import template_index

    ctx = context(TEMPLATE)
    builds = []
    for scenario in ({}, {"A": True}, {"A": False}):
        other = RuleContext(ctx.template, ctx.graph, Resolver(ctx.template, None, scenario))
        template_index(other, "test.count", lambda c: builds.append(1) or len(builds))
    assert builds == [1]


def test_a_subnet_listed_twice_is_one_subnet(tmp_path):
    from mlcheck.discovery import Candidate
    from mlcheck.runner import Settings, check_file

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

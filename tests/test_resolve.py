"""Resolution of intrinsic functions, conditions and the resource graph."""

import pytest

from mlcheck.model.graph import ResourceGraph
from mlcheck.inputs.loader import load_document
from mlcheck.model.resolve import ConditionEvaluator, Resolver, scenarios_for
from mlcheck.inputs.cloudformation import build_template
from mlcheck.model.values import AZ, Composite, Pseudo, ResourceRef, Unknown

TEMPLATE = """
Parameters:
  Env: {Type: String, Default: dev, AllowedValues: [dev, prod]}
  Free: {Type: String}
  Subnets: {Type: CommaDelimitedList, Default: "subnet-a, subnet-b"}
  Count: {Type: Number, Default: 2}
  FromSsm: {Type: "AWS::SSM::Parameter::Value<String>", Default: /ml/notebook/internet}
Mappings:
  Sizes:
    dev: {Instance: ml.t3.medium}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsEast: !Equals [!Ref AWS::Region, us-east-1]
  Never: !Equals [a, b]
  ProdAndEast: !And [!Condition IsProd, !Condition IsEast]
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties: {BucketName: data-bucket}
  Role:
    Type: AWS::IAM::Role
    Properties: {RoleName: exec-role}
  Model:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Role}
"""


@pytest.fixture(scope="module")
def template():
    return build_template("t.yaml", load_document(TEMPLATE.encode()))


def resolve(template, value, scenario=None, **params):
    return Resolver(template, params, scenario, ConditionEvaluator(template, params)).resolve(value)


@pytest.mark.parametrize("expr, expected", [
    ({"Ref": "Env"}, "dev"),
    ({"Ref": "Count"}, 2),
    ({"Ref": "Subnets"}, ["subnet-a", "subnet-b"]),
    ({"Ref": "Bucket"}, ResourceRef("Bucket")),
    ({"Fn::GetAtt": ["Bucket", "Arn"]}, ResourceRef("Bucket", "Arn")),
    ({"Ref": "AWS::Region"}, Pseudo("AWS::Region")),
    ({"Fn::Sub": "s3://${Bucket}/models/${Env}"}, Composite((("s3://"), ResourceRef("Bucket"), "/models/dev"))),
    ({"Fn::Sub": ["${x}-${!Literal}", {"x": "a"}]}, "a-${Literal}"),
    ({"Fn::Join": ["/", ["endpoint", "e", "variant", {"Ref": "Env"}]]}, "endpoint/e/variant/dev"),
    ({"Fn::Select": [1, {"Ref": "Subnets"}]}, "subnet-b"),
    ({"Fn::Select": ["1", {"Fn::GetAZs": ""}]}, AZ(1, "")),
    ({"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Instance"]}, "ml.t3.medium"),
    ({"Fn::Split": [",", "a,b"]}, ["a", "b"]),
    ({"Fn::If": ["IsProd", "p", "d"]}, Unknown("depends on condition 'IsProd'")),
    ({"Fn::If": ["Never", "p", "d"]}, "d"),
    ({"k": {"Ref": "AWS::NoValue"}, "l": [1, {"Ref": "AWS::NoValue"}]}, {"l": [1]}),
])
def test_resolution(template, expr, expected):
    assert resolve(template, expr) == expected


@pytest.mark.parametrize("expr, reason", [
    ({"Ref": "Free"}, "parameter 'Free' has no Default"),
    ({"Fn::ImportValue": "shared-vpc"}, "Fn::ImportValue shared-vpc"),
    ({"Ref": "Nowhere"}, "not in this template"),
    ({"Fn::FindInMap": ["Sizes", "prod", "Instance"]}, "not in Mappings"),
    ({"Fn::Select": [5, ["a"]]}, "out of range"),
    ({"Fn::Length": [1, 2]}, "not evaluated"),
    ({"Fn::Select": 5}, "malformed Fn::Select"),
    ({"Ref": "FromSsm"}, "read from SSM parameter /ml/notebook/internet"),
    ("{{resolve:ssm:/ml/root-access}}", "dynamic reference {{resolve:ssm:/ml/root-access}}"),
])
def test_unresolvable_values_are_unknown(template, expr, reason):
    value = resolve(template, expr)
    assert isinstance(value, Unknown) and reason in value.reason


def test_dynamic_reference_inside_a_string_is_an_unknown_part(template):
    value = resolve(template, {"Fn::Sub": "arn:aws:iam::{{resolve:ssm:/acct}}:role/${Env}"})
    assert isinstance(value, Composite) and value.has_unknown() and value.parts[0] == "arn:aws:iam::"
    assert value.parts[-1] == ":role/dev"


def test_parameter_override_and_list_override(template):
    assert resolve(template, {"Ref": "Free"}, Free="x") == "x"
    assert resolve(template, {"Ref": "Subnets"}, Subnets="s1,s2,s3") == ["s1", "s2", "s3"]


def test_condition_possibilities(template):
    evaluator = ConditionEvaluator(template)
    assert evaluator.possible("IsProd") == {True, False}  # AllowedValues admit both
    assert evaluator.possible("IsEast") == {True, False}  # the region is not known
    assert evaluator.possible("Never") == {False}
    assert ConditionEvaluator(template, {"Env": "prod"}).possible("IsProd") == {True}
    assert ConditionEvaluator(template, {"Env": "dev"}).possible("ProdAndEast") == {False}


def test_scenarios_cover_every_branch_that_can_be_taken(template):
    evaluator = ConditionEvaluator(template)
    scenarios = scenarios_for({"IsProd", "Never"}, evaluator)
    assert sorted((s["IsProd"], s["Never"]) for s in scenarios) == [(False, False), (True, False)]
    assert resolve(template, {"Fn::If": ["IsProd", "p", "d"]}, {"IsProd": True}) == "p"


def test_graph_links_by_reference_and_by_literal_name(template):
    graph = ResourceGraph(template)
    model_refs = {(e.target, e.via) for e in graph.outgoing["Model"]}
    assert model_refs == {("Role", "Sub")}
    assert [r.logical_id for r in graph.referrers("Role")] == ["Model"]
    arn = resolve(template, template.resources["Model"].properties["ExecutionRoleArn"])
    assert graph.target(arn, "AWS::IAM::Role").logical_id == "Role"
    assert graph.target("arn:aws:iam::123456789012:role/path/exec-role", "AWS::IAM::Role").logical_id == "Role"
    assert graph.target("data-bucket", "AWS::S3::Bucket").logical_id == "Bucket"
    assert graph.target("arn:aws:s3:::data-bucket/key", "AWS::S3::Bucket").logical_id == "Bucket"
    assert graph.target("other-bucket", "AWS::S3::Bucket") is None
    assert graph.target(ResourceRef("Bucket"), "AWS::IAM::Role") is None


def test_a_resource_condition_takes_no_branching_slot(template):
    evaluator = ConditionEvaluator(template)
    scenarios = scenarios_for({"IsProd", "IsEast"}, evaluator, assume={"IsProd": True})
    assert sorted(s["IsEast"] for s in scenarios) == [False, True]
    assert all(s["IsProd"] is True for s in scenarios)

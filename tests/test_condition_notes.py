"""A finding that holds only under a condition says so, whichever way the rule reached the value: through the
resource's own properties, another resource read through a template-wide index (hosting.serving_variants,
autoscaling.targets), or another resource's `Condition` attribute (cache.deployed)."""

import textwrap

from mlcheck.inputs.discovery import Candidate
from mlcheck.engine.runner import Settings, check_file

ROLE = """\
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: sagemaker.amazonaws.com}, Action: sts:AssumeRole}]
"""


def lint(tmp_path, body: str, *rules, name="t.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    result = check_file(Candidate(str(path), True), Settings(rule_ids=rules))
    assert not result.errors, result.errors
    return result


def messages(result, rule):
    return [f.message for f in result.findings if f.rule_id == rule]


SERVERLESS_BRANCH = """\
Parameters:
  Serverless: {Type: String, AllowedValues: ["yes", "no"], Default: "no"}
Conditions:
  UseServerless: !Equals [!Ref Serverless, "yes"]
Resources:
""" + ROLE + """\
  Model:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: !GetAtt Role.Arn
      PrimaryContainer: {Image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1}
  Config:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      ProductionVariants:
        - !If
          - UseServerless
          - {ModelName: !GetAtt Model.ModelName, VariantName: AllTraffic,
             ServerlessConfig: {MaxConcurrency: 5, MemorySizeInMB: 2048}}
          - {ModelName: !GetAtt Model.ModelName, VariantName: AllTraffic, InstanceType: ml.m5.large,
             InitialInstanceCount: 1, InitialVariantWeight: 1}
  Endpoint:
    Type: AWS::SageMaker::Endpoint
    Properties:
      EndpointConfigName: !GetAtt Config.EndpointConfigName
"""


def test_model_rules_name_the_branch_on_which_the_model_is_served_by_instances(tmp_path):
    """MLC405/MLC406 read the serving variants through a template-wide index: its build depended on
    UseServerless, so the rule did too, and is checked on both branches (serverless: exempt)."""
    result = lint(tmp_path, SERVERLESS_BRANCH, "MLC405", "MLC406", "MLC201", "MLC501", "MLC503")
    for rule in ("MLC405", "MLC406", "MLC201", "MLC501", "MLC503"):
        found = messages(result, rule)
        assert len(found) == 1, (rule, found)
        assert found[0].endswith("(when condition UseServerless is false)"), (rule, found)
    assert not result.unknowns


TARGET_UNDER_CONDITION = """\
Parameters:
  Env: {Type: String, AllowedValues: [prod, dev], Default: dev}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Config:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      ProductionVariants:
        - {ModelName: m, VariantName: AllTraffic, InstanceType: ml.m5.large, InitialInstanceCount: 1}
  Endpoint:
    Type: AWS::SageMaker::Endpoint
    Properties:
      EndpointConfigName: !GetAtt Config.EndpointConfigName
  Target:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Condition: IsProd
    Properties:
      ServiceNamespace: sagemaker
      ScalableDimension: sagemaker:variant:DesiredInstanceCount
      ResourceId: !Sub endpoint/${Endpoint.EndpointName}/variant/AllTraffic
      MinCapacity: 2
      MaxCapacity: 4
"""


def test_a_target_under_a_condition_is_checked_on_both_branches(tmp_path):
    """Before: 'could not verify' on MLC501 and MLC503. The target's Condition is read through cache.deployed,
    so the engine checks both branches: present on one, absent (a finding, named) on the other."""
    result = lint(tmp_path, TARGET_UNDER_CONDITION, "MLC501", "MLC503")
    assert messages(result, "MLC503") == [
        "Endpoint 'Endpoint' has no autoscaling target for variant 'AllTraffic' of 'Config' "
        "(when condition IsProd is false)"]
    assert messages(result, "MLC501")[0].endswith("(when condition IsProd is false)")
    assert not result.unknowns


def test_a_fixed_parameter_decides_the_branch(tmp_path):
    result = lint(tmp_path, TARGET_UNDER_CONDITION.replace("Default: dev", "Default: prod"), "MLC503")
    assert messages(result, "MLC503") == [
        "Endpoint 'Endpoint' has no autoscaling target for variant 'AllTraffic' of 'Config' "
        "(when condition IsProd is false)"]  # a Default is no fixed value: both branches stay possible
    path = tmp_path / "t.yaml"
    fixed = check_file(Candidate(str(path), True), Settings(rule_ids=("MLC503",), parameters={"Env": "prod"}))
    assert messages(fixed, "MLC503") == []


def test_an_index_that_depends_on_no_condition_is_built_once(tmp_path):
    from mlcheck.model import cache

    builds = []
    original = cache._build

    def counting(ctx, state, name, build, scenario):
        key = (name, scenario)
        if key not in state["indexes"]:
            builds.append(key)
        return original(ctx, state, name, build, scenario)

    cache._build = counting
    try:
        lint(tmp_path, TARGET_UNDER_CONDITION, "MLC503")
        lint(tmp_path, SERVERLESS_BRANCH, "MLC405", name="s.yaml")
    finally:
        cache._build = original
    # TARGET_UNDER_CONDITION: no index value depends on a condition (the target's Condition is an attribute)
    assert {s for n, s in builds if n == "hosting.serving_variants"} == {
        frozenset(), frozenset({("UseServerless", True)}), frozenset({("UseServerless", False)})}
    assert all(not s for n, s in builds if n.startswith("autoscaling."))


def test_past_the_build_cap_an_index_is_the_scenario_free_one_and_its_values_unknown(tmp_path, monkeypatch):
    from mlcheck.model import cache

    monkeypatch.setattr(cache, "MAX_SCENARIO_BUILDS", 1)  # the scenario-free build uses the only slot
    result = lint(tmp_path, SERVERLESS_BRANCH, "MLC405")
    assert messages(result, "MLC405") == []
    assert [u.rule_id for u in result.unknowns] == ["MLC405"]


def _past_the_cap(leaf_instance, leaf_serverless, depth=7):
    value = leaf_instance
    for i in reversed(range(depth)):
        value = {"Fn::If": [f"N{i}", value, leaf_serverless]}
    return value


INSTANCE = {"ModelName": "m", "VariantName": "AllTraffic", "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}
SERVERLESS = {"ModelName": "m", "VariantName": "AllTraffic",
              "ServerlessConfig": {"MaxConcurrency": 1, "MemorySizeInMB": 2048}}


def _cap_template(tmp_path, config_properties):
    import json

    document = {
        "Parameters": {"P": {"Type": "String"}},
        "Conditions": {f"N{i}": {"Fn::Equals": [{"Ref": "P"}, f"n{i}"]} for i in range(7)},
        "Resources": {
            "Config": {"Type": "AWS::SageMaker::EndpointConfig", "Properties": config_properties},
            "Endpoint": {"Type": "AWS::SageMaker::Endpoint",
                         "Properties": {"EndpointConfigName": {"Fn::GetAtt": ["Config", "EndpointConfigName"]}}},
        }}
    path = tmp_path / "t.json"
    path.write_text(json.dumps(document))
    return check_file(Candidate(str(path), True), Settings(rule_ids=("MLC201", "MLC501", "MLC503", "MLC507")))


def test_whole_properties_left_undecided_are_unknown_not_skipped(tmp_path):
    """Seven nested conditions: one more than a rule branches on. MLC503 used to pass the endpoint in silence."""
    whole = _past_the_cap({"ProductionVariants": [INSTANCE]}, {"ProductionVariants": [SERVERLESS]})
    result = _cap_template(tmp_path, whole)
    assert result.findings == []
    assert {u.rule_id for u in result.unknowns if u.resource == "Endpoint"} == {"MLC503"}
    assert any(u.rule_id == "MLC503" and "the variants of Config" in u.reason for u in result.unknowns)


def test_a_variant_left_undecided_is_unknown_in_every_variant_rule(tmp_path):
    """One variant of the list is an Fn::If past the cap: MLC201, MLC501, MLC503 and MLC507 used to skip it."""
    result = _cap_template(tmp_path, {"ProductionVariants": [_past_the_cap(INSTANCE, SERVERLESS)]})
    assert result.findings == []
    reasons = {u.rule_id for u in result.unknowns if "variant 1 of Config" in u.reason}
    assert reasons == {"MLC201", "MLC501", "MLC503", "MLC507"}

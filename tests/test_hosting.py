"""The hosting rules' shared facts (mlcheck.aws.hosting), the instance type data behind MLC705, and behaviour of the
7xx rules that fixtures cannot show (dates, messages, unknowns, odd values)."""

import importlib.util
import json
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from mlcheck.aws import hosting
from mlcheck.aws import instance_types
from mlcheck.util.convert import to_number
from mlcheck.inputs.discovery import Candidate
from mlcheck.engine.runner import Settings, check_file


def lint(tmp_path, text, *rule_ids, name="t.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return check_file(Candidate(str(path), True), Settings(rule_ids=rule_ids))


# -- numbers from template data -------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    (3, 3), ("0.25", 0.25), (" 2048 ", 2048), (1.5, 1.5),
    (True, None), ("abc", None), ("nan", None), ("inf", None), ("1e999", None), ("9" * 5000, None),
    (10 ** 400, None), (float("inf"), None), (None, None), ([1], None), ("", None),
])
def test_number_never_raises_and_rejects_odd_values(value, expected):
    assert to_number(value) == expected


# -- near names -----------------------------------------------------------------------------------------------

def test_near_names_within_two_edits_case_insensitive():
    assert hosting.near_names("churn-ba", ["churn-ab", "fraud-model"]) == ["churn-ab"]
    assert hosting.near_names("Churn-Modle", ["churn-model"]) == ["churn-model"]
    assert hosting.near_names("churn-model", ["churn-model"]) == []  # the same name is not "near"
    assert hosting.near_names("churn-xyz", ["churn-abc"]) == []  # three edits


def test_versions_and_short_names_are_not_near():
    assert hosting.near_names("model-v2", ["model-v1"]) == []
    assert hosting.near_names("churn-2024-06", ["churn-2024-05"]) == []
    assert hosting.near_names("ab", ["cd"]) == []


def test_edit_distance_stops_early_on_long_names():
    assert hosting.edit_distance("a" * 2000, "b" * 2000, 2) == 3
    assert hosting.edit_distance("kitten", "sitting", 5) == 3


# -- instance type data ---------------------------------------------------------------------------------------

def _generator():
    spec = importlib.util.spec_from_file_location("gen_instance_types", ROOT / "tools" / "gen_instance_types.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_data_file_is_what_the_generator_makes_from_botocore():
    committed = json.loads((ROOT / "linter" / "data" / "instance_types.json").read_text())
    generated = _generator().build()
    assert set(committed["kinds"]) == set(generated["kinds"]) == set(instance_types.KINDS)
    if committed["source"] == generated["source"]:
        assert committed == generated
    else:  # another botocore installed: AWS adds types, so the lists may differ a little, never wholesale
        for kind, listed in generated["kinds"].items():
            ours, theirs = set(committed["kinds"][kind].split()), set(listed.split())
            assert len(ours & theirs) >= 0.9 * len(ours), kind


def test_instance_types_load_without_botocore():
    code = textwrap.dedent("""
        import sys
        from mlcheck.aws import instance_types
        assert "ml.m5.large" in instance_types.types_for("hosting")
        assert instance_types.source().startswith("botocore ")
        assert "botocore" not in sys.modules, "the data must not need botocore"
    """)
    subprocess.run([sys.executable, "-c", code], check=True)


def test_kinds_differ_and_suggestions():
    assert "ml.t3.medium" in instance_types.types_for("notebook")
    assert "ml.t3.medium" not in instance_types.types_for("hosting")
    assert instance_types.kinds_offering("ml.t3.medium") == ["training", "processing", "notebook"]
    assert instance_types.suggestion("m5.large", "hosting") == "ml.m5.large"
    assert instance_types.suggestion("ML.M5.LARGE", "hosting") == "ml.m5.large"
    assert instance_types.suggestion("ml.m5.lage", "hosting") == "ml.m5.large"
    assert instance_types.suggestion("banana", "hosting") is None


def test_mlc705_linting_does_not_import_botocore(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("Resources:\n  N:\n    Type: AWS::SageMaker::NotebookInstance\n"
                    "    Properties: {RoleArn: r, InstanceType: ml.t3.mediun}\n")
    code = textwrap.dedent(f"""
        import sys
        from mlcheck.inputs.discovery import Candidate
        from mlcheck.engine.runner import Settings, check_file
        result = check_file(Candidate({str(path)!r}, True), Settings(rule_ids=("MLC705",)))
        assert [f.rule_id for f in result.findings] == ["MLC705"], result.findings
        assert "botocore" not in sys.modules
    """)
    subprocess.run([sys.executable, "-c", code], check=True)


# -- rules: what fixtures cannot show -------------------------------------------------------------------------

def test_mlc701_message_states_the_split(tmp_path):
    result = lint(tmp_path, """
        Resources:
          Config:
            Type: AWS::SageMaker::EndpointConfig
            Properties:
              ProductionVariants:
                - {ModelName: a, VariantName: Blue, InstanceType: ml.m5.large, InitialInstanceCount: 2,
                   InitialVariantWeight: 4}
                - {ModelName: b, VariantName: Blue, InstanceType: ml.m5.large, InitialInstanceCount: 2,
                   InitialVariantWeight: 1}
                - {ModelName: c, VariantName: Red, ServerlessConfig: {MemorySizeInMB: 1024, MaxConcurrency: 1},
                   InitialVariantWeight: 0}
    """, "MLC701")
    (finding,) = result.findings
    assert "(split: Blue 80% / Blue 20% / Red 0%)" in finding.message


def test_mlc707_compares_with_the_day_of_the_run(tmp_path, monkeypatch):
    from mlcheck.rules import mlc707_notebook_platform_end_of_support as rule

    text = """
        Resources:
          Notebook:
            Type: AWS::SageMaker::NotebookInstance
            Properties: {InstanceType: ml.t3.medium, RoleArn: r, PlatformIdentifier: notebook-al2-v3}
    """
    import datetime

    monkeypatch.setattr(rule, "today", lambda: datetime.date(2026, 6, 30))
    assert lint(tmp_path, text, "MLC707").findings == []
    monkeypatch.setattr(rule, "today", lambda: datetime.date(2026, 7, 1))
    (finding,) = lint(tmp_path, text, "MLC707").findings
    assert "2026-06-30" in finding.message


def test_serverless_exemption_holds_on_the_branch_where_the_variant_is_serverless(tmp_path):
    """The variant kind depends on UseServerless: the rules are checked on both branches and report the other."""
    result = lint(tmp_path, """
        Parameters:
          Serverless: {Type: String, AllowedValues: ["yes", "no"]}
        Conditions:
          UseServerless: !Equals [!Ref Serverless, "yes"]
        Resources:
          Model:
            Type: AWS::SageMaker::Model
            Properties:
              ExecutionRoleArn: arn:aws:iam::123456789012:role/model
              PrimaryContainer: {Image: i}
          Config:
            Type: AWS::SageMaker::EndpointConfig
            Properties:
              ProductionVariants:
                - ModelName: !GetAtt Model.ModelName
                  VariantName: A
                  ServerlessConfig: !If [UseServerless, {MemorySizeInMB: 2048, MaxConcurrency: 5}, !Ref AWS::NoValue]
                  InstanceType: !If [UseServerless, !Ref AWS::NoValue, ml.m5.large]
    """, "MLC405", "MLC406")
    assert sorted(f.rule_id for f in result.findings) == ["MLC405", "MLC406"]
    assert all(f.message.endswith("(when condition UseServerless is false)") for f in result.findings)
    assert result.unknowns == []


def test_mlc703_unknown_for_names_defined_nowhere_near(tmp_path):
    result = lint(tmp_path, """
        Resources:
          Endpoint:
            Type: AWS::SageMaker::Endpoint
            Properties: {EndpointConfigName: config-from-another-stack}
    """, "MLC703")
    assert result.findings == []
    assert any("may exist outside" in u.reason for u in result.unknowns)


ODD = st.one_of(st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.booleans(), st.none(),
                st.text(max_size=60), st.just("9" * 5000), st.just("1e999"), st.lists(st.integers(), max_size=2),
                st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))


@settings(max_examples=60, deadline=None)
@given(weight=ODD, memory=ODD, concurrency=ODD, name=ODD, url=ODD, platform=ODD, instance=ODD)
def test_odd_values_never_break_the_rules(tmp_path_factory, weight, memory, concurrency, name, url, platform,
                                          instance):
    document = {"Resources": {
        "Model": {"Type": "AWS::SageMaker::Model", "Properties": {
            "ExecutionRoleArn": "r", "PrimaryContainer": {"Image": "i", "Mode": "MultiModel", "ModelDataUrl": url}}},
        "Config": {"Type": "AWS::SageMaker::EndpointConfig", "Properties": {
            "ProductionVariants": [
                {"ModelName": name, "VariantName": name, "InitialVariantWeight": weight, "InstanceType": instance},
                {"ModelName": {"Fn::GetAtt": ["Model", "ModelName"]}, "VariantName": "B",
                 "ServerlessConfig": {"MemorySizeInMB": memory, "MaxConcurrency": concurrency,
                                      "ProvisionedConcurrency": concurrency}}],
            "ShadowProductionVariants": [{"ModelName": name, "VariantName": name, "InstanceType": instance}],
            "AsyncInferenceConfig": {"OutputConfig": {"S3OutputPath": url, "S3FailurePath": url}}}},
        "Endpoint": {"Type": "AWS::SageMaker::Endpoint", "Properties": {"EndpointConfigName": name}},
        "Notebook": {"Type": "AWS::SageMaker::NotebookInstance", "Properties": {
            "RoleArn": "r", "InstanceType": instance, "PlatformIdentifier": platform}},
    }}
    path = tmp_path_factory.mktemp("odd") / "t.json"
    path.write_text(json.dumps(document))
    result = check_file(Candidate(str(path), True),
                        Settings(rule_ids=tuple(f"MLC70{i}" for i in range(1, 9)) + ("MLC405", "MLC406")))
    assert not [e for e in result.errors if "internal error" in e.message], result.errors


def test_serverless_exemption_holds_only_where_the_serving_configuration_exists(tmp_path):
    """Config exists only when IsDev is true: there the model is served serverless only (exempt); on the other
    branch no variant of the template serves it, which the rule judges like any model served from elsewhere."""
    result = lint(tmp_path, """
        Parameters:
          Env: {Type: String, AllowedValues: [dev, prod]}
        Conditions:
          IsDev: !Equals [!Ref Env, dev]
        Resources:
          Model:
            Type: AWS::SageMaker::Model
            Properties:
              ExecutionRoleArn: arn:aws:iam::123456789012:role/model
              PrimaryContainer: {Image: i}
          Config:
            Type: AWS::SageMaker::EndpointConfig
            Condition: IsDev
            Properties:
              ProductionVariants:
                - ModelName: !GetAtt Model.ModelName
                  VariantName: A
                  ServerlessConfig: {MemorySizeInMB: 2048, MaxConcurrency: 5}
    """, "MLC405")
    assert [f.message for f in result.findings] == [
        "Model 'Model' does not isolate its containers from the network (EnableNetworkIsolation is not set, so "
        "AWS uses false) (when condition IsDev is false)"]
    assert result.unknowns == []

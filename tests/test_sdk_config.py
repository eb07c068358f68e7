"""The SageMaker Python SDK's config file as an input kind: recognition, sections as defaults-only resources,
weakening defaults reported at their line, and absent defaults never decided (for every rule)."""

import textwrap

import pytest
from mlcheck.engine.registry import all_rules
from mlcheck.engine.runner import Settings, check_file
from mlcheck.inputs import adapter_for
from mlcheck.inputs import sdk_config as sdk
from mlcheck.inputs.discovery import Candidate
from mlcheck.inputs.loader import load_document
from mlcheck.model.template import Resource, Template
from mlcheck.model.values import UNDECIDED, is_undecided
from mlcheck.model.view import ResourceView
from mlcheck.model.resolve import Resolver

ALL = Settings(rule_ids=tuple(rule.id for rule in all_rules()))
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def lint(tmp_path, text, name="config.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return check_file(Candidate(str(path), True), ALL)


def found(result):
    return sorted((f.rule_id, f.resource, f.line) for f in result.findings if not f.suppressed)


# -- recognition ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("data,recognised", [
    ({"SchemaVersion": "1.0", "SageMaker": {"Model": {"EnableNetworkIsolation": True}}}, True),
    ({"SchemaVersion": 1.0, "SageMaker": {}}, True),  # unquoted in YAML
    ({"SageMaker": {"PythonSDK": {"Resources": {"Model": {}}}}}, True),  # v3: SchemaVersion is optional
    ({"SchemaVersion": "1.0", "SageMaker": {}, "CustomParameters": {"team": "ml"}}, True),
    ({"SageMaker": {"Model": {}}}, False),  # neither a schema version nor the v3 tree
    ({"SchemaVersion": "2.0", "SageMaker": {}}, False),
    ({"SchemaVersion": "1.0", "SageMaker": {}, "Resources": {}}, False),  # not only the SDK's keys
    ({"SchemaVersion": "1.0", "SageMaker": "x"}, False),
    ({"SchemaVersion": "1.0"}, False),
    ([1], False),
])
def test_recognition(data, recognised):
    assert sdk.is_sdk_config(data) is recognised


def test_the_runner_picks_the_adapter_by_content():
    assert adapter_for({"SchemaVersion": "1.0", "SageMaker": {}}) is sdk
    assert adapter_for({"Resources": {"M": {"Type": "AWS::SageMaker::Model"}}}) is not sdk
    assert adapter_for({"ModelName": "m", "PrimaryContainer": {}}) is not sdk


def test_sections_become_defaults_only_resources_of_their_objects_types():
    text = "SchemaVersion: '1.0'\nSageMaker:\n  Model: {EnableNetworkIsolation: false}\n  AutoMLJob: {}\n" \
           "  PythonSDK:\n    Resources:\n      NotebookInstance: {kms_key_id: k, direct_internet_access: Enabled}\n"
    template = sdk.build("c.yaml", load_document(text.encode(), "c.yaml"))
    assert {rid: r.type for rid, r in template.resources.items()} == {
        "SageMaker.Model": "AWS::SageMaker::Model",
        "SageMaker.PythonSDK.Resources.NotebookInstance": "AWS::SageMaker::NotebookInstance",
    }  # AutoMLJob: no type for it
    assert all(r.defaults_only for r in template.resources.values())
    # v3: attribute names become the API's; an attribute the SDK does not fill from the file is not read
    assert template.resources["SageMaker.PythonSDK.Resources.NotebookInstance"].properties == {"KmsKeyId": "k"}


@pytest.mark.parametrize("key,name", [("kms_key_id", "KmsKeyId"), ("volume_kms_key_id", "VolumeKmsKeyId"),
                                      ("s3_uri", "S3Uri"), ("volume_size_in_gb", "VolumeSizeInGB"),
                                      ("enable_network_isolation", "EnableNetworkIsolation")])
def test_v3_names_are_the_apis(key, name):
    assert sdk.api_name(key) == name


# -- the model: an absent default is not decided here ----------------------------------------------------------

def _view(defaults_only, properties):
    resource = Resource("M", "AWS::SageMaker::Model", {"Type": "AWS::SageMaker::Model", "Properties": properties},
                        ("Resources", "M"), defaults_only=defaults_only)
    template = Template("t.yaml", load_document(b"{}", "t.yaml"), resources={"M": resource})
    return ResourceView(resource, Resolver(template, None, {}))


def test_view_gives_undecided_for_what_a_defaults_file_leaves_out():
    view = _view(True, {"VpcConfig": {"Subnets": ["subnet-1"]}})
    assert view.value("EnableNetworkIsolation") == (UNDECIDED, False)  # not AWS's default false
    assert is_undecided(view.get("EnableNetworkIsolation"))
    assert is_undecided(view.get("VpcConfig", "SecurityGroupIds", default=[]))
    assert view.get("VpcConfig", "Subnets") == ["subnet-1"]
    cloudformation = _view(False, {})
    assert cloudformation.value("EnableNetworkIsolation") == (False, True)
    assert cloudformation.get("VpcConfig") is None


# -- weakening defaults: findings at their line, from the rule that judges the resource -----------------------

def test_weakening_v2_defaults_are_findings_at_their_lines(tmp_path):
    result = lint(tmp_path, f"""\
        SchemaVersion: '1.0'
        SageMaker:
          Model:
            EnableNetworkIsolation: false
            PrimaryContainer:
              Environment:
                DB_PASSWORD: hunter2hunter2
          TrainingJob:
            EnableInterContainerTrafficEncryption: false
            EnableNetworkIsolation: true
            OutputDataConfig:
              KmsKeyId: ''
            ResourceConfig:
              VolumeKmsKeyId: {KEY}
          EndpointConfig:
            KmsKeyId: alias/aws/sagemaker
        """)
    assert not result.errors
    assert found(result) == [
        ("MLC116", "SageMaker.Model", 7),
        ("MLC201", "SageMaker.TrainingJob", 12),
        ("MLC202", "SageMaker.EndpointConfig", 16),
        ("MLC208", "SageMaker.TrainingJob", 9),
        ("MLC405", "SageMaker.Model", 4),
    ]


def test_weakening_v3_defaults_point_at_the_snake_case_lines(tmp_path):
    result = lint(tmp_path, """\
        SageMaker:
          PythonSDK:
            Resources:
              ProcessingJob:
                network_config:
                  enable_network_isolation: false
                  enable_inter_container_traffic_encryption: false
                processing_output_config:
                  kms_key_id: ''
              NotebookInstance:
                kms_key_id: alias/aws/sagemaker
                direct_internet_access: Enabled
              TrainingJob:
                enable_network_isolation: false
        """)
    assert not result.errors
    job, notebook = "SageMaker.PythonSDK.Resources.ProcessingJob", "SageMaker.PythonSDK.Resources.NotebookInstance"
    # direct_internet_access and the training job's enable_network_isolation are not filled from the file
    assert found(result) == [("MLC201", job, 9), ("MLC202", notebook, 11), ("MLC208", job, 7),
                             ("MLC405", job, 6)]
    columns = {f.rule_id: f.column for f in result.findings}
    assert columns["MLC405"] == 11  # the key's own column


def test_v3_environment_variable_names_are_kept(tmp_path):
    result = lint(tmp_path, """\
        SageMaker:
          PythonSDK:
            Resources:
              Model:
                primary_container:
                  environment:
                    db_password: hunter2hunter2hunter2
        """)
    template = sdk.build("c.yaml", load_document(
        (tmp_path / "config.yaml").read_bytes(), "c.yaml"))
    container = template.resources["SageMaker.PythonSDK.Resources.Model"].properties["PrimaryContainer"]
    assert container == {"Environment": {"db_password": "hunter2hunter2hunter2"}}
    assert [(f.rule_id, f.line) for f in result.findings] == [("MLC116", 7)]


def test_the_same_section_as_a_template_is_judged_on_aws_defaults(tmp_path):
    """What a defaults file leaves out is not a finding; the same (empty) resource in a template is."""
    template = lint(tmp_path, """\
        Resources:
          Model:
            Type: AWS::SageMaker::Model
            Properties:
              ExecutionRoleArn: arn:aws:iam::123456789012:role/m
        """, "template.yaml")
    assert "MLC405" in {f.rule_id for f in template.findings}
    defaults = lint(tmp_path, """\
        SchemaVersion: '1.0'
        SageMaker:
          Model:
            ExecutionRoleArn: arn:aws:iam::123456789012:role/m
        """)
    assert found(defaults) == [] and defaults.unknowns == []


# -- absent defaults, across the catalogue ---------------------------------------------------------------------

HARMLESS = {"Tags": "Tags: [{Key: team, Value: ml}]", "empty": "{}"}


@pytest.mark.parametrize("content", sorted(HARMLESS))
@pytest.mark.parametrize("section", sorted(sdk.V2_SECTIONS))
def test_a_v2_section_with_a_harmless_key_is_no_finding_for_any_rule(tmp_path, section, content):
    body = HARMLESS[content]
    text = f"SchemaVersion: '1.0'\nSageMaker:\n  {section}: {body}\n" if content == "empty" else \
        f"SchemaVersion: '1.0'\nSageMaker:\n  {section}:\n    {body}\n"
    result = lint(tmp_path, text)
    assert not result.errors
    assert found(result) == []
    assert result.unknowns == []  # not one "could not verify" per absent key either


@pytest.mark.parametrize("name", sorted(sdk.V3_ATTRIBUTES))
def test_a_v3_resource_with_only_harmless_keys_is_no_finding_for_any_rule(tmp_path, name):
    # a role (external: nothing to check) where the resource takes one, else an empty section
    role = "role_arn: arn:aws:iam::123456789012:role/r" if "role_arn" in sdk.V3_ATTRIBUTES[name] else "{}"
    text = f"SageMaker:\n  PythonSDK:\n    Resources:\n      {name}:\n        {role}\n" if role != "{}" else \
        f"SageMaker:\n  PythonSDK:\n    Resources:\n      {name}: {{}}\n"
    result = lint(tmp_path, text)
    assert not result.errors
    assert found(result) == []
    assert result.unknowns == []


def test_every_section_at_once_and_a_file_of_session_settings_only(tmp_path):
    sections = "".join(f"  {s}:\n    Tags: [{{Key: team, Value: ml}}]\n" for s in sdk.V2_SECTIONS)
    resources = "".join(f"      {n}: {{}}\n" for n in sdk.V3_ATTRIBUTES)
    result = lint(tmp_path, f"SchemaVersion: '1.0'\nSageMaker:\n{sections}  PythonSDK:\n    Resources:\n"
                            f"{resources}")
    assert result.checked and not result.errors
    assert found(result) == [] and result.unknowns == []
    session = lint(tmp_path, """\
        SchemaVersion: '1.0'
        SageMaker:
          PythonSDK:
            Modules:
              Session:
                DefaultS3Bucket: ml-artifacts-123456789012
        """)
    assert session.checked and found(session) == [] and session.unknowns == []


def test_a_section_that_is_not_a_mapping_is_an_error_at_its_line(tmp_path):
    result = lint(tmp_path, """\
        SchemaVersion: '1.0'
        SageMaker:
          Model: [1, 2]
        """)
    assert [(e.line, e.message) for e in result.errors] == [(3, "invalid template: SageMaker.Model is not a mapping")]


def test_the_sdk_config_fixtures_are_read_as_sdk_configs():
    """A fixture that no adapter took would pass as a `pass-` fixture by checking nothing."""
    from conftest import FIXTURES

    paths = sorted(FIXTURES.glob("MLC*/*sdk-config*"))
    assert len(paths) >= 20
    for path in paths:
        document = load_document(path.read_bytes(), str(path))
        assert adapter_for(document.data) is sdk, path
        assert sdk.build(str(path), document).resources, path


def test_renamed_locations_follow_the_renamed_keys():
    document = load_document(b"a:\n  b_c:\n    - d_e: 1\n", "x.yaml")
    table = document.locations.renamed(lambda path, key: key.upper() if path[:1] == ("a",) else key)
    assert table[("a", "B_C", 0, "D_E")].line == 3
    assert ("a", "b_c") not in table and ("a", "B_C") in table
    assert document.locations[("a", "b_c", 0, "d_e")].line == 3  # the original is unchanged


def test_the_readme_example_is_real_output(tmp_path, run_cli):
    from conftest import ROOT

    section = (ROOT / "README.md").read_text().split("### SageMaker Python SDK config", 1)[1].split("\n## ", 1)[0]
    config = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    shown = section.split("```console\n", 1)[1].split("```", 1)[0].splitlines()
    assert shown[0] == "$ mlcheck config.yaml"
    (tmp_path / "config.yaml").write_text(config)
    code, out, _ = run_cli("config.yaml", "--color", "never", cwd=tmp_path)
    assert code == 1
    assert out.splitlines() == shown[1:]


def test_a_remote_function_default_is_a_training_job_default(tmp_path):
    harmless = lint(tmp_path, """\
        SchemaVersion: '1.0'
        SageMaker:
          PythonSDK:
            Modules:
              RemoteFunction:
                InstanceType: ml.m5.xlarge
                RoleArn: arn:aws:iam::123456789012:role/r
        """)
    assert found(harmless) == [] and harmless.unknowns == []
    weak = lint(tmp_path, """\
        SchemaVersion: '1.0'
        SageMaker:
          PythonSDK:
            Modules:
              RemoteFunction:
                EnableInterContainerTrafficEncryption: false
        """)
    assert found(weak) == [("MLC208", "SageMaker.PythonSDK.Modules.RemoteFunction", 6)]
    assert weak.findings[0].resource_type == "AWS::SageMaker::TrainingJob"


def test_a_key_written_without_a_value_sets_no_default(tmp_path):
    result = lint(tmp_path, """\
        SchemaVersion: '1.0'
        SageMaker:
          Model:
            EnableNetworkIsolation:
          EndpointConfig:
            KmsKeyId:
            DataCaptureConfig:
              KmsKeyId:
        """)
    assert found(result) == [] and result.unknowns == []

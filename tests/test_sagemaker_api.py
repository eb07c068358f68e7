"""SageMaker API configuration as an input kind: recognition, the pseudo-resources, and botocore's cost."""

import json
import subprocess
import sys

import pytest
from mlcheck.inputs import sagemaker_api as api
from mlcheck.inputs.discovery import Candidate
from mlcheck.inputs.loader import load_document
from mlcheck.engine.registry import all_rules
from mlcheck.engine.runner import Settings, check_file

ALL = Settings(rule_ids=tuple(rule.id for rule in all_rules()))

TRAINING = {
    "TrainingJobName": "train",
    "RoleArn": "arn:aws:iam::123456789012:role/train",
    "AlgorithmSpecification": {"TrainingImage": "i", "TrainingInputMode": "File"},
    "OutputDataConfig": {"S3OutputPath": "s3://out/x"},
    "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 50},
    "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
}


@pytest.mark.parametrize("data,kind", [
    (TRAINING, "request"),
    ({"//": ["comment"], **TRAINING}, "request"),
    ({"Operation": "CreateTrainingJob", "Input": TRAINING}, "wrapped request"),
    ({"Operation": "CreateBucket", "Input": {}}, None),
    ({"Version": "2020-12-01", "Steps": [{"Name": "T", "Type": "Training", "Arguments": TRAINING}]}, "pipeline"),
    ({"apiVersion": "v1", "kind": "Pod", "metadata": {}, "spec": {}}, None),
    ({"name": "x", "version": "1.0.0", "scripts": {}}, None),
    ({"RoleArn": "arn:aws:iam::1:role/x", "Tags": []}, None),
    ({"ModelName": "m"}, None),  # a name alone is not enough
    ({"ModelName": "m", "PrimaryContainer": {}}, "request"),
    ([1, 2], None),
])
def test_recognition(data, kind):
    assert api.describe_kind(data) == kind


@pytest.mark.parametrize("body,operation", [
    (TRAINING, "CreateTrainingJob"),
    ({"TransformJobName": "t", "ModelName": "m", "TransformInput": {}}, "CreateTransformJob"),
    ({"EndpointName": "e", "EndpointConfigName": "c"}, "CreateEndpoint"),
    ({"EndpointConfigName": "c", "ProductionVariants": []}, "CreateEndpointConfig"),
    ({"NotebookInstanceName": "n", "InstanceType": "ml.t3.medium"}, "CreateNotebookInstance"),
    ({"ProcessingResources": {}, "AppSpecification": {}}, "CreateProcessingJob"),  # no name: two markers
])
def test_operation_by_signature(body, operation):
    assert api.operation_of(body) == operation


def test_signature_table_agrees_with_botocore():
    model = api.service_model()
    for op, (_, name_member) in api.OPERATIONS.items():
        members = model["shapes"][model["operations"][op]["input"]["shape"]]["members"]
        assert name_member in members, (op, name_member)
    for op, markers in api.SIGNATURES:
        members = model["shapes"][model["operations"][op]["input"]["shape"]]["members"]
        assert markers <= set(members), (op, markers - set(members))
    for op in api.OPERATIONS:
        members = model["shapes"][model["operations"][op]["input"]["shape"]]["members"]
        assert not api.RESPONSE_MARKERS & set(members), (op, api.RESPONSE_MARKERS & set(members))


def test_saved_describe_output_is_not_a_request():
    described = dict(TRAINING, TrainingJobArn="arn:aws:sagemaker:eu-west-1:123456789012:training-job/train",
                     TrainingJobStatus="Completed", CreationTime="2026-01-01T00:00:00Z")
    assert api.describe_kind(described) is None


def _template(data, text=None):
    text = text or json.dumps(data, indent=2)
    return api.build_api_template("f.json", load_document(text.encode(), "f.json"))


def test_pseudo_resources_and_paths():
    pipeline = {
        "Version": "2020-12-01",
        "Parameters": [{"Name": "Count", "Type": "Integer", "DefaultValue": 2}],
        "Steps": [
            {"Name": "Prep", "Type": "Processing", "Arguments": {"ProcessingResources": {}}},
            {"Name": "Check", "Type": "Condition", "Arguments": {
                "Conditions": [], "IfSteps": [{"Name": "Train", "Type": "Training", "Arguments": TRAINING}]}},
            {"Name": "Done", "Type": "Fail", "Arguments": {}},
        ],
    }
    template = _template(pipeline)
    assert {r.logical_id: (r.type, r.properties_path, r.operation) for r in template.resources.values()} == {
        "Prep": ("AWS::SageMaker::ProcessingJob", ("Steps", 0, "Arguments"), "CreateProcessingJob"),
        "Train": ("AWS::SageMaker::TrainingJob", ("Steps", 1, "Arguments", "IfSteps", 0, "Arguments"),
                  "CreateTrainingJob"),
    }
    assert template.parameters["Count"].default == 2
    wrapped = _template({"Operation": "CreateTrainingJob", "Input": TRAINING})
    assert wrapped.resources["train"].properties_path == ("Input",)
    bare = _template({"//": ["x"], **TRAINING})
    assert bare.resources["train"].properties_path == ()
    assert "//" not in bare.resources["train"].properties


def test_pipeline_expressions_are_parameters_or_unknown(tmp_path):
    body = dict(TRAINING, ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": {"Get": "Parameters.Count"},
                                          "VolumeSizeInGB": 50},
                OutputDataConfig={"S3OutputPath": "s3://o/x", "KmsKeyId": {"Get": "Parameters.Key"}})
    pipeline = {"Version": "2020-12-01", "Parameters": [{"Name": "Count", "Type": "Integer", "DefaultValue": 3},
                                                         {"Name": "Key", "Type": "String"}],
                "Steps": [{"Name": "Train", "Type": "Training", "Arguments": body}]}
    path = tmp_path / "pipeline.json"
    path.write_text(json.dumps(pipeline, indent=2))
    result = check_file(Candidate(str(path), True), ALL)
    rules = {f.rule_id for f in result.findings}
    assert "MLC208" in rules  # InstanceCount 3 from the parameter's default
    assert not any(f.rule_id == "MLC201" and "OutputDataConfig" in f.message for f in result.findings)
    assert any(u.rule_id == "MLC201" for u in result.unknowns)  # the key parameter has no default


def test_other_pipeline_expressions_are_unknown_with_a_reason():
    body = dict(TRAINING, OutputDataConfig={"S3OutputPath": "s3://o/x", "KmsKeyId": {"Get": "Steps.Key.Arn"}})
    template = _template({"Version": "2020-12-01", "Steps": [{"Name": "T", "Type": "Training", "Arguments": body}]})
    value = template.resources["T"].properties["OutputDataConfig"]["KmsKeyId"]
    assert "Steps.Key.Arn is known only when the pipeline runs" in value.reason


def _botocore_imported(folder) -> bool:
    code = (
        "import sys\n"
        "from mlcheck.cli import cli\n"
        "try:\n"
        f"    cli([{str(folder)!r}, '--select', 'ALL', '--exit-zero', '--jobs', '1'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('BOTOCORE' if 'botocore' in sys.modules else 'NO-BOTOCORE')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert proc.stdout.strip().endswith("BOTOCORE"), proc.stdout + proc.stderr
    return not proc.stdout.strip().endswith("NO-BOTOCORE")


def test_botocore_only_for_sagemaker_requests(tmp_path):
    """botocore (about 0.1 s to import and load the SageMaker model) is paid only by MLC004 on API documents."""
    (tmp_path / "package.json").write_text('{"name": "x", "version": "1.0.0"}\n')
    (tmp_path / "pod.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n")
    (tmp_path / "stack.yaml").write_text(
        "Resources:\n  M:\n    Type: AWS::SageMaker::Model\n    Properties: {ExecutionRoleArn: arn:aws:iam::1:role/r}\n")
    assert not _botocore_imported(tmp_path)
    (tmp_path / "train.json").write_text(json.dumps(TRAINING))
    assert _botocore_imported(tmp_path)


def test_cli_mixed_directory(tmp_path, run_cli):
    """A CloudFormation template, a training-job request, a Kubernetes manifest and package.json side by side."""
    (tmp_path / "stack.yaml").write_text(
        "Resources:\n  Notebook:\n    Type: AWS::SageMaker::NotebookInstance\n"
        "    Properties: {InstanceType: ml.t3.medium, RoleArn: arn:aws:iam::123456789012:role/n}\n")
    (tmp_path / "train.json").write_text(json.dumps(dict(TRAINING, ResourceConfig={
        "InstanceType": "ml.m5.xlarge", "InstanceCount": 2, "VolumeSizeInGB": 50}), indent=2))
    (tmp_path / "deployment.yaml").write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n")
    (tmp_path / "package.json").write_text('{"name": "web", "version": "1.0.0"}\n')
    code, out, err = run_cli(tmp_path, "--verbose", "--output-format", "json")
    assert code == 1
    report = json.loads(out)
    files = {f["file"].rsplit("/", 1)[-1] for f in report["findings"]}
    assert files == {"stack.yaml", "train.json"}
    train = {(f["rule"], f["line"]) for f in report["findings"] if f["file"].endswith("train.json")}
    assert ("MLC208", 1) in train and ("MLC201", 8) in train and ("MLC406", 1) in train
    assert all(f["resource_type"] == "AWS::SageMaker::TrainingJob" for f in report["findings"]
               if f["file"].endswith("train.json"))
    assert "deployment.yaml" in err and "package.json" in err and "Traceback" not in err
    assert not report["errors"]


def _has_path(model, operation, keys):
    shape = model["shapes"][model["operations"][operation]["input"]["shape"]]
    for key in keys:
        members = shape.get("members", {})
        if key not in members:
            return False
        shape = model["shapes"][members[key]["shape"]]
    return True


def test_job_property_paths_exist_in_botocore():
    """A typo in a job property path would be a silent false negative (the CloudFormation types are checked
    against cfn-lint's schemas in test_catalogue)."""
    from mlcheck.aws.kms import KEY_FIELDS
    from mlcheck.rules.mlc208_inter_container_encryption import JOBS as MLC208_JOBS
    from mlcheck.rules.mlc405_network_isolation_disabled import _CHECKS as MLC405_CHECKS
    from mlcheck.rules.mlc406_outside_vpc import JOBS as MLC406_JOBS

    model = api.service_model()
    operation = {t: op for op, (t, _) in api.OPERATIONS.items()}
    paths = []
    for job in api.JOB_TYPES:
        paths += [(job, f.parent + (f.key,)) for f in KEY_FIELDS[job]]
    for job, (cluster, network) in MLC208_JOBS.items():
        if job in api.JOB_TYPES:
            paths += [(job, cluster + ("InstanceCount",)), (job, network + ("EnableInterContainerTrafficEncryption",))]
    paths += list(MLC406_JOBS.items())
    paths += [(t, c.keys) for t, c in MLC405_CHECKS.items() if t in api.JOB_TYPES]
    for job, keys in paths:
        assert _has_path(model, operation[job], keys), (job, keys)


def test_mlc405_model_property_exists_in_cloudformation_schema():
    """MLC405 is no longer a single PropertyCheck (test_catalogue's schema test covers those): check its
    CloudFormation property here."""
    from mlcheck.rules.mlc405_network_isolation_disabled import _CHECKS
    from test_catalogue import _schema

    check = _CHECKS["AWS::SageMaker::Model"]
    assert check.keys[0] in _schema(check.resource_type)["properties"]


def test_broken_request_is_reported_broken_other_json_skipped(tmp_path, run_cli):
    (tmp_path / "train.json").write_text('{"TrainingJobName": "x",\n  "RoleArn": }\n')
    (tmp_path / "package.json").write_text('{"name": "x",\n }')
    code, out, err = run_cli(tmp_path, "--verbose")
    assert code == 2
    assert "train.json:2:14: MLC001" in out and "package.json:" not in out
    assert "package.json: not parsed" in err


@pytest.mark.parametrize("document", [
    {"Operation": "CreateTrainingJob", "Input": TRAINING},
    {"Version": "2020-12-01", "Steps": [{"Name": "train", "Type": "Training", "Arguments": TRAINING}]},
])
def test_inline_suppressions_in_wrapped_requests_and_pipelines(tmp_path, document):
    document = dict(document, Metadata={"mlcheck": {"ignore": [{"id": "MLC405", "reason": "vendor algorithm"}]}})
    path = tmp_path / "request.json"
    path.write_text(json.dumps(document, indent=2))
    result = check_file(Candidate(str(path), True), ALL)
    isolation = [f for f in result.findings if f.rule_id == "MLC405"]
    assert isolation and all(f.suppressed for f in isolation)
    assert not any(f.rule_id in ("MLC002", "MLC003", "MLC004") for f in result.findings)


def test_comment_key_only_at_the_top_level(tmp_path):
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text(json.dumps({"//": ["fine"], "Operation": "CreateTrainingJob",
                                   "Input": {"//": "not a member", **TRAINING}}, indent=2))
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps({"//": ["fine"], **TRAINING}, indent=2))
    only = Settings(rule_ids=("MLC004",))
    assert [(f.line, "unknown member '//'" in f.message)
            for f in check_file(Candidate(str(wrapped), True), only).findings] == [(7, True)]
    assert check_file(Candidate(str(bare), True), only).findings == []

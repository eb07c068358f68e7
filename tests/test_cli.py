"""The command as users run it: exit codes, mixed input, selection, discovery, stdin, docs flags."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT

NOTEBOOK_DEFAULTS = textwrap.dedent("""\
    AWSTemplateFormatVersion: "2010-09-09"
    Parameters:
      FreeAccess:
        Type: String
      DefaultAccess:
        Type: String
        Default: Enabled
    Resources:
      Notebook:
        Type: AWS::SageMaker::NotebookInstance
        Properties:
          InstanceType: ml.t3.medium
          RoleArn: arn:aws:iam::123456789012:role/r
          KmsKeyId: alias/notebooks
          SubnetId: subnet-0123456789abcdef0
          InstanceMetadataServiceConfiguration: {MinimumInstanceMetadataServiceVersion: "2"}
      FreeNotebook:
        Type: AWS::SageMaker::NotebookInstance
        Properties:
          InstanceType: ml.t3.medium
          RoleArn: arn:aws:iam::123456789012:role/r
          KmsKeyId: alias/notebooks
          SubnetId: subnet-0123456789abcdef0
          InstanceMetadataServiceConfiguration: {MinimumInstanceMetadataServiceVersion: "2"}
          RootAccess: Disabled
          DirectInternetAccess: !Ref FreeAccess
      DefaultNotebook:
        Type: AWS::SageMaker::NotebookInstance
        Properties:
          InstanceType: ml.t3.medium
          RoleArn: arn:aws:iam::123456789012:role/r
          KmsKeyId: alias/notebooks
          SubnetId: subnet-0123456789abcdef0
          InstanceMetadataServiceConfiguration: {MinimumInstanceMetadataServiceVersion: "2"}
          RootAccess: Disabled
          DirectInternetAccess: !Ref DefaultAccess
    """)

COMPLIANT = ROOT / "examples" / "compliant-notebook.yaml"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_defaults_are_findings_at_the_notebook_lines(tmp_path, run_cli):
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    code, out, _ = run_cli("stack.yaml", cwd=tmp_path)
    lines = out.splitlines()
    assert code == 1
    assert "stack.yaml:11:5: MLC401 [high] Notebook instance 'Notebook' has direct internet access" in out
    # the message quotes the resource, so the line does not repeat it
    assert any(line.startswith("stack.yaml:11:5: MLC403 [medium] Notebook instance 'Notebook'")
               and "(Resource:" not in line for line in lines)
    # A parameter without a default is unknown: no finding; a default of Enabled is a finding at its line.
    assert not any("FreeNotebook" in line for line in lines)
    assert "stack.yaml:36:7: MLC401 [high] Notebook instance 'DefaultNotebook'" in out
    assert lines[-1] == "3 findings (2 high, 1 medium) in 1 file checked"


def test_parameter_override_changes_resolution(tmp_path, run_cli):
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    code, out, _ = run_cli("stack.yaml", "--parameter", "FreeAccess=Enabled", "-p", "DefaultAccess=Disabled",
                           cwd=tmp_path)
    assert code == 1
    assert "FreeNotebook" in out and "DefaultNotebook" not in out


def test_parameters_file(tmp_path, run_cli):
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    write(tmp_path, "params.json", json.dumps([{"ParameterKey": "FreeAccess", "ParameterValue": "Enabled"}]))
    _, out, _ = run_cli("stack.yaml", "--parameters-file", "params.json", cwd=tmp_path)
    assert "FreeNotebook" in out


def test_compliant_template_prints_only_the_summary(run_cli):
    code, out, err = run_cli(str(COMPLIANT))
    assert code == 0
    assert out == "0 findings in 1 file checked\n"


def test_malformed_file_beside_good_one(tmp_path, run_cli):
    write(tmp_path, "bad.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A: [unclosed\n  B: x\n")
    write(tmp_path, "good.yaml", NOTEBOOK_DEFAULTS)
    code, out, err = run_cli("bad.yaml", "good.yaml", cwd=tmp_path)
    assert code == 2
    assert "Traceback" not in out + err
    assert any(line.startswith("bad.yaml:4:") and "MLC001" in line for line in out.splitlines())
    assert "good.yaml:11:5: MLC401" in out


def test_non_template_yaml_in_a_directory_is_skipped_silently(tmp_path, run_cli):
    write(tmp_path, "k8s/deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n")
    write(tmp_path, "package.json", '{"name": "x", "version": "1.0.0"}')
    write(tmp_path, "helm/values.yaml", "image: {{ .Values.image }}\n")  # not YAML at all, not template-like
    write(tmp_path, "infra/notebook.yaml", COMPLIANT.read_text())
    code, out, err = run_cli(".", cwd=tmp_path)
    assert (code, out, err) == (0, "0 findings in 1 file checked\n", "")
    code, out, err = run_cli(".", "--verbose", cwd=tmp_path)
    assert "skipped k8s/deployment.yaml: not a CloudFormation template" in err
    assert "skipped helm/values.yaml" in err


def test_directory_walk_skips_ignored_and_vendor_folders(tmp_path, run_cli):
    bad = NOTEBOOK_DEFAULTS
    write(tmp_path, "node_modules/pkg/t.yaml", bad)
    write(tmp_path, "cdk.out/asset.123/t.json", json.dumps({"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}))
    write(tmp_path, "ignored/t.yaml", bad)
    write(tmp_path, ".gitignore", "ignored/\n")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    write(tmp_path, "cdk.out/Stack.template.json", json.dumps({"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}))
    code, out, _ = run_cli(".", cwd=tmp_path)
    assert "cdk.out/Stack.template.json:1:" in out and "MLC301" in out
    assert "node_modules" not in out and "asset.123" not in out and "ignored/" not in out


def test_explicit_non_template_is_reported_once_at_info(tmp_path, run_cli):
    write(tmp_path, "package.json", '{"name": "x"}')
    code, out, err = run_cli("package.json", cwd=tmp_path)
    assert code == 0
    assert err.count("package.json: info: skipped") == 1


def test_glob_and_stdin(tmp_path, run_cli):
    write(tmp_path, "infra/a/stack.yaml", NOTEBOOK_DEFAULTS)
    write(tmp_path, "infra/b/other.yml", COMPLIANT.read_text())
    code, out, _ = run_cli("infra/**/*.yaml", cwd=tmp_path)
    assert code == 1 and "infra/a/stack.yaml:11:5: MLC401" in out
    code, out, _ = run_cli("-", "--stdin-filename", "piped.yaml", input=NOTEBOOK_DEFAULTS, cwd=tmp_path)
    assert code == 1 and "piped.yaml:11:5: MLC401" in out


def test_missing_path_is_a_usage_error(tmp_path, run_cli):
    code, _, err = run_cli("nope.yaml", cwd=tmp_path)
    assert code == 2 and "nope.yaml: no such file or directory" in err


@pytest.mark.parametrize("args, present, absent", [
    (["--select", "MLC401"], ["MLC401"], ["MLC403"]),
    (["--select", "notebook-root-access"], ["MLC403"], ["MLC401"]),
    (["--select", "MLC4", "--ignore", "MLC401"], ["MLC403"], ["MLC401"]),
    (["--ignore", "MLC4"], [], ["MLC401", "MLC403"]),
])
def test_selection(tmp_path, run_cli, args, present, absent):
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    _, out, _ = run_cli("stack.yaml", *args, cwd=tmp_path)
    for rule in present:
        assert f" {rule} [" in out
    for rule in absent:
        assert f" {rule} [" not in out


def test_unknown_selector_is_a_usage_error(tmp_path, run_cli):
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    code, _, err = run_cli("stack.yaml", "--select", "MLC999", cwd=tmp_path)
    assert code == 2 and "MLC999" in err


def test_fail_on_and_exit_zero(tmp_path, run_cli):
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    assert run_cli("stack.yaml", "--fail-on", "critical", cwd=tmp_path)[0] == 0
    assert run_cli("stack.yaml", "--fail-on", "high", cwd=tmp_path)[0] == 1
    assert run_cli("stack.yaml", "--exit-zero", cwd=tmp_path)[0] == 0
    write(tmp_path, "bad.json", '{"Resources": {"A": {"Type": "AWS::S3::Bucket",}}}')
    assert run_cli("bad.json", cwd=tmp_path)[0] == 2
    assert run_cli("bad.json", "--exit-zero", cwd=tmp_path)[0] == 0


def test_output_format_from_environment(tmp_path, run_cli):
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    _, out, _ = run_cli("stack.yaml", cwd=tmp_path, env={"MLCHECK_OUTPUT_FORMAT": "json"})
    assert json.loads(out)["summary"]["total"] == 3


def test_output_file_writes_a_second_format(tmp_path, run_cli):
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    code, out, _ = run_cli("stack.yaml", "--output-file", "sarif=out.sarif", cwd=tmp_path)
    sarif = json.loads((tmp_path / "out.sarif").read_text())
    assert code == 1 and "MLC401" in out
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} == {"MLC401", "MLC403"}


def test_list_rules_and_explain(run_cli):
    code, out, _ = run_cli("--list-rules")
    assert code == 0 and "MLC401  notebook-direct-internet" in out
    code, out, _ = run_cli("--list-rules", "--output-format", "json")
    assert {"id": "MLC401"}.items() <= json.loads(out)[0].items() or any(r["id"] == "MLC401" for r in json.loads(out))
    code, out, _ = run_cli("--explain", "notebook-direct-internet")
    assert code == 0
    for heading in ("# MLC401 notebook-direct-internet", "## What it does", "## Why is this bad?", "## Example",
                    "## Use instead", "## Peer equivalents", "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS"):
        assert heading in out
    code, _, err = run_cli("--explain", "MLC999")
    assert code == 2 and "MLC999" in err


def test_a_rule_directory_is_linted_not_misread(tmp_path, run_cli):
    write(tmp_path, "rules/stack.yaml", NOTEBOOK_DEFAULTS)
    code, out, _ = run_cli("rules", cwd=tmp_path)
    assert code == 1 and "rules/stack.yaml:11:5: MLC401" in out


@pytest.mark.parametrize("content", [
    b"\x00\x01\x02binary\xff",
    b"Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: \xff\xfe}\n",
    b"",
    b"[" * 100000 + b"]" * 100000,
    b"- " * 50000 + b"x\n",
    b"Resources:\n  A: !GetAtt\n  - [\n",
    b"AWSTemplateFormatVersion: x\nResources: [1, 2]\n",
    b"AWSTemplateFormatVersion: x\nResources:\n  A: 5\n  B: {Type: [1]}\n",
])
def test_hostile_input_never_crashes(tmp_path, run_cli, content):
    path = tmp_path / "hostile.yaml"
    path.write_bytes(content)
    write(tmp_path, "good.yaml", NOTEBOOK_DEFAULTS)
    code, out, err = run_cli("hostile.yaml", "good.yaml", cwd=tmp_path)
    assert "Traceback" not in out + err
    assert code == 2
    assert any(line.startswith("hostile.yaml:") and "MLC001" in line for line in out.splitlines())
    assert "good.yaml:11:5: MLC401" in out


def test_installed_entry_point_runs_without_traceback(tmp_path):
    """The console script itself (not click's test runner): version, and a real run's exit code."""
    exe = os.path.join(os.path.dirname(sys.executable), "mlcheck")
    version = subprocess.run([exe, "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.startswith("mlcheck ")
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    proc = subprocess.run([exe, "stack.yaml"], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 1 and "MLC401" in proc.stdout and "Traceback" not in proc.stderr


@pytest.mark.parametrize("args, expected", [
    ([], {"StudioGroup"}),  # default: only the group attached to a VpcOnly domain
    (["--select", "MLC4"], {"StudioGroup"}),
    (["--select", "MLC412"], {"StudioGroup", "HttpsOut", "ExtraEgress"}),
    (["--select", "ALL"], {"StudioGroup", "HttpsOut", "ExtraEgress"}),
    (["--ignore", "MLC412"], set()),
    (["--select", "MLC3"], set()),
])
def test_rule_partly_on_by_default(run_cli, args, expected):
    _, out, _ = run_cli(str(ROOT / "fixtures" / "MLC412" / "fail-open-egress.yaml"), *args, "-f", "json")
    resources = {f["resource"] for f in json.loads(out)["findings"] if f["rule"] == "MLC412"}
    assert resources == expected


def test_quiet_says_nothing_about_named_non_templates(tmp_path, run_cli):
    write(tmp_path, "package.json", '{"name": "x"}')
    assert run_cli("package.json", "--quiet", cwd=tmp_path) == (0, "0 findings in 0 files checked\n", "")


def test_many_files_in_parallel_with_stdin(tmp_path, run_cli):
    for i in range(10):
        write(tmp_path, f"t{i}.yaml", NOTEBOOK_DEFAULTS)
    paths = [f"t{i}.yaml" for i in range(10)]
    code, out, _ = run_cli(*paths, "-", "--stdin-filename", "piped.yaml", "--jobs", "2", input=NOTEBOOK_DEFAULTS,
                           cwd=tmp_path)
    assert code == 1
    assert out.splitlines()[-1] == "33 findings (22 high, 11 medium) in 11 files checked"
    assert "piped.yaml:11:5: MLC401" in out and "t9.yaml:11:5: MLC401" in out


def test_a_path_that_matches_nothing_is_an_error(tmp_path, run_cli):
    """As in cfn-lint: a typo in CI paths must not pass as '0 findings in 0 files checked'."""
    write(tmp_path, "infra/stack.yaml", NOTEBOOK_DEFAULTS)
    (tmp_path / "empty").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.txt").write_text("no templates here\n")
    for args, named in [(("nomatch/",), "nomatch/: no such file or directory"),
                        (("infra/*.yml",), "infra/*.yml: no file matches this pattern"),
                        (("empty",), "empty: no .yaml, .yml, .json, .template or .tf file in this directory"),
                        (("docs",), "docs: no .yaml")]:
        code, out, err = run_cli(*args, cwd=tmp_path)
        assert code == 2, args
        assert named in err, (args, err)
    code, out, _ = run_cli("infra/*.yaml", cwd=tmp_path)  # what matches is still checked
    assert code == 1 and "MLC401" in out


AREA_TEMPLATE = """\
Resources:
  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: !GetAtt Role.Arn
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: sagemaker.amazonaws.com}, Action: sts:AssumeRole}]
      ManagedPolicyArns: [arn:aws:iam::aws:policy/AmazonSageMakerFullAccess]
"""


def _rules_reported(out: str) -> set:
    return {f["rule"] for f in json.loads(out)["findings"]}


def test_area_selectors_on_the_command_line_and_in_the_configuration(tmp_path, run_cli):
    write(tmp_path, "stack.yaml", AREA_TEMPLATE)
    _, everything, _ = run_cli("stack.yaml", "-f", "json", cwd=tmp_path)
    everything = _rules_reported(everything)
    iam = {r for r in everything if r.startswith("MLC1")}
    network = {r for r in everything if r.startswith("MLC4")}
    assert iam and network and everything - iam - network
    _, out, _ = run_cli("stack.yaml", "-f", "json", "--select", "iam", cwd=tmp_path)
    assert _rules_reported(out) == iam
    _, out, _ = run_cli("stack.yaml", "-f", "json", "--select", "network,MLC101", cwd=tmp_path)
    assert _rules_reported(out) == network | {"MLC101"}
    _, out, _ = run_cli("stack.yaml", "-f", "json", "--ignore", "IAM", "--ignore", "network", cwd=tmp_path)
    assert _rules_reported(out) == everything - iam - network
    write(tmp_path, ".mlcheck.yaml", "select: [iam]\nignore: [MLC101]\n")
    _, out, _ = run_cli("stack.yaml", "-f", "json", cwd=tmp_path)
    assert _rules_reported(out) == iam - {"MLC101"}


def test_help_documents_area_selectors(run_cli):
    code, out, _ = run_cli("--help")
    assert code == 0 and "areas (iam, network: see --list-rules)" in " ".join(out.split())


def test_an_unknown_area_is_a_usage_error_listing_the_areas(tmp_path, run_cli):
    write(tmp_path, "stack.yaml", AREA_TEMPLATE)
    code, out, err = run_cli("stack.yaml", "--select", "netwrk", cwd=tmp_path)
    assert code == 2 and out == ""
    assert "'netwrk'" in err and "network" in err and "encryption" in err
    write(tmp_path, ".mlcheck.yaml", "ignore: [encryptoin]\n")
    code, out, err = run_cli("stack.yaml", cwd=tmp_path)
    assert code == 2 and out == ""
    assert ".mlcheck.yaml: ignore: unknown rule selector 'encryptoin'" in err and "iam" in err


WIDE_WRITES = """\
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
      Policies:
        - PolicyName: logs
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [logs:CreateLogGroup, logs:CreateLogStream, logs:PutLogEvents]
                Resource: "*"
"""


def test_concise_keeps_the_particulars_for_full_and_json(tmp_path, run_cli):
    """A rule's particulars (the statement, every action) are not on the concise line; `full` shows them as
    `= detail:` and JSON keeps the complete message."""
    write(tmp_path, "stack.yaml", WIDE_WRITES)
    _, concise, _ = run_cli("stack.yaml", "--select", "MLC104", cwd=tmp_path)
    assert concise.splitlines() == [
        "stack.yaml:13:17: MLC104 [medium] Role 'Role' allows 3 write actions (logs:CreateLogGroup, ...) on '*' "
        "instead of the ARNs they need",
        "1 finding (1 medium) in 1 file checked"]
    _, full, _ = run_cli("stack.yaml", "--select", "MLC104", "-f", "full", cwd=tmp_path)
    assert full.splitlines()[0] == concise.splitlines()[0]
    detail = ("statement 1 of inline policy 'logs': logs:CreateLogGroup, logs:CreateLogStream, logs:PutLogEvents")
    assert f"  = detail: {detail}" in full.splitlines()
    _, out, _ = run_cli("stack.yaml", "--select", "MLC104", "-f", "json", cwd=tmp_path)
    [finding] = json.loads(out)["findings"]
    assert finding["message"] == concise.splitlines()[0].split("[medium] ", 1)[1] + f" ({detail})"

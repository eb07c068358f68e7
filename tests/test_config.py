"""Configuration files, precedence (defaults < config < command line), rule options and baselines."""

import json
import textwrap

import pytest

from conftest import ROOT
from test_cli import NOTEBOOK_DEFAULTS, write

ROLE = textwrap.dedent("""\
    Resources:
      Role:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Statement:
              - Effect: Allow
                Principal: {Service: lambda.amazonaws.com}
                Action: sts:AssumeRole
          ManagedPolicyArns:
            - arn:aws:iam::aws:policy/AdministratorAccess
            - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess
    """)


def rules_in(out):
    return {line.split(" ")[1] for line in out.splitlines() if ": MLC" in line}


def test_pyproject_config_found_upward_and_overridden_by_the_command_line(tmp_path, run_cli):
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n\n[tool.mlcheck]\nselect = ["MLC403"]\n')
    write(tmp_path, "infra/stack.yaml", NOTEBOOK_DEFAULTS)
    code, out, _ = run_cli("stack.yaml", cwd=tmp_path / "infra")
    assert rules_in(out) == {"MLC403"}
    _, out, _ = run_cli("stack.yaml", "--select", "MLC401", cwd=tmp_path / "infra")
    assert rules_in(out) == {"MLC401"}


def test_yaml_config_severity_fail_on_and_show_config(tmp_path, run_cli):
    write(tmp_path, ".mlcheck.yaml", "severity:\n  notebook-root-access: critical\nfail-on: critical\n"
                                     "select: [MLC4]\n")
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    code, out, _ = run_cli("stack.yaml", cwd=tmp_path)
    assert "MLC403 [critical]" in out and code == 1
    code, out, _ = run_cli("stack.yaml", "--fail-on", "high", "--show-config", cwd=tmp_path)
    assert code == 0
    assert 'fail-on = "high"  # command line' in out
    assert 'severity = {"MLC403": "critical"}  # ' in out and ".mlcheck.yaml (severity)" in out
    assert "jobs = 0  # default" in out


def test_environment_beats_config(tmp_path, run_cli):
    write(tmp_path, ".mlcheck.yaml", "output-format: junit\n")
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    _, out, _ = run_cli("stack.yaml", cwd=tmp_path)
    assert out.startswith("<?xml")
    _, out, _ = run_cli("stack.yaml", cwd=tmp_path, env={"MLCHECK_OUTPUT_FORMAT": "json"})
    assert json.loads(out)["summary"]["total"] == 3


@pytest.mark.parametrize("content, words", [
    ("selct: [MLC4]\n", "unknown key 'selct'"),
    ("fail-on: severe\n", "fail-on: expected one of"),
    ("severity: {MLC999: high}\n", "severity.MLC999: no such rule"),
    ("rules: {MLC102: {policy: [x]}}\n", "rules.MLC102: unknown option policy"),
    ("rules: {MLC407: {required-endpoints: s3}}\n", "rules.MLC407.required-endpoints: expected a list"),
    ("jobs: -1\n", "jobs: expected a whole number"),
    ("[not, a, mapping]\n", "expected a mapping"),
])
def test_bad_configuration_is_a_usage_error_naming_the_key(tmp_path, run_cli, content, words):
    write(tmp_path, ".mlcheck.yaml", content)
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    code, _, err = run_cli("stack.yaml", cwd=tmp_path)
    assert code == 2 and words in err


def test_explicit_config_path(tmp_path, run_cli):
    write(tmp_path, "conf/strict.yaml", "ignore: [MLC401]\n")
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    _, out, _ = run_cli("stack.yaml", "--config", "conf/strict.yaml", cwd=tmp_path)
    assert rules_in(out) == {"MLC403"}


def test_per_path_ignores(tmp_path, run_cli):
    write(tmp_path, ".mlcheck.yaml", "per-path-ignores:\n  'dev/*': [MLC4]\n")
    write(tmp_path, "dev/stack.yaml", NOTEBOOK_DEFAULTS)
    write(tmp_path, "prod/stack.yaml", NOTEBOOK_DEFAULTS)
    _, out, _ = run_cli(".", cwd=tmp_path)
    assert "prod/stack.yaml:11:5: MLC401" in out and "dev/stack.yaml" not in out


def test_rule_options(tmp_path, run_cli):
    write(tmp_path, "role.yaml", ROLE)
    _, out, _ = run_cli("role.yaml", "--select", "MLC102", cwd=tmp_path)
    assert "AdministratorAccess" in out and "AmazonS3ReadOnlyAccess" not in out
    write(tmp_path, ".mlcheck.yaml", "rules:\n  MLC102:\n    policies: [AmazonS3ReadOnlyAccess]\n")
    _, out, _ = run_cli("role.yaml", "--select", "MLC102", cwd=tmp_path)
    assert "AmazonS3ReadOnlyAccess" in out and "AdministratorAccess," not in out


def test_baseline_reports_only_new_findings(tmp_path, run_cli):
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    code, _, _ = run_cli("stack.yaml", "--write-baseline", "baseline.json", cwd=tmp_path)
    assert code == 0  # writing the baseline is the point: its findings do not fail that run
    entries = json.loads((tmp_path / "baseline.json").read_text())["findings"]
    assert len(entries) == 3
    # readable: a reviewer sees what was accepted, and nothing depends on line numbers
    assert all(set(e) == {"fingerprint", "rule", "file", "resource", "path", "message"} for e in entries)
    assert {e["rule"] for e in entries} >= {"MLC401"} and all(e["file"] == "stack.yaml" for e in entries)
    assert "line" not in (tmp_path / "baseline.json").read_text()
    # Moving lines does not change fingerprints; a new finding is reported.
    write(tmp_path, "stack.yaml", "# a comment that shifts every line\n" + NOTEBOOK_DEFAULTS.replace(
        "RootAccess: Disabled\n      DirectInternetAccess: !Ref FreeAccess",
        "RootAccess: Enabled\n      DirectInternetAccess: !Ref FreeAccess", 1))
    code, out, _ = run_cli("stack.yaml", "--baseline", "baseline.json", cwd=tmp_path)
    assert code == 1
    assert out.splitlines() == [
        "stack.yaml:26:7: MLC403 [medium] Notebook instance 'FreeNotebook' gives its users root access "
        "(RootAccess is Enabled)",
        "1 finding (1 medium) in 1 file checked; 3 in baseline",
    ]


def test_a_baseline_of_the_first_format_is_still_read(tmp_path, run_cli):
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    run_cli("stack.yaml", "--write-baseline", "baseline.json", cwd=tmp_path)
    entries = json.loads((tmp_path / "baseline.json").read_text())["findings"]
    (tmp_path / "old.json").write_text(json.dumps({"version": "0.1.0",
                                                    "fingerprints": [e["fingerprint"] for e in entries]}))
    code, out, _ = run_cli("stack.yaml", "--baseline", "old.json", cwd=tmp_path)
    assert code == 0 and "3 in baseline" in out


def test_find_config_walks_up_to_the_nearest_file(tmp_path):
    import os
    from pathlib import Path

    from mlcheck.engine.config import find_config

    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    (tmp_path / "a" / ".mlcheck.yaml").write_text("fail-on: high\n")
    (tmp_path / "a" / "b" / "pyproject.toml").write_text('[project]\nname = "x"\n')  # not mlcheck's
    (tmp_path / "a" / "b" / ".mlcheck.yml").mkdir()  # a directory of that name is not a configuration
    found = find_config(str(deep))
    assert isinstance(found, Path) and found == (tmp_path / "a" / ".mlcheck.yaml").resolve()
    (tmp_path / "a" / "b" / "pyproject.toml").write_text("[tool.mlcheck]\nfail-on = 'low'\n")
    assert find_config(str(deep)) == (tmp_path / "a" / "b" / "pyproject.toml").resolve()
    # through a symbolic link: the search follows the real directory, as Path.resolve() does
    os.symlink(deep, tmp_path / "link")
    assert find_config(str(tmp_path / "link")) == (tmp_path / "a" / "b" / "pyproject.toml").resolve()
    assert find_config(str(tmp_path)) is None or not str(find_config(str(tmp_path))).startswith(str(tmp_path))


def test_per_path_ignores_by_area_cover_rules_off_by_default(tmp_path, run_cli):
    """A prefix or an area in per-path-ignores drops the rules --ignore would drop, including a rule that is
    off by default and selected on the command line (MLC412 here)."""
    fixture = (ROOT / "fixtures" / "MLC412" / "fail-open-egress.yaml").read_text()
    write(tmp_path, "dev/stack.yaml", fixture)
    write(tmp_path, "prod/stack.yaml", fixture)
    for ignored in ("network", "MLC4"):
        write(tmp_path, ".mlcheck.yaml", f"per-path-ignores:\n  'dev/*': [{ignored}]\n")
        _, out, _ = run_cli(".", "--select", "MLC412", cwd=tmp_path)
        assert "prod/stack.yaml:" in out and "dev/stack.yaml" not in out, ignored

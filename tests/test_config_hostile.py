"""Configuration, parameter and baseline files that are broken or hostile: each is a usage error naming the
file (exit 2), found before any template is linted, never a traceback."""

import json

import pytest

from test_cli import NOTEBOOK_DEFAULTS, write
from test_hostile_fs import GOOD_FINDING, deadline, finding_lines, mlcheck  # noqa: F401 (deadline: a fixture)


@pytest.fixture
def no_linting(monkeypatch):
    """Fail the test if the run starts: the error must come first."""
    import mlcheck.engine.runner

    def run(*args, **kwargs):
        raise AssertionError("files were linted before the usage error")

    monkeypatch.setattr(mlcheck.engine.runner, "run", run)


def test_a_non_utf8_pyproject_in_a_parent_that_never_mentions_mlcheck_is_not_ours(tmp_path, run_cli):
    (tmp_path / "pyproject.toml").write_bytes(b'[project]\nname = "caf\xe9"\n')
    write(tmp_path, "infra/stack.yaml", NOTEBOOK_DEFAULTS)
    code, out, err = run_cli("stack.yaml", cwd=tmp_path / "infra")
    assert code == 1 and len(finding_lines(out, "stack.yaml:11:5: MLC401")) == 1


def test_a_non_utf8_pyproject_in_a_parent_with_mlcheck_settings_is_a_usage_error(tmp_path, run_cli, no_linting):
    (tmp_path / "pyproject.toml").write_bytes(b'[project]\nname = "caf\xe9"\n\n[tool.mlcheck]\nselect = ["MLC4"]\n')
    write(tmp_path, "infra/stack.yaml", NOTEBOOK_DEFAULTS)
    code, out, err = run_cli("stack.yaml", cwd=tmp_path / "infra")
    assert code == 2 and out == ""
    assert f"{tmp_path / 'pyproject.toml'}:2: not UTF-8 (invalid byte 0xe9)" in err
    assert "--config" in err  # says how to get past it


def test_a_broken_parent_pyproject_is_not_read_when_config_is_named(tmp_path, run_cli):
    (tmp_path / "pyproject.toml").write_bytes(b'[tool.mlcheck]\nselect = ["MLC4"\n')
    write(tmp_path, "infra/.settings.yaml", "select: [MLC401]\n")
    write(tmp_path, "infra/stack.yaml", NOTEBOOK_DEFAULTS)
    code, _, err = run_cli("stack.yaml", cwd=tmp_path / "infra")
    assert code == 2 and "pyproject.toml: invalid TOML" in err
    code, out, _ = run_cli("stack.yaml", "--config", ".settings.yaml", cwd=tmp_path / "infra")
    assert code == 1 and {line.split()[1] for line in out.splitlines() if ": MLC" in line} == {"MLC401"}


@pytest.mark.parametrize("text, words", [
    ('tool = "x"\n[project]\ndependencies = ["mlcheck"]\n', "'tool' must be a table, not a string"),
    ('[tool]\nmlcheck = "x"\n', "'tool.mlcheck' must be a table, not a string"),
    ("[tool]\nmlcheck = [1]\n", "'tool.mlcheck' must be a table, not an array"),
    ("tool.mlcheck.select = 5\n", "select: expected a list of rule IDs"),
    ("[tool.mlcheck]\nfail-on = 'severe'\n", "fail-on: expected one of"),
    ("[tool.mlcheck]\nselect = " + "[" * 100_000 + "]" * 100_000 + "\n", "nested too deeply"),
])
@pytest.mark.parametrize("how", ["found", "named"])
def test_a_pyproject_of_the_wrong_shape_is_a_usage_error_naming_it(tmp_path, run_cli, no_linting, text, words,
                                                                    how):
    write(tmp_path, "pyproject.toml", text)
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    args = ["--config", "pyproject.toml"] if how == "named" else []
    code, out, err = run_cli("stack.yaml", *args, cwd=tmp_path)
    assert code == 2 and out == ""
    assert "pyproject.toml" in err and words in err


def test_pyproject_settings_under_a_tool_table_are_found(tmp_path, run_cli):
    """`[tool]` with a dotted `mlcheck.select` is [tool.mlcheck] too (the old text search missed it)."""
    write(tmp_path, "pyproject.toml", '[tool]\nmlcheck.select = ["MLC403"]\n')
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    code, out, _ = run_cli("stack.yaml", cwd=tmp_path)
    assert code == 1 and {line.split()[1] for line in out.splitlines() if ": MLC" in line} == {"MLC403"}


@pytest.mark.parametrize("content, words", [
    ("select: " + "[" * 100_000 + "]" * 100_000 + "\n", "invalid YAML"),
    ("a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)),
     "1,000,000"),
    (b"select: [MLC4]\nignore: [caf\xe9]\n", "not UTF-8"),
])
def test_a_hostile_mlcheck_yaml_is_a_usage_error_naming_it(tmp_path, run_cli, no_linting, content, words):
    path = tmp_path / ".mlcheck.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    code, out, err = run_cli("stack.yaml", cwd=tmp_path)
    assert code == 2 and out == "" and str(path) in err and words in err


def test_an_unknown_rule_in_per_path_ignores_is_a_usage_error_before_linting(tmp_path, run_cli, no_linting):
    write(tmp_path, ".mlcheck.yaml", 'per-path-ignores:\n  "infra/*.yaml": [MLC401, MLC999]\n')
    write(tmp_path, "infra/stack.yaml", NOTEBOOK_DEFAULTS)
    code, out, err = run_cli("infra", cwd=tmp_path)
    assert code == 2 and out == ""
    assert ".mlcheck.yaml: per-path-ignores.infra/*.yaml: unknown rule selector 'MLC999'" in err


def test_known_rules_in_per_path_ignores_still_apply(tmp_path, run_cli):
    write(tmp_path, ".mlcheck.yaml", 'per-path-ignores:\n  "infra/*.yaml": [MLC401, notebook-root-access]\n')
    write(tmp_path, "infra/stack.yaml", NOTEBOOK_DEFAULTS)
    code, out, _ = run_cli("infra", cwd=tmp_path)
    assert code == 0 and "0 findings in 1 file checked" in out


@pytest.mark.parametrize("data, words", [
    ([{"ParameterKey": ["FreeAccess"], "ParameterValue": "Enabled"}], "parameter names must be non-empty strings"),
    ([{"ParameterKey": {"a": 1}, "ParameterValue": "Enabled"}], "parameter names must be non-empty strings"),
    ([{"ParameterKey": "FreeAccess", "ParameterValue": ["Enabled"]}], "parameter 'FreeAccess': expected a string"),
    ({"Parameters": {"FreeAccess": {"nested": 1}}}, "parameter 'FreeAccess': expected a string"),
    ({"Parameters": [1]}, "expected CloudFormation's format"),
])
def test_a_parameters_file_of_the_wrong_shape_is_a_usage_error_naming_it(tmp_path, run_cli, no_linting, data,
                                                                          words):
    write(tmp_path, "params.json", json.dumps(data))
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    code, out, err = run_cli("stack.yaml", "--parameters-file", "params.json", cwd=tmp_path)
    assert code == 2 and out == "" and "params.json" in err and words in err


def test_a_parameters_file_nested_100000_deep_is_a_usage_error(tmp_path):
    write(tmp_path, "params.json", "[" * 100_000 + "]" * 100_000)
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    code, out, err = mlcheck("stack.yaml", "--parameters-file", "params.json", cwd=tmp_path)
    assert code == 2 and out == ""
    assert "params.json: line 1: invalid JSON: document nested deeper than" in err


def test_parameters_files_in_both_formats_still_work(tmp_path, run_cli):
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    write(tmp_path, "cfn.json", json.dumps([{"ParameterKey": "FreeAccess", "ParameterValue": "Enabled"}]))
    write(tmp_path, "pipeline.json", json.dumps({"Parameters": {"FreeAccess": "Enabled"}}))
    for name in ("cfn.json", "pipeline.json"):
        code, out, _ = run_cli("stack.yaml", "--parameters-file", name, cwd=tmp_path)
        assert code == 1 and "FreeNotebook" in out


@pytest.mark.parametrize("content, words", [
    ("[" * 100_000 + "]" * 100_000, "nested deeper than"),
    ('{"fingerprints": [1, 2]}', "expected a baseline written by --write-baseline"),
    ('{"fingerprints": "abc"}', "expected a baseline written by --write-baseline"),
    ("[]", "expected a baseline written by --write-baseline"),
    ("{not json", "invalid JSON"),
])
def test_a_bad_baseline_is_a_usage_error_before_linting(tmp_path, run_cli, no_linting, content, words):
    write(tmp_path, "baseline.json", content)
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    code, out, err = run_cli("stack.yaml", "--baseline", "baseline.json", cwd=tmp_path)
    assert code == 2 and out == "" and "baseline.json" in err and words in err


def test_a_good_baseline_still_hides_known_findings(tmp_path, run_cli):
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    run_cli("stack.yaml", "--write-baseline", "baseline.json", cwd=tmp_path)
    code, out, _ = run_cli("stack.yaml", "--baseline", "baseline.json", cwd=tmp_path)
    assert code == 0 and not finding_lines(out, GOOD_FINDING)


def test_configuration_files_found_upward_are_never_opened_when_they_are_pipes(tmp_path, run_cli, deadline):
    import os

    os.mkfifo(tmp_path / "pyproject.toml")  # anyone's file name: not a regular file, so not a configuration
    write(tmp_path, "infra/stack.yaml", NOTEBOOK_DEFAULTS)
    code, out, _ = run_cli("stack.yaml", cwd=tmp_path / "infra")
    assert code == 1 and len(finding_lines(out, "stack.yaml:11:5: MLC401")) == 1
    os.mkfifo(tmp_path / ".mlcheck.yaml")  # mlcheck's own name: an error that names it
    code, out, err = run_cli("stack.yaml", cwd=tmp_path / "infra")
    assert code == 2 and out == "" and str(tmp_path / ".mlcheck.yaml") in err and "named pipe" in err

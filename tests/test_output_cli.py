"""The output a team wires into its tools, through the command (issue 10): JUnit that follows --fail-on, SARIF that
files only security rules as security alerts, GitLab Code Quality, --statistics, a docs URL per rule, and the
unknowns in machine output. Reporter details are in test_reporters.py; this is what the flags do end to end."""

import json
import re
import textwrap

import jsonschema
import pytest
from junitparser import JUnitXml

from conftest import GITLAB_SCHEMA, ROOT, SARIF_SCHEMA
from mlcheck.findings.severity import at_least

STACK = textwrap.dedent("""\
    AWSTemplateFormatVersion: "2010-09-09"
    Parameters:
      Access:
        Type: String
    Resources:
      Nb:
        Type: AWS::SageMaker::NotebookInstance
        Properties:
          InstanceType: ml.t3.medium
          RoleArn: arn:aws:iam::123456789012:role/r
          KmsKeyId: alias/notebooks
          SubnetId: subnet-0123456789abcdef0
          InstanceMetadataServiceConfiguration: {MinimumInstanceMetadataServiceVersion: "2"}
          RootAccess: Enabled
          DirectInternetAccess: Enabled
      Open:
        Type: AWS::SageMaker::NotebookInstance
        Properties:
          InstanceType: ml.t3.medium
          RoleArn: arn:aws:iam::123456789012:role/r
          KmsKeyId: alias/notebooks
          SubnetId: subnet-0123456789abcdef0
          InstanceMetadataServiceConfiguration: {MinimumInstanceMetadataServiceVersion: "2"}
          RootAccess: Enabled
          DirectInternetAccess: !Ref Access
    """)
SELECT = ("--select", "MLC401,MLC403")  # MLC401 high, MLC403 medium


@pytest.fixture
def repo(tmp_path):
    """A repository with the stack in infra/: uris are repository-relative, display paths relative to the cwd."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "stack.yaml").write_text(STACK)
    return tmp_path


def validator(path):
    schema = json.loads(path.read_text())
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


# -- junit -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fail_on, exit_code, failures, passed", [("low", 1, 3, 0), ("high", 1, 1, 2),
                                                                 ("critical", 0, 0, 3)])
def test_junit_failures_are_what_fails_the_run(repo, run_cli, fail_on, exit_code, failures, passed):
    code, out, _ = run_cli("-f", "junit", "--fail-on", fail_on, *SELECT, "infra", cwd=repo)
    assert code == exit_code
    report = JUnitXml.fromstring(out.encode())
    cases = [case for suite in report for case in suite]
    assert sum(c.is_failure for c in cases) == failures
    assert sum(c.is_passed for c in cases) == passed
    severity = {c.name: c._elem.find("properties/property[@name='severity']").get("value") for c in cases}
    assert {c.name for c in cases if c.is_failure} == {name for name, sev in severity.items()
                                                      if at_least(sev, fail_on)}


def test_junit_output_file_follows_fail_on_too(repo, run_cli):
    code, _, _ = run_cli("--fail-on", "high", *SELECT, "--output-file", "junit=report.xml", "infra", cwd=repo)
    assert code == 1
    report = JUnitXml.fromfile(str(repo / "report.xml"))
    assert sorted((c.name, c.is_failure) for suite in report for c in suite) == [
        ("MLC401 Nb", True), ("MLC403 Nb", False), ("MLC403 Open", False)]


# -- sarif -------------------------------------------------------------------------------------------------------

def test_sarif_through_the_command_is_valid_with_help_uris_and_unknowns(repo, run_cli):
    code, out, _ = run_cli("-f", "sarif", *SELECT, "stack.yaml", cwd=repo / "infra")
    assert code == 1
    log = json.loads(out)
    validator(SARIF_SCHEMA).validate(log)
    run = log["runs"][0]
    for rule in run["tool"]["driver"]["rules"]:
        page = rule["helpUri"].rsplit("/docs/rules/", 1)[1]
        assert (ROOT / "docs" / "rules" / page).is_file()
    [note] = [n for n in run["invocations"][0]["toolExecutionNotifications"] if n["level"] == "note"]
    assert note["associatedRule"]["id"] == "MLC401"
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "infra/stack.yaml"
    assert note["locations"][0]["physicalLocation"]["region"]["startLine"] == STACK.splitlines().index(
        "      DirectInternetAccess: !Ref Access") + 1


def test_sarif_availability_rule_is_no_security_alert(tmp_path, run_cli):
    (tmp_path / "endpoint.yaml").write_text(textwrap.dedent("""\
        Resources:
          Config:
            Type: AWS::SageMaker::EndpointConfig
            Properties:
              ProductionVariants:
                - VariantName: main
                  ModelName: m
                  InitialInstanceCount: 1
                  InstanceType: ml.m5.large
        """))
    _, out, _ = run_cli("-f", "sarif", "--select", "MLC501,MLC201", "endpoint.yaml", cwd=tmp_path)
    rules = {r["id"]: r["properties"] for r in json.loads(out)["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["MLC501"]["tags"] == ["reliability", "availability"]
    assert "security-severity" not in rules["MLC501"]
    assert rules["MLC201"]["tags"][0] == "security" and "security-severity" in rules["MLC201"]


# -- json --------------------------------------------------------------------------------------------------------

def test_json_has_urls_and_unknowns(repo, run_cli):
    code, out, err = run_cli("-f", "json", *SELECT, "infra", cwd=repo)
    data = json.loads(out)
    assert all((ROOT / "docs" / "rules" / f["url"].rsplit("/docs/rules/", 1)[1]).is_file() for f in data["findings"])
    [unknown] = data["unknowns"]
    assert (unknown["rule"], unknown["resource"], unknown["path"]) == (
        "MLC401", "Open", "/Resources/Open/Properties/DirectInternetAccess")
    assert "Access" in unknown["reason"] and unknown["unverified"] is None
    assert err == ""  # in the document, not only on stderr (--show-unknown)


# -- gitlab ------------------------------------------------------------------------------------------------------

def test_gitlab_on_stdout_and_as_an_output_file(repo, run_cli):
    code, out, _ = run_cli("-f", "gitlab", *SELECT, "--output-file", "gitlab=gl-code-quality.json", "stack.yaml",
                           cwd=repo / "infra")
    assert code == 1
    report = json.loads(out)
    validator(GITLAB_SCHEMA).validate(report)
    assert json.loads((repo / "infra" / "gl-code-quality.json").read_text()) == report
    assert sorted((i["check_name"], i["severity"]) for i in report) == [
        ("MLC401", "critical"), ("MLC403", "major"), ("MLC403", "major")]
    assert {i["location"]["path"] for i in report} == {"infra/stack.yaml"}  # from the repository's root
    assert len({i["fingerprint"] for i in report}) == 3


# -- statistics --------------------------------------------------------------------------------------------------

def test_statistics_replace_the_findings(repo, run_cli):
    code, out, _ = run_cli("--statistics", *SELECT, "infra", cwd=repo)
    assert code == 1  # the exit code is the run's, as without --statistics
    assert out.splitlines() == ["2  MLC403  notebook-root-access", "1  MLC401  notebook-direct-internet",
                                "3 findings (1 high, 2 medium) in 1 file checked"]


def test_statistics_as_json_and_with_other_machine_formats(repo, run_cli):
    _, out, _ = run_cli("--statistics", "-f", "json", *SELECT, "infra", cwd=repo)
    data = json.loads(out)
    assert [(s["rule"], s["count"]) for s in data["statistics"]] == [("MLC403", 2), ("MLC401", 1)]
    assert data["summary"]["total"] == 3
    _, text, _ = run_cli("--statistics", *SELECT, "infra", cwd=repo)
    _, sarif_table, _ = run_cli("--statistics", "-f", "sarif", *SELECT, "--output-file", "sarif=out.sarif", "infra",
                                cwd=repo)
    assert sarif_table == text  # no place for counts in SARIF: the table, as ruff prints it
    written = json.loads((repo / "out.sarif").read_text())  # files are full reports
    assert len(written["runs"][0]["results"]) == 3


def test_statistics_on_a_clean_run(tmp_path, run_cli):
    (tmp_path / "empty.yaml").write_text("Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n")
    code, out, _ = run_cli("--statistics", "empty.yaml", cwd=tmp_path)
    assert (code, out) == (0, "0 findings in 1 file checked\n")


# -- docs URL ----------------------------------------------------------------------------------------------------

def test_explain_prints_the_docs_url(run_cli):
    from mlcheck import REPOSITORY, __version__

    code, out, _ = run_cli("--explain", "MLC401")
    assert code == 0
    [line] = [line for line in out.splitlines() if line.startswith("Docs: ")]
    assert line == f"Docs: {REPOSITORY}/blob/v{__version__}/docs/rules/MLC401-notebook-direct-internet.md"


def test_every_rule_url_names_its_generated_page(run_cli):
    from mlcheck import REPOSITORY, __version__

    _, out, _ = run_cli("--list-rules", "-f", "json")
    rules = json.loads(out)
    pages = {p.name for p in (ROOT / "docs" / "rules").glob("MLC*.md")}
    prefix = f"{REPOSITORY}/blob/v{__version__}/docs/rules/"
    assert sorted(r["url"][len(prefix):] for r in rules if r["url"].startswith(prefix)) == sorted(pages)
    assert {r["category"] for r in rules} == {"security", "reliability", "correctness", "maintainability"}


# -- where the formats are listed --------------------------------------------------------------------------------

def test_every_format_is_documented_in_help_and_readme(run_cli):
    from mlcheck.cli import FORMATS
    from mlcheck.reporters import REPORTERS

    assert set(FORMATS) == set(REPORTERS)
    _, help_text, _ = run_cli("--help")
    help_text = " ".join(help_text.split())
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Output formats\n", 1)[1].split("\n## ", 1)[0]
    option_row = next(line for line in readme.splitlines() if line.startswith("| `--output-format`"))
    for fmt in FORMATS:
        assert fmt in help_text, fmt
        assert f"`{fmt}`" in option_row, fmt
        assert re.search(rf"^- `{fmt}`", section, re.M), fmt
    assert "--statistics" in help_text and "`--statistics`" in readme


def test_gitlab_from_the_configuration_file(repo, run_cli):
    (repo / ".mlcheck.yaml").write_text("output-format: gitlab\n")
    code, out, _ = run_cli(*SELECT, "infra", cwd=repo)
    assert code == 1 and {i["check_name"] for i in json.loads(out)} == {"MLC401", "MLC403"}


def test_junit_file_attribute_is_repository_relative(repo, run_cli):
    _, out, _ = run_cli("-f", "junit", *SELECT, "stack.yaml", cwd=repo / "infra")
    report = JUnitXml.fromstring(out.encode())
    assert [s.name for s in report] == ["stack.yaml"]  # the suite: the path as the user named it
    assert {c._elem.get("file") for s in report for c in s} == {"infra/stack.yaml"}


def test_rule_category_is_metadata_carried_by_the_index():
    from mlcheck.engine.registry import all_rules, rule_infos
    from mlcheck.engine.rule import CATEGORIES, Rule

    assert {info.id: info.category for info in rule_infos()} == {rule.id: rule.category for rule in all_rules()}
    assert {rule.category for rule in all_rules()} == set(CATEGORIES)
    assert Rule("MLC999", "x", "low", None).category == "correctness"  # an area with no category of its own
    assert Rule("MLC599", "x", "low", None).category == "reliability"
    assert Rule("MLC099", "x", "low", None, category="correctness").category == "correctness"
    with pytest.raises(ValueError, match="category must be one of"):
        Rule("MLC199", "x", "low", None, category="securty")

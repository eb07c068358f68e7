"""Output formats, on hand-built results: exact line formats, SPEC field order, SARIF schema validity, GitHub
escaping and annotation limits, well-formed JUnit."""

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from conftest import GITLAB_SCHEMA, SARIF_SCHEMA
from mlcheck.findings.result import Error, Finding, RunResult, UnknownValue
from mlcheck.reporters import REPORTERS, ReportOptions, get_reporter
from mlcheck.engine.rule import Rule, docs_url

DOCS = """{short}

## What it does
Checks {what}.

## Why is this bad?
Because.

## Example
```yaml
Bad: true
```

## Use instead
```yaml
Bad: false
```

## References
- https://example.com/{id}
"""


def make_rule(rule_id, name, severity, fix, short):
    return Rule(id=rule_id, name=name, severity=severity, check=None, fix=fix,
                peers={"checkov": [f"CKV_{rule_id}"]}, practice="Least privilege.",
                docs=DOCS.format(short=short, what=name, id=rule_id))


RULES = {
    "MLC001": make_rule("MLC001", "parse-error", "high", "Fix the syntax.", "A template cannot be parsed."),
    "MLC401": make_rule("MLC401", "notebook-direct-internet", "high", "Set DirectInternetAccess: Disabled.",
                        "Notebook instance has direct internet access."),
    "MLC403": make_rule("MLC403", "notebook-root-access", "medium", "Set RootAccess: Disabled.",
                        "Notebook instance users have root access."),
    "MLC501": make_rule("MLC501", "single-instance-variant", "low", "Use two instances.",
                        "Endpoint variant runs on one instance."),
}

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Nb:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RootAccess: Enabled
      DirectInternetAccess: Enabled
  Endpoint:
    Type: AWS::SageMaker::EndpointConfig
"""


def finding(rule_id, message, line, column=7, end_line=None, end_column=None, resource="Nb", file="stack.yaml",
            **extra):
    rule = RULES[rule_id]
    return Finding(
        rule_id=rule_id, rule_name=rule.name, severity=extra.pop("severity", rule.severity), message=message,
        file=file, line=line, column=column, end_line=end_line or line, end_column=end_column or column + 10,
        resource=resource, resource_type="AWS::SageMaker::NotebookInstance" if resource else None,
        path=("Resources", resource or "", "Properties", "X"), fix=rule.fix, uri=extra.pop("uri", file), **extra)


def sample_result():
    findings = [
        finding("MLC401", "Notebook 'Nb' has direct internet access", 8, 7, end_column=36),
        finding("MLC403", "Notebook 'Nb' gives its users root access", 7, 7, end_column=26),
        finding("MLC501", "Endpoint has one instance", 9, 3, end_line=10, end_column=41, resource="Endpoint",
                suppressed=True, suppression_reason="dev endpoint, single instance is intended"),
    ]
    errors = [Error("broken.yaml", 3, "invalid YAML: did not find expected ',' or ']'", column=4,
                    uri="broken.yaml")]
    result = RunResult(findings=findings, errors=errors, files_checked=2,
                       rules={r: RULES[r] for r in ("MLC401", "MLC403", "MLC501")})
    return result.sorted()


def options(**kw):
    return ReportOptions(version="9.9.9", **kw)


def render(fmt, result=None, **kw):
    return get_reporter(fmt).render(result or sample_result(), options(**kw))


ANSI = re.compile(r"\x1b\[[0-9;]*m")


# -- registry ----------------------------------------------------------------------------------------------------

def test_every_format_has_a_render_function():
    for name in REPORTERS:
        assert callable(get_reporter(name).render)
    with pytest.raises(ValueError, match="unknown output format 'xml'"):
        get_reporter("xml")


def test_reporter_modules_are_imported_only_when_asked_for():
    code = ("import sys, mlcheck.reporters as r; r.get_reporter('concise'); "
            "print(sorted(m for m in sys.modules if m in r.REPORTERS.values() or m.startswith('xml')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['mlcheck.reporters.concise']"


# -- concise -----------------------------------------------------------------------------------------------------

def test_concise_lines_and_summary():
    lines = render("concise").splitlines()
    assert lines == [
        "broken.yaml:3:4: MLC001 [error] invalid YAML: did not find expected ',' or ']'",
        "stack.yaml:7:7: MLC403 [medium] Notebook 'Nb' gives its users root access",
        "stack.yaml:8:7: MLC401 [high] Notebook 'Nb' has direct internet access",
        "2 findings (1 high, 1 medium) in 2 files checked; 1 suppressed, 1 error",
    ]


def test_concise_names_the_resource_only_when_the_message_does_not_quote_it():
    result = RunResult(findings=[
        finding("MLC401", "Notebook 'Nb' has direct internet access", 8),
        finding("MLC403", "Root access is enabled", 7),  # does not name it
        # the resource is called like the message's first word, but the message quotes another name
        finding("MLC501", "Endpoint 'Prod' has one instance", 9, resource="Endpoint"),
        finding("MLC403", 'Notebook "Nb2" gives its users root access', 6, resource="Nb2"),
        finding("MLC403", "Notebook 'Nb20' gives its users root access", 5, resource="Nb2"),  # another name
    ], files_checked=1).sorted()
    lines = render("concise", result).splitlines()
    assert lines[:-1] == [
        "stack.yaml:5:7: MLC403 [medium] Notebook 'Nb20' gives its users root access (Resource: Nb2)",
        "stack.yaml:6:7: MLC403 [medium] Notebook \"Nb2\" gives its users root access",
        "stack.yaml:7:7: MLC403 [medium] Root access is enabled (Resource: Nb)",
        "stack.yaml:8:7: MLC401 [high] Notebook 'Nb' has direct internet access",
        "stack.yaml:9:7: MLC501 [low] Endpoint 'Prod' has one instance (Resource: Endpoint)",
    ]


def test_one_summary_wording_with_and_without_findings():
    one = RunResult(findings=[finding("MLC401", "Notebook 'Nb' has direct internet access", 8)], files_checked=1)
    assert one.summary_line() == "1 finding (1 high) in 1 file checked"
    many = RunResult(findings=[finding("MLC401", "Notebook 'Nb' has direct internet access", 8)], files_checked=4)
    assert many.summary_line() == "1 finding (1 high) in 4 files checked"
    assert RunResult(files_checked=1).summary_line() == "0 findings in 1 file checked"
    for fmt in ("concise", "full"):
        assert render(fmt, many).splitlines()[-1] == "1 finding (1 high) in 4 files checked"


def test_concise_prints_the_short_message_and_full_its_detail(tmp_path):
    (tmp_path / "stack.yaml").write_text(TEMPLATE)
    long = finding("MLC401", "Notebook 'Nb' has direct internet access (statement 2 of inline policy 'p')", 8,
                   summary="Notebook 'Nb' has direct internet access", detail="statement 2 of inline policy 'p'")
    result = RunResult(findings=[long], files_checked=1)
    concise = render("concise", result).splitlines()
    assert concise[0] == "stack.yaml:8:7: MLC401 [high] Notebook 'Nb' has direct internet access"
    full = render("full", result, cwd=str(tmp_path)).split("\n\n")[0].splitlines()
    assert full[0] == concise[0]
    assert full[-2:] == ["  = detail: statement 2 of inline policy 'p'", f"  = help: {long.fix}"]
    # the machine formats carry the complete message
    document = json.loads(render("json", result))
    assert document["findings"][0]["message"] == long.message


def test_concise_without_findings_prints_only_the_summary():
    assert render("concise", RunResult(files_checked=3)) == "0 findings in 3 files checked\n"


def test_concise_colour_only_when_asked_and_same_text():
    plain = render("concise")
    coloured = render("concise", color=True)
    assert "\x1b[" not in plain
    assert "\x1b[1mMLC401\x1b[0m" in coloured  # rule id bold
    assert "\x1b[31m[high]" in coloured and "\x1b[33m[medium]" in coloured  # severity coloured by level
    assert ANSI.sub("", coloured) == plain


def test_parse_failure_recorded_as_error_and_mlc001_finding_is_shown_once():
    result = sample_result()
    result.findings.append(finding("MLC001", result.errors[0].message, 3, 4, end_column=4, resource=None,
                                   file="broken.yaml"))
    result.sorted()
    out = render("concise", result)
    assert out.count("did not find expected") == 1
    assert "broken.yaml:3:4: MLC001 [high] invalid YAML" in out


# -- full --------------------------------------------------------------------------------------------------------

def test_full_shows_source_caret_and_help(tmp_path):
    (tmp_path / "stack.yaml").write_text(TEMPLATE)
    out = render("full", cwd=str(tmp_path))
    entries = out.split("\n\n")
    assert len(entries) == 4  # error, two findings, summary: one blank line between each
    root_access = next(e for e in entries if "MLC403" in e).splitlines()
    assert root_access[0] == "stack.yaml:7:7: MLC403 [medium] Notebook 'Nb' gives its users root access"
    assert root_access[1:] == [
        "  |",
        "5 |     Properties:",
        "6 |       InstanceType: ml.t3.medium",
        "7 |       RootAccess: Enabled",
        "  |       " + "^" * 19,  # columns 7..26 (end exclusive)
        "8 |       DirectInternetAccess: Enabled",
        "9 |   Endpoint:",
        "  |",
        "  = help: Set RootAccess: Disabled.",
    ]
    assert entries[-1] == "2 findings (1 high, 1 medium) in 2 files checked; 1 suppressed, 1 error\n"


def test_full_marks_multi_line_spans_with_a_margin(tmp_path):
    (tmp_path / "stack.yaml").write_text(TEMPLATE)
    result = RunResult(findings=[finding("MLC401", "missing", 5, 5, end_line=8, end_column=36)], files_checked=1)
    lines = render("full", result, cwd=str(tmp_path)).splitlines()
    assert " 4 |       Type: AWS::SageMaker::NotebookInstance" in lines  # outside the span: blank margin
    assert " 5 | |     Properties:" in lines
    assert " 8 | |       DirectInternetAccess: Enabled" in lines
    assert " 9 |     Endpoint:" in lines
    assert not any(set(line.strip(" |")) == {"^"} for line in lines)


def test_full_without_readable_source_keeps_message_and_help(tmp_path):
    result = RunResult(findings=[finding("MLC401", "from stdin", 8, file="<stdin>")], files_checked=1)
    out = render("full", result, cwd=str(tmp_path))
    assert out.splitlines()[:2] == ["<stdin>:8:7: MLC401 [high] from stdin (Resource: Nb)",  # not named: kept
                                    "  = help: Set DirectInternetAccess: Disabled."]


# -- json --------------------------------------------------------------------------------------------------------

SPEC_FINDING_KEYS = ["rule", "name", "severity", "message", "file", "line", "column", "end_line", "end_column",
                     "resource", "resource_type", "path", "fix", "suppressed", "suppression_reason", "fingerprint",
                     "url"]


def test_json_matches_the_spec_shape():
    result = sample_result()
    data = json.loads(render("json", result))
    assert list(data) == ["version", "findings", "errors", "unknowns", "summary"]
    assert data["version"] == "9.9.9"
    assert len(data["findings"]) == 3  # suppressed included
    for item in data["findings"]:
        assert list(item) == SPEC_FINDING_KEYS
    suppressed = [f for f in data["findings"] if f["suppressed"]]
    assert [f["rule"] for f in suppressed] == ["MLC501"]
    assert suppressed[0]["suppression_reason"] == "dev endpoint, single instance is intended"
    assert data["findings"][0]["path"] == "/Resources/Nb/Properties/X"
    assert data["findings"][0]["fingerprint"] == result.findings[0].fingerprint
    assert data["errors"] == [{"file": "broken.yaml", "line": 3,
                               "message": "invalid YAML: did not find expected ',' or ']'"}]
    assert data["summary"] == {"critical": 0, "high": 1, "medium": 1, "low": 0, "info": 0, "total": 2,
                               "suppressed": 1, "errors": 1, "files_checked": 2, "files_with_findings": 1,
                               "unverified": 0}


def unknown_values():
    return [
        UnknownValue("MLC401", "stack.yaml", 8, "Nb", ("Resources", "Nb", "Properties", "DirectInternetAccess"),
                     "parameter 'Access' has no Default and no --parameter value", column=7, uri="infra/stack.yaml"),
        UnknownValue("MLC201", "stack.yaml", 4, "Nb", ("Resources", "Nb"), "too many conditions (A, B)",
                     unverified="too many conditions", severity="high", column=3, uri="infra/stack.yaml"),
    ]


def test_json_lists_the_unknowns():
    result = sample_result()
    result.unknowns = unknown_values()
    data = json.loads(render("json", result))
    assert data["unknowns"] == [
        {"rule": "MLC201", "file": "stack.yaml", "line": 4, "column": 3, "resource": "Nb", "path": "/Resources/Nb",
         "reason": "too many conditions (A, B)", "unverified": "too many conditions"},
        {"rule": "MLC401", "file": "stack.yaml", "line": 8, "column": 7, "resource": "Nb",
         "path": "/Resources/Nb/Properties/DirectInternetAccess",
         "reason": "parameter 'Access' has no Default and no --parameter value", "unverified": None},
    ]
    assert data["summary"]["unverified"] == 1
    assert json.loads(render("json", RunResult()))["unknowns"] == []


def test_json_links_each_finding_to_its_rule_page():
    from mlcheck import REPOSITORY, __version__

    data = json.loads(render("json"))
    urls = {f["rule"]: f["url"] for f in data["findings"]}
    assert urls["MLC401"] == f"{REPOSITORY}/blob/v{__version__}/docs/rules/MLC401-notebook-direct-internet.md"
    assert urls["MLC501"].endswith("/docs/rules/MLC501-single-instance-variant.md")


# -- sarif -------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sarif_validator():
    schema = json.loads(SARIF_SCHEMA.read_text())
    cls = jsonschema.validators.validator_for(schema)  # the schema's own $schema picks the draft
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def sarif(result=None, **kw):
    return json.loads(render("sarif", result, **kw))


def test_sarif_is_valid(sarif_validator, tmp_path):
    log = sarif(root=str(tmp_path))
    sarif_validator.validate(log)
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run = log["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"


def test_sarif_describes_every_rule_that_fired(sarif_validator):
    run = sarif()["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("mlcheck", "9.9.9")
    rules = {r["id"]: r for r in driver["rules"]}
    assert set(rules) == {"MLC401", "MLC403", "MLC501"}  # MLC501 fired only suppressed
    r401 = rules["MLC401"]
    assert r401["name"] == "notebook-direct-internet"
    assert r401["shortDescription"]["text"] == "Notebook instance has direct internet access."
    assert r401["fullDescription"]["text"] == "Checks notebook-direct-internet."
    for text in ("## Why is this bad?", "## Use instead", "Set DirectInternetAccess: Disabled.", "CKV_MLC401"):
        assert text in r401["help"]["markdown"]
    assert r401["defaultConfiguration"]["level"] == "error"
    assert rules["MLC403"]["defaultConfiguration"]["level"] == "warning"
    assert r401["properties"]["tags"] == ["security", "network"]
    for rule in driver["rules"]:
        if "security" in rule["properties"]["tags"]:
            severity = rule["properties"]["security-severity"]
            assert isinstance(severity, str) and 0.0 < float(severity) <= 10.0
    assert float(r401["properties"]["security-severity"]) > float(rules["MLC403"]["properties"]["security-severity"])
    for res in run["results"]:
        assert driver["rules"][res["ruleIndex"]]["id"] == res["ruleId"]


def test_sarif_locations(sarif_validator):
    result = sample_result()
    result.findings.append(finding("MLC403", "at the top", 0, 0, end_line=0, end_column=0))
    log = sarif(result)
    sarif_validator.validate(log)
    for res in log["runs"][0]["results"]:
        loc = res["locations"][0]
        uri = loc["physicalLocation"]["artifactLocation"]["uri"]
        assert not uri.startswith("/") and not uri.startswith("file:")
        assert loc["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        region = loc["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert region["endLine"] >= region["startLine"]
    first = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "MLC401")
    assert first["locations"][0]["logicalLocations"] == [
        {"name": "Nb", "kind": "resource", "fullyQualifiedName": "stack.yaml#Nb"}]
    assert first["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 8, "startColumn": 7, "endLine": 8, "endColumn": 36}


def test_sarif_uri_is_repo_relative_and_encoded():
    result = RunResult(findings=[finding("MLC401", "m", 3, file="../stack one.yaml", uri="infra/stack one.yaml")])
    loc = sarif(result)["runs"][0]["results"][0]["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"]["uri"] == "infra/stack%20one.yaml"


def test_sarif_fingerprint_ignores_line_moves():
    def fingerprints(shift):
        result = sample_result()
        for f in result.findings:
            f.line += shift
            f.end_line += shift
        return {r["ruleId"]: r["partialFingerprints"]["mlcheck/v1"] for r in sarif(result)["runs"][0]["results"]}

    assert fingerprints(0) == fingerprints(12)
    moved_resource = sample_result()
    moved_resource.findings[0].resource = "Other"
    changed = sarif(moved_resource)["runs"][0]["results"]
    assert {r["partialFingerprints"]["mlcheck/v1"] for r in changed} != set(fingerprints(0).values())


def test_sarif_suppressions_and_errors():
    run = sarif()["runs"][0]
    by_rule = {r["ruleId"]: r for r in run["results"]}
    assert by_rule["MLC501"]["suppressions"] == [
        {"kind": "inSource", "justification": "dev endpoint, single instance is intended"}]
    assert "suppressions" not in by_rule["MLC401"]
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    [note] = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and "did not find expected" in note["message"]["text"]
    assert note["locations"][0]["physicalLocation"]["region"]["startLine"] == 3

    clean = sarif(RunResult(files_checked=1))["runs"][0]
    assert clean["invocations"][0]["executionSuccessful"] is True
    assert clean["results"] == [] and clean["tool"]["driver"]["rules"] == []


def test_sarif_format_checks_are_real(sarif_validator):
    """rfc3986-validator (the [test] extra) makes jsonschema check the schema's `uri` formats: without it they pass
    anything, and the validity tests would not see a broken helpUri or artifact URI."""
    assert not sarif_validator.format_checker.conforms("not a uri", "uri")
    assert sarif_validator.format_checker.conforms("https://example.com/x.md", "uri")


def test_sarif_tags_only_security_rules_as_security(sarif_validator):
    result = sample_result()
    result.findings.append(finding("MLC001", "invalid YAML", 3, 4, resource=None, file="broken.yaml"))
    result.rules["MLC001"] = RULES["MLC001"]
    log = sarif(result.sorted())
    sarif_validator.validate(log)
    rules = {r["id"]: r["properties"] for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["MLC401"]["tags"] == ["security", "network"] and rules["MLC403"]["security-severity"] == "5.5"
    assert rules["MLC501"] == {"tags": ["reliability", "availability"], "precision": "high"}
    assert rules["MLC001"]["tags"] == ["maintainability", "meta"]  # the test's MLC001 says no category
    assert "security-severity" not in rules["MLC001"]


def test_sarif_category_of_every_real_rule():
    """Each rule of the pack, firing: security-severity exactly on the security rules; parse errors,
    suppressions, availability, deployment correctness and operational monitoring are not security alerts."""
    from mlcheck.engine.registry import all_rules

    rules = all_rules()
    result = RunResult(findings=[Finding(r.id, r.name, r.severity, "m", "t.yaml", 1, 1, 1, 2) for r in rules],
                       rules={r.id: r for r in rules})
    described = {r["id"]: r for r in sarif(result)["runs"][0]["tool"]["driver"]["rules"]}
    security = {rid for rid, r in described.items() if "security-severity" in r["properties"]}
    assert security == {rid for rid, r in described.items() if r["properties"]["tags"][0] == "security"}
    for rid in ("MLC001", "MLC002", "MLC003", "MLC004", "MLC501", "MLC507", "MLC601", "MLC603", "MLC701", "MLC708"):
        assert rid not in security, rid
    assert described["MLC001"]["properties"]["tags"] == ["correctness", "meta"]
    assert described["MLC003"]["properties"]["tags"] == ["maintainability", "meta"]
    assert described["MLC505"]["properties"]["tags"] == ["reliability", "availability"]
    assert described["MLC703"]["properties"]["tags"] == ["correctness", "deployment"]
    assert described["MLC603"]["properties"]["tags"] == ["reliability", "monitoring"]
    for rid in ("MLC101", "MLC203", "MLC303", "MLC401", "MLC605", "MLC612"):
        assert rid in security, rid


def test_sarif_help_uri_is_the_rules_page(sarif_validator):
    from mlcheck import REPOSITORY, __version__

    log = sarif()
    sarif_validator.validate(log)
    uris = {r["id"]: r["helpUri"] for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert uris["MLC401"] == f"{REPOSITORY}/blob/v{__version__}/docs/rules/MLC401-notebook-direct-internet.md"
    assert set(uris) == {"MLC401", "MLC403", "MLC501"}


def test_sarif_unknowns_are_located_notes_naming_their_rule(sarif_validator):
    result = sample_result()
    result.unknowns = unknown_values()
    log = sarif(result)
    sarif_validator.validate(log)
    run = log["runs"][0]
    notes = [n for n in run["invocations"][0]["toolExecutionNotifications"] if n["level"] == "note"]
    assert [n["associatedRule"]["id"] for n in notes] == ["MLC201", "MLC401"]
    index = {r["id"]: i for i, r in enumerate(run["tool"]["driver"]["rules"])}
    assert notes[1]["associatedRule"] == {"id": "MLC401", "index": index["MLC401"]}
    assert notes[0]["associatedRule"] == {"id": "MLC201"}  # did not fire: no descriptor to point at
    note = notes[1]
    assert "parameter 'Access' has no Default" in note["message"]["text"]
    location = note["locations"][0]
    assert location["physicalLocation"]["artifactLocation"] == {"uri": "infra/stack.yaml", "uriBaseId": "%SRCROOT%"}
    assert location["physicalLocation"]["region"]["startLine"] == 8
    assert location["physicalLocation"]["region"]["startColumn"] == 7
    assert location["logicalLocations"] == [{"name": "Nb", "kind": "resource"}]
    assert note["properties"] == {"path": "/Resources/Nb/Properties/DirectInternetAccess"}
    assert notes[0]["properties"]["unverified"] == "too many conditions"
    # the unknowns are no results: the run found nothing more
    assert len(run["results"]) == len(sample_result().findings)


# -- github ------------------------------------------------------------------------------------------------------

@pytest.fixture
def no_step_summary(monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def test_github_commands(no_step_summary):
    lines = render("github").splitlines()
    assert lines == [
        "::error file=broken.yaml,line=3,endLine=3,col=4,endColumn=4,title=mlcheck error::"
        "invalid YAML: did not find expected ',' or ']'",
        "::error file=stack.yaml,line=8,endLine=8,col=7,endColumn=35,title=MLC401 notebook-direct-internet::"
        "Notebook 'Nb' has direct internet access",
        "::warning file=stack.yaml,line=7,endLine=7,col=7,endColumn=25,title=MLC403 notebook-root-access::"
        "Notebook 'Nb' gives its users root access",
        "2 findings (1 high, 1 medium) in 2 files checked; 1 suppressed, 1 error",
    ]


def test_github_levels_and_multi_line_spans(no_step_summary):
    result = RunResult(findings=[
        finding("MLC401", "crit", 3, severity="critical"),
        finding("MLC501", "low one", 4, end_line=6),
        finding("MLC403", "fyi", 5, severity="info"),
    ])
    lines = render("github", result).splitlines()
    assert lines[0].startswith("::error ") and "::crit" in lines[0]
    assert lines[1].startswith("::warning file=stack.yaml,line=4,endLine=6,title=")  # no columns across lines
    assert lines[2].startswith("::notice ") and lines[2].endswith("::fyi")


def test_github_escaping(no_step_summary):
    nasty = finding("MLC401", "100% open,\nsecond line: yes\r", 3, file="dir,a:b/%x.yaml", uri="dir,a:b/%x.yaml")
    nasty.rule_name = "name,with:colon"
    line = render("github", RunResult(findings=[nasty])).splitlines()[0]
    assert line == ("::error file=dir%2Ca%3Ab/%25x.yaml,line=3,endLine=3,col=7,endColumn=16,"
                    "title=MLC401 name%2Cwith%3Acolon::100%25 open,\\nsecond line: yes\\r")  # shown, not broken


def test_github_caps_annotations_per_level(no_step_summary):
    findings = [finding("MLC401", f"high {i}", i + 1) for i in range(13)]
    findings += [finding("MLC403", f"medium {i}", i + 1) for i in range(4)]
    findings += [finding("MLC403", f"info {i}", i + 1, severity="info") for i in range(12)]
    out = render("github", RunResult(findings=findings)).splitlines()
    commands = [line for line in out if line.startswith("::")]
    assert sum(c.startswith("::error ") for c in commands) == 10
    assert sum(c.startswith("::warning ") for c in commands) == 4
    notices = [c for c in commands if c.startswith("::notice")]
    assert len(notices) == 10  # 9 findings + the overflow notice, which must not itself be dropped
    overflow = [c for c in notices if c.startswith("::notice::")]
    assert len(overflow) == 1 and "6 more" in overflow[0]  # 3 high + 3 info
    # The findings that got no annotation are still in the log.
    assert sum(1 for line in out if not line.startswith("::") and " MLC401 [high] high " in line) == 3
    assert out[-1].startswith("29 findings")


def test_github_annotates_the_most_severe_first(no_step_summary):
    findings = [finding("MLC401", f"high {i}", i + 1) for i in range(10)]
    findings.append(finding("MLC401", "critical late", 99, severity="critical"))
    errors = [line for line in render("github", RunResult(findings=findings)).splitlines()
              if line.startswith("::error ")]
    assert errors[0].endswith("::critical late")


def test_github_step_summary(tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = sample_result()
    result.findings[0].message = "pipe | in <message>"
    render("github", result)
    text = summary.read_text()
    assert text.startswith("earlier step\n")  # appended, not overwritten
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert rows[0] == "| Location | Rule | Severity | Resource | Message |"
    assert len(rows) == 2 + 3  # header, separator, error + two unsuppressed findings (not the suppressed one)
    assert any(r"pipe \| in &lt;message&gt;" in row for row in rows)
    assert all(len(re.split(r"(?<!\\)\|", row)) == 5 + 2 for row in rows)  # five cells in every row
    assert not any("single instance" in row or "MLC501" in row for row in rows)


def test_github_step_summary_stays_under_githubs_1_mib_and_says_what_it_left_out(tmp_path, monkeypatch):
    """5,000 findings with long messages: GitHub would refuse a summary over 1 MiB and show none of it."""
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    findings = [finding("MLC401", f"finding {i} " + "detail " * 40, i + 1) for i in range(5000)]
    render("github", RunResult(findings=findings, files_checked=1))
    text = (tmp_path / "summary.md").read_text()
    assert len(text.encode()) < 1024 * 1024
    rows = text.count("| stack.yaml:")
    assert 1000 < rows < 5000
    assert f"{5000 - rows} more findings are left out" in text


def test_github_overflow_notice_points_to_the_summary(tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    findings = [finding("MLC401", f"high {i}", i + 1) for i in range(11)]
    out = render("github", RunResult(findings=findings))
    assert "::notice::1 more" in out and "job summary" in out
    assert (tmp_path / "summary.md").read_text().count("| stack.yaml:") == 11


# -- junit -------------------------------------------------------------------------------------------------------

def junit(result=None, **kw):
    """The report as a real consumer reads it."""
    from junitparser import JUnitXml

    return JUnitXml.fromstring(render("junit", result, **kw).encode("utf-8"))


def outcomes(report) -> dict:
    """suite name -> {case name: 'failure' | 'error' | 'skipped' | 'passed'}, read by junitparser."""
    def outcome(case):
        return ("error" if case.is_error else "failure" if case.is_failure else
                "skipped" if case.is_skipped else "passed")

    return {suite.name: {case.name: outcome(case) for case in suite} for suite in report}


def counted(report) -> tuple:
    """(tests, failures, errors, skipped) as the report declares them, checked against its test cases."""
    cases = [c for suite in report for c in suite]
    declared = tuple(int(report._elem.get(a)) for a in ("tests", "failures", "errors", "skipped"))
    actual = (len(cases), sum(c.is_failure for c in cases), sum(c.is_error for c in cases),
              sum(c.is_skipped for c in cases))
    assert declared == actual
    for suite in report:
        assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (
            len(list(suite)), sum(c.is_failure for c in suite), sum(c.is_error for c in suite),
            sum(c.is_skipped for c in suite))
    return declared


def test_junit_fails_only_findings_at_or_above_fail_on():
    # MLC401 high, MLC403 medium, MLC501 low and suppressed, and an unparseable file
    assert outcomes(junit(fail_on="low")) == {
        "broken.yaml": {"MLC001 could not be checked": "error"},
        "stack.yaml": {"MLC403 Nb": "failure", "MLC401 Nb": "failure", "MLC501 Endpoint": "skipped"}}
    report = junit(fail_on="high")
    assert outcomes(report)["stack.yaml"] == {"MLC403 Nb": "passed", "MLC401 Nb": "failure",
                                              "MLC501 Endpoint": "skipped"}
    assert counted(report) == (4, 1, 1, 1)
    assert counted(junit(fail_on="critical")) == (4, 0, 1, 1)


def test_junit_passing_and_skipped_cases_carry_the_finding():
    report = junit(fail_on="high")
    cases = {c.name: c for suite in report for c in suite}
    passed = cases["MLC403 Nb"]
    assert passed.result == []
    assert "Notebook 'Nb' gives its users root access" in passed.system_out
    assert "Severity: medium" in passed.system_out and "Fix: Set RootAccess: Disabled." in passed.system_out
    [skipped] = cases["MLC501 Endpoint"].result
    assert skipped.message == "suppressed: dev endpoint, single instance is intended"
    assert "Endpoint has one instance" in cases["MLC501 Endpoint"].system_out
    [failure] = cases["MLC401 Nb"].result
    assert failure.type == "MLC401" and failure.message == "Notebook 'Nb' has direct internet access"
    assert "Fix: Set DirectInternetAccess: Disabled." in failure.text


def test_junit_names_carry_no_line_and_stay_put_when_lines_move():
    def cases(shift):
        result = sample_result()
        result.findings += [finding("MLC401", "again", 8, 20), finding("MLC401", "and again", 8, 30),
                            finding("MLC403", "other file", 2, file="other.yaml")]
        for f in result.findings:
            f.line += shift
        report = junit(result.sorted())
        return {suite.name: [(c.name, c._elem.get("file"), c._elem.get("line")) for c in suite] for suite in report}

    before, after = cases(0), cases(40)
    names = {suite: [name for name, _, _ in entries] for suite, entries in before.items()}
    assert names == {"broken.yaml": ["MLC001 could not be checked"], "other.yaml": ["MLC403 Nb"],
                     "stack.yaml": ["MLC403 Nb", "MLC401 Nb", "MLC401 Nb (2)", "MLC401 Nb (3)", "MLC501 Endpoint"]}
    assert {suite: [name for name, _, _ in entries] for suite, entries in after.items()} == names
    # the line is an attribute: it moves, the name does not
    assert before["stack.yaml"][0] == ("MLC403 Nb", "stack.yaml", "7")
    assert after["stack.yaml"][0] == ("MLC403 Nb", "stack.yaml", "47")


def test_junit_properties_locate_the_finding():
    cases = {c.name: c for suite in junit() for c in suite}
    props = {p.get("name"): p.get("value") for p in cases["MLC401 Nb"]._elem.iter("property")}
    assert props["line"] == "8" and props["column"] == "7" and props["severity"] == "high"
    assert props["path"] == "/Resources/Nb/Properties/X"
    assert props["fingerprint"] == sample_result().findings[1].fingerprint


def test_junit_escapes_input_text():
    result = sample_result()
    result.findings.append(finding("MLC401", "<&\"'>\x01", 8, 30, resource="<Nb&>"))
    root = ET.fromstring(render("junit", result.sorted()))
    assert any(f.get("message").startswith("<&\"'>") for f in root.iter("failure"))
    assert "MLC401 <Nb&>" in [c.get("name") for c in root.iter("testcase")]


def test_junit_fails_an_unverified_check_that_fails_the_run():
    result = RunResult(files_checked=1, unknowns=[
        UnknownValue("MLC401", "stack.yaml", 4, "Nb", ("Resources", "Nb"), "too many conditions (A, B)",
                     unverified="too many conditions", severity="high"),
        UnknownValue("MLC403", "stack.yaml", 4, "Nb", ("Resources", "Nb"), "too many conditions (A, B)",
                     unverified="too many conditions", severity="medium"),
        UnknownValue("MLC401", "stack.yaml", 9, "Nb", ("Resources", "Nb", "Properties", "X"), "parameter P")])
    assert result.failing_unverified("high", "low")
    report = junit(result, fail_on="low", fail_on_unverified="high")
    assert outcomes(report) == {"stack.yaml": {"MLC401 Nb could not be verified": "failure"}}
    assert counted(junit(result, fail_on_unverified="never")) == (1, 0, 0, 0)  # the clean-run case


def test_junit_clean_run_has_one_passing_case():
    report = junit(RunResult(files_checked=4))
    [suite] = list(report)
    [case] = list(suite)
    assert suite.name == "mlcheck" and counted(report) == (1, 0, 0, 0)
    assert case.is_passed and "4 files" in case.name


def test_junit_parse_error_finding_not_reported_twice():
    error = Error("broken.yaml", 3, "bad", column=4)
    dup = finding("MLC001", "bad", 3, 4, resource=None, file="broken.yaml")
    report = junit(RunResult(findings=[dup], errors=[error]))
    assert outcomes(report) == {"broken.yaml": {"MLC001 could not be checked": "error"}}
    assert [c._elem.get("line") for s in report for c in s] == ["3"]


def test_options_defaults_match_the_cli_call():
    opts = ReportOptions(color=False, version="1", root=".")
    assert opts.show_source and opts.as_dict()["cwd"] == ""


# -- gitlab ------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def gitlab_validator():
    schema = json.loads(GITLAB_SCHEMA.read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def gitlab(result=None):
    return json.loads(render("gitlab", result))


def test_gitlab_schema_rejects_what_gitlab_would(gitlab_validator):
    good = {"description": "d", "check_name": "MLC401", "fingerprint": "f", "severity": "major",
            "location": {"path": "infra/stack.yaml", "lines": {"begin": 3}}}
    gitlab_validator.validate([good])
    for broken in ({**good, "severity": "high"}, {k: v for k, v in good.items() if k != "fingerprint"},
                   {**good, "location": {"path": "./infra/stack.yaml", "lines": {"begin": 3}}},
                   {**good, "location": {"path": "infra/stack.yaml"}},
                   {**good, "location": {"path": "infra/stack.yaml", "lines": {"begin": 0}}}):
        assert not gitlab_validator.is_valid([broken]), broken


def test_gitlab_report_is_valid_and_maps_severities(gitlab_validator):
    result = sample_result()
    result.findings += [finding("MLC401", "critical one", 12, severity="critical"),
                        finding("MLC403", "info one", 13, severity="info"),
                        finding("MLC501", "low one", 14, resource="Endpoint")]
    report = gitlab(result.sorted())
    gitlab_validator.validate(report)
    by_line = {(i["location"]["path"], i["location"]["lines"]["begin"]): i for i in report}
    assert {k: (i["check_name"], i["severity"]) for k, i in by_line.items()} == {
        ("broken.yaml", 3): ("MLC001", "critical"),  # a file that could not be checked
        ("stack.yaml", 7): ("MLC403", "major"), ("stack.yaml", 8): ("MLC401", "critical"),
        ("stack.yaml", 12): ("MLC401", "blocker"), ("stack.yaml", 13): ("MLC403", "info"),
        ("stack.yaml", 14): ("MLC501", "minor")}  # the suppressed MLC501 on line 9 is left out
    assert by_line[("stack.yaml", 8)]["description"] == "MLC401: Notebook 'Nb' has direct internet access"
    assert by_line[("stack.yaml", 8)]["fingerprint"] == sample_result().findings[1].fingerprint
    assert gitlab(RunResult(files_checked=3)) == []


def test_gitlab_paths_are_repository_relative(gitlab_validator):
    result = RunResult(findings=[finding("MLC401", "m", 3, file="../stack.yaml", uri="infra/stack.yaml"),
                                 finding("MLC403", "m", 4, file="./x.yaml", uri="")])
    report = gitlab(result)
    gitlab_validator.validate(report)
    assert [i["location"]["path"] for i in report] == ["infra/stack.yaml", "x.yaml"]


def test_gitlab_fingerprints_are_unique_and_survive_line_moves():
    def report(shift, reverse=False):
        result = sample_result()
        # the same rule on the same property twice (two messages), and one message twice
        result.findings += [finding("MLC401", "other value", 8, 30), finding("MLC401", "other value", 8, 40)]
        for f in result.findings:
            f.line += shift
        if reverse:  # same findings, other lines order
            for f in result.findings:
                f.line = 100 - f.line
        issues = gitlab(result.sorted())
        return sorted((i["check_name"], i["description"], i["fingerprint"]) for i in issues)

    base = report(0)
    fingerprints = [f for _, _, f in base]
    assert len(fingerprints) == len(set(fingerprints)) == 5
    assert report(25) == base
    assert report(0, reverse=True) == base  # nor on the order the findings come in


# -- statistics --------------------------------------------------------------------------------------------------

def statistics(result, output_format="concise", **kw):
    from mlcheck.reporters.statistics import render as render_statistics

    return render_statistics(result, options(**kw), output_format)


def test_statistics_count_per_rule_most_frequent_first_then_the_summary():
    result = sample_result()
    result.findings += [finding("MLC403", "again", 12), finding("MLC403", "and again", 13),
                        finding("MLC501", "unsuppressed", 14, resource="Endpoint"),
                        finding("MLC401", "other", 15)]
    result.findings.append(finding("MLC401", "suppressed", 16, suppressed=True, suppression_reason="ok"))
    result.sorted()
    assert statistics(result).splitlines() == [
        "3  MLC403  notebook-root-access",
        "2  MLC401  notebook-direct-internet",
        "1  MLC001  parse-error",  # the file that could not be checked, as concise shows it
        "1  MLC501  single-instance-variant",
        result.summary_line(),
    ]


def test_statistics_align_counts_and_colour_only_the_summary():
    result = RunResult(findings=[finding("MLC403", f"m{i}", i + 1) for i in range(12)]
                       + [finding("MLC401", "m", 40)], files_checked=1).sorted()
    lines = statistics(result).splitlines()
    assert lines[:2] == ["12  MLC403  notebook-root-access", " 1  MLC401  notebook-direct-internet"]
    coloured = statistics(result, color=True)
    assert ANSI.sub("", coloured) == statistics(result)
    assert all(not ANSI.search(line) for line in coloured.splitlines()[:-1])
    assert statistics(RunResult(files_checked=2)) == "0 findings in 2 files checked\n"


def test_statistics_as_json():
    data = json.loads(statistics(sample_result(), "json"))
    assert list(data) == ["version", "statistics", "summary"]
    assert data["statistics"][0] == {
        "rule": "MLC001", "name": "parse-error", "count": 1, "url": docs_url("MLC001", "parse-error")}
    assert [(s["rule"], s["count"]) for s in data["statistics"]] == [("MLC001", 1), ("MLC401", 1), ("MLC403", 1)]
    assert data["statistics"][1]["url"].endswith("/docs/rules/MLC401-notebook-direct-internet.md")
    assert data["summary"] == json.loads(render("json"))["summary"]
    # formats with no place for counts print the table
    assert statistics(sample_result(), "sarif") == statistics(sample_result(), "concise")

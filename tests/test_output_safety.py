"""What mlcheck prints cannot be turned against the terminal or the CI runner that reads it, whatever the inputs
are named or contain: no forged GitHub workflow command, no terminal escape, no format broken by a non-UTF-8 or
Windows-looking file name, and no quadratic time on many findings or suppressions."""

import hashlib
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SARIF_SCHEMA
from mlcheck.engine import suppressions
from mlcheck.findings.result import Error, Finding, RunResult, UnknownValue
from mlcheck.reporters import ReportOptions, get_reporter
from mlcheck.reporters.escaping import encodable, line_start, visible
from mlcheck.reporters.junit import Suite
from mlcheck.reporters.sarif import artifact_location, file_uri

FORGED = "\n::error file=x.yaml,line=1::forged"
MASK = "\r::add-mask::secret"
STOP = "\n::stop-commands::pwned"
# Escapes a template could carry: OSC 0 (window title), OSC 8 (hyperlink), CSI (clear screen, cursor home),
# an 8-bit CSI (C1), bell, backspace, and bidi override and isolate (Trojan Source).
TERMINAL = ("\x1b]0;pwned\x07 \x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\ \x1b[2J\x1b[1;1H \x9b31m "
            "\x08\x07 \u202eevil\u202c \u2066x\u2069")
OUR_SGR = re.compile(r"\x1b\[[0-9;]*m")  # the colours mlcheck itself prints with --color always
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
LINE_BREAK = re.compile("\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")  # every break a log reader may honour
COMMAND = re.compile(r"^::(error|warning|notice)(?: (file=[^:]*))?::")
TEXT_FORMATS = ("concise", "full", "github", "junit")
MACHINE_FORMATS = ("json", "sarif", "gitlab")


def finding(message="Notebook 'Nb' has direct internet access", file="stack.yaml", resource="Nb", line=3,
            rule_id="MLC401", severity="high", **extra):
    return Finding(rule_id=rule_id, rule_name="notebook-direct-internet", severity=severity, message=message,
                   file=file, line=line, column=7, end_line=line, end_column=20, resource=resource,
                   resource_type=extra.pop("resource_type", "AWS::SageMaker::NotebookInstance"),
                   path=("Resources", resource or "", "X"),
                   fix="Set DirectInternetAccess: Disabled.", uri=extra.pop("uri", file), **extra)


def render(fmt, result, **options):
    options.setdefault("step_summary", "")
    return get_reporter(fmt).render(result, ReportOptions(version="9.9.9", **options))


def lines_of(text: str) -> list:
    return LINE_BREAK.split(text)


def command_lines(text: str) -> list:
    """Lines GitHub's runner would run as workflow commands (it trims leading white space first)."""
    return [line.lstrip() for line in lines_of(text) if line.lstrip().startswith("::")]


def assert_only_our_commands(text: str, expected: int) -> None:
    """Exactly `expected` commands, each an annotation mlcheck wrote: a level, escaped properties, '::'."""
    commands = command_lines(text)
    assert len(commands) == expected, commands
    for line in commands:
        match = COMMAND.match(line)
        assert match, line
        assert not LINE_BREAK.search(line)


def assert_no_terminal_controls(text: str, color: bool = False) -> None:
    shown = OUR_SGR.sub("", text) if color else text
    assert not CONTROL.search(shown), repr(CONTROL.search(shown).group())


@pytest.fixture(scope="module")
def sarif_validator():
    schema = json.loads(SARIF_SCHEMA.read_text())
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


# RFC 3986 URI-reference characters, with '%' only as a percent-encoding (jsonschema checks the "uri-reference"
# format only when an optional package is installed, so the URIs are checked here as well).
URI_REFERENCE = re.compile(r"^(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-F]{2})*$")


def sarif_uris(log) -> list:
    run = log["runs"][0]
    locations = [loc for res in run["results"] for loc in res["locations"]]
    locations += [loc for note in run["invocations"][0]["toolExecutionNotifications"] for loc in note["locations"]]
    return [loc["physicalLocation"]["artifactLocation"]["uri"] for loc in locations]


def assert_valid_sarif(log, validator) -> None:
    validator.validate(log)
    for uri in sarif_uris(log):
        assert URI_REFERENCE.match(uri), uri
        assert uri.startswith("file:") or ":" not in uri.split("/")[0], uri  # no segment read as a scheme


# -- the escaping helpers ----------------------------------------------------------------------------------------

def test_visible_escapes_controls_bidi_and_undecodable_bytes():
    assert visible("a\nb\rc\td") == "a\\nb\\rc\\td"
    assert visible("\x1b]0;t\x07\x08\x7f\x9b") == "\\x1b]0;t\\x07\\x08\\x7f\\x9b"
    assert visible("\u202eabc\u2066\u200f\u2028") == "\\u202eabc\\u2066\\u200f\\u2028"
    assert visible(os.fsdecode(b"bad\xff.yaml")) == "bad\\xff.yaml"  # the byte, not the surrogate
    assert visible("\ud800") == "\\ud800"
    plain = "C:\\x\\t.yaml – naïve ünïcode ✓"
    assert visible(plain) == plain  # ordinary text, backslashes included, unchanged
    assert visible(None) == ""


def test_visible_changes_exactly_the_unsafe_characters():
    # printable text skips the pattern: that shortcut must not let any unsafe character through
    unsafe = {*range(0x20), *range(0x7F, 0xA0), 0x61C, 0x200E, 0x200F, *range(0x2028, 0x202F),
              *range(0x2066, 0x206A), *range(0xD800, 0xE000)}
    for code in range(0x10000):
        assert (visible(f"a{chr(code)}b") != f"a{chr(code)}b") == (code in unsafe), hex(code)


def test_a_name_that_starts_a_line_cannot_start_a_command():
    assert line_start("::error::x.yaml") == "./::error::x.yaml"
    assert line_start("  ::add-mask::x") == "./  ::add-mask::x"
    assert line_start("a\n::error::x") == "a\\n::error::x"
    assert line_start("infra/stack.yaml") == "infra/stack.yaml"


def test_encodable_keeps_controls_for_machine_formats_but_not_surrogates():
    assert encodable("a\nb\x1b") == "a\nb\x1b"  # JSON escapes these itself
    assert encodable(os.fsdecode(b"x\xfe")) == "x\\xfe"
    assert encodable(None) is None


# -- workflow commands -------------------------------------------------------------------------------------------

def hostile_result(count: int) -> RunResult:
    """`count` high findings whose file names, logical IDs and messages each try to start a command."""
    findings = [finding(message=f"bad {i}{FORGED}{MASK}", file=f"::error::f{i}.yaml{STOP}",
                        resource=f"Nb{i}{MASK}{STOP}", line=i + 1) for i in range(count)]
    errors = [Error(f" ::add-mask::broken{FORGED}.yaml", 2, f"invalid YAML{FORGED}", uri="broken.yaml")]
    return RunResult(findings=findings, errors=errors, files_checked=count + 1).sorted()


@pytest.mark.parametrize("count", [3, 25], ids=["within-cap", "beyond-cap"])
def test_github_annotations_cannot_be_forged(count, monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    out = render("github", hostile_result(count), step_summary=None)
    annotated = min(count + 1, 10)  # the error and the findings are all error-level annotations
    overflow = count + 1 - annotated
    assert_only_our_commands(out, annotated + (1 if overflow else 0))
    assert sum(line.startswith("::notice::") for line in command_lines(out)) == (1 if overflow else 0)
    # The findings beyond the cap are still in the log, escaped and unable to act.
    plain = [line for line in out.splitlines() if "MLC401 [high]" in line and not line.startswith("::")]
    assert len(plain) == overflow
    assert all(line.startswith("./::error::f") and "\\n::stop-commands::pwned" in line for line in plain)


@pytest.mark.parametrize("fmt", ["concise", "full", "junit", "json", "sarif"])
def test_other_formats_print_no_command_at_all(fmt, tmp_path):
    out = render(fmt, hostile_result(12), cwd=str(tmp_path))
    assert command_lines(out) == []


def test_full_source_lines_cannot_start_a_command(tmp_path):
    (tmp_path / "stack.yaml").write_bytes(b"a: 1\n::error::from the file\r::add-mask::x\nb: \x1b]0;t\x07 2\n")
    out = render("full", RunResult(findings=[finding(line=2)], files_checked=1), cwd=str(tmp_path))
    assert command_lines(out) == []
    assert_no_terminal_controls(out)
    assert "\\x1b]0;t\\x07" in out


HOSTILE_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Free:
    Type: String
Resources:
  "Nb\\n::error file=stack.yaml,line=1::forged\\r::add-mask::secret\\e]0;pwned\\a\\u202e":
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: arn:aws:iam::123456789012:role/r
      DirectInternetAccess: Enabled
  "Open\\n::stop-commands::pwned\\e[2J":
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: arn:aws:iam::123456789012:role/r
      DirectInternetAccess: !Ref Free
"""


def run_mlcheck(*args, cwd, env=None):
    """The installed command in a child process whose stdout and stderr refuse what is not UTF-8."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    environment.pop("NO_COLOR", None)
    environment.update(PYTHONIOENCODING="utf-8:strict", **(env or {}))
    proc = subprocess.run([sys.executable, "-m", "mlcheck", *map(os.fsencode, args)], cwd=cwd, env=environment,
                          capture_output=True, timeout=120)
    assert b"Traceback" not in proc.stdout + proc.stderr, proc.stderr.decode("utf-8", "replace")
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")  # strict: must be UTF-8


def hostile_tree(tmp_path):
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "x\n::error file=a,line=1::forged.yaml").write_text(HOSTILE_TEMPLATE)
    (tmp_path / "::add-mask::broken.yaml").write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources: [\n")
    (tmp_path / "\r::stop-commands::x.yaml").write_text("apiVersion: v1\nkind: ConfigMap\n")  # not a template
    return tmp_path


@pytest.mark.parametrize("fmt", ["concise", "full", "github"])
def test_cli_on_a_github_runner_prints_only_its_own_commands(fmt, tmp_path):
    tree = hostile_tree(tmp_path / "repo")
    summary = tmp_path / "summary.md"
    code, out, err = run_mlcheck("-f", fmt, "--show-unknown", "--verbose", ".", cwd=tree,
                                 env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)})
    assert code == 2  # the broken file
    assert command_lines(err) == []
    assert "could not verify" in err and "skipped \\r::stop-commands::x.yaml" in err
    if fmt == "github":
        findings = [line for line in out.splitlines() if line.startswith("::")]
        assert len(findings) >= 3
        assert_only_our_commands(out, len(findings))
        assert "forged" in summary.read_text(encoding="utf-8")
    else:
        assert command_lines(out) == []
    assert_no_terminal_controls(out + err)
    assert "\\x1b]0;pwned\\x07\\u202e" in out


def test_cli_explicitly_named_skipped_file_and_usage_errors_are_escaped(tmp_path):
    tree = hostile_tree(tmp_path)
    code, out, err = run_mlcheck("\r::stop-commands::x.yaml", cwd=tree, env={"GITHUB_ACTIONS": "true"})
    assert code == 0 and "info: skipped" in err
    assert command_lines(out + err) == []
    code, out, err = run_mlcheck("missing\n::error::forged\x1b]0;t\x07.yaml", cwd=tree)
    assert code == 2 and "Error:" in err
    assert command_lines(err) == [] and "missing\\n::error::forged\\x1b]0;t\\x07.yaml" in err
    assert_no_terminal_controls(err)
    code, out, err = run_mlcheck("--output-file", f"json={tree}/no/such\n::error::dir/out.json", ".", cwd=tree)
    assert code == 2 and "cannot write" in err
    assert command_lines(err) == []


# -- terminal escapes --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("color", [False, True], ids=["never", "always"])
@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_terminal_escapes_are_shown_not_sent(fmt, color, tmp_path):
    (tmp_path / "stack.yaml").write_text(f"a: 1\nb: {TERMINAL}\nc: 3\n")
    result = RunResult(findings=[finding(message=f"msg {TERMINAL}", resource=f"Nb{TERMINAL}", line=2,
                                         file=f"st\x1b[5mack.yaml")],
                       errors=[Error(f"e{TERMINAL}.yaml", 1, f"invalid {TERMINAL}")], files_checked=2)
    result.findings.append(finding(line=2))  # a finding in the file with escapes in its source (`full`)
    out = render(fmt, result.sorted(), color=color, cwd=str(tmp_path))
    assert_no_terminal_controls(out, color)
    assert "\\x1b]0;pwned\\x07" in out and "\\x1b]8;;https://evil.example/\\x1b\\click" in out
    assert "\\u202eevil\\u202c" in out and "\\x9b31m" in out


@pytest.mark.parametrize("color", ["never", "always"])
def test_cli_escapes_in_every_terminal_format_and_in_show_unknown(color, tmp_path):
    (tmp_path / "stack.yaml").write_text(HOSTILE_TEMPLATE)
    for fmt in TEXT_FORMATS:
        code, out, err = run_mlcheck("-f", fmt, "--color", color, "--show-unknown", "stack.yaml", cwd=tmp_path)
        assert code == 1
        assert_no_terminal_controls(out + err, color=True)
        assert "\\x1b]0;pwned\\x07\\u202e" in out and "\\x1b[2J" in err  # the unknown is the 'Open' notebook


def test_full_caret_stays_under_its_column_after_an_escaped_character(tmp_path):
    (tmp_path / "stack.yaml").write_text("a: 1\nkey: \x1b[2J Enabled\n")
    result = RunResult(findings=[Finding("MLC401", "n", "high", "m", "stack.yaml", 2, 11, 2, 18)], files_checked=1)
    lines = render("full", result, cwd=str(tmp_path)).splitlines()
    source = next(line for line in lines if "Enabled" in line)
    caret = next(line for line in lines if "^" in line)
    assert source.index("Enabled") == caret.index("^") and caret.count("^") == len("Enabled")


# -- file names: not UTF-8, or with backslashes -----------------------------------------------------------------

NOTEBOOK = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Nb:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: arn:aws:iam::123456789012:role/r
      DirectInternetAccess: Enabled
"""
BYTES_NAME = b"bad\xff\xfe.yaml"
BACKSLASH_NAME = "C:\\x\\t.yaml"


@pytest.fixture
def odd_names(tmp_path):
    tree = tmp_path / "repo"
    tree.mkdir()  # no .git: not a repository, so URIs are relative to the working directory
    with open(os.path.join(os.fsencode(tree), BYTES_NAME), "w") as handle:
        handle.write(NOTEBOOK)
    (tree / BACKSLASH_NAME).write_text(NOTEBOOK)
    (tree / "dir\\sub.yaml").write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources: [\n")  # an error, so notifications carry a name too
    return tree


@pytest.mark.parametrize("fmt", ["concise", "full", "json", "sarif", "github", "junit"])
def test_odd_file_names_keep_every_format_valid(fmt, odd_names, tmp_path, sarif_validator):
    written = tmp_path / f"out.{fmt}"
    code, out, err = run_mlcheck("-f", fmt, "--output-file", f"{fmt}={written}", ".", cwd=odd_names,
                                 env={"GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")})
    assert code == 2, err  # findings, and the broken file
    assert written.read_text(encoding="utf-8") == out
    shown_bytes, shown_backslash = "bad\\xff\\xfe.yaml", BACKSLASH_NAME
    if fmt == "json":
        data = json.loads(out)
        assert {f["file"] for f in data["findings"]} == {shown_bytes, shown_backslash, "dir\\sub.yaml"}
        assert data["errors"][0]["file"] == "dir\\sub.yaml"
        assert out.isascii()
    elif fmt == "sarif":
        log = json.loads(out)
        assert_valid_sarif(log, sarif_validator)
        assert set(sarif_uris(log)) == {"bad%FF%FE.yaml", "C%3A%5Cx%5Ct.yaml", "dir%5Csub.yaml"}
    elif fmt == "junit":
        root = ET.fromstring(out.encode("utf-8"))
        assert {s.get("name") for s in root.iter("testsuite")} == {shown_bytes, shown_backslash, "dir\\sub.yaml"}
    elif fmt == "github":
        files = {re.search(r"file=([^,]*)", line).group(1) for line in command_lines(out)}
        assert files == {shown_bytes, "C%3A\\x\\t.yaml", "dir\\sub.yaml"}
        markdown = shown_bytes.replace("\\", "\\\\")  # backslashes are escaped in Markdown
        assert markdown in (tmp_path / "summary.md").read_text(encoding="utf-8")
    else:
        assert f"{shown_bytes}:8:7: MLC401" in out and f"{shown_backslash}:8:7: MLC401" in out


def test_all_output_files_in_one_run(odd_names, tmp_path):
    formats = ("concise", "full", "json", "sarif", "github", "junit")
    args = [a for fmt in formats for a in ("--output-file", f"{fmt}={tmp_path / ('out.' + fmt)}")]
    code, _, err = run_mlcheck("-f", "json", *args, ".", cwd=odd_names)
    assert code == 2, err
    for fmt in formats:
        text = (tmp_path / f"out.{fmt}").read_text(encoding="utf-8")
        shown = "bad\\xff\\xfe.yaml"
        assert any(form in text for form in (shown, shown.replace("\\", "\\\\"), "bad%FF%FE.yaml")), fmt


def test_sarif_locations_of_files_outside_the_repository(sarif_validator):
    outside = finding(file=os.fsdecode(b"/elsewhere/bad\xff.yaml"), uri=os.fsdecode(b"/elsewhere/bad\xff.yaml"))
    log = json.loads(render("sarif", RunResult(findings=[outside])))
    assert_valid_sarif(log, sarif_validator)
    assert sarif_uris(log) == ["file:///elsewhere/bad%FF.yaml"]
    assert artifact_location("C:\\x\\t.yaml") == {"uri": "C%3A%5Cx%5Ct.yaml", "uriBaseId": "%SRCROOT%"}
    assert file_uri("C:/Users/me/t one.yaml") == "file:///C:/Users/me/t%20one.yaml"
    assert file_uri("//server/share/t.yaml") == "file://server/share/t.yaml"


def test_fingerprints_of_non_utf8_names_are_stable():
    name = os.fsdecode(BYTES_NAME)
    assert finding(file=name).fingerprint == finding(file=name).fingerprint
    assert finding(file=name).fingerprint != finding(file="bad.yaml").fingerprint
    # Valid names keep the fingerprints they always had (baselines stay valid).
    key = "stack.yaml|Nb|MLC401|/Resources/Nb/X"
    assert finding(file="stack.yaml").fingerprint == hashlib.sha256(key.encode()).hexdigest()[:32]


# -- any text at all ---------------------------------------------------------------------------------------------

hostile_text = st.lists(st.sampled_from(["a", " ", ":", "::", "\n", "\r", "%", ",", "\\", "\x1b", "\x07", "\x9b",
                                         "\u202e", "\u2028", "\x00", "\ud800", "\udcff", "é", "<", "&", "\ufffe"]),
                        max_size=12).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(file=hostile_text, resource=hostile_text, message=hostile_text, reason=hostile_text)
def test_no_input_text_breaks_any_format(file, resource, message, reason, tmp_path_factory):
    cwd = str(tmp_path_factory.getbasetemp())
    result = RunResult(
        findings=[finding(message=message, file=file, resource=resource or None, resource_type=None),
                  finding(message=reason, file=file, resource=resource or None, suppressed=True,
                          suppression_reason=reason)],
        errors=[Error(file, 1, message)], files_checked=1,
        unknowns=[UnknownValue("MLC401", file, 1, resource, (), reason)]).sorted()
    for fmt in TEXT_FORMATS + MACHINE_FORMATS:
        out = render(fmt, result, cwd=cwd)
        out.encode("utf-8")  # writable to any UTF-8 stream or --output-file
        if fmt == "github":
            assert_only_our_commands(out, 2)
        else:
            assert command_lines(out) == []
        if fmt in TEXT_FORMATS:
            assert_no_terminal_controls(out)
        if fmt in MACHINE_FORMATS:
            json.loads(out)
        if fmt == "junit":
            ET.fromstring(out.encode("utf-8"))


# -- linear time -------------------------------------------------------------------------------------------------

class CountingSet(set):
    probes = 0

    def __contains__(self, item):
        CountingSet.probes += 1
        return super().__contains__(item)


def junit_probes(n: int) -> int:
    suite = Suite("stack.yaml")
    suite.names = CountingSet()
    CountingSet.probes = 0
    for _ in range(n):
        suite.unique("MLC401 Nb")
    suite.unique("MLC401 Nb (7)")  # a name that happens to look generated is still made unique
    assert len(suite.names) == n + 1
    return CountingSet.probes


def test_junit_names_are_made_unique_in_linear_time():
    assert junit_probes(20_000) <= 2 * 20_000 + 2
    assert junit_probes(4_000) * 4 >= junit_probes(16_000) - 8


def test_junit_report_of_20000_findings_with_one_name():
    result = RunResult(findings=[finding(line=3) for _ in range(20_000)], files_checked=1)
    root = ET.fromstring(render("junit", result))
    names = [case.get("name") for case in root.iter("testcase")]
    assert len(set(names)) == 20_000 and names[1] == "MLC401 Nb (2)" and names[-1].endswith("(20000)")


class CountingIds(frozenset):
    """A suppression's rule IDs, counting how often matching looks at them."""
    looks = 0

    def __contains__(self, item):
        CountingIds.looks += 1
        return super().__contains__(item)

    def __iter__(self):
        CountingIds.looks += 1
        return super().__iter__()


def suppression_looks(n: int) -> int:
    CountingIds.looks = 0
    found = [suppressions.Suppression(CountingIds(["MLC401"]), "MLC401", f"R{i}", "why", None, ("Resources",),
                                      "mlcheck") for i in range(n)]
    findings = [finding(rule_id="MLC403", resource=f"R{i}") for i in range(n)]  # matched by none: the worst case
    findings += [finding(resource=f"R{i}") for i in range(0, n, 2)]  # every other resource's finding is covered
    suppressions.apply(found, findings)
    assert sum(f.suppressed for f in findings) == len(range(0, n, 2))
    assert sum(s.used for s in found) == len(range(0, n, 2))
    return CountingIds.looks


def test_suppressions_are_matched_in_linear_time():
    assert suppression_looks(10_000) <= 10_000 + 2
    assert suppression_looks(10_000) <= 4 * suppression_looks(2_500) + 4


def test_resource_suppression_still_wins_over_file_suppression_and_first_one_is_used():
    file_level = suppressions.Suppression(frozenset(["MLC401"]), "MLC401", None, "whole file", None, (), "mlcheck")
    first = suppressions.Suppression(frozenset(["MLC401"]), "MLC401", "Nb", "first", None, (), "mlcheck")
    second = suppressions.Suppression(frozenset(["MLC401"]), "MLC401", "Nb", "second", None, (), "mlcheck")
    broken = suppressions.Suppression(frozenset(["MLC401"]), "MLC401", "Other", "", None, (), "mlcheck",
                                      problem="has no reason")
    findings = [finding(resource="Nb"), finding(resource="Other"), finding(resource=None)]
    suppressions.apply([file_level, broken, first, second], findings)
    assert [f.suppression_reason for f in findings] == ["first", "whole file", "whole file"]
    assert (first.used, second.used, file_level.used, broken.used) == (True, False, True, False)


def test_errors_while_parsing_the_command_line_are_escaped_too(run_cli):
    for args in (["--bogus\n::error::forged"], ["--explain", "x\r::add-mask::y\x1b]0;t\x07"]):
        code, out, err = run_cli(*args)
        assert code == 2 and "Error:" in err
        assert command_lines(out + err) == []
        assert_no_terminal_controls(err)

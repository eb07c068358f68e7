"""The cfn-lint plugin (`cfn-lint TEMPLATE -a mlcheck.cfnlint`), through the real cfn-lint run as a subprocess.

On every fixture, cfn-lint's mlcheck matches must be mlcheck's own findings on the same file: same rule, line,
column and message. A fixture that cfn-lint reads differently from mlcheck is put in a group that says how, and
each group is asserted on: none is left out silently.
"""

import json
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT
from mlcheck.cfnlint.ids import cfnlint_id, cfnlint_message
from mlcheck.engine.registry import all_rules
from mlcheck.inputs.cloudformation import recognises
from mlcheck.inputs.loader import ParseError, load_document

MLCHECK_ID = re.compile(r"^[EWI]9\d{3}$")
CFN_LINT = [sys.executable, "-c", "import sys; from cfnlint.runner import main; sys.exit(main())"]


def cfn_lint(cwd, *args, stdin=None) -> list:
    """cfn-lint's JSON matches. Its list options take every word up to the next option: templates go first. The
    exit code is a bit per level found, never 1 (a crash) or 32 and above (a usage error)."""
    done = subprocess.run(CFN_LINT + ["--format", "json", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, input=stdin, timeout=900)
    assert done.returncode in (0, 2, 4, 6, 8, 10, 12, 14), done.stderr[-3000:]
    return json.loads(done.stdout)


def mlcheck_matches(matches) -> dict:
    """file -> sorted [(mlcheck rule, line, column, message)] of cfn-lint's matches of mlcheck rules."""
    out = defaultdict(list)
    for match in matches:
        if MLCHECK_ID.match(match["Rule"]["Id"]):
            rule = match["Message"].split(" ", 1)[0]
            assert match["Rule"]["Id"] == cfnlint_id(rule, RULES[rule].severity), match
            start = match["Location"]["Start"]
            out[match["Filename"]].append((rule, start["LineNumber"], start["ColumnNumber"], match["Message"]))
    return {name: sorted(found) for name, found in out.items()}


def mlcheck_findings(run_cli, cwd, *args) -> dict:
    """file -> sorted [(rule, line, column, message as the plugin words it)] of `mlcheck -f json`."""
    _, out, _ = run_cli("--output-format", "json", "--exit-zero", *args, cwd=cwd)
    found = defaultdict(list)
    for f in json.loads(out)["findings"]:
        if not f["suppressed"]:
            found[f["file"]].append((f["rule"], f["line"], f["column"],
                                     cfnlint_message(f["rule"], f["severity"], f["message"])))
    return {name: sorted(items) for name, items in found.items()}


RULES = {rule.id: rule for rule in all_rules()}


def _kind(path: Path) -> str:
    """How mlcheck reads a fixture: 'template', 'not-template' (a SageMaker request) or 'unparsable'."""
    try:
        document = load_document(path.read_bytes(), str(path))
    except ParseError:
        return "unparsable"
    return "template" if recognises(document.data) else "not-template"


@pytest.fixture(scope="module")
def fixture_copy(tmp_path_factory):
    """The fixtures, copied where no configuration file of the repository is found above them."""
    where = tmp_path_factory.mktemp("plugin") / "fixtures"
    shutil.copytree(FIXTURES, where)
    return where


def _files(root: Path, pattern: str = "MLC*/*") -> list:
    return sorted(str(p.relative_to(root)) for p in root.glob(pattern) if p.is_file())


def test_on_every_fixture_cfn_lint_reports_what_mlcheck_reports(fixture_copy, run_cli):
    files = _files(fixture_copy)
    # -c I: cfn-lint leaves informational rules out unless asked, mlcheck's info rules (I9xxx) included
    matches = cfn_lint(fixture_copy, *files, "--include-checks", "I", "-a", "mlcheck.cfnlint")
    plugin = mlcheck_matches(matches)
    own = mlcheck_findings(run_cli, fixture_copy, *files)
    refused = {m["Filename"] for m in matches if m["Rule"]["Id"] == "E0000"}  # cfn-lint could not parse them
    groups = defaultdict(list)
    for name in files:
        kind = _kind(fixture_copy / name)
        groups[kind if name not in refused else f"{kind}, refused by cfn-lint"].append(name)

    # Templates both read: exactly mlcheck's findings, lines, columns and messages.
    for name in groups["template"]:
        assert plugin.get(name, []) == own.get(name, []), name
    assert sum(len(plugin.get(name, [])) for name in groups["template"]) > 1000
    # Files mlcheck cannot parse and cfn-lint refuses too (YAML syntax, duplicate keys, alias bombs): cfn-lint
    # stops at its parse error E0000 and runs no rule, so no mlcheck match; mlcheck reports MLC001.
    assert sorted(groups["unparsable, refused by cfn-lint"]) == [
        "MLC001/fail-billion-laughs.yaml", "MLC001/fail-duplicate-key.yaml", "MLC001/fail-syntax.yaml"]
    for name in groups["unparsable, refused by cfn-lint"]:
        assert name not in plugin and [f[0] for f in own[name]] == ["MLC001"], name
    # A file cfn-lint parses (its JSON reader falls back to YAML, which takes a trailing comma) and mlcheck
    # does not: the plugin reports mlcheck's MLC001, as mlcheck does.
    assert groups["unparsable"] == ["MLC001/fail-syntax.json"]
    assert plugin["MLC001/fail-syntax.json"] == own["MLC001/fail-syntax.json"]
    assert [f[0] for f in own["MLC001/fail-syntax.json"]] == ["MLC001"]
    # SageMaker API requests and pipelines are not templates: mlcheck lints them, the plugin leaves them out
    # (cfn-lint reports their missing Resources itself).
    assert len(groups["not-template"]) > 30
    for name in groups["not-template"]:
        assert name not in plugin, name
    assert sum(len(own.get(name, [])) for name in groups["not-template"]) > 50
    assert sum(map(len, groups.values())) == len(files)
    assert set(groups) == {"template", "unparsable", "unparsable, refused by cfn-lint", "not-template"}


def test_off_by_default_rules_run_with_include_experimental(fixture_copy, run_cli):
    """mlcheck's off-by-default rules are experimental in cfn-lint: `--include-experimental` is `--select ALL`."""
    off = [r.id for r in RULES.values() if not r.enabled_by_default]
    assert off == ["MLC113", "MLC308", "MLC412", "MLC413"]
    files = [name for rule_id in off for name in _files(fixture_copy, f"{rule_id}/*")
             if _kind(fixture_copy / name) == "template"]
    plugin = mlcheck_matches(cfn_lint(fixture_copy, "--include-experimental", *files, "-c", "I",
                                      "-a", "mlcheck.cfnlint"))
    own = mlcheck_findings(run_cli, fixture_copy, "--select", "ALL", *files)
    for name in files:
        assert plugin.get(name, []) == own.get(name, []), name
    assert {f[0] for name in files for f in plugin.get(name, [])} >= set(off)
    # Without the flag, only the default selection: MLC412's default-on findings, none of the others.
    default = mlcheck_matches(cfn_lint(fixture_copy, *files, "-c", "I", "-a", "mlcheck.cfnlint"))
    assert {f[0] for found in default.values() for f in found} & set(off) == {"MLC412"}


def test_informational_rules_follow_cfn_lint_include_checks(fixture_copy):
    name = "MLC507/fail-large.yaml"
    assert RULES["MLC507"].severity == "info"
    with_i = mlcheck_matches(cfn_lint(fixture_copy, name, "-c", "I", "-a", "mlcheck.cfnlint"))[name]
    without = mlcheck_matches(cfn_lint(fixture_copy, name, "-a", "mlcheck.cfnlint"))[name]
    assert "MLC507" in {f[0] for f in with_i} and "MLC507" not in {f[0] for f in without}
    assert without == [f for f in with_i if f[0] != "MLC507"]


NOTEBOOKS = """\
AWSTemplateFormatVersion: "2010-09-09"
{top}Resources:
  Open:
    Type: AWS::SageMaker::NotebookInstance
{open_metadata}    Properties:
      InstanceType: ml.t3.medium
      RoleArn: arn:aws:iam::123456789012:role/NotebookRole
      DirectInternetAccess: Enabled
  Other:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: arn:aws:iam::123456789012:role/NotebookRole
      DirectInternetAccess: Enabled
"""


def _notebook_findings(tmp_path, top="", open_metadata="", *args):
    """(notebook, mlcheck rule) of the MLC401 and MLC003 matches cfn-lint reports on NOTEBOOKS."""
    path = tmp_path / "notebooks.yaml"
    path.write_text(NOTEBOOKS.format(top=top, open_metadata=open_metadata))
    found = mlcheck_matches(cfn_lint(tmp_path, path.name, *args, "-a", "mlcheck.cfnlint")).get(path.name, [])
    return sorted((re.search(r"'(Open|Other)'", f[3]).group(1), f[0]) for f in found if f[0] in ("MLC401", "MLC003"))


def test_cfn_lint_ignore_mechanisms_apply_to_mlcheck_rules(tmp_path):
    assert cfnlint_id("MLC401", RULES["MLC401"].severity) == "E9401"
    assert _notebook_findings(tmp_path) == [("Open", "MLC401"), ("Other", "MLC401")]
    assert _notebook_findings(tmp_path, "", "", "--ignore-checks", "E9401") == []
    assert _notebook_findings(tmp_path, "", "", "--ignore-checks", "E94") == []  # a prefix: the whole area
    # cfn-lint's resource Metadata: that resource only
    resource = "    Metadata:\n      cfn-lint:\n        config:\n          ignore_checks: [E9401]\n"
    assert _notebook_findings(tmp_path, "", resource) == [("Other", "MLC401")]
    # cfn-lint's template Metadata: the whole file
    top = "Metadata:\n  cfn-lint:\n    config:\n      ignore_checks: [E9401]\n"
    assert _notebook_findings(tmp_path, top) == []


def test_mlcheck_inline_suppressions_apply_inside_cfn_lint(tmp_path):
    used = ("    Metadata:\n      mlcheck:\n        ignore:\n          - id: MLC401\n"
            "            reason: lab notebook\n")
    assert _notebook_findings(tmp_path, "", used) == [("Other", "MLC401")]
    unused = used.replace("MLC401", "MLC705")  # no MLC705 finding on Open: mlcheck's MLC003 says so
    assert _notebook_findings(tmp_path, "", unused) == [("Open", "MLC003"), ("Open", "MLC401"), ("Other", "MLC401")]


def test_stdin_is_linted_from_cfn_lints_decoded_template(tmp_path):
    """cfn-lint reads stdin itself, so the plugin lints its decoded template and cfn-lint places the findings
    by their path: on the property when it is written."""
    text = NOTEBOOKS.format(top="", open_metadata="")
    found = mlcheck_matches(cfn_lint(tmp_path, "-a", "mlcheck.cfnlint", stdin=text))  # no template: stdin
    (name,) = found
    assert name is None
    assert [(f[0], f[1]) for f in found[name] if f[0] == "MLC401"] == [("MLC401", 8), ("MLC401", 14)]
    path = tmp_path / "same.yaml"
    path.write_text(text)
    from_file = mlcheck_matches(cfn_lint(tmp_path, path.name, "-a", "mlcheck.cfnlint"))[path.name]
    assert sorted(f[3] for f in found[name]) == sorted(f[3] for f in from_file)
    assert [f[1:3] for f in from_file if f[0] == "MLC401"] == [(8, 7), (14, 7)]


def test_one_mlcheck_run_per_template(tmp_path, monkeypatch):
    from cfnlint.api import ManualArgs, lint_file

    import mlcheck.engine.runner as runner

    calls = []
    real = runner.check_isolated
    monkeypatch.setattr(runner, "check_isolated", lambda *a, **k: calls.append(a[0].path) or real(*a, **k))
    paths = []
    for name in ("a.yaml", "b.yaml"):
        paths.append(tmp_path / name)
        paths[-1].write_text(NOTEBOOKS.format(top="", open_metadata=""))
    for path in paths:
        matches = lint_file(path, config=ManualArgs(append_rules=["mlcheck.cfnlint"]))
        assert [m.rule.id for m in matches].count("E9401") == 2
    assert calls == [str(path) for path in paths]


def test_what_keeps_mlcheck_from_checking_is_cfn_lints_rule_error(tmp_path, monkeypatch):
    """A rule's internal error is reported once, as cfn-lint's E0002 (a rule that failed), and the other rules'
    findings are still reported."""
    from cfnlint.api import ManualArgs, lint_file

    import mlcheck.engine.registry as registry

    def broken(resource, ctx):
        raise ValueError("boom")

    rule = registry.get_rule("MLC401")
    monkeypatch.setitem(registry._loaded, "MLC401", rule.replace(check=broken))
    path = tmp_path / "notebooks.yaml"
    path.write_text(NOTEBOOKS.format(top="", open_metadata=""))
    matches = lint_file(path, config=ManualArgs(append_rules=["mlcheck.cfnlint"]))
    errors = [(m.linenumber, m.message) for m in matches if m.rule.id == "E0002"]
    assert errors == [(3, "mlcheck: internal error in MLC401 on resource Open: ValueError: boom (please report this)"),
                      (9, "mlcheck: internal error in MLC401 on resource Other: ValueError: boom (please report this)")]
    ids = [m.rule.id for m in matches]
    assert "E9401" not in ids and "W9402" in ids


def test_one_cfn_lint_rule_per_mlcheck_rule():
    import mlcheck.cfnlint as plugin
    from cfnlint.helpers import create_rules

    rules = {rule.mlcheck_id: rule for rule in create_rules(plugin)}
    assert sorted(rules) == sorted(RULES)
    letters = {"critical": "E", "high": "E", "medium": "W", "low": "W", "info": "I"}
    for rule_id, rule in rules.items():
        assert MLCHECK_ID.match(rule.id) and rule.id == f"{letters[RULES[rule_id].severity]}9{rule_id[3:]}"
        assert rule.shortdesc == f"{rule_id} {RULES[rule_id].name}"
        assert rule.source_url.endswith(f"/docs/rules/{rule_id}-{RULES[rule_id].name}.md")
        assert (ROOT / "docs" / "rules" / f"{rule_id}-{RULES[rule_id].name}.md").is_file()
        assert rule.experimental == (not RULES[rule_id].enabled_by_default and rule_id != "MLC412")
    assert len({rule.id for rule in rules.values()}) == len(rules)


def test_only_the_plugin_imports_cfn_lint():
    """The runtime never needs cfn-lint: it is the [cfn-lint] extra's, for mlcheck.cfnlint alone."""
    importing = re.compile(r"^\s*(import cfnlint|from cfnlint)\b", re.M)
    offenders = [str(p.relative_to(ROOT)) for folder in ("linter", "rules") for p in (ROOT / folder).rglob("*.py")
                 if importing.search(p.read_text()) and "cfnlint" not in p.relative_to(ROOT / folder).parts[:1]]
    assert offenders == []
    assert importing.search((ROOT / "linter" / "cfnlint" / "rules.py").read_text())


def test_readme_shows_what_cfn_lint_prints():
    """The README's "In cfn-lint" console block is real output (`...` stands for lines left out)."""
    section = (ROOT / "README.md").read_text().split("## In cfn-lint\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```console\n", 1)[1].split("```", 1)[0].splitlines()
    assert block[0] == "$ cfn-lint examples/insecure-endpoint.yaml -a mlcheck.cfnlint"
    done = subprocess.run(CFN_LINT + block[0].split()[2:], cwd=ROOT, capture_output=True, text=True, timeout=600)
    printed = done.stdout.splitlines()
    shown = [line for line in block[1:] if line != "..."]
    messages, locations = shown[::2], shown[1::2]
    assert len(messages) >= 2 and [line for line in printed if line in messages] == messages
    for message, location in zip(messages, locations):  # each message is followed by its file:line:column
        assert printed[printed.index(message) + 1] == location


def test_on_the_vendored_corpus_cfn_lint_reports_what_mlcheck_reports(tmp_path, run_cli):
    """Real SageMaker stacks (tests/corpus): every template cfn-lint reads gets exactly mlcheck's findings. The
    templates of 16 KB or less: cfn-lint takes minutes on the larger ones, and adds nothing the plugin does."""
    from conftest import VENDORED_CORPUS

    corpus = tmp_path / "corpus"
    shutil.copytree(VENDORED_CORPUS, corpus)
    files = sorted(str(p.relative_to(corpus)) for p in corpus.rglob("*")
                   if p.suffix in (".yaml", ".yml", ".json", ".template") and p.stat().st_size <= 16384
                   and _kind(p) == "template")
    assert len(files) >= 30
    matches = cfn_lint(corpus, *files, "-c", "I", "-a", "mlcheck.cfnlint")
    assert not [m for m in matches if m["Rule"]["Id"] in ("E0000", "E0002")]
    plugin, own = mlcheck_matches(matches), mlcheck_findings(run_cli, corpus, *files)
    assert plugin == own
    assert sum(map(len, own.values())) > 100

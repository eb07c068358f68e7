"""The practices guide (issue 10): every rule's `practice` is a section of docs/practices.md, the guide ships
inside the package, `--explain` quotes it from there, and the rule pages link to it."""

import fnmatch
import importlib.util
import os
import re
import sys

import pytest

from conftest import ROOT
from mlcheck.engine import practices
from mlcheck.cli.explain import rule_markdown
from mlcheck.engine.registry import all_rules
from mlcheck.engine.rule import Rule

GUIDE = ROOT / "docs" / "practices.md"
PACKAGED = ROOT / "linter" / "data" / "practices.md"

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


def _gen_docs():
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "tools" / "gen_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rule(rule_id, practice):
    return Rule(id=rule_id, name=f"rule-{rule_id.lower()}", severity="low", check=None, practice=practice,
                docs="Short.\n\n## What it does\nIt checks.")


def test_every_cited_practice_has_a_section_in_the_installed_guide():
    cited = [rule for rule in all_rules() if rule.practice]
    assert len(cited) >= 60  # the pack's rules cite practices; an empty registry must not pass
    for rule in cited:
        assert practices.ANCHOR.match(rule.practice), f"{rule.id}: {rule.practice!r} is not an anchor"
        assert rule.practice in practices.installed(), f"{rule.id} cites a practice the guide lacks"
        assert practices.summary(rule.practice), f"{rule.id}: section {rule.practice} has no first paragraph"


def test_each_section_lists_exactly_the_rules_that_cite_it():
    citing = {}
    for rule in all_rules():
        if rule.practice:
            citing.setdefault(rule.practice, set()).add(rule.id)
    listed = {}
    for anchor, body in practices.sections(GUIDE.read_text(encoding="utf-8")):
        lines = [line for line in body.splitlines() if line.startswith("Enforced by: ")]
        assert len(lines) == 1, f"section {anchor} needs one 'Enforced by' line"
        listed[anchor] = set(re.findall(r"\[(MLC\d{3}) ", lines[0]))
    assert listed == citing


def test_the_packaged_guide_is_the_repository_guide():
    assert PACKAGED.read_text(encoding="utf-8") == GUIDE.read_text(encoding="utf-8")
    # what --explain reads: the checkout's copy (editable install) or the installed package's (CI's wheel)
    assert open(practices.PATH, encoding="utf-8").read() == GUIDE.read_text(encoding="utf-8")


def test_the_wheel_carries_the_guide_inside_the_package():
    """Built wheels hold mlcheck.data's package data: the guide must be part of it (CI installs a real wheel and
    runs --explain from it too)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "mlcheck.data" in config["packages"]
    assert config["package-dir"]["mlcheck"] == "linter"  # so mlcheck.data is linter/data
    patterns = config["package-data"]["mlcheck.data"]
    assert any(fnmatch.fnmatch(PACKAGED.name, pattern) for pattern in patterns)
    import mlcheck

    assert os.path.dirname(practices.PATH) == os.path.join(os.path.dirname(os.path.abspath(mlcheck.__file__)),
                                                           "data")


def test_explain_prints_the_practice_and_where_to_read_it(run_cli):
    code, out, _ = run_cli("--explain", "MLC401")
    assert code == 0
    section = dict(practices.sections(GUIDE.read_text(encoding="utf-8")))["network-isolation"]
    summary = practices.first_paragraph(section)
    assert "inside your own VPC" in summary
    practice = out.split("## Practice\n", 1)[1].split("\n## ", 1)[0]
    assert practice.strip() == f"{summary}\n\nRead more: {practices.PATH}#network-isolation"
    assert os.path.isfile(practices.PATH)


def test_sarif_help_names_the_guide_the_same_way_on_every_machine():
    rule = next(rule for rule in all_rules() if rule.id == "MLC204")
    text = rule_markdown(rule)
    assert "Read more: mlcheck/data/practices.md#kms-key-policies (installed with mlcheck)" in text
    assert practices.summary("kms-key-policies") in text
    assert str(ROOT) not in text


def test_a_practice_the_guide_lacks_is_still_named():
    text = rule_markdown(_rule("MLC999", "no-such-practice"))
    practice = text.split("## Practice\n", 1)[1].split("\n## ", 1)[0]
    assert practice.strip() == "Read more: mlcheck/data/practices.md#no-such-practice (installed with mlcheck)"


def test_rule_pages_link_to_their_practice():
    gen_docs = _gen_docs()
    for rule in all_rules():
        page = (ROOT / "docs" / "rules" / gen_docs.page_name(rule)).read_text(encoding="utf-8")
        if rule.practice:
            assert f"Read more: [practices.md#{rule.practice}](../practices.md#{rule.practice})" in page
            assert practices.summary(rule.practice) in page
        else:
            assert "## Practice" not in page and "practices.md" not in page


GUIDE_TEXT = """# Guide

Intro.

## kept-practice

**Kept.** Summary.

- a fact

Enforced by: [MLC100 stale](rules/MLC100-stale.md).

## second-practice

**Second.** Summary.
"""


def test_gen_docs_writes_the_enforced_by_lines_from_the_rules():
    gen_docs = _gen_docs()
    rules = [_rule("MLC901", "kept-practice"), _rule("MLC902", "second-practice"), _rule("MLC903", "kept-practice"),
             _rule("MLC904", "")]
    assert gen_docs.guide_problems(GUIDE_TEXT, rules) == []
    text = gen_docs.guide_text(GUIDE_TEXT, rules)
    assert "MLC100" not in text and "MLC904" not in text
    sections = dict(practices.sections(text))
    assert sections["kept-practice"].endswith(
        "- a fact\n\nEnforced by: [MLC901 rule-mlc901](rules/MLC901-rule-mlc901.md), "
        "[MLC903 rule-mlc903](rules/MLC903-rule-mlc903.md).")
    assert sections["second-practice"] == ("**Second.** Summary.\n\n"
                                           "Enforced by: [MLC902 rule-mlc902](rules/MLC902-rule-mlc902.md).")
    assert text.startswith("# Guide\n\nIntro.\n\n## kept-practice\n")
    assert gen_docs.guide_text(text, rules) == text  # idempotent: --check compares against it


@pytest.mark.parametrize("guide, rules, problem", [
    (GUIDE_TEXT, [_rule("MLC901", "kept-practice"), _rule("MLC902", "second-practice"),
                  _rule("MLC905", "missing-practice")],
     "MLC905 cites practice 'missing-practice', which has no section"),
    (GUIDE_TEXT, [_rule("MLC901", "kept-practice")], "section '## second-practice' is cited by no rule"),
    (GUIDE_TEXT + "\n## Not An Anchor\n\nText.\n", [_rule("MLC901", "kept-practice"),
                                                    _rule("MLC902", "second-practice")],
     "heading '## Not An Anchor' is not an anchor (lower-case words joined by '-')"),
    (GUIDE_TEXT + "\n## second-practice\n\nAgain.\n", [_rule("MLC901", "kept-practice"),
                                                       _rule("MLC902", "second-practice")],
     "section '## second-practice' appears more than once"),
])
def test_gen_docs_refuses_a_guide_that_disagrees_with_the_rules(guide, rules, problem):
    assert problem in _gen_docs().guide_problems(guide, rules)


def test_no_file_cites_the_reference_outside_the_package():
    """The practices used to be quoted from a file that neither the repository nor the wheel carries."""
    outside = "aws-ml-" + "practices"  # split so that this test does not find itself
    skip = {".git", "__pycache__", "build", "dist", ".pytest_cache"}
    found = []
    for directory, subdirs, files in os.walk(ROOT):
        subdirs[:] = [d for d in subdirs if d not in skip and not d.endswith(".egg-info")]
        for name in files:
            path = os.path.join(directory, name)
            try:
                with open(path, encoding="utf-8") as handle:
                    if outside in handle.read():
                        found.append(os.path.relpath(path, ROOT))
            except (UnicodeDecodeError, OSError):
                continue
    assert found == []

"""Every rule's failing and passing fixtures, checked for rule ID, resource and line.

Expected findings are written in the fixture itself: `# expect: MLC401 Notebook line 9` in YAML, and entries of
a top-level `"//"` list in JSON (`"expect: MLC401 Notebook line 9"`; `-` stands for "no resource"). A fixture
under `fixtures/MLC401/` is compared on MLC401 and on every other rule it names in an expectation; suppressed
findings are not counted.
"""

import re

import pytest

from conftest import FIXTURES
from mlcheck.inputs.discovery import Candidate
from mlcheck.engine.registry import all_rules
from mlcheck.engine.rule import DOC_SECTIONS
from mlcheck.engine.runner import Settings, check_file

EXPECT = re.compile(r"expect: (MLC\d{3}) (\S+) line (\d+)")
ALL = Settings(rule_ids=tuple(rule.id for rule in all_rules()))
FIXTURE_FILES = sorted(p for p in FIXTURES.glob("MLC*/*") if p.is_file())


def expectations(path):
    return sorted((m.group(1), "" if m.group(2) == "-" else m.group(2), int(m.group(3)))
                  for m in EXPECT.finditer(path.read_text()))


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture(path):
    rule_id = path.parent.name
    expected = expectations(path)
    compared = {rule_id} | {e[0] for e in expected}
    result = check_file(Candidate(str(path), True), ALL)
    if rule_id != "MLC001":
        assert not result.errors, f"fixture does not load cleanly: {result.errors}"
        # a passing fixture no input kind reads would pass whatever the rule does
        assert result.checked, f"fixture is not read as any input kind: {result.skipped}"
    got = sorted((f.rule_id, f.resource or "", f.line) for f in result.findings
                 if f.rule_id in compared and not f.suppressed)
    if path.name.startswith("pass"):
        assert not expected, "a passing fixture must not expect findings"
        assert got == [], f"unexpected findings: {got}"
    else:
        assert path.name.startswith("fail"), "fixtures are named fail-*.ext or pass-*.ext"
        assert expected, "a failing fixture must expect at least one finding"
        assert got == expected


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
def test_rule_has_failing_and_passing_fixtures(rule):
    folder = FIXTURES / rule.id
    names = [p.name for p in folder.glob("*")] if folder.is_dir() else []
    assert any(n.startswith("fail-") for n in names), f"{rule.id} has no failing fixture in fixtures/{rule.id}/"
    assert any(n.startswith("pass-") for n in names), f"{rule.id} has no passing fixture in fixtures/{rule.id}/"


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
def test_rule_is_documented(rule):
    assert rule.docs.splitlines()[0].strip().endswith("."), "first docs line is a one-sentence summary"
    for section in DOC_SECTIONS:
        assert rule.section(section), f"{rule.id} docs lack a '## {section}' section"
    assert "```" in rule.section("Example") and "```" in rule.section("Use instead")
    assert rule.fix, f"{rule.id} has no fix hint"
    assert re.fullmatch(r"MLC\d{3}", rule.id) and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
    assert rule.severity in ("info", "low", "medium", "high", "critical")


def test_rule_ids_and_names_unique():
    rules = all_rules()
    assert len({r.id for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)

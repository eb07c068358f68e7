"""The Security Hub SageMaker control table (mlcheck.aws.securityhub) against the rules, --list-rules and the docs."""

import json
import re

import pytest

from conftest import ROOT
from mlcheck.aws import securityhub as sh
from mlcheck.engine.registry import all_rules


def test_controls_are_sagemaker_1_to_25_once_each():
    assert [c.number for c in sh.CONTROLS] == list(range(1, 26))
    assert all(c.title.strip() for c in sh.CONTROLS)


@pytest.mark.parametrize("control", sh.CONTROLS, ids=lambda c: c.id)
def test_every_control_is_covered_or_not_applicable_with_a_reason(control):
    rules = {r.id: r for r in all_rules()}
    covering = sh.coverage(all_rules())[control.id]
    if control.not_applicable:
        assert not covering, f"{control.id} is listed as not applicable but {covering} name it"
        return
    assert covering, f"{control.id} is neither covered by a rule's peers nor listed as not applicable"
    if control.resource_type is not None:
        for rule_id in covering:
            assert control.resource_type in rules[rule_id].resource_types, \
                f"{rule_id} names {control.id} but does not check {control.resource_type}"


def test_rules_name_only_known_controls():
    for rule in all_rules():
        for pid in rule.peers.get("aws", ()):
            if pid.startswith(sh.PREFIX):
                assert pid in sh.BY_ID, f"{rule.id} names unknown control {pid}"


def test_extended_rules_name_their_controls():
    ids = {r.id: sh.control_ids(r) for r in all_rules()}
    assert ids["MLC208"] == ["SageMaker.9", "SageMaker.10", "SageMaker.13", "SageMaker.15", "SageMaker.22"]
    assert ids["MLC405"] == ["SageMaker.5", "SageMaker.11", "SageMaker.12", "SageMaker.14", "SageMaker.20",
                             "SageMaker.25"]
    assert ids["MLC201"] == ["SageMaker.17", "SageMaker.18", "SageMaker.21", "SageMaker.23", "SageMaker.24"]
    assert ids["MLC413"] == ["SageMaker.16", "SageMaker.19"]


def test_short_ids():
    assert sh.short_ids([]) == ""
    assert sh.short_ids(["SageMaker.9", "SageMaker.10"]) == "SageMaker.9, .10"


def test_list_rules_shows_the_controls(run_cli):
    code, out, _ = run_cli("--list-rules")
    assert code == 0
    header, *rows = out.splitlines()
    assert header.split() == ["ID", "NAME", "SEVERITY", "AREA", "DEFAULT", "SECURITY", "HUB"]
    row = next(line for line in rows if line.startswith("MLC208"))
    assert row.split()[:5] == ["MLC208", "inter-container-encryption", "medium", "encryption", "on"]
    assert row.endswith("SageMaker.9, .10, .13, .15, .22")
    assert next(line for line in rows if line.startswith("MLC413")).split()[4] == "off"
    assert next(line for line in rows if line.startswith("MLC001")).split()[4:] == ["on"]
    # controls that no rule can judge are listed after the table, with their reason
    assert re.search(r"^  SageMaker\.6 SageMaker app image configurations should be tagged: tagging control", out,
                     re.M)
    assert re.search(r"^  SageMaker\.7 ", out, re.M)


def test_list_rules_json_has_the_controls(run_cli):
    code, out, _ = run_cli("--list-rules", "--output-format", "json")
    by_id = {r["id"]: r for r in json.loads(out)}
    assert code == 0
    assert by_id["MLC401"]["security_hub"] == ["SageMaker.1"]
    assert by_id["MLC001"]["security_hub"] == []
    assert by_id["MLC413"]["enabled_by_default"] is False


def test_docs_index_has_the_control_table():
    text = (ROOT / "docs" / "rules" / "README.md").read_text()
    section = text.split("## Security Hub SageMaker controls", 1)[1]
    for control in sh.CONTROLS:
        assert f"| {control.id} | {control.title}" in section
    assert "| SageMaker.14 | SageMaker monitoring schedules should have network isolation enabled | " \
           "[MLC405](MLC405-network-isolation-disabled.md) |" in section
    assert re.search(r"\| SageMaker\.6 \| .* \| not judged from a template: tagging control", section)

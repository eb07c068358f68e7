"""bench/tf_synthetic.py: the benchmark's synthetic Terraform inputs are the example stack N times, each copy
wired to itself, so that they cost N times the work and give N times the findings, copy by copy."""

import importlib.util
import json
import re
from collections import Counter

import pytest

from conftest import ROOT
from mlcheck.engine.registry import all_rules
from mlcheck.engine.runner import Settings, check_file
from mlcheck.inputs.discovery import Candidate

EXAMPLES = ROOT / "examples" / "terraform"
DEFAULT = Settings(rule_ids=tuple(r.id for r in all_rules() if r.enabled_by_default),
                   subset_rule_ids=tuple(r.id for r in all_rules() if not r.enabled_by_default
                                         and r.partly_on_by_default))


def _load_generators():
    spec = importlib.util.spec_from_file_location("tf_synthetic", ROOT / "bench" / "tf_synthetic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


synth = _load_generators()


def findings_per_copy(candidate):
    """{copy number: Counter of (rule, address of the original resource)} of a run on `candidate`."""
    result = check_file(candidate, DEFAULT)
    assert not result.errors, result.errors
    per_copy = {}
    for f in result.findings:
        m = re.fullmatch(r"(.+?)(?:_c(\d+))?", f.resource)
        per_copy.setdefault(int(m[2] or 0), Counter())[(f.rule_id, m[1])] += 1
    return per_copy


def tf_candidate(directory):
    return Candidate(str(directory), True, terraform=True)


def plan_candidate(tmp_path, copies, example="insecure"):
    path = synth.write_synthetic_plan(EXAMPLES / example / "plan.json", tmp_path / f"{example}-x{copies}.json",
                                      copies)
    return path, Candidate(str(path), True)


def test_tf_copies_parse_and_give_the_same_findings_per_copy(tmp_path):
    once = findings_per_copy(tf_candidate(EXAMPLES / "insecure"))[0]
    assert sum(once.values()) >= 10  # the insecure example has its findings, or this test shows nothing
    written = synth.write_tf_copies(EXAMPLES / "insecure", tmp_path / "x3", 3)
    assert [p.name for p in written] == ["main.tf", "main_c1.tf", "main_c2.tf"]
    assert synth.tf_resource_count(tmp_path / "x3") == 3 * synth.tf_resource_count(EXAMPLES / "insecure")
    assert findings_per_copy(tf_candidate(tmp_path / "x3")) == {0: once, 1: once, 2: once}


def test_a_tf_copy_has_its_own_locals_and_names(tmp_path):
    synth.write_tf_copies(EXAMPLES / "secure", tmp_path, 2)
    copy = (tmp_path / "main_c1.tf").read_text()
    assert 'name_c1    = "fraud-c1"' in copy and "local.name_c1" in copy and "local.name}" not in copy
    assert 'resource "aws_kms_key" "main_c1"' in copy and "aws_kms_key.main_c1.arn" in copy
    assert "aws_kms_key.main.arn" not in copy


def test_plan_copies_give_the_same_findings_per_copy(tmp_path):
    once = findings_per_copy(Candidate(str(EXAMPLES / "insecure" / "plan.json"), True))[0]
    assert sum(once.values()) >= 10
    path, candidate = plan_candidate(tmp_path, 3)
    assert synth.plan_resource_count(path) == 3 * synth.plan_resource_count(EXAMPLES / "insecure" / "plan.json")
    assert findings_per_copy(candidate) == {0: once, 1: once, 2: once}


@pytest.mark.parametrize("section", ["planned_values", "resource_changes", "configuration"])
def test_plan_copies_are_renamed_consistently(tmp_path, section):
    path, _ = plan_candidate(tmp_path, 2, "secure")
    plan = json.loads(path.read_text())
    entries = {"planned_values": plan["planned_values"]["root_module"]["resources"],
               "resource_changes": plan["resource_changes"],
               "configuration": plan["configuration"]["root_module"]["resources"]}[section]
    by_address = {e["address"]: e for e in entries}
    copied = by_address["aws_sagemaker_model.main_c1"]
    assert copied["name"] == "main_c1"
    assert len(by_address) == len(entries)  # no address twice
    if section == "configuration":  # the copy refers to its own role
        assert copied["expressions"]["execution_role_arn"]["references"] == [
            "aws_iam_role.model_c1.arn", "aws_iam_role.model_c1"]
    else:  # and is named for its own copy
        values = copied["values"] if section == "planned_values" else copied["change"]["after"]
        assert values["name"] == "fraud-c1-model"


def test_the_secure_stack_copied_stays_clean(tmp_path):
    """Copies that shared names would be linked to each other's roles and endpoints (and report them)."""
    _, candidate = plan_candidate(tmp_path, 2, "secure")
    assert findings_per_copy(candidate) == {}

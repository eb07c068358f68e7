"""Inline suppressions: what they hide, what they report, and the governance switch that disables them."""

import json

from conftest import FIXTURES
from mlcheck.inputs.discovery import Candidate
from mlcheck.engine.registry import all_rules
from mlcheck.engine.runner import Settings, check_file

ALL = tuple(r.id for r in all_rules())


def findings(path, **settings):
    result = check_file(Candidate(str(path), True), Settings(rule_ids=ALL, **settings))
    return {(f.rule_id, f.resource): f for f in result.findings}


def test_suppressed_findings_carry_their_reason():
    got = findings(FIXTURES / "MLC002" / "pass-with-reason.yaml")
    assert got[("MLC401", "Notebook")].suppressed
    assert got[("MLC401", "Notebook")].suppression_reason == "training lab notebook, isolated account"
    assert got[("MLC403", "Notebook")].suppressed  # selected by rule name
    # checkov's CKV_AWS_187 maps to MLC201 (PEERS.md): honoured, with the peer comment as the reason.
    assert got[("MLC201", "Notebook")].suppressed
    assert got[("MLC201", "Notebook")].suppression_reason == "lab data is public"


def test_file_level_suppression_covers_every_resource():
    got = findings(FIXTURES / "MLC003" / "pass-used.yaml")
    assert got[("MLC301", "Bucket")].suppressed


def test_invalid_and_expired_suppressions_suppress_nothing():
    got = findings(FIXTURES / "MLC002" / "fail-no-reason.yaml")
    assert not got[("MLC401", "Notebook")].suppressed
    assert not got[("MLC301", "Bucket")].suppressed
    assert "expired on 2020-01-01" in got[("MLC002", None)].message


def test_governance_switch_disables_inline_suppressions():
    got = findings(FIXTURES / "MLC002" / "pass-with-reason.yaml", inline_suppressions=False)
    assert not any(f.suppressed for f in got.values())
    assert ("MLC002", "Notebook") not in got


def test_suppressed_findings_do_not_fail_the_run(tmp_path, run_cli):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"Resources": {"Bucket": {
        "Type": "AWS::S3::Bucket",
        "Metadata": {"mlcheck": {"ignore": [{"id": "MLC301", "reason": "blocked account-wide"}]}}}}}))
    # Only MLC301: other bucket rules (MLC304 HTTPS-only, MLC207 encryption) would fire on this bare bucket.
    code, out, _ = run_cli(str(path), "--select", "MLC301")
    assert code == 0 and out.endswith("1 suppressed\n")
    code, _, _ = run_cli(str(path), "--select", "MLC301", "--no-inline-suppressions")
    assert code == 1

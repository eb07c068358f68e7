"""The rule index: selection without importing the rule pack, dispatch that imports only what a file needs."""

import json
import subprocess
import sys

from conftest import ROOT
from mlcheck.engine import registry


def test_rule_index_is_up_to_date():
    """linter/data/rule_index.json is generated (tools/gen_rule_index.py); a rule change must regenerate it."""
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_rule_index.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_index_agrees_with_the_rules():
    infos = {info.id: info for info in registry.rule_infos()}
    rules = {rule.id: rule for rule in registry.all_rules()}
    assert infos.keys() == rules.keys()
    for rule_id, rule in rules.items():
        info = infos[rule_id]
        assert (info.name, info.severity, info.enabled_by_default, info.partly_on_by_default) == (
            rule.name, rule.severity, rule.enabled_by_default, rule.partly_on_by_default)
        assert set(info.resource_types) == set(rule.resource_types)
        assert info.peer_ids == rule.peer_ids


def test_a_stale_index_costs_time_never_a_rule(monkeypatch, tmp_path):
    """An index that misses a module on disk is not trusted: every rule is imported and indexed afresh."""
    entries = json.loads((ROOT / "linter" / "data" / "rule_index.json").read_text())
    dropped = entries.pop()
    real_open = open

    def fake_open(path, *args, **kwargs):
        if str(path).endswith("rule_index.json"):
            stale = tmp_path / "rule_index.json"
            stale.write_text(json.dumps(entries))
            return real_open(stale, *args, **kwargs)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", fake_open)
    registry.rule_infos.cache_clear()
    try:
        ids = [info.id for info in registry.rule_infos()]
    finally:
        monkeypatch.undo()
        registry.rule_infos.cache_clear()
    assert dropped["id"] in ids


def _modules_imported_by_a_run(tmp_path, template: str) -> set:
    path = tmp_path / "t.yaml"
    path.write_text(template)
    code = ("import sys\nfrom mlcheck.cli import cli\n"
            f"try:\n    cli([{str(path)!r}, '--exit-zero'])\nexcept SystemExit:\n    pass\n"
            "print(' '.join(m for m in sys.modules if m.startswith('mlcheck.rules.')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return set(proc.stdout.split()[-60:]) if proc.stdout.strip() else set()


def test_a_run_imports_only_the_rules_for_the_types_present(tmp_path):
    imported = _modules_imported_by_a_run(tmp_path, (
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Resources:\n  Notebook:\n    Type: AWS::SageMaker::NotebookInstance\n"
        "    Properties:\n      InstanceType: ml.t3.medium\n      RoleArn: arn:aws:iam::123456789012:role/r\n"))
    expected = {f"mlcheck.rules.{info.module}" for info in registry.rule_infos()
                if "AWS::SageMaker::NotebookInstance" in info.resource_types}
    assert expected and expected <= imported
    bucket_only = {f"mlcheck.rules.{info.module}" for info in registry.rule_infos()
                   if info.resource_types == ("AWS::S3::Bucket",)}
    assert bucket_only and not (bucket_only & imported)


# -- area selectors ------------------------------------------------------------------------------------------------

def _ids(rules) -> set:
    return {r.id for r in rules}


def test_an_area_selects_the_rules_that_list_rules_shows_in_it():
    from mlcheck.engine.rule import AREAS

    infos = registry.rule_infos()
    for digit, area in AREAS.items():
        in_area = {r.id for r in infos if r.area == area}
        assert in_area, area
        # as the area's prefix does: default-on rules of the area, no other
        assert _ids(registry.select_rules([area])) == _ids(registry.select_rules([f"MLC{digit}"]))
        assert _ids(registry.select_rules([area])) <= in_area
        assert _ids(registry.select_rules(["ALL"], ignore=[area.upper()])) == {r.id for r in infos} - in_area


def test_areas_mix_with_ids_prefixes_and_names():
    network = {r.id for r in registry.rule_infos() if r.area == "network" and r.enabled_by_default}
    chosen = _ids(registry.select_rules(["network", "MLC101", "bucket-https-only"], ignore=["MLC409"]))
    assert chosen == (network - {"MLC409"}) | {"MLC101", "MLC304"}
    extended = _ids(registry.select_rules(extend_select=["MLC412"], ignore=["iam", "MLC2"]))
    assert "MLC412" in extended and not any(i.startswith(("MLC1", "MLC2")) for i in extended)
    # an off-by-default rule joins only when named, as with a prefix
    assert "MLC412" not in _ids(registry.select_rules(["network"]))


def test_an_unknown_selector_names_itself_and_the_areas():
    import pytest

    from mlcheck.engine.rule import AREAS

    with pytest.raises(registry.SelectionError) as error:
        registry.select_rules(["iam", "netwrk"])
    assert "'netwrk'" in str(error.value)
    assert all(area in str(error.value) for area in AREAS.values())

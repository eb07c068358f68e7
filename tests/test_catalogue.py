"""The rule pack agrees with the released catalogue and with CloudFormation's resource schemas.

The catalogue (ID, name, severity, on by default: fixed once released) is kept in tests/data/catalogue.json, so
the tests need nothing beside the repository; when the product's ../shared/RULES.md is present, that copy is
checked against it too."""

import json
import re

import pytest

from conftest import DATA, SHARED
from mlcheck.engine.registry import all_rules
from mlcheck.engine.rule import PropertyCheck

ROW = re.compile(r"^\| (MLC\d{3}) \| ([a-z0-9-]+) \| (critical|high|medium|low|info)( \(off by default\))? \|", re.M)


def catalogue() -> dict:
    entries = json.loads((DATA / "catalogue.json").read_text())
    return {rule_id: (e["name"], e["severity"], e["enabled_by_default"]) for rule_id, e in entries.items()}


def catalogue_from_rules_md(text: str) -> dict:
    return {m.group(1): (m.group(2), m.group(3), not m.group(4)) for m in ROW.finditer(text)}


def test_catalogue_is_readable():
    assert len(catalogue()) > 60


def test_vendored_catalogue_is_the_products():
    rules_md = SHARED / "RULES.md"
    if not rules_md.is_file():
        import warnings

        warnings.warn("../shared/RULES.md is not beside the repository: the vendored catalogue is not re-checked")
        return
    assert catalogue() == catalogue_from_rules_md(rules_md.read_text()), (
        "tests/data/catalogue.json differs from RULES.md: regenerate it from RULES.md")


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
def test_rule_matches_catalogue(rule):
    entry = catalogue().get(rule.id)
    assert entry is not None, f"{rule.id} is not in RULES.md"
    name, severity, on_by_default = entry
    assert (rule.name, rule.severity, rule.enabled_by_default) == (name, severity, on_by_default)


def _schema(resource_type):
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    return PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", resource_type).schema


@pytest.mark.parametrize("rule", [r for r in all_rules() if isinstance(r.check, PropertyCheck)],
                         ids=lambda r: r.id)
def test_declarative_property_exists_in_resource_schema(rule):
    """A typo in a declarative rule's property path would be a silent false negative (checkov's weakness)."""
    schema = _schema(rule.check.resource_type)
    node = schema
    for key in rule.check.keys:
        props = node.get("properties", {})
        assert key in props, f"{rule.check.resource_type} has no property {key}"
        node = props[key]
        if "$ref" in node:
            node = schema["definitions"][node["$ref"].rsplit("/", 1)[1]]


def test_generated_rule_docs_are_up_to_date():
    """docs/rules/ is generated from the rules' docstrings (tools/gen_docs.py); a rule change must regenerate it."""
    import subprocess
    import sys

    from conftest import ROOT

    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_docs.py"), "--check"], capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr

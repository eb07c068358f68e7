"""The configuration's JSON Schema (issue 10, item 15): generated from the configuration model, shipped in the
package, and in agreement with what mlcheck accepts — the README's examples and the configurations below
validate, and what config.py rejects (an unknown key, a wrong type) the schema rejects too."""

import json
import re
import subprocess
import sys

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from mlcheck import data
from mlcheck.engine.config import KEYS, ConfigError, load_config
from mlcheck.engine.config_schema import build, schema_url

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

SCHEMA = json.loads(open(data.path("config.schema.json"), encoding="utf-8").read())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
README = (ROOT / "README.md").read_text()


def schema_accepts(settings_: dict) -> bool:
    return VALIDATOR.is_valid(settings_)


def config_accepts(tmp_path, settings_: dict) -> bool:
    """Whether mlcheck's configuration reader accepts these settings, written as a .mlcheck.yaml."""
    path = tmp_path / ".mlcheck.yaml"
    path.write_text(json.dumps(settings_))  # JSON is YAML: the reader sees exactly these values
    try:
        load_config(path)
    except ConfigError:
        return False
    return True


def test_the_shipped_schema_is_up_to_date_and_valid():
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_config_schema.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA == build()
    assert SCHEMA["$id"] == schema_url()


def test_the_schema_ships_in_the_package():
    """linter/data is the package mlcheck.data; its package-data takes *.json (pyproject.toml)."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["mlcheck.data"]
    assert "mlcheck.data" in pyproject["tool"]["setuptools"]["packages"]
    assert any(re.fullmatch(p.replace(".", r"\.").replace("*", ".*"), "config.schema.json") for p in patterns)


def test_the_schema_has_every_key_of_the_model():
    assert set(SCHEMA["properties"]) == set(KEYS)
    for key, (check, default) in KEYS.items():
        if default is not None:
            assert schema_accepts({key: default}), key  # each default is a valid value of its key


def _readme_configurations() -> list:
    yamls = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(# (?:\.mlcheck\.yaml|yaml-language-server).*?)```",
                                                    README, re.S)]
    tomls = [tomllib.loads(b)["tool"]["mlcheck"] for b in re.findall(r"```toml\n(.*?)```", README, re.S)
             if "[tool.mlcheck" in b]
    return yamls + tomls


def test_every_configuration_example_of_the_readme_validates(tmp_path):
    examples = _readme_configurations()
    assert len(examples) >= 3  # .mlcheck.yaml, the schema comment, [tool.mlcheck]
    for example in examples:
        VALIDATOR.validate(example)
        assert config_accepts(tmp_path, example)


def test_the_readme_names_the_published_schema():
    assert f"$schema={schema_url()}" in README


VALID = [
    {},
    {"select": ["ALL"], "ignore": "MLC4, iam", "extend-select": ["MLC412"]},
    {"fail-on": "medium", "fail-on-unverified": "never", "output-format": "sarif", "exit-zero": True},
    {"fail_on": "high", "extend_select": ["MLC1"], "per_path-ignores": {"a/*": "MLC1"}},  # spellings it accepts
    {"parameters": {"Environment": "prod", "Count": 2, "Ratio": 0.5, "Public": False}},
    {"parameters-file": "params/prod.json", "inline-suppressions": False, "jobs": 0},
    {"jobs": 4, "severity": {"MLC501": "high", "single-instance-variant": "critical"}},
    {"per-path-ignores": {"sandbox/*": ["MLC4", "MLC501"], "dev/**": "MLC2,MLC3"}},
    {"rules": {"MLC407": {"required-endpoints": ["s3"], "vpc_only_domain-endpoints": ["sts"]},
               "MLC102": {"policies": ["AdministratorAccess"]}, "missing-vpc-endpoints": {"x": 1}}},
]

INVALID = [
    {"selct": ["MLC4"]},  # unknown key
    {"select": [401]},
    {"select": {"MLC4": True}},
    {"fail-on": "severe"},
    {"fail-on-unverified": "always"},
    {"output-format": "xml"},
    {"exit-zero": "yes"},
    {"inline-suppressions": 0},
    {"jobs": -1},
    {"jobs": "2"},
    {"jobs": True},
    {"parameters": ["Environment=prod"]},
    {"parameters": {"Subnets": ["a", "b"]}},
    {"parameters-file": ""},
    {"parameters-file": 3},
    {"per-path-ignores": ["sandbox/*"]},
    {"per-path-ignores": {"sandbox/*": [4]}},
    {"severity": {"MLC501": "urgent"}},
    {"severity": ["MLC501"]},
    {"rules": {"MLC407": ["s3"]}},
    {"rules": []},
]


@pytest.mark.parametrize("settings_", VALID, ids=str)
def test_valid_configurations_validate(tmp_path, settings_):
    assert config_accepts(tmp_path, settings_)
    VALIDATOR.validate(settings_)


@pytest.mark.parametrize("settings_", INVALID, ids=str)
def test_what_mlcheck_rejects_the_schema_rejects(tmp_path, settings_):
    assert not config_accepts(tmp_path, settings_)
    assert not schema_accepts(settings_)


@pytest.mark.parametrize("options", [{"bogus": True}, {"required-endpoints": "s3"}])
def test_rule_options_are_checked_as_mlcheck_checks_them(tmp_path, run_cli, options):
    """config.py takes any option mapping; mlcheck then rejects an option the rule lacks or a list given as a
    string (a usage error), and the schema, built from the rules' options, rejects them before."""
    settings_ = {"rules": {"MLC407": options}}
    assert not schema_accepts(settings_)
    (tmp_path / ".mlcheck.yaml").write_text(json.dumps(settings_))
    code, _, err = run_cli("--show-config", cwd=tmp_path)
    assert code == 2 and "rules.MLC407" in err


# Any settings a file may hold (as TOML and YAML give them: strings, numbers, booleans, lists, tables) are
# accepted by the schema exactly when config.py accepts them. Whole floats (2.0) are left out: JSON Schema's
# "integer" admits them, config.py's `jobs` does not. Rules with options are left out of `rules`, whose
# option names the schema knows and mlcheck checks after reading the file (the test above).
_scalars = (st.none() | st.booleans() | st.integers(-3, 8)
            | st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer())
            | st.sampled_from(["", "low", "medium", "never", "sarif", "MLC4", "iam, MLC1", "x.json"]))
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=3)
                       | st.dictionaries(st.sampled_from(["MLC501", "Env", "a/*", "k"]), inner, max_size=3),
                       max_leaves=6)
_keys = st.sampled_from(sorted(KEYS) + ["fail_on", "per_path_ignores", "selct", "rule", "Jobs"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(_keys, _values, max_size=3))
def test_the_schema_accepts_what_config_accepts(tmp_path, settings_):
    assert schema_accepts(settings_) == config_accepts(tmp_path, settings_), settings_

"""The JSON Schema of mlcheck's configuration (`.mlcheck.yaml`, `[tool.mlcheck]`), built from the configuration
model itself: the keys of `mlcheck.engine.config.KEYS`, each validator's `schema` and default, and the options
of the rules (the rule index). `tools/gen_config_schema.py` writes it to `data/config.schema.json`, which is
shipped for editors (yaml-language-server, taplo) and checked against the tests' configurations.

What the schema cannot see is left to mlcheck: whether a selector names a rule, a severity override or an
option a rule that exists (an unknown one is still a usage error when mlcheck reads the file).
"""

from __future__ import annotations

import re

SCHEMA_FILE = "config.schema.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"

DESCRIPTIONS = {
    "select": "Run only these rules (replaces the default set).",
    "extend-select": "Add these rules to the default set.",
    "ignore": "Skip these rules.",
    "fail-on": "Exit 1 when an unsuppressed finding is at least this severe.",
    "fail-on-unverified": "Exit 1 when a check of a rule at least this severe could not be verified (never: off).",
    "output-format": "How findings are printed on stdout.",
    "exit-zero": "Exit 0 whatever was found.",
    "parameters": "Template parameter values used to resolve Ref.",
    "parameters-file": "CloudFormation parameters JSON, relative to this file's folder.",
    "inline-suppressions": "Honour suppressions written in templates (false = --no-inline-suppressions).",
    "jobs": "Worker processes (0 = one per CPU).",
    "per-path-ignores": "Path globs (relative to this file's folder) -> rules skipped in the files they match.",
    "severity": "Rule ID or name -> the severity its findings get.",
    "rules": "Rule ID -> its options (mlcheck --explain RULE lists them).",
}


def schema_url() -> str:
    """Where the schema of this version is published: the file in the repository at the release tag."""
    from mlcheck import REPOSITORY, __version__

    slug = REPOSITORY.removeprefix("https://github.com/")
    return f"https://raw.githubusercontent.com/{slug}/v{__version__}/linter/data/{SCHEMA_FILE}"


def _spellings(key: str) -> str:
    """A pattern for the other spellings config.py accepts for `key`: '_' for any '-' (fail_on, fail_on-unverified)."""
    return "^" + "[-_]".join(re.escape(part) for part in key.split("-")) + "$"


def _options_def(rule_id: str) -> str:
    return f"{rule_id}-options"


def _rule_options() -> dict:
    """definition name -> the schema of its options: the option names it has (anything else is a usage error) and, for
    list options, a list of strings (as mlcheck checks them)."""
    from mlcheck.engine.registry import rule_infos

    out = {}
    for info in rule_infos():
        if not info.options:
            continue
        options = {}
        for name, default in info.options.items():
            option = {"description": f"Option of {info.id} ({info.name})"}
            if isinstance(default, (list, tuple)):
                option.update(type="array", items={"type": "string"}, default=list(default))
            elif default is not None:
                option["default"] = default
            options[name] = option
        out[_options_def(info.id)] = {"type": "object", "properties": options, "additionalProperties": False,
                        "patternProperties": {_spellings(n): {"$ref": f"#/$defs/{_options_def(info.id)}/properties/{n}"}
                                              for n in options if "-" in n}}
    return out


def build() -> dict:
    from mlcheck.engine.config import KEYS

    properties, alternatives, definitions = {}, {}, {}
    for key, (check, default) in KEYS.items():
        definition = {"description": DESCRIPTIONS[key], **check.schema}
        if default not in (None, [], {}):
            definition["default"] = default
        definitions[key] = definition
        properties[key] = {"$ref": f"#/$defs/{key}"}
        if "-" in key:
            alternatives[_spellings(key)] = {"$ref": f"#/$defs/{key}"}
    rules = _rule_options()
    definitions.update(rules)
    definitions["rules"] = dict(definitions["rules"], properties={
        name.removesuffix("-options"): {"$ref": f"#/$defs/{name}"} for name in rules})
    return {
        "$schema": DRAFT,
        "$id": schema_url(),
        "title": "mlcheck configuration",
        "description": "Settings of mlcheck in .mlcheck.yaml, or under [tool.mlcheck] in pyproject.toml (the same "
                       "keys). Generated from mlcheck's configuration model by tools/gen_config_schema.py.",
        "type": "object",
        "properties": properties,
        "patternProperties": alternatives,
        "additionalProperties": False,
        "$defs": definitions,
    }


def render() -> str:
    import json

    return json.dumps(build(), indent=2) + "\n"

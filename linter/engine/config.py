"""Configuration files: `[tool.mlcheck]` in pyproject.toml or `.mlcheck.yaml`, found upward from the working
directory (or named with --config). Keys mirror the command-line flags, plus per-path ignores, per-rule
severity overrides and rule options. Precedence: defaults < config file < command line.

An unknown key or a bad value is a usage error naming the key — a typo must not silently turn a check off.

Each validator carries the JSON Schema of what it accepts (`schema`, beside the check itself), from which
`mlcheck.engine.config_schema` builds the schema shipped for editors (`data/config.schema.json`).
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

from mlcheck.util.record import Record
from mlcheck.inputs.safe_read import InputError, read_file, read_json
from mlcheck.findings.severity import SEVERITIES
from mlcheck.reporters import REPORTERS

if TYPE_CHECKING:
    from pathlib import Path

FILE_NAMES = (".mlcheck.yaml", ".mlcheck.yml", "pyproject.toml")
FORMATS = tuple(REPORTERS)  # the output formats, as the command takes them


class ConfigError(ValueError):
    pass


def _schema(fragment: dict):
    """Attach to a validator the JSON Schema of the values it accepts (kept beside the check it describes)."""
    def attach(check):
        check.schema = fragment
        return check
    return attach


_CODES_SCHEMA = {"anyOf": [{"type": "array", "items": {"type": "string"}},
                           {"type": "string", "description": "comma-separated"}],
                 "description": "Rule IDs (MLC401), prefixes (MLC4), names, areas (iam, network, ...) or ALL"}


@_schema(_CODES_SCHEMA)
def _codes(key, value):
    if isinstance(value, str):
        return [c.strip() for c in value.split(",") if c.strip()]
    if isinstance(value, list) and all(isinstance(c, str) for c in value):
        return [c.strip() for c in value if c.strip()]
    raise ConfigError(f"{key}: expected a list of rule IDs, prefixes, names or areas")


def _choice(options):
    @_schema({"enum": list(options)})
    def check(key, value):
        if value not in options:
            raise ConfigError(f"{key}: expected one of {', '.join(options)}, got {value!r}")
        return value
    return check


@_schema({"type": "boolean"})
def _bool(key, value):
    if not isinstance(value, bool):
        raise ConfigError(f"{key}: expected true or false, got {value!r}")
    return value


@_schema({"type": "integer", "minimum": 0})
def _jobs(key, value):
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ConfigError(f"{key}: expected a whole number >= 0, got {value!r}")
    return value


@_schema({"type": "string", "minLength": 1})
def _text(key, value):
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{key}: expected a path")
    return value


@_schema({"type": "object", "additionalProperties": {"type": ["string", "number", "boolean"]}})
def _parameters(key, value):
    if not isinstance(value, dict) or not all(isinstance(v, (str, int, float, bool)) for v in value.values()):
        raise ConfigError(f"{key}: expected a mapping of parameter names to values")
    return {str(k): ("true" if v is True else "false" if v is False else str(v)) for k, v in value.items()}


@_schema({"type": "object", "additionalProperties": _CODES_SCHEMA})
def _per_path(key, value):
    if not isinstance(value, dict):
        raise ConfigError(f"{key}: expected a mapping of path globs to rule lists")
    return {str(glob): _codes(f"{key}.{glob}", codes) for glob, codes in value.items()}


@_schema({"type": "object", "additionalProperties": {"enum": list(SEVERITIES)}})
def _severities(key, value):
    if not isinstance(value, dict):
        raise ConfigError(f"{key}: expected a mapping of rules to severities")
    for rule, severity in value.items():
        if severity not in SEVERITIES:
            raise ConfigError(f"{key}.{rule}: expected one of {', '.join(SEVERITIES)}, got {severity!r}")
    return {str(rule): severity for rule, severity in value.items()}


@_schema({"type": "object", "additionalProperties": {"type": "object"}})
def _rule_options(key, value):
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise ConfigError(f"{key}: expected a mapping of rules to option mappings")
    return {str(rule): {_kebab(k): v for k, v in options.items()} for rule, options in value.items()}


KEYS = {
    # key: (validator, default)
    "select": (_codes, []),
    "extend-select": (_codes, []),
    "ignore": (_codes, []),
    "fail-on": (_choice(SEVERITIES), "low"),
    "fail-on-unverified": (_choice(SEVERITIES + ("never",)), "high"),
    "output-format": (_choice(FORMATS), "concise"),
    "exit-zero": (_bool, False),
    "parameters": (_parameters, {}),
    "parameters-file": (_text, None),
    "inline-suppressions": (_bool, True),
    "jobs": (_jobs, 0),
    "per-path-ignores": (_per_path, {}),
    "severity": (_severities, {}),
    "rules": (_rule_options, {}),
}


def _kebab(key) -> str:
    return str(key).replace("_", "-")


class Config(Record):
    _fields = ("path", "values")
    path: Path | None
    values: dict  # validated keys present in the file

    def __init__(self, path=None, values=None):
        self.path = path
        self.values = {} if values is None else values

    def origin(self, key) -> str:
        return f"{self.path} ({key})" if key in self.values else "default"


def find_config(start: str) -> Path | None:
    """The nearest .mlcheck.yaml / pyproject.toml with [tool.mlcheck], from `start` upward."""
    # os.path, and pathlib only for a file found: most runs have none, and pathlib's import is 4% of a run
    folder = os.path.realpath(start)  # as Path.resolve()
    while True:
        for name in FILE_NAMES:
            candidate = os.path.join(folder, name)
            if name != "pyproject.toml":
                if os.path.lexists(candidate) and not os.path.isdir(candidate):
                    return _path(candidate)  # mlcheck's own file: reading it reports what is wrong with it
            elif _configures_mlcheck(candidate):
                return _path(candidate)
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _path(name: str) -> Path:
    from pathlib import Path

    return Path(name)


def _configures_mlcheck(path: str) -> bool:
    """Whether a pyproject.toml has a [tool.mlcheck] table. One that never mentions mlcheck is not parsed (it
    may be anyone's, in any state); one that does but cannot be read as TOML is an error, since skipping it
    could drop settings meant for mlcheck."""
    try:
        if not os.path.isfile(path):
            return False
        raw = read_file(str(path))
    except InputError:
        return False  # unreadable: as if absent, as before
    if b"mlcheck" not in raw:
        return False
    try:
        return _pyproject_section(path, raw) is not None
    except ConfigError as exc:
        raise ConfigError(f"{exc} (mlcheck reads [tool.mlcheck] from it: fix the file, or name another "
                          "configuration with --config)") from None


def _pyproject_section(path: Path, raw: bytes) -> dict | None:
    """The [tool.mlcheck] table of a pyproject.toml, or None when it has none."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ConfigError(f"{path}:{line}: not UTF-8 (invalid byte 0x{raw[exc.start]:02x}), as TOML must be") from None
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib
        except ModuleNotFoundError:
            raise ConfigError("reading pyproject.toml needs Python 3.11 or the tomli package") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: nested too deeply") from None
    tool = data.get("tool")
    if tool is None:
        return None
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: 'tool' must be a table, not {_type_name(tool)}")
    section = tool.get("mlcheck")
    if section is not None and not isinstance(section, dict):
        raise ConfigError(f"{path}: 'tool.mlcheck' must be a table, not {_type_name(section)}")
    return section


def _type_name(value) -> str:
    return {str: "a string", list: "an array", bool: "a boolean", int: "an integer", float: "a number"}.get(
        type(value), type(value).__name__)


def _read(path: Path) -> dict:
    try:
        raw = read_file(str(path))
    except InputError as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    if path.name == "pyproject.toml":
        return _pyproject_section(path, raw) or {}
    from mlcheck.inputs.loader import ParseError, load_document

    try:
        data = load_document(raw, str(path)).data if raw.strip() else None
    except ParseError as exc:
        raise ConfigError(f"{path}:{exc.line}: {exc.message}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of settings")
    return data


def read_parameters_file(path: str) -> dict:
    """Template parameter values from a JSON file in CloudFormation's format (a list of ParameterKey /
    ParameterValue) or CodePipeline's ({"Parameters": {...}})."""
    try:
        data = read_json(path)
    except InputError as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    if isinstance(data, dict) and isinstance(data.get("Parameters"), dict):
        pairs = list(data["Parameters"].items())
    elif isinstance(data, list) and all(isinstance(p, dict) and "ParameterKey" in p for p in data):
        pairs = [(p["ParameterKey"], p.get("ParameterValue", "")) for p in data]
    else:
        raise ConfigError(f"{path}: expected CloudFormation's format, a list of "
                          '{"ParameterKey": ..., "ParameterValue": ...}')
    for key, value in pairs:
        if not isinstance(key, str) or not key:
            raise ConfigError(f"{path}: parameter names must be non-empty strings, got {json.dumps(key)[:80]}")
        if not isinstance(value, (str, int, float, bool)):
            raise ConfigError(f"{path}: parameter '{key}': expected a string, number or boolean, "
                              f"got {json.dumps(value)[:80]}")
    return dict(pairs)


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    raw = _read(path)
    values = {}
    for key, value in raw.items():
        name = _kebab(key)
        if name not in KEYS:
            close = [k for k in KEYS if k.split("-")[0] == name.split("-")[0]]
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ConfigError(f"{path}: unknown key '{key}'{hint}; known keys: {', '.join(KEYS)}")
        try:
            values[name] = KEYS[name][0](name, value)
        except ConfigError as exc:
            raise ConfigError(f"{path}: {exc}") from None
    if "parameters-file" in values:
        values["parameters-file"] = str(path.parent / values["parameters-file"])
    if "per-path-ignores" in values:  # globs are relative to the config file's folder
        values["per-path-ignores"] = {
            os.path.relpath(path.parent / glob) if not (os.path.isabs(glob) or glob.startswith("aws://"))
            else glob: codes
            for glob, codes in values["per-path-ignores"].items()
        }
    return Config(path, values)

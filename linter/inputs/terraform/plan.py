"""Terraform plan JSON (`terraform show -json plan.out`) as an input kind, recognised by content: a mapping with
`format_version` and `planned_values` or `resource_changes`.

Values are the plan's own: exact where known. What is known only after apply (`after_unknown`) is unknown,
except where the configuration writes it as a reference to another resource (`configuration` section,
`expressions[...].references`): a model's `execution_role_arn = aws_iam_role.x.arn` stays linked to the role
whose ARN the plan cannot know. An attribute the provider computes and the configuration does not set is
absent, as a property left out of a template. Each resource is located at its entry in `planned_values`, each
attribute at its value there, so a finding points at its entry in the plan file.
"""

from __future__ import annotations

import re

from mlcheck.inputs.terraform.mapping import to_template
from mlcheck.inputs.terraform.resource import Position, Reference, References, TerraformResource
from mlcheck.model.document import Document
from mlcheck.model.template import Template
from mlcheck.model.values import Unknown

DESCRIPTION = "a Terraform plan (no format_version with planned_values or resource_changes)"
AFTER_APPLY = "known only after apply"

# `aws_iam_role.x.arn`, `aws_subnet.a[0].id`, `module.ml.aws_kms_key.k.arn`: (address, attribute)
_REFERENCE = re.compile(r"^((?:module\.[^.\[]+(?:\[[^\]]*\])?\.)*(?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+"
                        r"(?:\[[^\]]*\])?)(?:\.([A-Za-z0-9_]+))?")


def recognises(data) -> bool:
    return isinstance(data, dict) and "format_version" in data and (
        "planned_values" in data or "resource_changes" in data)


def build(file: str, document: Document) -> Template:
    return to_template(read_plan(file, document), file)


def read_plan(file: str, document: Document) -> list[TerraformResource]:
    """The managed resources the plan leaves in place (created, updated or unchanged), in plan order."""
    data = document.data
    changes = {}
    for change in _list(data.get("resource_changes")):
        if isinstance(change, dict) and isinstance(change.get("address"), str):
            changes[change["address"]] = change
    expressions = _configuration(data.get("configuration"))
    resources = []
    planned = data.get("planned_values")
    if isinstance(planned, dict) and isinstance(planned.get("root_module"), dict):
        for entry, path in _planned(planned["root_module"], ("planned_values", "root_module")):
            resources.append(_from_planned(file, document, entry, path, changes, expressions))
    else:  # a plan without planned_values: the changes' `after`
        for i, change in enumerate(_list(data.get("resource_changes"))):
            if _managed(change) and "delete" not in _list(_dict(change.get("change")).get("actions")):
                after = _dict(change.get("change")).get("after")
                resources.append(_resource(file, document, change, after, ("resource_changes", i),
                                           ("resource_changes", i, "change", "after"), changes, expressions))
    return [r for r in resources if r is not None]


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _managed(entry) -> bool:
    return isinstance(entry, dict) and entry.get("mode", "managed") == "managed" and isinstance(
        entry.get("address"), str) and isinstance(entry.get("type"), str)


def _planned(module: dict, path: tuple):
    """(resource entry, its document path) of a planned_values module and its child modules."""
    for i, entry in enumerate(_list(module.get("resources"))):
        if _managed(entry):
            yield entry, path + ("resources", i)
    for i, child in enumerate(_list(module.get("child_modules"))):
        if isinstance(child, dict):
            yield from _planned(child, path + ("child_modules", i))


def _from_planned(file, document, entry, path, changes, expressions):
    return _resource(file, document, entry, entry.get("values"), path, path + ("values",), changes, expressions)


def _resource(file, document, entry, values, path, values_path, changes, expressions):
    address = entry["address"]
    change = _dict(_dict(changes.get(address)).get("change"))
    unknown = change.get("after_unknown") or {}
    config = expressions.get(_config_address(address), {})
    prefix = _module_prefix(address)
    values = values if isinstance(values, dict) else {}
    merged = _merge(values, unknown, config, prefix)
    positions = {(): _position(file, document, path)}
    _locate(merged, values_path, (), file, document, positions)
    return TerraformResource(address, entry["type"], merged, positions)


def _merge(value, unknown, config, prefix):
    """The plan's value with what is known only after apply: a reference where the configuration writes
    one, else unknown; a computed attribute the configuration does not set is left out."""
    if unknown is True:
        return _unknown(config, prefix)
    if isinstance(value, dict) or isinstance(unknown, dict):
        value = value if isinstance(value, dict) else {}
        unknown = unknown if isinstance(unknown, dict) else {}
        expression = config if _is_expression(config) else None  # a map attribute's one expression
        config = config if isinstance(config, dict) else {}
        out = {}
        for key in list(value) + [k for k in unknown if k not in value]:
            sub_config = expression if expression is not None else config.get(key)
            if unknown.get(key) is True and sub_config is None:
                continue  # computed by the provider, not set by the configuration
            merged = _merge(value.get(key), unknown.get(key), sub_config, prefix)
            if merged is not None:
                out[key] = merged
        return out
    if isinstance(value, list) or isinstance(unknown, list):
        value = value if isinstance(value, list) else []
        unknown = unknown if isinstance(unknown, list) else []
        items = config if isinstance(config, list) else None
        refs = _attribute_references(config, prefix) if not isinstance(config, list) else []
        pending = [i for i, u in enumerate(unknown) if u is True]
        out = []
        for i in range(max(len(value), len(unknown))):
            item_unknown = unknown[i] if i < len(unknown) else False
            item_config = items[i] if items is not None and i < len(items) else None
            if item_unknown is True and item_config is None:
                # `subnets = [aws_subnet.a.id, aws_subnet.b.id]`: the i-th unknown item is the i-th reference
                out.append(refs[pending.index(i)] if len(refs) == len(pending) else Unknown(AFTER_APPLY))
                continue
            out.append(_merge(value[i] if i < len(value) else None, item_unknown, item_config, prefix))
        return out
    return value


def _is_expression(config) -> bool:
    """An attribute's expression (as opposed to a block's attributes)."""
    return isinstance(config, dict) and ("references" in config or "constant_value" in config)


def _unknown(config, prefix):
    """A value known only after apply: the one resource attribute its expression references, else unknown."""
    if isinstance(config, list):  # a block whose contents are all unknown
        return Unknown(AFTER_APPLY)
    refs = _attribute_references(config, prefix)
    if len(refs) == 1:
        return refs[0]
    if refs:  # `subnets = [aws_subnet.a.id, aws_subnet.b.id]`, or a string built of them: the mapping decides
        return References(refs)
    return Unknown(AFTER_APPLY)


def _attribute_references(config, prefix) -> list:
    """The resource attributes an expression references, in order (`aws_x.a.arn`, not the bare `aws_x.a`
    Terraform lists beside it)."""
    if not isinstance(config, dict) or not isinstance(config.get("references"), list):
        return []
    found = []
    names = [r for r in config["references"] if isinstance(r, str)]
    for name in names:
        match = _REFERENCE.match(name)
        if not match or not match.group(2) or name.startswith(("var.", "local.", "each.", "count.", "path.")):
            continue
        if match.end() != len(name):
            continue  # `aws_x.a.tags.Name`: a piece of an attribute
        address = prefix + match.group(1)
        found.append(Reference(address, match.group(2)))
    return found


def _configuration(configuration) -> dict:
    """Resource config address (`module.ml.aws_iam_role.x`, no instance keys) -> its expressions."""
    found: dict = {}
    if isinstance(configuration, dict) and isinstance(configuration.get("root_module"), dict):
        _config_module(configuration["root_module"], "", found)
    return found


def _config_module(module: dict, prefix: str, found: dict) -> None:
    for resource in _list(module.get("resources")):
        if isinstance(resource, dict) and isinstance(resource.get("address"), str):
            found[prefix + resource["address"]] = _dict(resource.get("expressions"))
    for name, call in _dict(module.get("module_calls")).items():
        if isinstance(call, dict) and isinstance(call.get("module"), dict):
            _config_module(call["module"], f"{prefix}module.{name}.", found)


_INDEX = re.compile(r"\[[^\]]*\]")


def _config_address(address: str) -> str:
    """`module.ml[0].aws_subnet.a["x"]` -> `module.ml.aws_subnet.a`, as the configuration section names it."""
    return _INDEX.sub("", address)


def _module_prefix(address: str) -> str:
    """The module path of an address (`module.ml.`), which prefixes the references its configuration writes."""
    parts = address.split(".")
    prefix = []
    i = 0
    while i + 1 < len(parts) and parts[i] == "module":
        prefix += parts[i:i + 2]
        i += 2
    return ".".join(prefix) + "." if prefix else ""


def _position(file, document, path) -> Position:
    loc = document.location(path)
    return Position(file, loc.line, loc.column, loc.end_line, loc.end_column)


def _locate(value, doc_path, tf_path, file, document, positions) -> None:
    """Position of every value written in the plan's `values` (those from `after_unknown` keep their block's)."""
    if doc_path + () not in document.locations:
        return
    positions[tf_path] = _position(file, document, doc_path) if tf_path else positions[()]
    if isinstance(value, dict):
        for key, item in value.items():
            _locate(item, doc_path + (key,), tf_path + (key,), file, document, positions)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _locate(item, doc_path + (i,), tf_path + (i,), file, document, positions)

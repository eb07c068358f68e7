"""`data "aws_iam_policy_document"`: the policy JSON the AWS provider computes from its blocks.

Many Terraform configurations write IAM policies this way rather than with jsonencode. Its arguments are all in
the configuration, so its `json` is known at plan time (the plan shows it): evaluated here the same way, as the
provider builds it (Version 2012-10-17, Effect Allow by default, principals and conditions grouped by type, a
single value as a string). Documents merged from others (`source_policy_documents`,
`override_policy_documents`) are unknown: their merge rules are the provider's.
"""

from __future__ import annotations

from mlcheck.inputs.terraform import jsonvalue
from mlcheck.model.values import Unknown

_SETS = (("actions", "Action"), ("not_actions", "NotAction"), ("resources", "Resource"),
         ("not_resources", "NotResource"))


def policy_json(values: dict):
    """The `json` attribute of an aws_iam_policy_document whose body reads as `values` (Terraform's JSON shape)."""
    for merged in ("source_policy_documents", "override_policy_documents", "source_json", "override_json"):
        if values.get(merged) not in (None, [], ""):
            return Unknown(f"an aws_iam_policy_document with {merged} (merged by the provider)")
    statements = values.get("statement", [])
    if not isinstance(statements, list):
        return Unknown("aws_iam_policy_document statements that cannot be known")
    document = {"Version": values.get("version") or "2012-10-17"}
    if values.get("policy_id"):
        document["Id"] = values["policy_id"]
    out = []
    for block in statements:
        statement = _statement(block)
        if isinstance(statement, Unknown):
            return statement
        out.append(statement)
    document["Statement"] = out
    return jsonvalue.encode(document)


def _statement(block: dict):
    statement = {}
    if block.get("sid"):
        statement["Sid"] = block["sid"]
    statement["Effect"] = block.get("effect") or "Allow"
    for key, name in _SETS:
        value = block.get(key)
        if value is None or value == []:
            continue
        if not isinstance(value, list):
            return Unknown(f"the {key} of a policy statement cannot be known")
        statement[name] = _single_or_list(value)
    for key, name in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        principals = block.get(key)
        if principals:
            grouped = _principals(principals)
            if isinstance(grouped, Unknown):
                return grouped
            statement[name] = grouped
    conditions = block.get("condition")
    if conditions:
        grouped = _conditions(conditions)
        if isinstance(grouped, Unknown):
            return grouped
        statement["Condition"] = grouped
    return statement


def _single_or_list(values: list):
    values = list(dict.fromkeys(values)) if all(isinstance(v, (str, int, float)) for v in values) else values
    if all(isinstance(v, str) for v in values):
        values = sorted(values)
    return values[0] if len(values) == 1 else values


def _principals(blocks):
    if not isinstance(blocks, list):
        return Unknown("principals of a policy statement that cannot be known")
    grouped: dict = {}
    for block in blocks:
        kind, identifiers = block.get("type"), block.get("identifiers")
        if not isinstance(kind, str) or not isinstance(identifiers, list):
            return Unknown("principals of a policy statement that cannot be known")
        if kind == "*" and identifiers == ["*"]:
            return "*"
        grouped.setdefault(kind, []).extend(identifiers)
    return {kind: _single_or_list(ids) for kind, ids in grouped.items()}


def _conditions(blocks):
    if not isinstance(blocks, list):
        return Unknown("conditions of a policy statement that cannot be known")
    grouped: dict = {}
    for block in blocks:
        test, variable, values = block.get("test"), block.get("variable"), block.get("values")
        if not isinstance(test, str) or not isinstance(variable, str) or not isinstance(values, list):
            return Unknown("a condition of a policy statement that cannot be known")
        grouped.setdefault(test, {}).setdefault(variable, []).extend(values)
    return {test: {variable: _single_or_list(values) for variable, values in by_variable.items()}
            for test, by_variable in grouped.items()}

"""`--aws`: the values a template takes from outside, looked up in the account.

What is looked up: parameter values (`--parameter`, else the Default; comma lists item by item), literal values
of the resources' properties, and `Fn::ImportValue` of a literal export name (cloudformation:ListExports: the
export's value replaces the function, so it resolves like a literal). The IAM roles, KMS keys, S3 buckets and
EC2 objects these name (`references.referenced`) are read as `aws://` reads them and enter the template as
resources of their own, marked as from the account (`Resource.arn`), so the rules that follow a role or a key
across resources judge them. What cannot be read is an unknown with the reason.
"""

from __future__ import annotations

import functools

from mlcheck.aws.quotas import ASKING_TYPES, QUOTA, QUOTA_NAME, SERVICE_CODE
from mlcheck.findings.result import UnknownValue
from mlcheck.inputs.aws_account.inventory import AccountResource, Inventory
from mlcheck.inputs.aws_account.scan import SCAN_RULE
from mlcheck.inputs.aws_account.session import AccountReader, AwsUnavailable, Failed

IMPORT = "Fn::ImportValue"


@functools.lru_cache(maxsize=4)
def reader_for(region, profile, timeout):
    """One reader per process and account: many templates share its clients, deadline and record."""
    return AccountReader(region, profile, timeout)


@functools.lru_cache(maxsize=4)
def _exports(reader):
    found = reader.pages("cloudformation", "ListExports", "Exports")
    return found if isinstance(found, Failed) else {e["Name"]: e["Value"] for e in found if "Name" in e}


def add_account_values(template, settings, result) -> set:
    """Look up the template's outside values; returns the logical ids of the resources added from the account."""
    from mlcheck.inputs.aws_account import references
    from mlcheck.inputs.aws_account.template import add_resources

    options = settings.aws
    try:
        reader = reader_for(options.region, options.profile, options.timeout)
    except AwsUnavailable as exc:
        result.unknowns.append(UnknownValue(SCAN_RULE, template.file, 1, None, (), f"--aws: {exc}"))
        return set()
    problems: list = []
    _replace_imports(template, reader, problems)
    values = []
    for name, parameter in template.parameters.items():
        value = settings.parameters.get(name, parameter.default if parameter.has_default else None)
        if isinstance(value, str):
            values.extend(v.strip() for v in value.split(",") if v.strip())
    values.extend(r.properties for r in template.resources.values())
    refs = references.referenced(values)
    inventory = Inventory(reader.region)
    references.fetch(reader, inventory, refs)
    if any(r.type in ASKING_TYPES for r in template.resources.values()):
        add_quotas(reader, inventory, _instance_types(values))
    added = add_resources(template, inventory.resources)
    for what, reason in problems + inventory.unreadable:
        result.unknowns.append(UnknownValue(SCAN_RULE, template.file, 1, what, (), reason))
    return set(added)


def add_quotas(reader, inventory, instance_types: set) -> None:
    """The applied SageMaker quotas of the instance types the template names (MLC709)."""
    quotas = _quotas(reader)
    if isinstance(quotas, Failed):
        inventory.unreadable.append(("SageMaker service quotas", quotas.reason))
        return
    for quota in quotas:
        match = QUOTA_NAME.match(quota.get("QuotaName", ""))
        if match and match.group(1) in instance_types and "Value" in quota:
            inventory.add(AccountResource(QUOTA, quota.get("QuotaCode", quota["QuotaName"]), quota.get(
                "QuotaArn") or f"arn:aws:servicequotas:{reader.region}::sagemaker/{quota.get('QuotaCode')}", {
                "ServiceCode": SERVICE_CODE, "QuotaName": quota["QuotaName"], "QuotaCode": quota.get("QuotaCode"),
                "Value": quota["Value"]}))


@functools.lru_cache(maxsize=4)
def _quotas(reader):
    return reader.pages("service-quotas", "ListServiceQuotas", "Quotas", ServiceCode=SERVICE_CODE)


def _instance_types(values) -> set:
    found, stack = set(), list(values)
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str) and node.startswith("ml."):
            found.add(node.strip())
    return found


def _replace_imports(template, reader, problems) -> None:
    """`Fn::ImportValue: Name` (a literal name) -> the export's value, in place."""
    def walk(node):
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, child in list(items):
            if isinstance(child, dict) and len(child) == 1 and isinstance(child.get(IMPORT), str):
                value = _export(child[IMPORT])
                if value is not None:
                    node[key] = value
            else:
                walk(child)

    def _export(name):
        exports = _exports(reader)
        if isinstance(exports, Failed):
            problems.append((f"export {name}", exports.reason))
            return None
        if name not in exports:
            problems.append((f"export {name}", "no such export in the account's Region"))
            return None
        return exports[name]

    if not _has_import(template.data):
        return
    for resource in template.resources.values():
        walk(resource.definition)


def _has_import(data) -> bool:
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if IMPORT in node:
                return True
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False

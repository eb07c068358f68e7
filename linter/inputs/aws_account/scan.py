"""One `aws://REGION` path, read and linted: the same rules as for a file, findings named by ARN.

Each finding's `file` and `uri` become `aws://REGION/<service>/<kind>/<name>` of the resource it is filed
under (so `per-path-ignores` globs and fingerprints work per resource), and `arn` its ARN. Objects and lists that
could not be read are unknowns (rule `mlcheck`, shown with --show-unknown), never findings.
"""

from __future__ import annotations

from mlcheck.inputs.aws_account import AwsOptions, region_of
from mlcheck.inputs.aws_account.inventory import Inventory
from mlcheck.inputs.aws_account.session import AccountReader, AwsUnavailable
from mlcheck.findings.result import Error, UnknownValue

SCAN_RULE = "mlcheck"  # the rule id of unknowns that no rule recorded: what the scan could not read


def read_region(reader, since=None) -> Inventory:
    from mlcheck.inputs.aws_account import references, regional, sagemaker

    inventory = Inventory(reader.region)
    sagemaker.scan(reader, inventory, since)
    regional.scan(reader, inventory)
    refs = references.referenced(r.properties for r in inventory.resources)
    references.fetch(reader, inventory, refs)
    return inventory


def resource_path(region: str, logical_id: str, resource) -> str:
    return f"aws://{region}/{resource.service}/{logical_id}"


def lint_account(candidate, settings):
    from mlcheck.engine.engine import lint_template
    from mlcheck.engine.precedence import one_finding_per_problem
    from mlcheck.engine.registry import get_rule, rules_for_types
    from mlcheck.engine.runner import FileResult, _suppress
    from mlcheck.inputs.aws_account.progress import progress
    from mlcheck.inputs.aws_account.template import build

    options = settings.aws or AwsOptions()
    display = candidate.path
    result = FileResult()
    try:
        reader = AccountReader(region_of(candidate.path) or options.region, options.profile, options.timeout)
    except AwsUnavailable as exc:
        result.errors.append(Error(display, 1, str(exc), uri=display))
        return result
    with progress(reader, display):
        inventory = read_region(reader, options.since)
    template, added = build(inventory, display)
    result.checked = True
    rules = rules_for_types(settings.rule_ids + settings.subset_rule_ids, {r.type for r in template.resources.values()})
    report = lint_template(template, rules, display, display, settings.parameters, settings.severity_overrides,
                           frozenset(settings.subset_rule_ids), settings.rule_options)
    if settings.inline_suppressions:  # the tag mlcheck:ignore, as Metadata (mlcheck.inputs.aws_account.template)
        _suppress(template, report.findings, settings, display, display, report.unknowns)
    for finding in report.findings:
        item = added.get(finding.resource)
        if item is not None:
            finding.file = finding.uri = resource_path(inventory.region, finding.resource, item)
            finding.arn = item.arn
            finding.line = finding.column = finding.end_line = 1
            finding.end_column = 1
    for unknown in report.unknowns:
        item = added.get(unknown.resource)
        if item is not None:
            unknown.file, unknown.line = resource_path(inventory.region, unknown.resource, item), 1
    result.findings.extend(one_finding_per_problem(report.findings, get_rule))
    result.unknowns.extend(report.unknowns)
    result.unknowns.extend(UnknownValue(SCAN_RULE, display, 1, what, (), reason)
                           for what, reason in inventory.unreadable)
    result.errors.extend(report.errors)
    if options.on_scan is not None:
        options.on_scan(display, scan_summary(reader))
    return result


def scan_summary(reader) -> dict:
    """What the scan sent: operation -> count, and how long it took (for --verbose and the report)."""
    counts: dict = {}
    for service, operation in reader.operations:
        key = f"{service}:{operation}"
        counts[key] = counts.get(key, 0) + 1
    return {"calls": counts, "seconds": round(reader.elapsed, 2)}

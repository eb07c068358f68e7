"""`sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One run; `tool.driver.rules` describes every rule that fired (suppressed findings included, so their
suppressions can be shown); results point at repository-relative URIs under %SRCROOT%, name the resource as a
logical location and carry the line-independent fingerprint, so alerts survive edits elsewhere in the file.

Only security rules are tagged `security` with a `security-severity`: GitHub code scanning files those as
security alerts, and the others (availability, deployment correctness, parse errors and suppressions) as the
plain problems they are, tagged by their category. Files that could not be checked and values that could not
be verified are the invocation's notifications (`error` and `note`), located, the latter naming their rule.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote

from mlcheck import REPOSITORY
from mlcheck.util.regex import lazy
from mlcheck.reporters.escaping import encodable
from mlcheck.engine.rule import AREA_CATEGORIES, area_of, docs_url
from mlcheck.findings.severity import RANK, SECURITY_SEVERITY

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = REPOSITORY
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "mlcheck/v1"
ACCOUNT_SCHEME = "aws://"
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "warning", "info": "note"}

_WINDOWS_DRIVE = lazy(r"^[A-Za-z]:/")


def _quoted(path: str) -> str:
    """The path's bytes percent-encoded, '/' kept (RFC 3986): a non-UTF-8 name (lone surrogates), a backslash
    or a ':' in a first segment (which would read as a URI scheme) stay exact and valid."""
    try:
        raw = os.fsencode(path)
    except UnicodeEncodeError:  # a lone surrogate that is no undecodable byte (from a JSON "\ud800" escape)
        raw = path.encode("utf-8", "surrogatepass")
    return quote(raw, safe="/")


def file_uri(path: str) -> str:
    """file: URI of an absolute path with '/' separators: POSIX '/x', Windows 'C:/x' or '//server/share/x'."""
    if _WINDOWS_DRIVE.match(path):
        return "file:///" + path[:2] + _quoted(path[2:])
    return ("file:" if path.startswith("//") else "file://") + _quoted(path)


def artifact_location(uri: str) -> dict:
    """Repo-relative paths are relative URIs under %SRCROOT%; a file outside the repository (uri is then an
    absolute path) gets an absolute file: URI, which needs no base. Absolute means absolute on this system:
    on POSIX a file may well be named 'C:\\x.yaml'."""
    if uri.startswith(ACCOUNT_SCHEME):  # a resource of an AWS account: an absolute aws:// URI, no base
        return {"uri": ACCOUNT_SCHEME + quote(uri[len(ACCOUNT_SCHEME):], safe="/:")}
    if os.path.isabs(uri):
        return {"uri": file_uri(uri.replace(os.sep, "/"))}
    return {"uri": _quoted(uri.replace(os.sep, "/")), "uriBaseId": SRCROOT}


def region(line, column, end_line=None, end_column=None) -> dict:
    start_line, start_column = max(line or 1, 1), max(column or 1, 1)
    end_line = max(end_line or start_line, start_line)
    end_column = max(end_column or start_column, 1)
    if end_line == start_line:
        end_column = max(end_column, start_column)
    return {"startLine": start_line, "startColumn": start_column, "endLine": end_line, "endColumn": end_column}


def _run_severity(rule_findings: list, default: str) -> str:
    """The severity the rule was applied with in this run: config overrides and per-finding grading (e.g.
    MLC409) change it, and code scanning ranks alerts by the rule's security-severity."""
    active = [f.severity for f in rule_findings if not f.suppressed] or [f.severity for f in rule_findings]
    return max(active, key=RANK.__getitem__) if active else default


def rule_descriptor(rule_id: str, rule, rule_findings: list) -> dict:
    first = rule_findings[0]
    severity = _run_severity(rule_findings, rule.severity if rule else first.severity)
    descriptor = {"id": rule_id, "name": rule.name if rule else first.rule_name}
    if rule is not None:
        from mlcheck.cli.explain import rule_markdown  # the same text as `mlcheck --explain`

        full = rule.section("What it does") or rule.short_description
        help_text = full + (f"\n\nFix: {rule.fix}" if rule.fix else "")
        descriptor.update(
            shortDescription={"text": rule.short_description},
            fullDescription={"text": full},
            help={"text": help_text, "markdown": rule_markdown(rule)},
        )
        area, category = rule.area, rule.category
    else:  # a rule the run did not describe: still a valid, if terse, descriptor
        descriptor.update(shortDescription={"text": first.rule_name})
        area = area_of(rule_id)
        category = AREA_CATEGORIES.get(area, "correctness")
    descriptor["helpUri"] = docs_url(rule_id, descriptor["name"])
    descriptor["defaultConfiguration"] = {"level": LEVELS[severity]}
    properties = {"tags": [category, area], "precision": "high"}
    if category == "security":  # code scanning treats a rule with a security-severity as a security query
        properties = {"security-severity": SECURITY_SEVERITY[severity], **properties}
    descriptor["properties"] = properties
    return descriptor


def result_entry(finding, rule_index: int) -> dict:
    uri = finding.uri or finding.file
    entry = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": encodable(finding.message)},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact_location(uri),
                "region": region(finding.line, finding.column, finding.end_line, finding.end_column),
            },
        }],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
    }
    if finding.resource:
        entry["locations"][0]["logicalLocations"] = [{
            "name": encodable(finding.resource),
            "kind": "resource",
            "fullyQualifiedName": encodable(finding.arn or f"{uri}#{finding.resource}"),
        }]
    if finding.resource_type:
        entry["properties"] = {"resourceType": encodable(finding.resource_type)}
    if finding.suppressed:
        suppression = {"kind": "inSource"}
        if finding.suppression_reason:
            suppression["justification"] = encodable(finding.suppression_reason)
        entry["suppressions"] = [suppression]
    return entry


def notification(error) -> dict:
    return {
        "level": "error",
        "message": {"text": encodable(error.message)},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact_location(error.uri or error.file),
                "region": region(error.line, error.column),
            },
        }],
    }


def unknown_notification(unknown, rule_index: dict) -> dict:
    """A value a rule could not verify: no result (nothing was found), but not a pass either."""
    location = {
        "physicalLocation": {
            "artifactLocation": artifact_location(unknown.uri or unknown.file),
            "region": region(unknown.line, unknown.column),
        },
    }
    if unknown.resource:
        location["logicalLocations"] = [{"name": encodable(unknown.resource), "kind": "resource"}]
    rule = {"id": unknown.rule_id}
    if unknown.rule_id in rule_index:
        rule["index"] = rule_index[unknown.rule_id]
    entry = {
        "level": "note",
        "message": {"text": encodable(f"{unknown.rule_id} could not verify: {unknown.reason}")},
        "locations": [location],
        "associatedRule": rule,
    }
    if unknown.pointer or unknown.unverified:
        entry["properties"] = {"path": encodable(unknown.pointer)}
        if unknown.unverified:  # one of mlcheck's own limits: may fail the run (--fail-on-unverified)
            entry["properties"]["unverified"] = unknown.unverified
    return entry


def root_uri(root: str) -> str:
    uri = Path(root or ".").resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"  # a base URI must end with '/' (SARIF 3.14.14)


def build(result, options) -> dict:
    findings = sorted(result.findings, key=lambda f: f.sort_key())
    by_rule: dict = {}
    for finding in findings:
        by_rule.setdefault(finding.rule_id, []).append(finding)
    rule_ids = sorted(by_rule)
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    errors = sorted(result.errors, key=lambda e: (e.file, e.line))
    run = {
        "tool": {"driver": {
            "name": "mlcheck",
            "version": options.version,
            "informationUri": INFORMATION_URI,
            "rules": [rule_descriptor(r, result.rules.get(r), by_rule[r]) for r in rule_ids],
        }},
        "invocations": [{
            "executionSuccessful": not errors,
            "toolExecutionNotifications": [notification(e) for e in errors]
            + [unknown_notification(u, index) for u in sorted(result.unknowns, key=lambda u: u.sort_key())],
        }],
        "originalUriBaseIds": {SRCROOT: {"uri": root_uri(options.root)}},
        "columnKind": "unicodeCodePoints",
        "results": [result_entry(f, index[f.rule_id]) for f in findings],
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(result, options) -> str:
    return json.dumps(build(result, options), indent=2) + "\n"

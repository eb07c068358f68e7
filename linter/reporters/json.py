"""`json`: the documented, stable machine format (SPEC "Output"). Suppressed findings are included, marked;
`unknowns` lists the values rules could not verify (what --show-unknown prints), and each finding links to its
rule's documentation (`url`)."""

from __future__ import annotations

import json

from mlcheck.reporters.escaping import encodable
from mlcheck.engine.rule import docs_url
from mlcheck.findings.severity import SEVERITIES


def finding_dict(finding) -> dict:
    # Key order is part of the format: consumers diff these files. Text from the input is `encodable`: a
    # non-UTF-8 file name would otherwise make the document unwritable or unparseable. `arn` is there only for
    # a resource read from an AWS account (aws://REGION), after `resource_type`.
    return {
        "rule": finding.rule_id,
        "name": finding.rule_name,
        "severity": finding.severity,
        "message": encodable(finding.message),
        "file": encodable(finding.file),
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "resource": encodable(finding.resource),
        "resource_type": encodable(finding.resource_type),
        **({"arn": encodable(finding.arn)} if finding.arn else {}),
        "path": encodable(finding.pointer),
        "fix": finding.fix,
        "suppressed": finding.suppressed,
        "suppression_reason": encodable(finding.suppression_reason),
        "fingerprint": finding.fingerprint,
        "url": docs_url(finding.rule_id, finding.rule_name),
    }


def unknown_dict(unknown) -> dict:
    return {
        "rule": unknown.rule_id,
        "file": encodable(unknown.file),
        "line": unknown.line,
        "column": unknown.column,
        "resource": encodable(unknown.resource),
        "path": encodable(unknown.pointer),
        "reason": encodable(unknown.reason),
        # the limit of mlcheck's that left the whole check undecided (fails with --fail-on-unverified), or null
        "unverified": unknown.unverified or None,
    }


def error_dict(error) -> dict:
    return {"file": encodable(error.file), "line": error.line, "message": encodable(error.message)}


def summary_dict(result) -> dict:
    counts = result.counts_by_severity()  # unsuppressed only, like the exit code
    summary = {severity: counts[severity] for severity in reversed(SEVERITIES)}
    summary.update(
        total=len(result.active),
        suppressed=len(result.suppressed),
        errors=len(result.errors),
        files_checked=result.files_checked,
        files_with_findings=result.files_with_findings(),
        unverified=len(result.unverified),  # checks mlcheck's own limits left undecided (--fail-on-unverified)
    )
    return summary


def render(result, options) -> str:
    document = {
        "version": options.version,
        "findings": [finding_dict(f) for f in sorted(result.findings, key=lambda f: f.sort_key())],
        "errors": [error_dict(e) for e in sorted(result.errors, key=lambda e: (e.file, e.line))],
        "unknowns": [unknown_dict(u) for u in sorted(result.unknowns, key=lambda u: u.sort_key())],
        "summary": summary_dict(result),
    }
    return json.dumps(document, indent=2) + "\n"

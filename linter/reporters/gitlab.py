"""`gitlab`: a GitLab Code Quality report (`artifacts: reports: codequality:`), shown in merge requests.

A JSON array with one issue per unsuppressed finding and per file that could not be checked: `description`,
`check_name` (the rule ID), `fingerprint`, `severity` and `location` (`path` relative to the repository,
`lines.begin`), the fields GitLab's documentation requires. GitLab compares a merge request's report with its
target branch's by fingerprint, so fingerprints are the line-independent ones of `--write-baseline` and SARIF,
and unique in the report: findings that share one (the same rule on the same property) are told apart by their
message, which no line move changes. Suppressed findings are left out: GitLab has no notion of them.
"""

from __future__ import annotations

import json

from mlcheck.findings.result import Error, fingerprint
from mlcheck.reporters.escaping import encodable

# GitLab's five severities, one for each of mlcheck's.
SEVERITIES = {"info": "info", "low": "minor", "medium": "major", "high": "critical", "critical": "blocker"}
ERROR_SEVERITY = "critical"  # a file that could not be checked fails the run (exit 2), as high findings do


def _path(item) -> str:
    """Repository-relative, '/'-separated and without './' (GitLab matches it to the merge request's diff)."""
    path = (item.uri or item.file).replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return encodable(path)


def _issue(check_name: str, description: str, severity: str, item, base_fingerprint: str, end_line: int) -> dict:
    line = max(item.line or 1, 1)
    return {
        "description": encodable(description),
        "check_name": check_name,
        "fingerprint": base_fingerprint,
        "severity": severity,
        "location": {"path": _path(item), "lines": {"begin": line, "end": max(end_line or line, line)}},
    }


def _fingerprints(items: list) -> list:
    """One unique fingerprint per item, none of which depends on a line or on the order of the items: findings
    that share one (the same rule on the same property) keep it for the first in message order, and the others
    take one made from it and their message (then a count, for a message repeated word for word)."""
    bases = [fingerprint(i.uri or i.file, "MLC001", i.message) if isinstance(i, Error) else i.fingerprint
             for i in items]
    out = [""] * len(items)
    seen: set = set()
    for index in sorted(range(len(items)), key=lambda k: (bases[k], items[k].message)):
        base = candidate = bases[index]
        if candidate in seen:
            base = candidate = fingerprint(bases[index], items[index].message)
        n = 1
        while candidate in seen:
            n += 1
            candidate = fingerprint(base, str(n))
        seen.add(candidate)
        out[index] = candidate
    return out


def issues(result) -> list:
    from mlcheck.reporters import ordered_items

    items = ordered_items(result)
    out = []
    for item, item_fingerprint in zip(items, _fingerprints(items)):
        if isinstance(item, Error):
            out.append(_issue("MLC001", f"MLC001: {item.message}", ERROR_SEVERITY, item, item_fingerprint, item.line))
        else:
            out.append(_issue(item.rule_id, f"{item.rule_id}: {item.message}", SEVERITIES[item.severity], item,
                              item_fingerprint, item.end_line))
    return out


def render(result, options) -> str:
    return json.dumps(issues(result), indent=2) + "\n"

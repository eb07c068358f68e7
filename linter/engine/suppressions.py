"""Inline suppressions written in the template's `Metadata` (they survive `aws cloudformation package`, JSON and
CDK, unlike comments), and those of peer tools that map to an mlcheck rule.

    Metadata:
      mlcheck:
        ignore:
          - id: MLC501            # or the rule name
            reason: "dev endpoint, single instance is intended"
            expires: 2027-03-31   # optional

On a resource it covers that resource; at the template's top level, the whole file. A suppression without a
reason, or past its expiry date, suppresses nothing and is itself reported (MLC002); one that matches no finding
of a rule that ran is reported as unused (MLC003). `checkov: skip`, `cfn_nag: rules_to_suppress` and
`guard: SuppressedRules` entries suppress the mlcheck rules their peer IDs map to (PEERS.md).
"""

from __future__ import annotations

import datetime as dt

from mlcheck.util.record import Record

SUPPRESSION_WITHOUT_REASON = "MLC002"
UNUSED_SUPPRESSION = "MLC003"


class Suppression(Record):
    __slots__ = _fields = ("rule_ids", "selector", "resource", "reason", "expires", "path", "source", "problem",
                           "used")
    rule_ids: frozenset  # mlcheck rules it covers
    selector: str  # as written
    resource: str | None  # None: the whole file
    reason: str
    expires: object  # datetime.date or None
    path: tuple
    source: str  # "mlcheck", "checkov", "cfn_nag", "guard"
    problem: str  # why it is invalid ('' when valid)
    used: bool

    def __init__(self, rule_ids, selector, resource, reason, expires, path, source, problem="", used=False):
        self.rule_ids = rule_ids
        self.selector = selector
        self.resource = resource
        self.reason = reason
        self.expires = expires
        self.path = path
        self.source = source
        self.problem = problem
        self.used = used


def _parse_date(value):
    if isinstance(value, dt.date):
        return value, ""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()), ""
        except ValueError:
            return None, f"expires '{value}' is not a date (YYYY-MM-DD)"
    return None, "expires is not a date (YYYY-MM-DD)"


def _peer_index(rules) -> dict:
    index: dict = {}
    for rule in rules:
        for peer_id in rule.peer_ids:
            index.setdefault(peer_id, set()).add(rule.id)
    return index


def _mlcheck_entries(metadata, resource, base, by_code, today):
    block = metadata.get("mlcheck") if isinstance(metadata, dict) else None
    entries = block.get("ignore") if isinstance(block, dict) else None
    if not isinstance(entries, list):
        return
    for i, entry in enumerate(entries):
        path = base + ("mlcheck", "ignore", i)
        if isinstance(entry, str):
            entry = {"id": entry}
        if not isinstance(entry, dict):
            continue
        selector = str(entry.get("id", "")).strip()
        rule = by_code.get(selector.upper()) or by_code.get(selector.lower())
        reason = entry.get("reason")
        reason = reason.strip() if isinstance(reason, str) else ""
        problem = ""
        expires = None
        if rule is None:
            problem = f"names no rule ('{selector}')"
        elif not reason:
            problem = "has no reason"
        elif "expires" in entry:
            expires, problem = _parse_date(entry["expires"])
            if expires is not None and expires < today:
                problem = f"expired on {expires.isoformat()}"
        yield Suppression(frozenset([rule.id]) if rule else frozenset(), selector, resource, reason, expires,
                          path, "mlcheck", problem)


def _peer_entries(metadata, resource, base, peers):
    if not isinstance(metadata, dict):
        return
    checkov = metadata.get("checkov")
    if isinstance(checkov, dict) and isinstance(checkov.get("skip"), list):
        for i, entry in enumerate(checkov["skip"]):
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                yield entry["id"], str(entry.get("comment", "")), base + ("checkov", "skip", i), "checkov"
    cfn_nag = metadata.get("cfn_nag")
    if isinstance(cfn_nag, dict) and isinstance(cfn_nag.get("rules_to_suppress"), list):
        for i, entry in enumerate(cfn_nag["rules_to_suppress"]):
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                yield entry["id"], str(entry.get("reason", "")), base + ("cfn_nag", "rules_to_suppress", i), \
                    "cfn_nag"
    guard = metadata.get("guard")
    if isinstance(guard, dict) and isinstance(guard.get("SuppressedRules"), list):
        for i, name in enumerate(guard["SuppressedRules"]):
            if isinstance(name, str):
                yield name, "", base + ("guard", "SuppressedRules", i), "guard"


def collect(template, all_rules, today=None) -> list:
    today = today or dt.date.today()
    by_code = {}
    for rule in all_rules:
        by_code[rule.id] = rule
        by_code[rule.name] = rule
    peers = _peer_index(all_rules)
    found: list = []
    scopes = [(None, template.metadata, ("Metadata",))]
    scopes += [(r.logical_id, r.metadata, r.path + ("Metadata",)) for r in template.resources.values()
               if r.metadata]
    for resource, metadata, base in scopes:
        found.extend(_mlcheck_entries(metadata, resource, base, by_code, today))
        for peer_id, reason, path, source in _peer_entries(metadata, resource, base, peers):
            rule_ids = peers.get(peer_id)
            if rule_ids:
                found.append(Suppression(frozenset(rule_ids), peer_id, resource,
                                         reason or f"suppressed for {source} ({peer_id})", None, path, source))
    return found


def _index(suppressions: list) -> dict:
    """(rule id, resource or None) -> the first valid suppression covering it, in the order written."""
    index: dict = {}
    for suppression in suppressions:
        if not suppression.problem:
            for rule_id in suppression.rule_ids:
                index.setdefault((rule_id, suppression.resource), suppression)
    return index


def apply(suppressions: list, findings: list, unknowns: list = ()) -> None:
    """Mark findings covered by a valid suppression (resource-level before file-level). One dictionary
    look-up per finding: 10,000 suppressions and as many findings cost linear, not quadratic, time.

    A check that mlcheck's limits left unverified (UnknownValue.unverified) is covered the same way: what the
    template suppresses on purpose does not fail the run as "could not be verified" either."""
    index = _index(suppressions)
    for finding in findings:
        if finding.rule_id in (SUPPRESSION_WITHOUT_REASON, UNUSED_SUPPRESSION, "MLC001"):
            continue
        match = _covering(index, finding.rule_id, finding.resource)
        if match is not None:
            match.used = True
            finding.suppressed = True
            finding.suppression_reason = match.reason
    for unknown in unknowns:
        match = _covering(index, unknown.rule_id, unknown.resource) if unknown.unverified else None
        if match is not None:
            match.used = True
            unknown.unverified = ""
            unknown.reason += f" (suppressed: {match.reason})"


def _covering(index: dict, rule_id: str, resource):
    match = index.get((rule_id, resource)) if resource is not None else None
    return match if match is not None else index.get((rule_id, None))

"""`--list-rules` and `--explain`: rendered from the same rule metadata and docs as SARIF help."""

from __future__ import annotations

import json

from mlcheck.engine.practices import IN_PACKAGE, PATH, summary
from mlcheck.engine.registry import all_rules, find_rule

PEER_LABELS = {"checkov": "checkov", "cfn_nag": "cfn_nag", "guard": "Guard registry", "aws": "AWS Security Hub / Config",
               "prowler": "Prowler"}


def list_rules_text(as_json: bool = False) -> str:
    from mlcheck.aws.securityhub import control_ids, not_applicable_lines, short_ids

    rules = all_rules()
    if as_json:
        return json.dumps([
            {"id": r.id, "name": r.name, "severity": r.severity, "area": r.area,
             "enabled_by_default": r.enabled_by_default, "summary": r.short_description,
             "resource_types": list(r.resource_types), "peers": r.peers, "security_hub": control_ids(r),
             "category": r.category, "url": r.url}
            for r in rules
        ], indent=2) + "\n"
    lines = [f"{'ID':<8}{'NAME':<38}{'SEVERITY':<10}{'AREA':<14}{'DEFAULT':<9}SECURITY HUB"]
    for r in rules:
        default = "on" if r.enabled_by_default else "off"
        lines.append(f"{r.id:<8}{r.name:<38}{r.severity:<10}{r.area:<14}{default:<9}"
                     f"{short_ids(control_ids(r))}".rstrip())
    lines += ["", "Security Hub SageMaker controls no template check can judge:"]
    lines += [f"  {line}" for line in not_applicable_lines()]
    return "\n".join(lines) + "\n"


def peers_markdown(rule) -> str:
    if not rule.peers:
        return "None: no peer tool checks this at template time."
    return "\n".join(f"- {PEER_LABELS.get(tool, tool)}: {', '.join(ids)}" for tool, ids in rule.peers.items())


def installed_guide(anchor: str) -> str:
    """Where a practice is written, the same on every machine (SARIF help)."""
    return f"{IN_PACKAGE}#{anchor} (installed with mlcheck)"


def practice_markdown(anchor: str, where=installed_guide, guide: dict | None = None) -> list:
    """The practice's summary from the guide (mlcheck.engine.practices.summary), and where to read the rest."""
    text = summary(anchor, guide)
    return ([text, ""] if text else []) + [f"Read more: {where(anchor)}"]


def rule_markdown(rule, where=installed_guide, guide: dict | None = None) -> str:
    """The complete documentation of a rule, as Markdown. Its practice is summarised from `guide` (default: the
    installed one), and `where(anchor)` says where to read the rest."""
    default = "on" if rule.enabled_by_default else "off (select it with --select " + rule.id + ")"
    parts = [
        f"# {rule.id} {rule.name}",
        "",
        f"Severity: {rule.severity} · Area: {rule.area} · Default: {default}",
        "",
        rule.docs.split("\n", 1)[0].strip(),
        "",
        rule.docs.split("\n", 1)[1].strip() if "\n" in rule.docs else "",
        "",
    ]
    if rule.fix:
        parts += ["## Fix", "", rule.fix, ""]
    if rule.options:
        parts += ["## Options", "", f"Set in the configuration under `rules: {{{rule.id}: {{...}}}}`:", ""]
        parts += [f"- `{name}` (default: `{json.dumps(list(d) if isinstance(d, tuple) else d)}`)"
                  for name, d in rule.options.items()]
        parts.append("")
    if rule.practice:
        parts += ["## Practice", "", *practice_markdown(rule.practice, where, guide), ""]
    parts += ["## Peer equivalents", "", peers_markdown(rule), ""]
    return "\n".join(parts)


def explain_text(code: str) -> str | None:
    rule = find_rule(code)
    if rule is None:
        return None
    # A person at a terminal gets the guide's real place, to open it; the Docs line is not in rule_markdown
    # because the pages it writes are the pages this links to.
    return rule_markdown(rule, lambda anchor: f"{PATH}#{anchor}") + f"\nDocs: {rule.url}\n"

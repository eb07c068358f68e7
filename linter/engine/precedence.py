"""One finding per problem (RULES.md): what several rules cover is reported by the most specific rule that is
selected.

A rule names the more specific rules it yields to (`Rule.yields_to`), and its hits name what they report
(`Hit.subjects`: the Action values of a policy statement). After a file's findings are made and inline
suppressions applied, a finding of such a rule is dropped when every one of its subjects is reported by a
finding of those rules that is not suppressed; a finding reports its own path and its subjects. So
`Action: "*"` is MLC103's, not also MLC104's; a statement that grants `cloudformation:*` *and* `iam:CreateRole`
keeps MLC104's finding, since MLC103 reports only the first. A more specific rule that was not selected
(`--ignore`), or whose finding is suppressed, leaves its subjects to the general rule: a problem is reported
once, never zero times.
"""

from __future__ import annotations


def one_finding_per_problem(findings: list, rule_of) -> list:
    """`findings` without those whose subjects more specific rules report; `rule_of(rule_id)` is the Rule."""
    yielding = {}
    for finding in findings:
        if finding.rule_id not in yielding:
            yielding[finding.rule_id] = tuple(getattr(rule_of(finding.rule_id), "yields_to", ()) or ())
    if not any(yielding.values()):
        return findings
    reported = set()  # (rule id, path) for what each standing finding reports
    for finding in findings:
        if not finding.suppressed:
            reported.add((finding.rule_id, tuple(finding.path)))
            reported.update((finding.rule_id, tuple(s)) for s in finding.subjects)
    return [finding for finding in findings if not _yields(finding, yielding.get(finding.rule_id), reported)]


def _yields(finding, specific: tuple, reported: set) -> bool:
    if not specific or not finding.subjects:
        return False
    return all(any((rule_id, tuple(subject)) in reported for rule_id in specific) for subject in finding.subjects)

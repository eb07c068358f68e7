"""One mlcheck run per template that cfn-lint checks, shared by every mlcheck rule cfn-lint runs on it.

cfn-lint calls each rule's `match(cfn)` in turn; the first call lints the template with mlcheck and the others
read its findings from a cache keyed by the cfn-lint Template object (weakly: the cache lives as long as
cfn-lint's template does). No cfn-lint import here: this side only needs `cfn.filename` and `cfn.template`.

What is linted is the file itself, read by mlcheck's own loader, so lines and messages are mlcheck's (and a SAM
template is linted as written, not as cfn-lint's transform rewrote it). Only from stdin, where cfn-lint has
consumed the text, is cfn-lint's decoded template linted instead; its findings then carry no line of their own
and cfn-lint places them by their path.
"""

from __future__ import annotations

import json
import os
import weakref

from mlcheck.cfnlint.ids import cfnlint_message
from mlcheck.engine.runner import PARSE_ERROR_RULE

_cache: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


class Report:
    """A template's mlcheck findings as cfn-lint matches: rule id -> [(path, message, location or None)], and the
    errors that kept mlcheck from checking it (or a rule from checking a resource), reported once."""

    def __init__(self):
        self.by_rule: dict = {}
        self._errors: list = []

    def add(self, rule_id, path, message, location):
        self.by_rule.setdefault(rule_id, []).append((list(path), message, location))

    def add_error(self, message, location):
        self._errors.append(([], message, location))

    def matches(self, rule_id) -> list:
        return self.by_rule.get(rule_id, [])

    def take_errors(self) -> list:
        """The errors, to the first rule that asks (whichever cfn-lint runs first); nothing to the others."""
        errors, self._errors = self._errors, []
        return errors


def report_for(cfn, include_off_by_default: bool) -> Report:
    """The mlcheck findings on cfn-lint's template `cfn`, computed once per template and selection."""
    per_template = _cache.setdefault(cfn, {})
    if include_off_by_default not in per_template:
        per_template[include_off_by_default] = _lint(cfn, include_off_by_default)
    return per_template[include_off_by_default]


def _settings(include_off_by_default: bool):
    from mlcheck.engine.registry import default_subset_rules, select_rules
    from mlcheck.engine.runner import Settings

    # The default selection, as `mlcheck` runs; cfn-lint's --include-experimental adds the off-by-default rules
    # (those rules are experimental in cfn-lint), as `mlcheck --select ALL`.
    rules = select_rules(["ALL"] if include_off_by_default else None)
    subset = () if include_off_by_default else default_subset_rules(None, (), rules)
    return Settings(rule_ids=tuple(r.id for r in rules), subset_rule_ids=tuple(r.id for r in subset),
                    root=os.getcwd(), jobs=1)


def _lint(cfn, include_off_by_default: bool) -> Report:
    from mlcheck.inputs.cloudformation import recognises
    from mlcheck.inputs.discovery import Candidate
    from mlcheck.engine.runner import check_isolated

    report = Report()
    if not recognises(cfn.template):  # cfn-lint was given something else (a SageMaker request): not ours
        return report
    if cfn.filename:
        outcome = check_isolated(Candidate(cfn.filename, explicit=True), _settings(include_off_by_default))
        placed = True
    else:
        raw = json.dumps(cfn.template, default=str).encode("utf-8")
        outcome = check_isolated(Candidate("-", explicit=True), _settings(include_off_by_default), raw)
        placed = False
    parse_lines = set()
    for finding in outcome.findings:
        if finding.suppressed:  # mlcheck's inline suppressions apply inside cfn-lint too
            continue
        if finding.rule_id == PARSE_ERROR_RULE:
            parse_lines.add(finding.line)
        location = (finding.line - 1, finding.column - 1, finding.end_line - 1, finding.end_column - 1)
        report.add(finding.rule_id, finding.path,
                   cfnlint_message(finding.rule_id, finding.severity, finding.message),
                   location if placed else None)
    # An error that no MLC001 finding reports already (a file that cannot be read, a rule's internal error) is
    # reported as cfn-lint reports a rule that failed (E0002), so that it is never lost in cfn-lint's output.
    for error in outcome.errors:
        if error.line not in parse_lines:
            report.add_error(f"mlcheck: {error.message}",
                             (error.line - 1, error.column - 1, error.line - 1, error.column - 1) if placed else None)
    return report

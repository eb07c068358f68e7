"""One cfn-lint rule class per mlcheck rule, made from the registry (cfn-lint's custom-rule interface).

Each class has cfn-lint's attributes (`id`, `shortdesc`, `description`, `source_url`, `tags`, `experimental`)
and a `match(cfn)` that returns the rule's findings from the template's one mlcheck run (mlcheck.cfnlint.run)
as `RuleMatch(path, message)`: the path is the finding's, so cfn-lint's resource Metadata `ignore_checks` apply,
and the location is mlcheck's line and column, so cfn-lint prints the line mlcheck does. What kept mlcheck from
checking (an unreadable file, a rule's internal error) is cfn-lint's E0002, as a failing cfn-lint rule is.
"""

from __future__ import annotations

from cfnlint.rules import CloudFormationLintRule, RuleMatch
from cfnlint.rules.errors import RuleError

from mlcheck import REPOSITORY
from mlcheck.cfnlint.ids import cfnlint_id
from mlcheck.cfnlint.run import report_for


class MlcheckRule(CloudFormationLintRule):
    """What every mlcheck rule does in cfn-lint; the generated subclasses only name the rule."""

    mlcheck_id = ""

    def __init__(self) -> None:
        super().__init__()
        self._include_experimental = False

    def configure(self, configs=None, experimental=False):
        # cfn-lint passes --include-experimental here, before it runs any rule: the mlcheck run then takes the
        # off-by-default rules too (and the whole of a rule on by default only in part, MLC412).
        self._include_experimental = bool(experimental)
        super().configure(configs, experimental)

    def match(self, cfn):
        report = report_for(cfn, self._include_experimental)
        matches = [_rule_match(path, message, location) for path, message, location in report.matches(self.mlcheck_id)]
        matches += [_rule_match(path, message, location, rule=RuleError())
                    for path, message, location in report.take_errors()]
        return matches


def _rule_match(path, message, location, **extra):
    # cfn-lint takes a match's line from `location` when the match has one, else from its path: no attribute at
    # all for a finding without a line of its own (stdin).
    if location is not None:
        extra["location"] = location
    return RuleMatch(path, message, **extra)


def _class_name(rule) -> str:
    return rule.id + "".join(part.capitalize() for part in rule.name.split("-"))


def rule_class(rule) -> type:
    """The cfn-lint rule class for an mlcheck Rule."""
    return type(_class_name(rule), (MlcheckRule,), {
        "__doc__": rule.short_description,
        "__module__": "mlcheck.cfnlint",
        "id": cfnlint_id(rule.id, rule.severity),
        "mlcheck_id": rule.id,
        "shortdesc": f"{rule.id} {rule.name}",
        "description": rule.short_description,
        "source_url": f"{REPOSITORY}/blob/main/docs/rules/{rule.id}-{rule.name}.md",
        "tags": ["mlcheck", rule.area],
        # Off by default in mlcheck: run by cfn-lint only with --include-experimental. MLC412, on by default in
        # part, is not experimental: its default-on findings are reported without the flag.
        "experimental": not rule.enabled_by_default and not rule.partly_on_by_default,
    })


def rule_classes() -> dict:
    """Class name -> cfn-lint rule class, for every mlcheck rule."""
    from mlcheck.engine.registry import all_rules

    classes = (rule_class(rule) for rule in all_rules())
    return {cls.__name__: cls for cls in classes}

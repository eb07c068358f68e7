"""Runs the selected rules over one template.

The engine owns what every rule would otherwise get wrong on its own: which resources a rule applies to (an
index by type, built once), the condition scenarios a resource can be deployed under (each `Fn::If` branch that
can be taken is checked, and a finding on one branch names it), unknown values (recorded, never reported),
exact locations, and a rule that fails is reported instead of silently skipped.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from mlcheck.findings import Error, Finding, UnknownValue
from mlcheck.graph import ResourceGraph
from mlcheck.resolve import ConditionEvaluator, Resolver, condition_names_in, describe_scenario, scenarios_for
from mlcheck.rule import Hit, Rule
from mlcheck.template import Template
from mlcheck.values import is_symbolic
from mlcheck.view import ResourceView


@dataclass
class RuleContext:
    """What a check may consult besides the resource itself."""

    template: Template
    graph: ResourceGraph
    resolver: Resolver
    rule: Rule | None = None
    resource: object = None
    unknowns: list = field(default_factory=list)
    _views: dict = field(default_factory=dict)
    rule_options: dict = field(default_factory=dict)  # rule id -> {option: value} from the configuration

    def option(self, name: str):
        """The configured value of the current rule's option, else the rule's default."""
        return self.rule_options.get(self.rule.id, {}).get(name, self.rule.options[name])

    def view(self, resource) -> ResourceView:
        """Another resource, resolved under the same scenario (views are cached per scenario)."""
        found = self._views.get(resource.logical_id)
        if found is None:
            found = self._views[resource.logical_id] = ResourceView(resource, self.resolver)
        return found

    def unknown(self, path: tuple, reason: str) -> None:
        self.unknowns.append((self.rule.id, self.resource.logical_id if self.resource else None, path, reason))

    @staticmethod
    def is_symbolic(value) -> bool:
        return is_symbolic(value)


@dataclass
class TemplateReport:
    findings: list = field(default_factory=list)
    unknowns: list = field(default_factory=list)
    errors: list = field(default_factory=list)


def lint_template(template: Template, rules: list, display: str, uri: str, parameters: dict | None = None,
                  severity_overrides: dict | None = None, subset_ids: frozenset = frozenset(),
                  rule_options: dict | None = None) -> TemplateReport:
    """`subset_ids`: rules run only for their default-on hits (see Rule.partly_on_by_default)."""
    report = TemplateReport()
    by_type: dict = defaultdict(list)
    for rule in rules:
        if rule.check is None:
            continue
        for resource_type in rule.resource_types:
            by_type[resource_type].append(rule)
    if not by_type:
        return report

    graph = ResourceGraph(template)
    evaluator = ConditionEvaluator(template, parameters)
    document = template.document
    overrides = severity_overrides or {}

    for resource in template.resources.values():
        applicable = by_type.get(resource.type)
        if not applicable:
            continue
        if resource.condition and evaluator.possible(resource.condition) == frozenset((False,)):
            continue  # never deployed
        names = condition_names_in(resource.definition.get("Properties"), set())
        assume = {resource.condition: True} if resource.condition else None
        scenarios = scenarios_for(names, evaluator, assume)
        # hit key -> (rule, hit, indexes of scenarios it appeared in)
        hits: dict = {}
        unknown_seen: set = set()
        failed: set = set()  # rules that raised on this resource: reported once, not per scenario
        for index, scenario in enumerate(scenarios):
            resolver = Resolver(template, parameters, scenario, evaluator)
            ctx = RuleContext(template, graph, resolver, resource=resource, rule_options=rule_options or {})
            view = ctx.view(resource)
            for rule in applicable:
                if rule.id in failed:
                    continue
                ctx.rule = rule
                try:
                    for hit in rule.check(view, ctx) or ():
                        if not isinstance(hit, Hit):
                            hit = Hit(*hit)
                        if rule.id in subset_ids and not hit.default_on:
                            continue
                        key = (rule.id, hit.path, hit.message)
                        entry = hits.get(key)
                        if entry is None:
                            hits[key] = (rule, hit, [index])
                        else:
                            entry[2].append(index)
                except Exception as exc:  # a broken rule must be visible, not a silent pass
                    failed.add(rule.id)
                    loc = document.location(resource.path)
                    report.errors.append(Error(display, loc.line,
                                               f"internal error in {rule.id} on resource {resource.logical_id}: "
                                               f"{type(exc).__name__}: {exc} (please report this)", uri=uri))
            for rule_id, logical_id, path, reason in ctx.unknowns:
                key = (rule_id, path, reason)
                if key not in unknown_seen:
                    unknown_seen.add(key)
                    report.unknowns.append(UnknownValue(rule_id, display, document.location(path).line,
                                                        logical_id, path, reason))

        varying = _varying_conditions(scenarios)
        for rule, hit, seen_in in hits.values():
            message = hit.message
            if len(seen_in) < len(scenarios):
                message += f" (when {_branch_note([scenarios[i] for i in seen_in], varying)})"
            loc = document.location(hit.path)
            owner = _owner(template, hit.path, resource)
            report.findings.append(Finding(
                rule_id=rule.id, rule_name=rule.name, severity=overrides.get(rule.id, hit.severity or rule.severity),
                message=message, file=display, line=loc.line, column=loc.column, end_line=loc.end_line,
                end_column=loc.end_column, resource=owner.logical_id, resource_type=owner.type,
                path=hit.path, fix=hit.fix or rule.fix, uri=uri,
            ))
    return report


def _owner(template, path, resource):
    """The resource a finding is filed under: the one its location lies in. A cross-resource rule checking one
    resource may point into another (the attached policy whose statement is at fault), and suppressions and
    reports should name the resource whose lines are shown."""
    if len(path) > 1 and path[0] == "Resources" and path[1] != resource.logical_id:
        return template.resources.get(path[1], resource)
    return resource


def _varying_conditions(scenarios: list) -> list:
    if len(scenarios) < 2:
        return []
    names = set().union(*scenarios)
    return sorted(n for n in names if len({s.get(n) for s in scenarios}) > 1)


def _branch_note(chosen: list, varying: list) -> str:
    """The condition values shared by every scenario a finding appeared in."""
    common = {n: chosen[0][n] for n in varying if all(s.get(n) == chosen[0][n] for s in chosen)}
    if not common:  # appears under several combinations without one shared value
        return " or ".join(describe_scenario({n: s[n] for n in varying}) for s in chosen)
    return describe_scenario(common)

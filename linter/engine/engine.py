"""Runs the selected rules over one template.

The engine owns what every rule would otherwise get wrong on its own: which resources a rule applies to (an
index by type, built once), the condition scenarios a resource can be deployed under (each `Fn::If` branch that
can be taken is checked, and a finding on one branch names it), unknown values (recorded, never reported),
exact locations, and a rule that fails is reported instead of silently skipped.
"""

from __future__ import annotations

from collections import defaultdict

from mlcheck.findings.result import UNVERIFIED_CONDITIONS, Error, Finding, UnknownValue
from mlcheck.model.graph import ResourceGraph
from mlcheck.util.record import Record
from mlcheck.model.resolve import (
    MAX_RULE_CONDITIONS,
    ConditionEvaluator,
    Demand,
    Resolver,
    condition_names_in,
    describe_scenario,
    scenarios_for,
)
from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.template import Template
from mlcheck.model.values import UNDECIDED, is_symbolic
from mlcheck.model.view import ResourceView


class RuleContext(Record):
    """What a check may consult besides the resource itself."""

    _fields = ("template", "graph", "resolver", "rule", "resource", "unknowns", "_views", "rule_options")
    template: Template
    graph: ResourceGraph
    resolver: Resolver
    rule: Rule | None
    resource: object
    unknowns: list
    _views: dict
    rule_options: dict  # rule id -> {option: value} from the configuration

    def __init__(
        self, template, graph, resolver, rule=None, resource=None, unknowns=None, _views=None, rule_options=None
    ):
        self.template = template
        self.graph = graph
        self.resolver = resolver
        self.rule = rule
        self.resource = resource
        self.unknowns = [] if unknowns is None else unknowns
        self._views = {} if _views is None else _views
        self.rule_options = {} if rule_options is None else rule_options

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


class TemplateReport(Record):
    _fields = ("findings", "unknowns", "errors")
    findings: list
    unknowns: list
    errors: list

    def __init__(self, findings=None, unknowns=None, errors=None):
        self.findings = [] if findings is None else findings
        self.unknowns = [] if unknowns is None else unknowns
        self.errors = [] if errors is None else errors


def lint_template(template: Template, rules: list, display: str, uri: str, parameters: dict | None = None,
                  severity_overrides: dict | None = None, subset_ids: frozenset = frozenset(),
                  rule_options: dict | None = None, uri_for=None) -> TemplateReport:
    """`subset_ids`: rules run only for their default-on hits (see Rule.partly_on_by_default). `uri_for` turns
    the display path of another file a location names (Location.file: a Terraform configuration of several .tf
    files) into its URI; without it, that path is its URI too."""
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
    overrides = severity_overrides or {}

    for resource in template.resources.values():
        applicable = by_type.get(resource.type)
        if not applicable:
            continue
        if resource.condition and evaluator.possible(resource.condition) == frozenset((False,)):
            continue  # never deployed
        checker = _ResourceChecker(template, graph, evaluator, resource, parameters, rule_options or {},
                                   subset_ids, report, _Place(display, uri, uri_for))
        names = condition_names_in(resource.definition.get("Properties"), set())
        base = scenarios_for(names, evaluator, checker.assume)
        base_runs = {rule.id: [] for rule in applicable}
        for scenario in base:  # scenario by scenario, so each scenario's views serve every rule
            for rule in applicable:
                run = checker.run(rule, scenario)
                if run is not None:
                    base_runs[rule.id].append(run)
        for rule in applicable:
            if rule.id in checker.failed:
                continue
            scenarios, runs = checker.on_demand(rule, base, base_runs[rule.id])
            _record(report, rule, resource, scenarios, runs, checker, overrides, checker.place)
    return report


class _Run(Record):
    """One rule checked on one resource under one scenario."""

    _fields = ("scenario", "hits", "unknowns", "demand")
    scenario: dict
    hits: list
    unknowns: list  # (rule id, logical id, path, reason) as RuleContext.unknown records them
    demand: Demand

    def __init__(self, scenario, hits, unknowns, demand):
        self.scenario = scenario
        self.hits = hits
        self.unknowns = unknowns
        self.demand = demand

    @property
    def unbranched(self) -> set:
        """Conditions a value the check read depended on, which the scenario gave no value."""
        return {name for name in self.demand.conditions if name not in self.scenario}


class _Place:
    """(file, uri) a finding at a location names: the template's own file, or the file the location is in."""

    __slots__ = ("display", "uri", "uri_for")

    def __init__(self, display, uri, uri_for):
        self.display, self.uri, self.uri_for = display, uri, uri_for

    def __call__(self, loc) -> tuple:
        if loc.file is None or loc.file == self.display:
            return self.display, self.uri
        return loc.file, (self.uri_for(loc.file) if self.uri_for else loc.file)


class _ResourceChecker:
    """Runs rules on one resource under scenarios; one RuleContext (resolver and views) per distinct
    scenario, shared by the rules that need it."""

    def __init__(self, template, graph, evaluator, resource, parameters, rule_options, subset_ids, report, place):
        self.template, self.graph, self.evaluator, self.resource = template, graph, evaluator, resource
        self.parameters, self.rule_options, self.subset_ids = parameters, rule_options, subset_ids
        self.report, self.place = report, place
        # a resource's own Condition is true wherever it is deployed, and takes no branching slot
        self.assume = {resource.condition: True} if resource.condition else None
        self.failed: set = set()  # rules that raised on this resource: reported once, not per scenario
        self._contexts: dict = {}

    def _context(self, scenario: dict) -> RuleContext:
        key = frozenset(scenario.items())
        ctx = self._contexts.get(key)
        if ctx is None:
            resolver = Resolver(self.template, self.parameters, scenario, self.evaluator)
            ctx = self._contexts[key] = RuleContext(self.template, self.graph, resolver, resource=self.resource,
                                                    rule_options=self.rule_options)
        return ctx

    def run(self, rule: Rule, scenario: dict) -> "_Run | None":
        """The rule's hits and unknowns under `scenario`, with what the values it read depended on; None when
        the rule raised (reported as an error, once)."""
        if rule.id in self.failed:
            return None
        ctx = self._context(scenario)
        ctx.rule = rule
        first_unknown = len(ctx.unknowns)
        hits = []
        demand = ctx.resolver.begin()
        try:
            for hit in rule.check(ctx.view(self.resource), ctx) or ():
                if not isinstance(hit, Hit):
                    hit = Hit(*hit)
                if rule.id in self.subset_ids and not hit.default_on:
                    continue
                hits.append(hit)
        except Exception as exc:  # a broken rule must be visible, not a silent pass
            self.failed.add(rule.id)
            del ctx.unknowns[first_unknown:]
            loc = self.template.document.location(self.resource.path)
            file, uri = self.place(loc)
            self.report.errors.append(Error(
                file, loc.line, f"internal error in {rule.id} on resource {self.resource.logical_id}: "
                f"{type(exc).__name__}: {exc} (please report this)", uri=uri))
            return None
        finally:
            ctx.resolver.end(demand)
        unknowns = ctx.unknowns[first_unknown:]
        del ctx.unknowns[first_unknown:]
        if self.resource.defaults_only:
            hits, unknowns = self._decided_here(hits, unknowns)
        return _Run(scenario, hits, unknowns, demand)

    def _decided_here(self, hits: list, unknowns: list) -> tuple:
        """A defaults-only resource (Resource.defaults_only) is judged only on the values it sets: a finding or
        an unknown at a property the file leaves out, at a mapping (about what it lacks: a block, a member of a
        partial variant), or at the resource itself (about other resources the file cannot have) is not decided
        here, whichever way the rule reached it."""
        return ([hit for hit in hits if self._sets(hit.path)],
                [u for u in unknowns if u[3] != UNDECIDED.reason and self._sets(u[2])])

    def _sets(self, path: tuple) -> bool:
        """The resource's properties set a value (not a mapping) at `path`."""
        below = self.resource.properties_path
        if len(path) <= len(below) or tuple(path[:len(below)]) != below:
            return False
        value = self.resource.properties
        for step in path[len(below):]:
            if isinstance(value, dict) and step in value:
                value = value[step]
            elif isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
                value = value[step]
            else:
                return False
        return not isinstance(value, dict)

    def on_demand(self, rule: Rule, scenarios: list, runs: list) -> tuple:
        """(scenarios, runs) that decide the rule. When a value the check read depends on a condition the
        scenarios left open (the resource has more conditions than are branched on, or the value is in
        another resource), the rule is checked again on scenarios over the conditions it read, the ones
        already branched on first — still capped (MAX_RULE_CONDITIONS), and repeated while it meets new ones
        (nested `Fn::If`s), at most once per condition the cap admits."""
        demanded: set = set()
        branched: list = []
        for _ in range(MAX_RULE_CONDITIONS):
            demanded |= set().union(*(run.demand.conditions for run in runs))
            if not any(run.unbranched for run in runs):
                break
            open_ = [n for n in branched if n in demanded]
            open_ += sorted(n for n in demanded - set(open_) if self._can_go_both_ways(n))
            open_ = open_[:MAX_RULE_CONDITIONS]
            if open_ == branched:
                break  # the cap admits no other condition: what is left open stays unverified
            branched = open_
            scenarios = scenarios_for(set(branched), self.evaluator, self.assume, cap=MAX_RULE_CONDITIONS)
            runs = [self.run(rule, scenario) for scenario in scenarios]
            if rule.id in self.failed:
                return scenarios, []
        return scenarios, runs

    def _can_go_both_ways(self, name: str) -> bool:
        return not (self.assume and name in self.assume) and len(self.evaluator.possible(name)) > 1


def _record(report, rule, resource, scenarios, runs, checker, overrides, place) -> None:
    """Findings, unknowns and the 'could not verify' record of one rule on one resource."""
    if not any(run.hits or run.unknowns for run in runs):
        return  # the rule passed under every scenario
    document = checker.template.document
    hits: dict = {}  # (path, message, detail) -> (hit, indexes of the scenarios it appeared in)
    unknown_seen: set = set()
    for index, run in enumerate(runs):
        for hit in run.hits:
            key = (hit.path, hit.message, hit.detail)
            if key in hits:
                hits[key][1].append(index)
            else:
                hits[key] = (hit, [index])
        for rule_id, logical_id, path, reason in run.unknowns:
            if (rule_id, path, reason) not in unknown_seen:
                unknown_seen.add((rule_id, path, reason))
                loc = document.location(path)
                file, uri = place(loc)
                report.unknowns.append(UnknownValue(rule_id, file, loc.line, logical_id, path, reason,
                                                    column=loc.column, uri=uri))
    unverified = _unverified_reason(runs)
    if unverified is not None:
        cause, reason = unverified
        loc = document.location(resource.path)
        file, uri = place(loc)
        report.unknowns.append(UnknownValue(
            rule.id, file, loc.line, resource.logical_id, resource.path, reason,
            unverified=cause, severity=overrides.get(rule.id, rule.severity), column=loc.column, uri=uri))

    # A scenario the cap left undecided (the unverified record says so) is no branch where a finding is absent.
    decided = [i for i, run in enumerate(runs) if not (run.unknowns and run.unbranched)] or list(range(len(runs)))
    varying = _varying_conditions([scenarios[i] for i in decided])
    for hit, seen_in in hits.values():
        note = ""
        if not set(decided) <= set(seen_in):
            absent = [scenarios[i] for i in decided if i not in seen_in]
            note = _branch_note([scenarios[i] for i in seen_in], absent, varying)
        branch = f" ({note})" if note else ""
        message = hit.message + (f" ({hit.detail})" if hit.detail else "") + branch
        # The one-line form: without the particulars, and with a long branch note (many conditions) counted
        # instead of spelt out; what it leaves out is the finding's detail.
        short_branch = branch
        if len(note) > MAX_SHORT_BRANCH_NOTE:
            short_branch = f" (on {len(set(seen_in) & set(decided))} of {len(decided)} combinations of conditions)"
        left_out = [hit.detail] if hit.detail else []
        if short_branch != branch:
            left_out.append(note)
        summary = hit.message + short_branch if left_out else ""
        loc = document.location(hit.path)
        file, uri = place(loc)
        owner = _owner(checker.template, hit.path, resource)
        fix = hit.fix or rule.fix
        if owner.source_type is not None:  # a Terraform resource: its attribute names, not CloudFormation's
            from mlcheck.inputs.terraform.wording import terraform_wording
            message, summary = (terraform_wording(text, owner.source_type) for text in (message, summary))
            fix = terraform_wording(fix, owner.source_type, assignments=True)
            left_out = [terraform_wording(text, owner.source_type) for text in left_out]
        report.findings.append(Finding(
            rule_id=rule.id, rule_name=rule.name, severity=overrides.get(rule.id, hit.severity or rule.severity),
            message=message, file=file, line=loc.line, column=loc.column, end_line=loc.end_line,
            end_column=loc.end_column, resource=owner.logical_id, resource_type=owner.source_type or owner.type,
            path=hit.path, fix=fix, uri=uri, subjects=hit.subjects, summary=summary,
            detail="; ".join(left_out),
        ))


def _unverified_reason(runs: list):
    """(cause, reason) when the rule could not be verified because of mlcheck's own limits: it could not
    decide (recorded an unknown) under a scenario where a value it read depended on a condition left open by
    the cap, or was cut short by the resolution budget. None when every scenario was decided."""
    open_conditions: set = set()
    limits: set = set()
    for run in runs:
        if not run.unknowns:
            continue
        open_conditions |= run.unbranched
        limits |= run.demand.limits
    if open_conditions:
        names = sorted(open_conditions)
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        return UNVERIFIED_CONDITIONS, (
            f"the check depends on more conditions than the {MAX_RULE_CONDITIONS} checked branch by branch (not "
            f"branched on: {shown}); set the parameters they test with --parameter to check every branch")
    if limits:
        causes = ", ".join(sorted(limits))
        return causes, f"the check read values mlcheck could not resolve within its limits ({causes})"
    return None


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


_MAX_ALTERNATIVES = 3  # a note naming more combinations than this is no help to read
MAX_SHORT_BRANCH_NOTE = 80  # characters of a branch note the one-line form shows; a longer one is counted


def _branch_note(chosen: list, absent: list, varying: list) -> str:
    """Which branches a finding appears on: the condition values shared by every scenario it appeared in,
    else those shared by the scenarios it is absent from (when they hold in none it appeared in), else the
    combinations themselves, or how many they are when they are many."""
    common = _common(chosen, varying)
    if common:
        return "when " + describe_scenario(common)
    excluded = _common(absent, varying)
    if excluded and not any(all(s.get(n) == v for n, v in excluded.items()) for s in chosen):
        return "unless " + describe_scenario(excluded)
    if len(chosen) <= _MAX_ALTERNATIVES:
        return "when " + " or ".join(describe_scenario({n: s[n] for n in varying}) for s in chosen)
    return f"on {len(chosen)} of {len(chosen) + len(absent)} combinations of conditions {', '.join(varying)}"


def _common(scenarios: list, varying: list) -> dict:
    if not scenarios:
        return {}
    return {n: scenarios[0][n] for n in varying if all(s.get(n) == scenarios[0][n] for s in scenarios)}

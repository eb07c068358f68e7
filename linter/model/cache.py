"""Per-template indexes for cross-resource rules, built once and shared by every resource and rule.

A cross-resource rule asks "which bucket policies name this bucket?" for each bucket; answering by scanning
every policy per bucket is quadratic. `template_index(ctx, name, build)` builds the answer for the whole
template once and keeps it on the template's ResourceGraph, which lives exactly as long as one template's lint.

Indexes are built under the *template-wide* resolution (no condition scenario) first, and what that build
depended on is recorded: the conditions its `Fn::If`s asked. Most indexes depend on none and are shared by every
resource and scenario (linear cost). When an index did depend on conditions, a rule reading it has read those
conditions too: they are recorded in the rule's demand (so the engine checks the rule branch by branch and a
finding that holds on one branch says so), and under a scenario that gives some of them a value the index is
built again for those values (cached; at most `MAX_SCENARIO_BUILDS` per index, then the template-wide index,
whose values that depend on conditions are unknown). Resources that can never be deployed (their Condition is
always false) are left out.
"""

from __future__ import annotations

from typing import Any, Callable

from mlcheck.model.resolve import Resolver
from mlcheck.model.view import ResourceView

_ATTRIBUTE = "_mlcheck_indexes"


class _DeployedGraph:
    """The ResourceGraph as index builders see it: `of_type` leaves out resources that are never deployed."""

    def __init__(self, graph, never: set):
        self._graph = graph
        self._never = never

    def of_type(self, *types):
        found = self._graph.of_type(*types)
        return [r for r in found if r.logical_id not in self._never] if self._never else found

    def __getattr__(self, name):
        return getattr(self._graph, name)


class IndexContext:
    """What an index builder sees: the graph, and resources resolved template-wide (views cached)."""

    def __init__(self, graph, resolver: Resolver):
        self.template = graph.template
        self.resolver = resolver
        self._views: dict = {}
        evaluator = resolver.conditions
        self._never: set = set()
        if evaluator is not None:
            for resource in graph.template.resources.values():
                if resource.condition and evaluator.possible(resource.condition) == frozenset((False,)):
                    self._never.add(resource.logical_id)
        self.graph = _DeployedGraph(graph, self._never)

    def view(self, resource) -> ResourceView:
        found = self._views.get(resource.logical_id)
        if found is None:
            found = self._views[resource.logical_id] = ResourceView(resource, self.resolver)
        return found

    def deployable(self, resource) -> bool:
        return resource.logical_id not in self._never


# builds of one index under distinct scenarios (more than one rule's 2**MAX_RULE_CONDITIONS); beyond, the
# template-wide one
MAX_SCENARIO_BUILDS = 128


def _state(ctx):
    graph = ctx.graph
    state = getattr(graph, _ATTRIBUTE, None)
    if state is None:
        state = {"contexts": {}, "indexes": {}, "builds": {}}
        setattr(graph, _ATTRIBUTE, state)
    return state


def _index_context(ctx, state, scenario: frozenset) -> IndexContext:
    found = state["contexts"].get(scenario)
    if found is None:
        source = ctx.resolver
        resolver = Resolver(source.template, getattr(source, "overrides", None), dict(scenario),
                            getattr(source, "conditions", None))
        found = state["contexts"][scenario] = IndexContext(ctx.graph, resolver)
    return found


def _build(ctx, state, name, build, scenario: frozenset):
    """(index, conditions its build asked) under `scenario` (cached)."""
    key = (name, scenario)
    found = state["indexes"].get(key)
    if found is None:
        index_ctx = _index_context(ctx, state, scenario)
        demand = index_ctx.resolver.begin()
        try:
            value = build(index_ctx)
        finally:
            index_ctx.resolver.end(demand)
        found = state["indexes"][key] = (value, frozenset(demand.conditions))
        state["builds"][name] = state["builds"].get(name, 0) + 1
    return found


def deployed_only_when(ctx, resource) -> str | None:
    """The condition a resource's `Condition` attribute ties it to, when that can be false while the resource
    being checked (`ctx.resource`, under `ctx`'s scenario) exists; None when it is deployed whenever the checked
    resource is (no Condition, one that is always true, the same Condition, or one the scenario makes true).
    A policy, endpoint or scaling target that exists only on one branch cannot make a resource compliant."""
    condition = resource.condition
    if not condition:
        return None
    subject = getattr(ctx, "resource", None)
    if subject is not None and getattr(subject, "condition", None) == condition:
        return None
    resolver = getattr(ctx, "resolver", None)
    if resolver is not None and resolver.scenario.get(condition) is True:
        return None
    evaluator = getattr(resolver, "conditions", None)
    if evaluator is not None and evaluator.possible(condition) == frozenset((True,)):
        return None
    return condition


def deployed(ctx, resource) -> bool | None:
    """Whether `resource` exists where the checked resource does, under ctx's scenario: True (no Condition, one
    that is always true, the checked resource's own, or one the scenario makes true), False when the scenario
    makes its Condition false, None when it may go either way. The Condition counts as read by the check (the
    engine then checks both branches, and a finding that holds on one says so)."""
    condition = resource.condition
    if not condition:
        return True
    subject = getattr(ctx, "resource", None)
    if subject is not None and getattr(subject, "condition", None) == condition:
        return True
    resolver = getattr(ctx, "resolver", None)
    if resolver is None or not hasattr(resolver, "condition_value"):
        return None
    value = resolver.condition_value(condition)
    return None if value is None else bool(value)


def template_index(ctx, name: str, build: Callable[[Any], Any]):
    """The index `name` of ctx's template, built by `build(index_context)` on first use. When its build depended
    on conditions, they count as read by the current check, and the index is the one built for the values the
    check's scenario gives them (the scenario-free one when it gives none)."""
    state = _state(ctx)
    value, asked = _build(ctx, state, name, build, frozenset())
    resolver = getattr(ctx, "resolver", None)
    if not asked or resolver is None or not hasattr(resolver, "condition_value"):
        return value
    scenario: dict = {}
    while True:  # a build under some values may ask conditions the scenario-free one never reached
        for condition in sorted(asked):
            if condition not in scenario:
                chosen = resolver.condition_value(condition)  # recorded in the check's demand
                if chosen is not None:
                    scenario[condition] = chosen
        if not scenario:
            return value
        key = frozenset(scenario.items())
        if (name, key) not in state["indexes"] and state["builds"].get(name, 0) >= MAX_SCENARIO_BUILDS:
            return value
        found, more = _build(ctx, state, name, build, key)
        if more <= asked:
            return found
        value, asked = found, asked | more

"""Per-template indexes for cross-resource rules, built once and shared by every resource and rule.

A cross-resource rule asks "which bucket policies name this bucket?" for each bucket; answering by scanning
every policy per bucket is quadratic. `template_index(ctx, name, build)` builds the answer for the whole
template once and keeps it on the template's ResourceGraph, which lives exactly as long as one template's lint.

Indexes are built under the *template-wide* resolution (no condition scenario): a value that depends on an
`Fn::If` whose condition can go both ways is unknown inside an index. Building them per scenario would be
more precise for conditions shared between resources, but a template with many conditions would then rebuild
every index per distinct scenario — the quadratic cost the indexes exist to avoid. Resources that can never
be deployed (their Condition is always false) are left out.
"""

from __future__ import annotations

from typing import Any, Callable

from mlcheck.resolve import Resolver
from mlcheck.view import ResourceView

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


def _state(ctx):
    graph = ctx.graph
    state = getattr(graph, _ATTRIBUTE, None)
    if state is None:
        source = ctx.resolver
        resolver = Resolver(source.template, getattr(source, "overrides", None), {}, getattr(source, "conditions", None))
        state = {"context": IndexContext(graph, resolver), "indexes": {}}
        setattr(graph, _ATTRIBUTE, state)
    return state


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


def template_index(ctx, name: str, build: Callable[[Any], Any]):
    """The index `name` of ctx's template, built by `build(index_context)` on first use."""
    state = _state(ctx)
    indexes = state["indexes"]
    if name not in indexes:
        indexes[name] = build(state["context"])
    return indexes[name]

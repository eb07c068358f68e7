"""Per-template indexes for cross-resource rules, built once and shared by every resource and rule.

A cross-resource rule asks "which bucket policies name this bucket?" for each bucket; answering by scanning
every policy per bucket is quadratic. `template_index(ctx, name, build)` builds the answer for the whole
template once (per condition scenario, since the resolved values it reads can differ between scenarios) and
keeps it on the template's ResourceGraph, which lives exactly as long as one template's lint.
"""

from __future__ import annotations

from typing import Any, Callable

_ATTRIBUTE = "_mlcheck_indexes"


def template_index(ctx, name: str, build: Callable[[Any], Any]):
    """The index `name` for ctx's template and scenario, built by `build(ctx)` on first use."""
    graph = ctx.graph
    indexes = getattr(graph, _ATTRIBUTE, None)
    if indexes is None:
        indexes = {}
        setattr(graph, _ATTRIBUTE, indexes)
    scenario = getattr(ctx.resolver, "scenario", None) or {}
    key = (name, tuple(sorted(scenario.items())))
    if key not in indexes:
        indexes[key] = build(ctx)
    return indexes[key]

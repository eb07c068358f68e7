"""Rule discovery and selection.

Rules are found by path — every `rules/mlc*.py` module holding a `RULE` — not registered by import side
effects. Selection accepts IDs, ID prefixes (`MLC2`), kebab-case names, areas (`iam`, `network`: the AREA
column of `--list-rules`, matched as the area's prefix would be) and `ALL`, as ruff does: `--select`
replaces the default set, `--extend-select` adds to it, `--ignore` removes. Rules that are off by default
join a selection only when named exactly (ID or name) or through `ALL`.

Selection and dispatch read a generated index (`data/rule_index.json`, `tools/gen_rule_index.py`), so a run
imports only the rule modules whose resource types occur in the files it checks. When the index does not list
exactly the modules on disk (a rule added without regenerating it), every rule is imported instead: a stale
index may cost time, never a rule.
"""

from __future__ import annotations

import importlib
import os
from functools import lru_cache

from mlcheck import data

from mlcheck.util.regex import lazy
from mlcheck.engine.rule import AREAS, Rule, area_of, docs_url

_MODULE = lazy(r"^mlc\d{3}_[a-z0-9_]+$")
_RULES_PACKAGE = "mlcheck.rules"


class SelectionError(ValueError):
    pass


class RuleInfo:
    """What selection, dispatch and suppressions need of a rule, read from the index (no import)."""

    __slots__ = ("id", "name", "severity", "module", "resource_types", "enabled_by_default",
                 "partly_on_by_default", "options", "peers", "category")

    def __init__(self, entry: dict):
        for key in self.__slots__:
            setattr(self, key, entry[key])
        self.resource_types = tuple(self.resource_types)

    @property
    def area(self) -> str:
        return area_of(self.id)

    @property
    def url(self) -> str:
        return docs_url(self.id, self.name)

    @property
    def peer_ids(self) -> list:
        return [pid for ids in self.peers.values() for pid in ids]


def index_entry(rule: Rule, module: str) -> dict:
    return {"id": rule.id, "name": rule.name, "severity": rule.severity, "module": module,
            "resource_types": sorted(set(rule.resource_types)), "enabled_by_default": rule.enabled_by_default,
            "partly_on_by_default": rule.partly_on_by_default,
            "options": {k: list(v) if isinstance(v, tuple) else v for k, v in rule.options.items()},
            "peers": rule.peers, "category": rule.category}


def _rule_modules() -> list:
    import mlcheck.rules as package

    names = set()
    for directory in package.__path__:
        for filename in os.listdir(directory):
            stem, ext = os.path.splitext(filename)
            if ext == ".py" and _MODULE.match(stem):
                names.add(stem)
    return sorted(names)


def _import_rule(module_name: str) -> Rule:
    module = importlib.import_module(f"{_RULES_PACKAGE}.{module_name}")
    rule = getattr(module, "RULE", None)
    if not isinstance(rule, Rule):
        raise RuntimeError(f"rule module {module_name} has no RULE")
    # Set in place (the rule is frozen): Rule.replace would re-run __init__ for no gain.
    object.__setattr__(rule, "docs", (module.__doc__ or "").strip())
    return rule


_loaded: dict = {}  # rule id -> Rule, as imported


def load_all_rules() -> list:
    """(rule, module name) for every rule module on disk, imported."""
    out = []
    for module_name in _rule_modules():
        rule = _import_rule(module_name)
        _loaded[rule.id] = rule
        out.append((rule, module_name))
    return out


@lru_cache(maxsize=1)
def all_rules() -> tuple:
    return tuple(sorted((rule for rule, _ in load_all_rules()), key=lambda r: r.id))


@lru_cache(maxsize=1)
def rule_infos() -> tuple:
    """Every rule's index entry, in ID order."""
    import json

    try:
        with open(data.path("rule_index.json"), encoding="utf-8") as handle:
            entries = json.load(handle)
    except OSError:
        entries = []
    if sorted(e["module"] for e in entries) != _rule_modules():
        entries = [index_entry(rule, module) for rule, module in load_all_rules()]
    return tuple(sorted((RuleInfo(e) for e in entries), key=lambda r: r.id))


@lru_cache(maxsize=1)
def _infos_by_id() -> dict:
    return {info.id: info for info in rule_infos()}


def get_rule(rule_id: str) -> Rule:
    """The rule with this ID, importing its module on first use."""
    rule = _loaded.get(rule_id)
    if rule is None:
        rule = _loaded[rule_id] = _import_rule(_infos_by_id()[rule_id].module)
    return rule


def rules_for_types(rule_ids, resource_types) -> list:
    """The rules among `rule_ids` that apply to at least one of `resource_types`, imported."""
    infos = _infos_by_id()
    present = set(resource_types)
    return [get_rule(i) for i in rule_ids if not present.isdisjoint(infos[i].resource_types)]


def rules_by_id() -> dict:
    return {rule.id: rule for rule in all_rules()}


def find_info(code: str) -> RuleInfo | None:
    code = code.strip()
    for info in rule_infos():
        if info.id == code.upper() or info.name == code.lower():
            return info
    return None


def find_rule(code: str) -> Rule | None:
    info = find_info(code)
    return get_rule(info.id) if info else None


def _matches(code: str, rule, explicit_only: bool) -> bool:
    code = code.strip()
    if code.upper() == "ALL":
        return True
    if rule.name == code.lower() or rule.id == code.upper():
        return True
    if explicit_only:
        return False
    return rule.id.startswith(code.upper()) or rule.area == code.lower()


def validate_codes(codes) -> None:
    rules = rule_infos()
    areas = set(AREAS.values())
    for code in codes:
        c = code.strip()
        if not c:
            continue
        if c.upper() == "ALL" or c.lower() in areas or any(
                r.id.startswith(c.upper()) or r.name == c.lower() for r in rules):
            continue
        raise SelectionError(f"unknown rule selector '{code}' (use an ID such as MLC401, a prefix such as MLC4, "
                             f"a rule name, an area — {', '.join(AREAS.values())} — or ALL)")


def ignored_rules(codes) -> list:
    """The rules `codes` name as --ignore reads them: prefixes and areas cover the rules that are off by default
    too (ignoring is never narrower than selecting)."""
    validate_codes(codes)
    return [rule for rule in rule_infos() if any(_matches(c, rule, explicit_only=False) for c in codes)]


def select_rules(select=None, extend_select=(), ignore=()) -> list:
    """The rules to run (their index entries), in ID order."""
    validate_codes(list(select or ()) + list(extend_select) + list(ignore))
    chosen = []
    for rule in rule_infos():
        if select:
            on = any(_matches(c, rule, explicit_only=not rule.enabled_by_default) for c in select)
        else:
            on = rule.enabled_by_default
        if not on and extend_select:
            on = any(_matches(c, rule, explicit_only=not rule.enabled_by_default) for c in extend_select)
        if on and ignore and any(_matches(c, rule, explicit_only=False) for c in ignore):
            on = False
        if on:
            chosen.append(rule)
    return chosen


def default_subset_rules(select=None, ignore=(), chosen=()) -> list:
    """Rules that are off by default but keep part of their findings on (`partly_on_by_default`), not chosen
    outright, and covered by the selection as a default-on rule would be (no --select, or a prefix/ALL)."""
    chosen_ids = {rule.id for rule in chosen}
    subset = []
    for rule in rule_infos():
        if not rule.partly_on_by_default or rule.id in chosen_ids:
            continue
        if select and not any(_matches(c, rule, explicit_only=False) for c in select):
            continue
        if ignore and any(_matches(c, rule, explicit_only=False) for c in ignore):
            continue
        subset.append(rule)
    return subset

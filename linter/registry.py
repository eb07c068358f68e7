"""Rule discovery and selection.

Rules are found by path — every `rules/mlc*.py` module holding a `RULE` — not registered by import side
effects. Selection accepts IDs, ID prefixes (`MLC2`), kebab-case names and `ALL`, as ruff does: `--select`
replaces the default set, `--extend-select` adds to it, `--ignore` removes. Rules that are off by default
join a selection only when named exactly (ID or name) or through `ALL`.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import re
from functools import lru_cache

from mlcheck.rule import Rule

_MODULE = re.compile(r"^mlc\d{3}_[a-z0-9_]+$")


class SelectionError(ValueError):
    pass


@lru_cache(maxsize=1)
def all_rules() -> tuple:
    import mlcheck.rules as package

    rules = []
    for info in pkgutil.iter_modules(package.__path__):
        if not _MODULE.match(info.name):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        rule = getattr(module, "RULE", None)
        if not isinstance(rule, Rule):
            raise RuntimeError(f"rule module {info.name} has no RULE")
        rules.append(dataclasses.replace(rule, docs=(module.__doc__ or "").strip()))
    rules.sort(key=lambda r: r.id)
    return tuple(rules)


def rules_by_id() -> dict:
    return {rule.id: rule for rule in all_rules()}


def find_rule(code: str) -> Rule | None:
    code = code.strip()
    for rule in all_rules():
        if rule.id == code.upper() or rule.name == code.lower():
            return rule
    return None


def _matches(code: str, rule: Rule, explicit_only: bool) -> bool:
    code = code.strip()
    if code.upper() == "ALL":
        return True
    if rule.name == code.lower() or rule.id == code.upper():
        return True
    if explicit_only:
        return False
    return rule.id.startswith(code.upper())


def validate_codes(codes) -> None:
    rules = all_rules()
    for code in codes:
        c = code.strip()
        if not c:
            continue
        if c.upper() == "ALL" or any(r.id.startswith(c.upper()) or r.name == c.lower() for r in rules):
            continue
        raise SelectionError(f"unknown rule selector '{code}' (use an ID such as MLC401, a prefix such as MLC4, "
                             "a rule name, or ALL)")


def select_rules(select=None, extend_select=(), ignore=()) -> list:
    """The rules to run, in ID order."""
    validate_codes(list(select or ()) + list(extend_select) + list(ignore))
    chosen = []
    for rule in all_rules():
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
    for rule in all_rules():
        if not rule.partly_on_by_default or rule.id in chosen_ids:
            continue
        if select and not any(_matches(c, rule, explicit_only=False) for c in select):
            continue
        if ignore and any(_matches(c, rule, explicit_only=False) for c in ignore):
            continue
        subset.append(rule)
    return subset

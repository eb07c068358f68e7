"""The rule format.

A rule is one small module in `rules/`: its docstring is its documentation (first line = short description,
then the sections *What it does*, *Why is this bad?*, *Example*, *Use instead*, *References*), and a module-level
`RULE = Rule(...)` holds its metadata and its check. The same text feeds `--explain`, SARIF help and the docs.

A check is either declarative — `PropertyCheck`, one property and the values that pass, like a checkov check
but with the AWS default and unknown handling done by the engine — or a plain Python function over the resource
view and the template's graph. Both yield `Hit`s; the engine turns them into located findings.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable, NamedTuple

from mlcheck.util.convert import to_int
from mlcheck.util.record import FrozenRecord
from mlcheck.model.values import Unknown, describe

DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "References")

AREAS = {
    "0": "meta",
    "1": "iam",
    "2": "encryption",
    "3": "s3",
    "4": "network",
    "5": "availability",
    "6": "monitoring",
    "7": "deployment",
}

# What kind of problem a rule reports, for tools that sort by it (SARIF tags: GitHub code scanning files only
# `security` results as security alerts; GitLab categories). Most rules take their area's; a rule says
# otherwise with `category=` (a parse error is a correctness problem, not a maintainability one).
CATEGORIES = ("security", "reliability", "correctness", "maintainability")
AREA_CATEGORIES = {
    "meta": "maintainability",
    "iam": "security",
    "encryption": "security",
    "s3": "security",
    "network": "security",
    "availability": "reliability",
    "monitoring": "security",
    "deployment": "correctness",
}


def area_of(rule_id: str) -> str:
    return AREAS.get(rule_id[3:4], "other")


def doc_page(rule_id: str, name: str) -> str:
    """The file name of a rule's page under docs/rules/ (tools/gen_docs.py writes it)."""
    return f"{rule_id}-{name}.md"


def docs_url(rule_id: str, name: str) -> str:
    """A rule's documentation page, pinned to this release so the page describes the rule that is installed
    (SARIF helpUri, JSON url, --explain)."""
    from mlcheck import REPOSITORY, __version__

    return f"{REPOSITORY}/blob/v{__version__}/docs/rules/{doc_page(rule_id, name)}"


class Hit(NamedTuple):
    """A rule's report: where (absolute document path) and what. `fix` overrides the rule's fix hint;
    `severity` the rule's severity, for rules whose catalogue entry grades findings (e.g. MLC409)."""

    path: tuple
    message: str
    fix: str | None = None
    severity: str | None = None
    default_on: bool = False  # for rules partly on by default: this hit is reported even when not selected
    # What the hit reports, as document paths (the Action values of a statement): a rule with `yields_to`
    # loses the hit when those rules' findings report every one of them; a finding reports its own path and
    # these (mlcheck.engine.precedence).
    subjects: tuple = ()
    # The particulars the one-line `concise` form leaves out (the statements, the full list of actions): the
    # finding's complete message is `message (detail)`, which `full` and the machine formats show.
    detail: str = ""


class Rule(FrozenRecord):
    _fields = ("id", "name", "severity", "check", "resource_types", "fix", "enabled_by_default",
               "partly_on_by_default", "options", "peers", "practice", "sensitive", "yields_to", "docs", "category")
    id: str
    name: str
    severity: str
    check: Callable[..., Iterable[Hit]] | None
    resource_types: tuple
    fix: str
    enabled_by_default: bool
    # An off-by-default rule whose catalogue entry keeps some findings on by default (MLC412): unless selected,
    # it still runs, and only hits marked `default_on` are reported.
    partly_on_by_default: bool
    options: dict  # option name -> default; set per rule in the config's `rules`
    peers: dict  # tool -> [peer rule ids]
    # The practice enforced: the anchor of its section in mlcheck's practices guide (docs/practices.md, installed
    # as mlcheck/data/practices.md; mlcheck.engine.practices), e.g. "vpc-endpoints". '' for rules that enforce none.
    practice: str
    # The rule's findings point at a secret: reporters never print the source lines they lie on (MLC116).
    sensitive: bool
    # More specific rules ("One finding per problem", RULES.md): a hit of this rule whose every subject one of
    # them reports (selected, not suppressed) is dropped (mlcheck.engine.precedence).
    yields_to: tuple
    docs: str  # set from the rule module's docstring when the rule is loaded
    category: str  # one of CATEGORIES; '' = the area's (AREA_CATEGORIES)

    def __init__(
        self,
        id,
        name,
        severity,
        check,
        resource_types=(),
        fix="",
        enabled_by_default=True,
        partly_on_by_default=False,
        options=None,
        peers=None,
        practice="",
        sensitive=False,
        yields_to=(),
        docs="",
        category="",
    ):
        if category and category not in CATEGORIES:
            raise ValueError(f"{id}: category must be one of {', '.join(CATEGORIES)}, not {category!r}")
        object.__setattr__(self, "id", id)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "severity", severity)
        object.__setattr__(self, "check", check)
        object.__setattr__(self, "resource_types", resource_types)
        object.__setattr__(self, "fix", fix)
        object.__setattr__(self, "enabled_by_default", enabled_by_default)
        object.__setattr__(self, "partly_on_by_default", partly_on_by_default)
        object.__setattr__(self, "options", {} if options is None else options)
        object.__setattr__(self, "peers", {} if peers is None else peers)
        object.__setattr__(self, "practice", practice)
        object.__setattr__(self, "sensitive", sensitive)
        object.__setattr__(self, "yields_to", yields_to)
        object.__setattr__(self, "docs", docs)
        object.__setattr__(self, "category", category or AREA_CATEGORIES.get(area_of(id), "correctness"))

    @property
    def area(self) -> str:
        return area_of(self.id)

    @property
    def url(self) -> str:
        return docs_url(self.id, self.name)

    @property
    def short_description(self) -> str:
        return self.docs.strip().splitlines()[0].strip() if self.docs.strip() else self.name

    def section(self, title: str) -> str:
        """The text under `## title` in the docs ('' if absent)."""
        match = re.search(rf"^## {re.escape(title)}\s*$(.*?)(?=^## |\Z)", self.docs, re.M | re.S)
        return match.group(1).strip() if match else ""

    @property
    def peer_ids(self) -> list:
        return [pid for ids in self.peers.values() for pid in ids]


# -- declarative property checks --------------------------------------------------------------------------------

class Predicate:
    """A test on a known property value, with the wording used in messages and docs."""

    def __init__(self, test: Callable[[Any], bool], wording: str):
        self.test = test
        self.wording = wording

    def __call__(self, value) -> bool:
        return self.test(value)


def _norm(value):
    if isinstance(value, str):
        return value.strip()
    return value


def equals(expected) -> Predicate:
    return Predicate(lambda v: _norm(v) == expected, f"must be {describe(expected)}")


def one_of(*allowed) -> Predicate:
    return Predicate(lambda v: _norm(v) in allowed, "must be one of " + ", ".join(map(describe, allowed)))


def is_true() -> Predicate:
    return Predicate(lambda v: v is True or (isinstance(v, str) and v.strip().lower() == "true"), "must be true")


def is_set() -> Predicate:
    return Predicate(lambda v: v not in (None, "", [], {}), "must be set")


def at_least(minimum: int) -> Predicate:
    def test(value):
        number = to_int(value, signed=True)
        return number is not None and number >= minimum

    return Predicate(test, f"must be at least {minimum}")


class PropertyCheck:
    """Declarative check of one property of each resource of a type.

    `prop` is a property name or a '/'-separated path below `Properties`. A missing property takes the AWS
    default from `mlcheck.aws.defaults` (so rules do not restate AWS behaviour); an unknown value is recorded as
    "could not verify" and never reported. `message` may use {resource}, {value} and {prop}.
    """

    def __init__(self, resource_type: str, prop: str, passes: Predicate, message: str, missing_message: str = ""):
        self.resource_type = resource_type
        self.prop = prop
        self.keys = tuple(prop.split("/"))
        self.passes = passes
        self.message = message
        self.missing_message = missing_message

    def __call__(self, view, ctx) -> Iterable[Hit]:
        if view.type != self.resource_type:
            return
        value, is_default = view.value(*self.keys)
        path = view.path(*self.keys)
        if isinstance(value, Unknown) or (value is not None and ctx.is_symbolic(value)):
            ctx.unknown(path, value.reason if isinstance(value, Unknown) else f"{self.prop} is computed")
            return
        if value is not None and self.passes(value):
            return
        if value is None or (is_default and self.missing_message):
            message = self.missing_message or self.message
        else:
            message = self.message
        shown = "not set" if value is None else describe(value)
        if is_default and value is not None:
            shown = f"not set, so AWS uses {describe(value)}"
        yield Hit(path, message.format(resource=view.logical_id, value=shown, prop=self.prop))

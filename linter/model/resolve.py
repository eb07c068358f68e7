"""Resolution of CloudFormation intrinsic functions under one condition scenario.

`Ref` to a parameter gives the `--parameter` value, else its `Default`; no default means unknown. `Ref`/`GetAtt`
to a resource stay symbolic (ResourceRef) for the graph. `Fn::If` takes the branch the scenario chooses; the
conditions consulted are recorded so a finding can say which branch leads to it. Anything else that cannot be
known (ImportValue, a pseudo parameter's value, an unsupported function) becomes Unknown — never a guess.

Resolution is bounded on any input: mapping lookups are memoised and a mapping that refers to itself is
detected, and all the work is paid from a `Budget` proportional to the document, past which a value is
Unknown ("resolution budget exceeded"). Each resolver records the conditions a value depended on (`Demand`), so
the engine can branch on the conditions a rule's check actually read.
"""

from __future__ import annotations

from itertools import product
from typing import Any

from mlcheck.util.convert import to_int
from mlcheck.util.record import Record
from mlcheck.util.regex import lazy
from mlcheck.model.template import PSEUDO_PARAMETERS, Template
from mlcheck.model.values import (
    AZ,
    NO_VALUE,
    AZList,
    Composite,
    Pseudo,
    ResourceRef,
    Unknown,
    make_string,
    text_size,
)

_SUB_VAR = lazy(r"\$\{([^}]*)\}")
# Dynamic references (`{{resolve:ssm:/name}}`, `{{resolve:secretsmanager:...}}`): CloudFormation reads the value
# from SSM or Secrets Manager at deploy time, so it cannot be known here.
_DYNAMIC = lazy(r"\{\{resolve:[^}]*\}\}")


def _dynamic(text: str):
    """A string with its dynamic references as unknown parts (the string itself when it has none)."""
    if "{{resolve:" not in text:
        return text
    parts: list = []
    last = 0
    for match in _DYNAMIC.finditer(text):
        parts.append(text[last:match.start()])
        parts.append(Unknown(f"dynamic reference {match.group(0)} is resolved at deploy time"))
        last = match.end()
    parts.append(text[last:])
    value = make_string(parts)
    if isinstance(value, Composite) and len(value.parts) == 1:
        return value.parts[0]  # the whole string is one reference
    return value
_MAX_DEPTH = 200
_MAX_CONDITION_DEPTH = 50  # Conditions are shallow: `!And [!Condition A, !Not [...]]`
BUDGET_REASON = "resolution budget exceeded"
DEPTH_REASON = "expression nested too deeply"
_TEXT_PER_STEP = 32  # building this many characters of a string costs one step

# `AWS::Partition` has one value in the commercial regions; it is kept symbolic elsewhere, but text rules that
# match ARNs of AWS managed policies treat it as a wildcard (Composite.text).


class Budget:
    """The work resolving one template may cost, in steps: one per value visited, one per 32 characters of
    text. Proportional to the document, so no template (a mapping that refers to itself, a chain of lookups
    that doubles a string at each step) can make mlcheck run long. Every resolver of a template shares the
    total; each top-level resolution (one property, one operand of a condition) also has its own share, so one
    costly value does not leave the others without budget. A value met again (a memoised mapping lookup) costs
    what it cost the first time: the size of every resolved value stays within the steps paid for it, so the
    rules reading it are bounded too.

    The real templates of the corpus use under 0.1 step per byte of the document."""

    TOTAL_PER_BYTE = 10
    TOTAL_BASE = 1_000_000  # a step is about a microsecond: a few seconds at most for a small document
    VALUE_PER_BYTE = 2
    VALUE_BASE = 100_000

    def __init__(self, size: int):
        self.left = self.TOTAL_BASE + self.TOTAL_PER_BYTE * size
        self.per_value = self.VALUE_BASE + self.VALUE_PER_BYTE * size

    @classmethod
    def for_template(cls, template: Template) -> "Budget":
        return cls(len(template.document.text) if template.document is not None else 0)


class Demand(Record):
    """What shaped the values resolved while it was being tracked: the conditions whose value was asked
    (branched on by the scenario or not), and the limits of mlcheck that made some part unknown."""

    _fields = ("conditions", "limits")
    conditions: set
    limits: set

    def __init__(self, conditions=None, limits=None):
        self.conditions = set() if conditions is None else conditions
        self.limits = set() if limits is None else limits

    def add(self, other: "Demand") -> None:
        self.conditions |= other.conditions
        self.limits |= other.limits


class Resolver:
    def __init__(self, template: Template, parameters: dict | None = None, scenario: dict | None = None,
                 conditions: "ConditionEvaluator | None" = None, budget: Budget | None = None):
        self.template = template
        self.overrides = parameters or {}
        self.scenario = scenario or {}
        self.conditions = conditions
        if budget is None:
            budget = conditions.budget if conditions is not None else Budget.for_template(template)
        self.budget = budget
        self._value_left = 0  # this top-level resolution's share of the budget
        self._active = 0  # nesting of resolve() calls: 0 means a top-level call
        self._frames: list = [Demand()]  # the innermost is being recorded into
        self._lookups: dict = {}  # (map, key, key) -> (value, Demand): each mapping entry is resolved once
        self._looking_up: set = set()  # entries being resolved: meeting one again is a cycle

    # -- what shaped the values ------------------------------------------------------------------------------
    def begin(self) -> Demand:
        """Start recording what the next resolutions depend on, until `end` (records nest: what an inner one
        records counts for the enclosing ones too). Callers pair them with try/finally."""
        demand = Demand()
        self._frames.append(demand)
        return demand

    def end(self, demand: Demand) -> None:
        assert self._frames[-1] is demand, "Demand records must be ended innermost first"
        self._frames.pop()
        self._frames[-1].add(demand)

    def replay(self, demand: Demand) -> None:
        """A value resolved earlier is used again: what it depended on counts for the current record too."""
        self._frames[-1].add(demand)

    def _limit(self, reason: str) -> Unknown:
        self._frames[-1].limits.add(reason)
        return Unknown(reason)

    def _spend(self, steps: int) -> bool:
        """Pay `steps`; False (and the value's share used up) when they are more than is left. A charge that
        fails takes from the template's total only what this value had left: one huge `Fn::Sub` refused does
        not leave the other values without budget."""
        available = min(self._value_left, self.budget.left)
        if steps > available:
            steps = max(available, 0)
            self._value_left = 0
            self.budget.left -= steps
            return False
        self._value_left -= steps
        self.budget.left -= steps
        return True

    # -- parameters ---------------------------------------------------------------------------------------
    def parameter_value(self, name: str):
        param = self.template.parameters.get(name)
        if param is None:
            return Unknown(f"Ref to undefined parameter '{name}'")
        if name in self.overrides:
            value = self.overrides[name]
        elif param.has_default:
            value = param.default
        else:
            return Unknown(f"parameter '{name}' has no Default and no --parameter value")
        if param.type.startswith("AWS::SSM::Parameter::Value<"):
            # its value is what SSM holds under the name given (the Default is a parameter *name*)
            return Unknown(f"parameter '{name}' is read from SSM parameter {value} at deploy time")
        if param.is_list and isinstance(value, str):
            return [v.strip() for v in value.split(",")] if value else []
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value) if param.type == "String" else value
        return value

    # -- resolution ---------------------------------------------------------------------------------------
    def resolve(self, value: Any, depth: int = 0) -> Any:
        if self._active == 0:
            self._value_left = self.budget.per_value
        self._active += 1
        try:
            return self._resolve(value, depth)
        except RecursionError:  # a deep stack from the caller: the value is unknown, not a crash
            return self._limit(DEPTH_REASON)
        finally:
            self._active -= 1

    def _resolve(self, value: Any, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            return self._limit(DEPTH_REASON)
        if not self._spend(1):
            return self._limit(BUDGET_REASON)
        if isinstance(value, dict):
            if len(value) == 1:
                (key, arg), = value.items()
                if key == "Ref" or key.startswith("Fn::"):
                    return self._function(key, arg, depth + 1)
            out = {}
            for k, v in value.items():
                r = self._resolve(v, depth + 1)
                if r is not NO_VALUE:
                    out[k] = r
            return out
        if isinstance(value, list):
            out = []
            for v in value:
                r = self._resolve(v, depth + 1)
                if r is not NO_VALUE:
                    out.append(r)
            return out
        if isinstance(value, str):
            if len(value) > _TEXT_PER_STEP and not self._spend(len(value) // _TEXT_PER_STEP):
                return self._limit(BUDGET_REASON)
            if "{{resolve:" in value:
                return _dynamic(value)
        return value

    def _string(self, parts: list):
        """make_string, paid for by the length of the text it builds."""
        size = sum(text_size(p) for p in parts)
        if not self._spend(len(parts) + size // _TEXT_PER_STEP):
            return self._limit(BUDGET_REASON)
        return make_string(parts)

    def _function(self, key: str, arg: Any, depth: int) -> Any:
        handler = _HANDLERS.get(key)
        if handler is None:
            return Unknown(f"{key} is not evaluated")
        try:
            return handler(self, arg, depth)
        except (TypeError, ValueError, IndexError, KeyError, AttributeError):
            return Unknown(f"malformed {key}")

    def _ref(self, arg, depth):
        arg = self._resolve(arg, depth) if not isinstance(arg, str) else arg
        if not isinstance(arg, str):
            return Unknown("Ref to a computed name")
        if arg == "AWS::NoValue":
            return NO_VALUE
        if arg in PSEUDO_PARAMETERS:
            return Pseudo(arg)
        if arg in self.template.parameters:
            value = self.parameter_value(arg)
            size = len(value) if isinstance(value, (str, list)) else 0
            if size > _TEXT_PER_STEP and not self._spend(size // _TEXT_PER_STEP):
                return self._limit(BUDGET_REASON)
            return value
        if arg in self.template.resources:
            return ResourceRef(arg)
        return Unknown(f"Ref to '{arg}', which is not in this template")

    def _getatt(self, arg, depth):
        if isinstance(arg, str):
            logical_id, _, attribute = arg.partition(".")
        else:
            logical_id = arg[0]
            attribute = self._resolve(arg[1], depth) if len(arg) > 1 else ""
            if not isinstance(attribute, str):
                return Unknown("GetAtt of a computed attribute")
        if logical_id in self.template.resources:
            return ResourceRef(logical_id, attribute)
        return Unknown(f"GetAtt of '{logical_id}', which is not in this template")

    def _sub(self, arg, depth):
        if isinstance(arg, list):
            text, variables = arg[0], (arg[1] if len(arg) > 1 else {})
        else:
            text, variables = arg, {}
        if not isinstance(text, str) or not isinstance(variables, dict):
            return Unknown("malformed Fn::Sub")
        parts: list = []
        last = 0
        resolved: dict = {}  # each variable once, however often the text names it
        for match in _SUB_VAR.finditer(text):
            parts.append(_dynamic(text[last:match.start()]))
            last = match.end()
            name = match.group(1).strip()
            if name.startswith("!"):  # ${!Literal} is the literal text ${Literal}
                parts.append("${" + name[1:] + "}")
                continue
            if name in resolved:
                value = resolved[name]
            elif name in variables:
                value = resolved[name] = self._resolve(variables[name], depth)
            elif "." in name and name.split(".", 1)[0] in self.template.resources:
                logical_id, attribute = name.split(".", 1)
                value = ResourceRef(logical_id, attribute)
            else:
                value = self._ref(name, depth)
            if isinstance(value, list):
                value = Unknown(f"list value for ${{{name}}} in Fn::Sub")
            elif isinstance(value, dict) or value is NO_VALUE:
                value = Unknown(f"non-text value for ${{{name}}} in Fn::Sub")
            parts.append(value)
        parts.append(_dynamic(text[last:]))
        return self._string(parts)

    def _join(self, arg, depth):
        delimiter = self._resolve(arg[0], depth)
        items = self._resolve(arg[1], depth)
        if not isinstance(delimiter, str):
            return Unknown("Fn::Join with a computed delimiter")
        if not isinstance(items, list):
            return items if isinstance(items, Unknown) else Unknown("Fn::Join of a value that is not a list")
        parts: list = []
        for i, item in enumerate(items):
            if i:
                parts.append(delimiter)
            if isinstance(item, (list, dict, AZList)):
                return Unknown("Fn::Join of a nested list")
            parts.append(item)
        return self._string(parts)

    def _select(self, arg, depth):
        index = self._resolve(arg[0], depth)
        items = self._resolve(arg[1], depth)
        if isinstance(index, str):
            index = to_int(index)
        if not isinstance(index, int) or isinstance(index, bool):
            return Unknown("Fn::Select with a computed index")
        if isinstance(items, AZList):
            return AZ(index, items.region)
        if isinstance(items, list):
            return items[index] if 0 <= index < len(items) else Unknown("Fn::Select index out of range")
        return items if isinstance(items, Unknown) else Unknown("Fn::Select from a computed list")

    def _split(self, arg, depth):
        delimiter = self._resolve(arg[0], depth)
        text = self._resolve(arg[1], depth)
        if isinstance(delimiter, str) and isinstance(text, str) and delimiter:
            if not self._spend(len(text) // _TEXT_PER_STEP + text.count(delimiter)):
                return self._limit(BUDGET_REASON)
            return text.split(delimiter)
        return Unknown("Fn::Split of a computed string")

    def _getazs(self, arg, depth):
        region = self._resolve(arg, depth) if arg is not None else ""
        return AZList(region if isinstance(region, str) else "")

    def _find_in_map(self, arg, depth):
        if not isinstance(arg, list) or len(arg) < 3:
            return Unknown("malformed Fn::FindInMap")
        keys = tuple(self._resolve(a, depth) for a in arg[:3])
        if not all(isinstance(k, str) for k in keys):
            return Unknown("Fn::FindInMap with a computed key")
        try:
            raw = self.template.mappings[keys[0]][keys[1]][keys[2]]
        except (KeyError, TypeError):
            if len(arg) > 3 and isinstance(arg[3], dict) and "DefaultValue" in arg[3]:
                return self._resolve(arg[3]["DefaultValue"], depth)
            return Unknown(f"Fn::FindInMap key {'/'.join(keys)} not in Mappings")
        found = self._lookups.get(keys)
        if found is not None:
            value, demand, cost = found
            self.replay(demand)
            if not self._spend(cost):  # a value used again costs again what it cost: its size is paid for
                return self._limit(BUDGET_REASON)
            return value
        if keys in self._looking_up:
            return Unknown(f"Fn::FindInMap {'/'.join(keys)} refers to itself")
        self._looking_up.add(keys)
        demand = self.begin()
        before = self._value_left
        try:
            value = self._resolve(raw, depth)
        finally:
            self.end(demand)
            self._looking_up.discard(keys)
        self._lookups[keys] = (value, demand, max(before - self._value_left, 0))
        return value

    def _if(self, arg, depth):
        if not isinstance(arg, list) or len(arg) != 3 or not isinstance(arg[0], str):
            return Unknown("malformed Fn::If")
        name, when_true, when_false = arg
        choice = self.condition_value(name)
        if choice is None:
            return Unknown(f"depends on condition '{name}'")
        return self._resolve(when_true if choice else when_false, depth)

    def condition_value(self, name: str):
        """The scenario's value of a condition (None when it has none); a condition with one possible value
        needs no scenario. A condition that can go both ways is recorded in the current Demand."""
        if self.conditions is not None and name not in self.scenario:
            possible = self.conditions.possible(name)
            if len(possible) == 1:
                return next(iter(possible))
        self._frames[-1].conditions.add(name)
        return self.scenario.get(name)

    def _base64(self, arg, depth):
        return self._resolve(arg, depth)

    def _import(self, arg, depth):
        name = self._resolve(arg, depth)
        return Unknown(f"Fn::ImportValue {name}" if isinstance(name, str) else "Fn::ImportValue")


_HANDLERS = {
    "Ref": Resolver._ref,
    "Fn::GetAtt": Resolver._getatt,
    "Fn::Sub": Resolver._sub,
    "Fn::Join": Resolver._join,
    "Fn::Select": Resolver._select,
    "Fn::Split": Resolver._split,
    "Fn::GetAZs": Resolver._getazs,
    "Fn::FindInMap": Resolver._find_in_map,
    "Fn::If": Resolver._if,
    "Fn::Base64": Resolver._base64,
    "Fn::ImportValue": Resolver._import,
}


# -- conditions -----------------------------------------------------------------------------------------------

_ANY = object()  # "some value nobody listed": equal to nothing we can name
BOTH = frozenset((True, False))


class ConditionEvaluator:
    """Which truth values each condition can take. A condition on a parameter the user fixed with
    `--parameter` has one value; on a parameter with AllowedValues, the values those allow; otherwise both.
    Linear in the expressions: each condition is evaluated once (a cycle, which CloudFormation rejects, can go
    both ways), `Fn::And`/`Fn::Or` look at which values each operand can take, and `Fn::Equals` compares the
    sets of values its operands can take, never every pair."""

    def __init__(self, template: Template, overrides: dict | None = None, budget: Budget | None = None):
        self.template = template
        self.overrides = overrides or {}
        self.budget = budget or Budget.for_template(template)
        self._cache: dict = {}
        self._equals: dict = {}  # id of an Equals operand list -> its possible values (no Condition inside)
        self._resolver = Resolver(template, overrides, budget=self.budget)

    def possible(self, name: str, depth: int = 0) -> frozenset:
        if name in self._cache:
            return self._cache[name]
        if depth > _MAX_CONDITION_DEPTH:
            return BOTH  # a chain of Conditions this long is not evaluated (and not cached at this depth)
        self._cache[name] = BOTH  # cycle guard
        expr = self.template.conditions.get(name)
        result = self._eval(expr, depth) if expr is not None else BOTH
        self._cache[name] = result
        return result

    def consistent(self, assignment: dict) -> bool:
        """Whether a scenario can occur: each condition's value is one its expression can take when the
        conditions it names have their values in the scenario (`IsProd` false and `IsProdSecure: !And
        [!Condition IsProd, ...]` true cannot)."""
        for name, value in assignment.items():
            expr = self.template.conditions.get(name)
            if expr is not None and value not in self._eval(expr, 0, assignment):
                return False
        return True

    def _eval(self, expr, depth, assign=None) -> frozenset:
        if depth > _MAX_CONDITION_DEPTH or not isinstance(expr, dict) or len(expr) != 1:
            return BOTH
        (key, arg), = expr.items()
        if key == "Condition":
            if not isinstance(arg, str):
                return BOTH
            if assign is not None and arg in assign:
                return frozenset((assign[arg],))
            return self.possible(arg, depth + 1)
        if not isinstance(arg, list):  # a string operand is malformed, not a list of characters
            return BOTH
        if key == "Fn::Not" and len(arg) == 1:
            return frozenset(not v for v in self._eval(arg[0], depth + 1, assign))
        if key in ("Fn::And", "Fn::Or") and arg:
            operands = [self._eval(a, depth + 1, assign) for a in arg]
            if key == "Fn::And":
                can_be = (all(True in o for o in operands), any(False in o for o in operands))
            else:
                can_be = (any(True in o for o in operands), all(False in o for o in operands))
            return frozenset(v for v, possible in zip((True, False), can_be) if possible)
        if key == "Fn::Equals" and len(arg) == 2:
            found = self._equals.get(id(arg))
            if found is None:
                found = self._equals[id(arg)] = self._compare(self._values(arg[0]), self._values(arg[1]))
            return found
        return BOTH

    @staticmethod
    def _compare(left: set, right: set) -> frozenset:
        if _ANY in left or _ANY in right:
            return BOTH
        can_be_equal = not left.isdisjoint(right)
        can_differ = not (len(left) == 1 and left == right)
        return frozenset(v for v, possible in ((True, can_be_equal), (False, can_differ)) if possible)

    def _values(self, expr) -> set:
        """Every value an Equals operand can take, `_ANY` standing for values nobody listed."""
        if isinstance(expr, dict) and len(expr) == 1 and "Ref" in expr and isinstance(expr["Ref"], str):
            name = expr["Ref"]
            param = self.template.parameters.get(name)
            if param is not None:
                if param.type.startswith("AWS::SSM::Parameter::Value<"):
                    return {_ANY}
                if name in self.overrides:
                    return {_text(self.overrides[name])}
                if param.allowed_values:
                    return {_text(v) for v in param.allowed_values}
                return {_ANY}
        value = self._resolver.resolve(expr)
        if isinstance(value, (str, int, float, bool)):
            return {_text(value)}
        return {_ANY}


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def condition_names_in(value, found: set, depth: int = 0) -> set:
    """Names of conditions used by `Fn::If` anywhere inside a raw value."""
    if depth > _MAX_DEPTH:
        return found
    if isinstance(value, dict):
        branch = value.get("Fn::If") if len(value) == 1 else None
        if isinstance(branch, list) and branch and isinstance(branch[0], str):
            found.add(branch[0])
        for v in value.values():
            condition_names_in(v, found, depth + 1)
    elif isinstance(value, list):
        for v in value:
            condition_names_in(v, found, depth + 1)
    return found


MAX_BRANCHING_CONDITIONS = 4  # at most 2**4 = 16 scenarios per resource: many conditions stay fast
MAX_RULE_CONDITIONS = 6  # a rule re-checked on the conditions it read: at most 2**6 = 64 scenarios


def scenarios_for(names: set, evaluator: ConditionEvaluator, assume: dict | None = None,
                  cap: int = MAX_BRANCHING_CONDITIONS) -> list[dict]:
    """Every assignment of the given conditions that can occur, given the `assume`d values (a resource's own
    Condition is true wherever it is deployed, and takes no branching slot). Conditions beyond the cap are left
    out of the scenarios, so values depending on them resolve to unknown rather than multiplying the work."""
    fixed: dict = dict(assume or {})
    open_: list = []
    for name in sorted(names):
        if name in fixed:
            continue
        possible = evaluator.possible(name)
        if len(possible) == 1:
            fixed[name] = next(iter(possible))
        elif len(open_) < cap:
            open_.append(name)
    if not open_:
        return [fixed]
    out = []
    for values in product((True, False), repeat=len(open_)):
        scenario = dict(fixed)
        scenario.update(zip(open_, values))
        if evaluator.consistent(scenario):  # leave out combinations no deployment can produce
            out.append(scenario)
    return out or [fixed]


def describe_scenario(assignments: dict) -> str:
    return " and ".join(f"condition {name} is {'true' if value else 'false'}"
                        for name, value in sorted(assignments.items()))


__all__ = [
    "BOTH", "BUDGET_REASON", "Budget", "Composite", "ConditionEvaluator", "Demand", "Resolver",
    "condition_names_in", "describe_scenario", "scenarios_for",
]

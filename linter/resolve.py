"""Resolution of CloudFormation intrinsic functions under one condition scenario.

`Ref` to a parameter gives the `--parameter` value, else its `Default`; no default means unknown. `Ref`/`GetAtt`
to a resource stay symbolic (ResourceRef) for the graph. `Fn::If` takes the branch the scenario chooses; the
conditions consulted are recorded so a finding can say which branch leads to it. Anything else that cannot be
known (ImportValue, a pseudo parameter's value, an unsupported function) becomes Unknown — never a guess.
"""

from __future__ import annotations

import re
from itertools import product
from typing import Any

from mlcheck.convert import to_int
from mlcheck.template import PSEUDO_PARAMETERS, Template
from mlcheck.values import (
    AZ,
    NO_VALUE,
    AZList,
    Composite,
    Pseudo,
    ResourceRef,
    Unknown,
    make_string,
)

_SUB_VAR = re.compile(r"\$\{([^}]*)\}")
# Dynamic references (`{{resolve:ssm:/name}}`, `{{resolve:secretsmanager:...}}`): CloudFormation reads the value
# from SSM or Secrets Manager at deploy time, so it cannot be known here.
_DYNAMIC = re.compile(r"\{\{resolve:[^}]*\}\}")


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

# `AWS::Partition` has one value in the commercial regions; it is kept symbolic elsewhere, but text rules that
# match ARNs of AWS managed policies treat it as a wildcard (Composite.text).


class Resolver:
    def __init__(self, template: Template, parameters: dict | None = None, scenario: dict | None = None,
                 conditions: "ConditionEvaluator | None" = None):
        self.template = template
        self.overrides = parameters or {}
        self.scenario = scenario or {}
        self.conditions = conditions
        self.consulted: set = set()  # condition names whose branch choice shaped a resolved value

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
        if depth > _MAX_DEPTH:
            return Unknown("expression nested too deeply")
        if isinstance(value, dict):
            if len(value) == 1:
                (key, arg), = value.items()
                if key == "Ref" or key.startswith("Fn::"):
                    return self._function(key, arg, depth + 1)
            out = {}
            for k, v in value.items():
                r = self.resolve(v, depth + 1)
                if r is not NO_VALUE:
                    out[k] = r
            return out
        if isinstance(value, list):
            out = []
            for v in value:
                r = self.resolve(v, depth + 1)
                if r is not NO_VALUE:
                    out.append(r)
            return out
        if isinstance(value, str) and "{{resolve:" in value:
            return _dynamic(value)
        return value

    def _function(self, key: str, arg: Any, depth: int) -> Any:
        handler = _HANDLERS.get(key)
        if handler is None:
            return Unknown(f"{key} is not evaluated")
        try:
            return handler(self, arg, depth)
        except (TypeError, ValueError, IndexError, KeyError, AttributeError):
            return Unknown(f"malformed {key}")

    def _ref(self, arg, depth):
        arg = self.resolve(arg, depth) if not isinstance(arg, str) else arg
        if not isinstance(arg, str):
            return Unknown("Ref to a computed name")
        if arg == "AWS::NoValue":
            return NO_VALUE
        if arg in PSEUDO_PARAMETERS:
            return Pseudo(arg)
        if arg in self.template.parameters:
            return self.parameter_value(arg)
        if arg in self.template.resources:
            return ResourceRef(arg)
        return Unknown(f"Ref to '{arg}', which is not in this template")

    def _getatt(self, arg, depth):
        if isinstance(arg, str):
            logical_id, _, attribute = arg.partition(".")
        else:
            logical_id = arg[0]
            attribute = self.resolve(arg[1], depth) if len(arg) > 1 else ""
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
        for match in _SUB_VAR.finditer(text):
            parts.append(_dynamic(text[last:match.start()]))
            last = match.end()
            name = match.group(1).strip()
            if name.startswith("!"):  # ${!Literal} is the literal text ${Literal}
                parts.append("${" + name[1:] + "}")
                continue
            if name in variables:
                value = self.resolve(variables[name], depth)
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
        return make_string(parts)

    def _join(self, arg, depth):
        delimiter = self.resolve(arg[0], depth)
        items = self.resolve(arg[1], depth)
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
        return make_string(parts)

    def _select(self, arg, depth):
        index = self.resolve(arg[0], depth)
        items = self.resolve(arg[1], depth)
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
        delimiter = self.resolve(arg[0], depth)
        text = self.resolve(arg[1], depth)
        if isinstance(delimiter, str) and isinstance(text, str) and delimiter:
            return text.split(delimiter)
        return Unknown("Fn::Split of a computed string")

    def _getazs(self, arg, depth):
        region = self.resolve(arg, depth) if arg is not None else ""
        return AZList(region if isinstance(region, str) else "")

    def _find_in_map(self, arg, depth):
        keys = [self.resolve(a, depth) for a in arg[:3]]
        if not all(isinstance(k, str) for k in keys):
            return Unknown("Fn::FindInMap with a computed key")
        try:
            return self.resolve(self.template.mappings[keys[0]][keys[1]][keys[2]], depth)
        except (KeyError, TypeError):
            if len(arg) > 3 and isinstance(arg[3], dict) and "DefaultValue" in arg[3]:
                return self.resolve(arg[3]["DefaultValue"], depth)
            return Unknown(f"Fn::FindInMap key {'/'.join(keys)} not in Mappings")

    def _if(self, arg, depth):
        name, when_true, when_false = arg[0], arg[1], arg[2]
        choice = self.condition_value(name)
        if choice is None:
            return Unknown(f"depends on condition '{name}'")
        return self.resolve(when_true if choice else when_false, depth)

    def condition_value(self, name: str):
        """The scenario's value of a condition; a condition with one possible value needs no scenario."""
        if name in self.scenario:
            self.consulted.add(name)
            return self.scenario[name]
        if self.conditions is not None:
            possible = self.conditions.possible(name)
            if len(possible) == 1:
                return next(iter(possible))
        return None

    def _base64(self, arg, depth):
        return self.resolve(arg, depth)

    def _import(self, arg, depth):
        name = self.resolve(arg, depth)
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
    `--parameter` has one value; on a parameter with AllowedValues, the values those allow; otherwise both."""

    def __init__(self, template: Template, overrides: dict | None = None):
        self.template = template
        self.overrides = overrides or {}
        self._cache: dict = {}
        self._resolver = Resolver(template, overrides)

    def possible(self, name: str) -> frozenset:
        if name in self._cache:
            return self._cache[name]
        self._cache[name] = BOTH  # cycle guard
        expr = self.template.conditions.get(name)
        result = self._eval(expr, 0) if expr is not None else BOTH
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
        if depth > 50 or not isinstance(expr, dict) or len(expr) != 1:
            return BOTH
        (key, arg), = expr.items()
        try:
            if key == "Condition":
                if assign is not None and arg in assign:
                    return frozenset((assign[arg],))
                return self.possible(arg)
            if key == "Fn::Not":
                return frozenset(not v for v in self._eval(arg[0], depth + 1, assign))
            if key in ("Fn::And", "Fn::Or"):
                combine = all if key == "Fn::And" else any
                sets = [self._eval(a, depth + 1, assign) for a in arg]
                return frozenset(combine(c) for c in product(*sets))
            if key == "Fn::Equals":
                left, right = self._values(arg[0]), self._values(arg[1])
                if _ANY in left or _ANY in right:
                    return BOTH
                return frozenset(_same(a, b) for a in left for b in right)
        except (TypeError, IndexError, KeyError):
            pass
        return BOTH

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


def _same(a, b):
    return a == b


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


def scenarios_for(names: set, evaluator: ConditionEvaluator, assume: dict | None = None) -> list[dict]:
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
        elif len(open_) < MAX_BRANCHING_CONDITIONS:
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
    "BOTH", "Composite", "ConditionEvaluator", "Resolver", "condition_names_in", "describe_scenario",
    "scenarios_for",
]

"""Evaluating HCL expressions (python-hcl2's parse tree) to values, as far as a configuration alone tells them.

Known: literals, strings and their interpolation, heredocs, `var.*`, `local.*`, module outputs, `count.index`,
`each.*`, operators, conditionals, `for` expressions and the functions in FUNCTIONS (jsonencode among them). A
reference to another resource's attribute is a `Reference` (known only after apply). Anything else (a data source,
a function not listed, a value a variable does not have) is `Unknown(reason)`: never guessed.
"""

from __future__ import annotations

import json

from mlcheck.inputs.terraform import jsonvalue
from mlcheck.inputs.terraform.resource import Reference
from mlcheck.model.values import Composite, Unknown

SYMBOLIC = (Unknown, Reference, Composite)
_SKIP = ("new_line_or_comment",)
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def trees(node) -> list:
    """The child trees of `node` that carry meaning (no punctuation tokens, newlines or comments)."""
    return [c for c in node.children if hasattr(c, "data") and c.data not in _SKIP]


def tokens(node) -> list:
    return [c for c in node.children if not hasattr(c, "data")]


class Scope:
    """What names mean where an expression is written: a module's variables, locals, resources and module
    calls, plus the iteration names in force (`count`, `each`, a `for` variable, a dynamic block's iterator).

    `lookup_root` is given by the reader (mlcheck.inputs.terraform.hcl): it resolves `var`, `local`, `module`
    and resource addresses; this module knows only expressions."""

    def __init__(self, resolve, names=None, configured=None, read_text=None):
        self.resolve = resolve  # (root name, steps, scope) -> value, for names not in `names`
        self.names = {} if names is None else names
        # Reference -> the value its resource's block gives that argument, when it is known (else None)
        self.configured = configured
        # path -> the text of a file of the configuration (file(), templatefile()), or Unknown
        self.read_text = read_text

    def child(self, **names) -> "Scope":
        return Scope(self.resolve, {**self.names, **names}, self.configured, self.read_text)


def evaluate(node, scope: Scope):
    """The value of an expression tree. RecursionError (an expression nested thousands deep) is the caller's."""
    kind = node.data
    if kind == "expr_term":
        inner = trees(node)
        return evaluate(inner[0], scope) if inner else Unknown("empty expression")
    handler = _HANDLERS.get(kind)
    if handler is None:
        return Unknown(f"'{kind}' expressions are not evaluated")
    return handler(node, scope)


def _literal_value(node, scope):
    text = str(node.children[0])
    return {"true": True, "false": False, "null": None}[text]


def _int(node, scope):
    return int(str(node.children[0]))


def _float(node, scope):
    value = float(str(node.children[0]))
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def unescape(text: str) -> str:
    """A quoted string's characters with HCL's escapes decoded (\\n, \\", \\uXXXX, ...)."""
    if "\\" not in text:
        return text
    out, i = [], 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                i += 2
                continue
            width = {"u": 4, "U": 8}.get(nxt)
            if width and i + 2 + width <= len(text):
                try:
                    out.append(chr(int(text[i + 2:i + 2 + width], 16)))
                    i += 2 + width
                    continue
                except ValueError:
                    pass
        out.append(char)
        i += 1
    return "".join(out)


def _string(node, scope):
    pieces = []
    for part in trees(node):  # string_part
        child = part.children[0]
        if hasattr(child, "data"):
            if child.data != "interpolation":
                return Unknown("a template directive (%{ if/for }) in a string is not evaluated")
            pieces.append(_interpolated(evaluate(trees(child)[0], scope), scope))
        else:
            text = str(child)
            if child.type == "ESCAPED_INTERPOLATION":
                pieces.append(text[1:])  # $${ is a literal ${
            elif child.type == "ESCAPED_DIRECTIVE":
                pieces.append(text[1:])
            else:
                pieces.append(unescape(text))
    return _join(pieces)


def _interpolated(value, scope):
    """A value interpolated in a string. A reference to an argument its resource's block sets to a known value
    is that value, as in Terraform's plan (`"endpoint/${aws_sagemaker_endpoint.x.name}/variant/v"`)."""
    if isinstance(value, Reference) and scope.configured is not None:
        known = scope.configured(value)
        if known is not None:
            value = known
    if isinstance(value, (list, dict)):
        return Unknown("a list or map interpolated in a string (Terraform rejects it)")
    if value is None:
        return Unknown("null interpolated in a string")
    return value


def _join(pieces):
    for piece in pieces:
        if isinstance(piece, Unknown) and len(pieces) == 1:
            return piece
    return jsonvalue.join(pieces)


def _heredoc(node, scope):
    text = str(node.children[0])
    first_newline = text.index("\n")
    trim = text.startswith("<<-")
    body_lines = text[first_newline + 1:].rstrip("\r\n").split("\n")[:-1]  # the last line is the delimiter
    if trim:
        indents = [len(line) - len(line.lstrip(" \t")) for line in body_lines if line.strip()]
        cut = min(indents, default=0)
        body_lines = [line[cut:] for line in body_lines]
    body = "\n".join(line.rstrip("\r") for line in body_lines) + ("\n" if body_lines else "")
    return template(body, scope)


def template(text: str, scope: Scope):
    """A heredoc's text with its `${...}` interpolations evaluated (no escapes apply in a heredoc)."""
    if "%{" in text.replace("%%{", ""):
        return Unknown("a template directive (%{ if/for }) in a heredoc is not evaluated")
    pieces, i = [], 0
    while True:
        start = text.find("${", i)
        if start < 0:
            pieces.append(text[i:].replace("$${", "${"))
            break
        if start > 0 and text[start - 1] == "$":  # $${ is a literal ${
            pieces.append(text[i:start - 1] + "${")
            i = start + 2
            continue
        pieces.append(text[i:start].replace("$${", "${"))
        end = _closing_brace(text, start + 2)
        if end < 0:
            return Unknown("an unterminated ${ in a heredoc")
        pieces.append(_interpolated(parse_expression(text[start + 2:end], scope), scope))
        i = end + 1
    return _join(pieces)


def _closing_brace(text: str, i: int) -> int:
    depth, quoted = 0, False
    while i < len(text):
        char = text[i]
        if quoted:
            if char == "\\":
                i += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    return -1


def parse_expression(source: str, scope: Scope):
    """Evaluate an expression given as text (an interpolation inside a heredoc)."""
    from hcl2.api import parses_to_tree

    try:
        tree = parses_to_tree(f"x = ({source})\n")
    except Exception:
        return Unknown("an interpolation that does not parse")
    attribute = trees(trees(tree)[0])[0]
    return evaluate(trees(attribute)[-1], scope)


def _tuple(node, scope):
    return [evaluate(item, scope) for item in trees(node)]


def object_key(node, scope):
    """An object element's key: a bare name is itself, anything else is evaluated."""
    key_node = trees(node)[0]  # object_elem_key
    inner = trees(key_node)
    if not inner:  # a keyword used as a key
        return str(tokens(key_node)[0])
    inner = inner[0]
    if inner.data == "expr_term":
        term = trees(inner)
        if term and term[0].data == "identifier":
            return str(term[0].children[0])
    return evaluate(inner, scope)


def _object(node, scope):
    out = {}
    for elem in trees(node):
        key = object_key(elem, scope)
        if not isinstance(key, str):
            if isinstance(key, (int, float)) and not isinstance(key, bool):
                key = str(key)
            else:
                return Unknown("an object key that cannot be known")
        out[key] = evaluate(trees(elem)[-1], scope)
    return out


def _conditional(node, scope):
    condition, yes, no = trees(node)
    test = evaluate(condition, scope)
    if isinstance(test, bool):
        return evaluate(yes if test else no, scope)
    return Unknown(f"a condition that cannot be known ({_reason(test)})")


def _reason(value) -> str:
    if isinstance(value, Unknown):
        return value.reason
    if isinstance(value, Reference):
        return f"{value.address}.{value.attribute} is known only after apply" if value.attribute else \
            f"{value.address} is known only after apply"
    if isinstance(value, Composite):
        return "a string with parts known only after apply"
    return f"not a boolean: {value!r}"[:200]


def _unary(node, scope):
    operator = str(tokens(node)[0])
    value = evaluate(trees(node)[0], scope)
    if operator == "!":
        return (not value) if isinstance(value, bool) else Unknown(f"! of a value that is not known ({_reason(value)})")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return -value
    return Unknown(f"- of a value that is not a known number ({_reason(value)})")


def _number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            try:
                return float(value)
            except ValueError:
                return None
    return None


def _binary(node, scope):
    left_node, term = trees(node)
    operator = str(trees(term)[0].children[0])
    right_node = trees(term)[1]
    left = evaluate(left_node, scope)
    if operator in ("&&", "||") and isinstance(left, bool):
        if (operator == "&&" and not left) or (operator == "||" and left):
            return left
        right = evaluate(right_node, scope)
        return right if isinstance(right, bool) else Unknown(f"{operator} of an unknown ({_reason(right)})")
    right = evaluate(right_node, scope)
    for value in (left, right):
        if isinstance(value, SYMBOLIC):
            return Unknown(f"'{operator}' on a value that is not known ({_reason(value)})")
    if operator == "==":
        return left == right
    if operator == "!=":
        return left != right
    a, b = _number(left), _number(right)
    if a is None or b is None:
        return Unknown(f"'{operator}' on values that are not numbers")
    try:
        result = {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b,
                  "%": lambda: a % b, "<": lambda: a < b, ">": lambda: a > b, "<=": lambda: a <= b,
                  ">=": lambda: a >= b}[operator]()
    except (ZeroDivisionError, OverflowError, KeyError):
        return Unknown(f"'{operator}' cannot be computed here")
    if isinstance(result, float) and result.is_integer() and abs(result) < 2**53:
        return int(result)
    return result


# ---- traversals: a.b[0].c, a[*].b -------------------------------------------------------------------------------

def flatten(node):
    """(root tree, steps) of a traversal: steps are ("attr", name), ("index", tree) and ("splat", [steps])."""
    steps = []
    while True:
        kind = node.data
        if kind == "expr_term":
            inner = trees(node)
            if len(inner) != 1:
                break
            node = inner[0]
            continue
        if kind == "get_attr_expr_term":
            base, op = trees(node)
            steps.append(_step(op))
        elif kind == "index_expr_term":
            base, op = trees(node)
            steps.append(_step(op))
        elif kind in ("attr_splat_expr_term", "full_splat_expr_term"):
            base, op = trees(node)
            steps.append(("splat", [_step(sub) for sub in trees(op)]))
        else:
            break
        node = base
    steps.reverse()
    return node, steps


def _step(op):
    if op.data == "get_attr":
        name = trees(op)[0]
        return ("attr", str(name.children[0]))
    if op.data == "short_index":
        return ("index", int(str(tokens(op)[-1])))
    return ("index", trees(op)[0])  # braces_index


def _traversal(node, scope):
    root, steps = flatten(node)
    if root.data != "identifier":
        return apply_steps(evaluate(root, scope), steps, scope)
    name = str(root.children[0])
    if name in scope.names:
        return apply_steps(scope.names[name], steps, scope)
    return scope.resolve(name, steps, scope)


def _identifier(node, scope):
    return _traversal(node, scope)


def index_value(step, scope):
    """The key an index step names (evaluated when written as an expression)."""
    index = step[1]
    return index if isinstance(index, int) else evaluate(index, scope)


def apply_steps(value, steps, scope):
    """Follow attribute, index and splat steps through a known value."""
    for n, step in enumerate(steps):
        if isinstance(value, Unknown):
            return value
        if isinstance(value, (Reference, Composite)):
            return Unknown(f"an attribute of a value known only after apply ({_reason(value)})")
        kind = step[0]
        if kind == "splat":
            items = [] if value is None else value if isinstance(value, list) else [value]
            return [apply_steps(item, step[1] + steps[n + 1:], scope) for item in items]
        key = step[1] if kind == "attr" else index_value(step, scope)
        if isinstance(key, SYMBOLIC):
            return Unknown(f"an index that cannot be known ({_reason(key)})")
        if isinstance(value, dict):
            if not isinstance(key, str) or key not in value:
                return Unknown(f"no key '{key}' in the map")
            value = value[key]
        elif isinstance(value, list):
            number = _number(key)
            if not isinstance(number, int) or not 0 <= number < len(value):
                return Unknown(f"index {key!r} is not in the list")
            value = value[number]
        else:
            return Unknown(f"'{key}' of a value that has no attributes")
    return value


# ---- for expressions --------------------------------------------------------------------------------------------

def _for_intro(node):
    intro = next(c for c in trees(node) if c.data == "for_intro")
    names = [str(c.children[0]) for c in trees(intro) if c.data == "identifier"]
    collection = [c for c in trees(intro) if c.data != "identifier"][0]
    return names, collection


def _iterate(node, scope):
    """(scope for each element) of a for expression, or Unknown."""
    names, collection_node = _for_intro(node)
    collection = evaluate(collection_node, scope)
    if isinstance(collection, SYMBOLIC):
        return Unknown(f"a for expression over a collection that is not known ({_reason(collection)})")
    if isinstance(collection, dict):
        pairs = list(collection.items())
    elif isinstance(collection, list):
        pairs = list(enumerate(collection))
    else:
        return Unknown("a for expression over a value that is not a collection")
    out = []
    for key, item in pairs:
        names_here = {names[0]: key, names[1]: item} if len(names) == 2 else {names[0]: item}
        out.append(scope.child(**names_here))
    return out


def _for_condition(node, scope):
    cond = [c for c in trees(node) if c.data == "for_cond"]
    if not cond:
        return True
    return evaluate(trees(cond[0])[0], scope)


def _for_tuple(node, scope):
    scopes = _iterate(node, scope)
    if isinstance(scopes, Unknown):
        return scopes
    value_node = [c for c in trees(node) if c.data not in ("for_intro", "for_cond")][0]
    out = []
    for inner in scopes:
        keep = _for_condition(node, inner)
        if not isinstance(keep, bool):
            return Unknown(f"a for expression's condition that is not known ({_reason(keep)})")
        if keep:
            out.append(evaluate(value_node, inner))
    return out


def _for_object(node, scope):
    if any(str(t) == "..." for t in tokens(node)):
        return Unknown("a grouping for expression (...) is not evaluated")
    scopes = _iterate(node, scope)
    if isinstance(scopes, Unknown):
        return scopes
    key_node, value_node = [c for c in trees(node) if c.data not in ("for_intro", "for_cond")][:2]
    out = {}
    for inner in scopes:
        keep = _for_condition(node, inner)
        if not isinstance(keep, bool):
            return Unknown(f"a for expression's condition that is not known ({_reason(keep)})")
        if keep:
            key = evaluate(key_node, inner)
            if not isinstance(key, str):
                return Unknown("a for expression's key that is not a known string")
            out[key] = evaluate(value_node, inner)
    return out


# ---- functions --------------------------------------------------------------------------------------------------

def _function_call(node, scope):
    parts = trees(node)
    names = [str(p.children[0]) for p in parts if p.data == "identifier"]
    if len(names) != 1:
        return Unknown(f"provider function {'::'.join(names)}() is not evaluated")
    name = names[0]
    arguments = [p for p in parts if p.data == "arguments"]
    argument_nodes = trees(arguments[0]) if arguments else []
    function = FUNCTIONS.get(name) or _FILE_FUNCTIONS.get(name)
    if function is None:
        return Unknown(f"function {name}() is not evaluated")
    args = [evaluate(a, scope) for a in argument_nodes]
    if name in _FILE_FUNCTIONS:
        if not args or not isinstance(args[0], str):
            return Unknown(f"{name}() of a path that is not known")
        if scope.read_text is None:
            return Unknown(f"{name}() is not evaluated here")
        args = [scope] + args
    if arguments and any(str(t) == "..." for t in tokens(arguments[0])):
        if not args or not isinstance(args[-1], list):
            return Unknown(f"{name}() with expanded arguments that are not a known list")
        args = args[:-1] + args[-1]
    if name not in _TAKES_SYMBOLIC and any(isinstance(a, SYMBOLIC) for a in args):
        culprit = next(a for a in args if isinstance(a, SYMBOLIC))
        return Unknown(f"{name}() of a value that is not known ({_reason(culprit)})")
    try:
        return function(*args)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError, RecursionError):
        return Unknown(f"{name}() of arguments it does not take")


def _lookup(mapping, key, *default):
    if isinstance(mapping, SYMBOLIC) or isinstance(key, SYMBOLIC):
        return Unknown("lookup() in a map or of a key that is not known")
    if isinstance(mapping, dict) and key in mapping:
        return mapping[key]
    if default:
        return default[0]
    return Unknown(f"lookup() of a key that is not in the map ('{key}')")


def _format(spec, *args):
    out, i, n = [], 0, 0
    while i < len(spec):
        char = spec[i]
        if char == "%" and i + 1 < len(spec):
            verb = spec[i + 1]
            if verb == "%":
                out.append("%")
            elif verb in "sdvq" and n < len(args):
                value = args[n]
                n += 1
                if isinstance(value, SYMBOLIC):
                    out.append(value)
                elif verb == "q":
                    out.append(json.dumps(str(value)))
                elif verb == "d" and not isinstance(value, int):
                    return Unknown("format() %d of a value that is not a whole number")
                else:
                    out.append(_string_of(value))
            else:
                return Unknown(f"format() verb %{verb} is not evaluated")
            i += 2
            continue
        out.append(char)
        i += 1
    return jsonvalue.join(out)


def _string_of(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    raise TypeError("not a primitive value")


def _to_bool(value):
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise ValueError("not a boolean")


def _to_number(value):
    number = _number(value)
    if number is None:
        raise ValueError("not a number")
    return number


def _merge(*maps):
    out = {}
    for mapping in maps:
        if mapping is None:
            continue
        if not isinstance(mapping, dict):
            raise TypeError("not a map")
        out.update(mapping)
    return out


def _concat(*lists):
    out = []
    for item in lists:
        if not isinstance(item, list):
            raise TypeError("not a list")
        out.extend(item)
    return out


def _toset(value):
    if not isinstance(value, list):
        raise TypeError("not a list")
    out = []
    for item in value:
        if item not in out:
            out.append(item)
    if all(isinstance(item, str) for item in out):
        out.sort()  # Terraform orders a set of strings lexically
    return out


def _coalesce(*values):
    for value in values:
        if isinstance(value, SYMBOLIC):
            return Unknown("coalesce() of a value that is not known")
        if value is not None and value != "":
            return value
    raise ValueError("no value")


def _jsondecode(text):
    if not isinstance(text, str):
        raise TypeError("not a string")
    return json.loads(text)


def _join_function(separator, *lists):
    items = []
    for item in lists:
        if not isinstance(item, list):
            raise TypeError("not a list")
        items.extend(item)
    pieces = []
    for i, item in enumerate(items):
        if i:
            pieces.append(separator)
        pieces.append(item if isinstance(item, SYMBOLIC) else _string_of(item))
    return jsonvalue.join(pieces)


def _element(items, index):
    if not isinstance(items, list) or not items or not isinstance(index, int):
        raise TypeError("not a list")
    return items[index % len(items)]


def _flatten(items):
    if not isinstance(items, list):
        raise TypeError("not a list")
    out = []
    for item in items:
        out.extend(_flatten(item) if isinstance(item, list) else [item])
    return out


FUNCTIONS = {
    "jsonencode": jsonvalue.encode,
    "jsondecode": _jsondecode,
    "tostring": lambda v: v if v is None else _string_of(v),
    "tonumber": _to_number,
    "tobool": _to_bool,
    "tolist": lambda v: list(v) if isinstance(v, list) else (_ for _ in ()).throw(TypeError("not a list")),
    "toset": _toset,
    "tomap": lambda v: dict(v) if isinstance(v, dict) else (_ for _ in ()).throw(TypeError("not a map")),
    "lookup": _lookup,
    "merge": _merge,
    "concat": _concat,
    "coalesce": _coalesce,
    "compact": lambda items: [i for i in items if i not in ("", None)],
    "distinct": lambda items: [i for n, i in enumerate(items) if i not in items[:n]],
    "flatten": _flatten,
    "element": _element,
    "length": lambda v: len(v) if isinstance(v, (list, dict, str)) else (_ for _ in ()).throw(TypeError()),
    "keys": lambda m: sorted(m) if isinstance(m, dict) else (_ for _ in ()).throw(TypeError()),
    "values": lambda m: [m[k] for k in sorted(m)] if isinstance(m, dict) else (_ for _ in ()).throw(TypeError()),
    "contains": lambda items, v: v in items if isinstance(items, list) else (_ for _ in ()).throw(TypeError()),
    "join": _join_function,
    "format": _format,
    "lower": lambda s: s.lower() if isinstance(s, str) else (_ for _ in ()).throw(TypeError()),
    "upper": lambda s: s.upper() if isinstance(s, str) else (_ for _ in ()).throw(TypeError()),
    "trimspace": lambda s: s.strip() if isinstance(s, str) else (_ for _ in ()).throw(TypeError()),
    "min": lambda *n: min(_to_number(x) for x in n),
    "max": lambda *n: max(_to_number(x) for x in n),
}
def _file(scope, path):
    return scope.read_text(path)


def _templatefile(scope, path, variables):
    text = scope.read_text(path)
    if isinstance(text, Unknown):
        return text
    if not isinstance(variables, dict):
        return Unknown("templatefile() variables that are not a known map")
    return template(text, Scope(_no_names, variables, scope.configured, None))


def _no_names(name, steps, scope):
    return Unknown(f"'{name}' is not a variable of the template")


def _try(*values):
    if not values or isinstance(values[0], SYMBOLIC):
        return Unknown("try() of a value that is not known")
    return values[0]


# Functions that read a file of the configuration (`file("${path.module}/policy.json")`), through the scope.
_FILE_FUNCTIONS = {"file": _file, "templatefile": _templatefile}
FUNCTIONS.update({"try": _try, "sensitive": lambda v: v, "nonsensitive": lambda v: v})
# Functions whose result keeps a symbolic argument in place (an ARN inside a policy, a name inside a string).
_TAKES_SYMBOLIC = {"jsonencode", "format", "join", "merge", "concat", "lookup", "tolist", "tomap", "coalesce",
                   "compact", "element", "flatten", "length", "try", "sensitive", "nonsensitive", "templatefile"}


_HANDLERS = {
    "literal_value": _literal_value,
    "int_lit": _int,
    "float_lit": _float,
    "string": _string,
    "heredoc_template": _heredoc,
    "heredoc_template_trim": _heredoc,
    "tuple": _tuple,
    "object": _object,
    "conditional": _conditional,
    "unary_op": _unary,
    "binary_op": _binary,
    "identifier": _identifier,
    "get_attr_expr_term": _traversal,
    "index_expr_term": _traversal,
    "attr_splat_expr_term": _traversal,
    "full_splat_expr_term": _traversal,
    "function_call": _function_call,
    "for_tuple_expr": _for_tuple,
    "for_object_expr": _for_object,
}

"""Reading a Terraform configuration (a directory of `.tf` files) into TerraformResources.

Each `resource` block of the root module and of the modules it calls becomes one TerraformResource per instance
(`count`/`for_each` expanded where they are known), with the Position of every attribute and block. Values are
evaluated as far as the configuration tells them (mlcheck.inputs.terraform.expressions): variables take the values
of the var files (`terraform.tfvars`, `*.auto.tfvars`, then each `--var-file`, as Terraform orders them) or their
defaults. Local modules (`source = "./modules/x"`) are read with the inputs their call gives them; a registry or
git module is read from `.terraform/modules` when `terraform init` downloaded it, and is otherwise an unknown
(`Configuration.unknowns`), never silently dropped.

The parser is python-hcl2's (a Lark grammar, pure Python), imported only when a .tf file is read.
"""

from __future__ import annotations

import json
import os

from mlcheck.inputs.safe_read import InputError, read_file
from mlcheck.inputs.terraform.comments import block_comments, file_comments
from mlcheck.inputs.terraform.expressions import Scope, apply_steps, evaluate, index_value, object_key, trees
from mlcheck.inputs.terraform.resource import Position, Reference, TerraformResource
from mlcheck.model.values import Unknown
from mlcheck.util.record import FrozenRecord, Record

# Arguments of every resource that are Terraform's, not the provider's.
META_ARGUMENTS = frozenset({"count", "for_each", "depends_on", "provider"})
META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection"})
MAX_MODULE_DEPTH = 32
MAX_MODULES = 500  # module instances read per configuration (modules with count can multiply at each level)
# Parse-tree levels a file may nest (an HCL level is a few tree levels); deeper is an error, so that every walk of
# the tree below stays within Python's recursion limit.
MAX_TREE_DEPTH = 400
MAX_INSTANCES = 1000  # count/for_each instances expanded per resource; past it the resource is one unknown instance
# The parser is pure Python (about 100 KB of HCL a second on this project's machines): a larger .tf file is
# generated, not written, and would hold a run for minutes.
MAX_TF_BYTES = 2 * 1024 * 1024


class ReadError(FrozenRecord):
    """A file of the configuration that cannot be read or parsed, or a configuration Terraform would refuse."""

    __slots__ = _fields = ("file", "line", "column", "message")
    file: str
    line: int
    column: int
    message: str

    def __init__(self, file, line, column, message):
        object.__setattr__(self, "file", file)
        object.__setattr__(self, "line", max(1, line))
        object.__setattr__(self, "column", max(1, column))
        object.__setattr__(self, "message", message)


class NotRead(FrozenRecord):
    """Part of the configuration that is not checked, and why (a module that is not downloaded)."""

    __slots__ = _fields = ("file", "line", "address", "reason")
    file: str
    line: int
    address: str
    reason: str

    def __init__(self, file, line, address, reason):
        object.__setattr__(self, "file", file)
        object.__setattr__(self, "line", line)
        object.__setattr__(self, "address", address)
        object.__setattr__(self, "reason", reason)


class Configuration(Record):
    __slots__ = _fields = ("resources", "errors", "unknowns", "files")
    resources: list  # TerraformResource, in file order
    errors: list  # ReadError
    unknowns: list  # NotRead
    files: list  # display paths of every .tf file read (the root module's and its modules')

    def __init__(self, resources=None, errors=None, unknowns=None, files=None):
        self.resources = [] if resources is None else resources
        self.errors = [] if errors is None else errors
        self.unknowns = [] if unknowns is None else unknowns
        self.files = [] if files is None else files


def tf_files(directory: str) -> list:
    """The `.tf` files Terraform loads from `directory`, in its (lexical) order."""
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    files = [n for n in names if n.endswith(".tf") and os.path.isfile(os.path.join(directory, n))]
    # Override files are merged into the others' blocks after them (Terraform's override files).
    return [os.path.join(directory, n) for n in sorted(files, key=lambda n: (_is_override(n), n))]


def _is_override(path: str) -> bool:
    name = os.path.basename(path)
    return name == "override.tf" or name.endswith("_override.tf")


def read_configuration(directory: str, var_files=(), display=os.path.normpath) -> Configuration:
    """The resources of the configuration rooted at `directory`. `display` turns a path into the name findings
    show. Never raises for bad input: what cannot be read is in `errors` or `unknowns`."""
    config = Configuration()
    reader = _Reader(config, display, os.path.abspath(directory), directory)
    root = reader.module(directory, "", None, None)
    if root is not None:
        root.variable_values = reader.var_file_values(directory, var_files)
        root.emit()
    return config


class _Block(Record):
    """A block as written: its tree, labels and the file it is in (and the override files' blocks for it)."""

    __slots__ = _fields = ("node", "labels", "file", "overrides")

    def __init__(self, node, labels, file):
        self.node = node
        self.labels = labels
        self.file = file  # _File
        self.overrides = []  # _Block of override files, in order


class _File(Record):
    __slots__ = _fields = ("display", "tree", "comments", "override")

    def __init__(self, display, tree, comments, override=False):
        self.display = display
        self.tree = tree
        self.comments = comments
        self.override = override


def _position(display, node) -> Position:
    meta = node.meta
    if getattr(meta, "empty", True):
        return Position(display, 1, 1)
    return Position(display, meta.line, meta.column, meta.end_line, meta.end_column)


def _labels(block_node) -> tuple:
    """The type and labels of a block: `resource "aws_s3_bucket" "data"` -> ("resource", "aws_s3_bucket", "data")."""
    out = []
    for child in trees(block_node):
        if child.data == "body":
            break
        if child.data == "string":
            out.append("".join(str(p.children[0]) for p in trees(child)))
        else:
            out.append(str(child.children[0]))
    return tuple(out)


def _body(block_node):
    return next(c for c in trees(block_node) if c.data == "body")


def _attributes(body_node) -> list:
    """(name, attribute tree, expression tree) of a body's attributes."""
    out = []
    for child in trees(body_node):
        if child.data == "attribute":
            parts = trees(child)
            out.append((str(parts[0].children[0]), child, parts[-1]))
    return out


class _Reader:
    def __init__(self, config, display, root, root_directory):
        self.config = config
        self.display = display
        self.root = root  # absolute
        self.root_directory = root_directory  # as given (path.root)
        self.directories = []  # real paths of the modules read: file() reads only below them
        self._downloaded = None
        self._parsed = {}
        self.modules_read = 0

    def read_text(self, path):
        """The text of a file below one of the configuration's module directories (file(), templatefile());
        a file elsewhere is not read: its content could end up quoted in a finding."""
        real = os.path.realpath(path)
        if not any(real == d or real.startswith(d.rstrip(os.sep) + os.sep) for d in self.directories):
            return Unknown(f"file {path} is outside the configuration's directories, so is not read")
        try:
            return read_file(real, MAX_TF_BYTES).decode("utf-8-sig")
        except (InputError, UnicodeDecodeError) as exc:
            return Unknown(f"file {path} cannot be read ({exc})")

    def error(self, file, line, column, message):
        self.config.errors.append(ReadError(file, line, column, message))

    def parse(self, path: str):
        """A _File, or None (the error recorded); each file is parsed once, however many module calls read it."""
        key = os.path.realpath(path)
        if key not in self._parsed:
            self._parsed[key] = self._parse(path)
        return self._parsed[key]

    def _parse(self, path: str):
        display = self.display(path)
        try:
            raw = read_file(path, MAX_TF_BYTES)
        except InputError as exc:
            self.error(display, 1, 1, f"cannot read file: {exc}" + (" for a .tf file" if "limit" in str(exc) else ""))
            return None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[:exc.start].count(b"\n") + 1
            self.error(display, line, 1, "not a Terraform file: not UTF-8 text")
            return None
        if "\x00" in text:
            self.error(display, text[:text.index("\x00")].count("\n") + 1, 1, "not a Terraform file: binary data")
            return None
        tree = parse_hcl(text, display, self.error)
        if tree is None:
            return None
        comment_tokens, deepest = _walk(tree)
        if deepest is not None:
            self.error(display, deepest.line, deepest.column, "nested too deeply (more than "
                       f"{MAX_TREE_DEPTH} levels of blocks and expressions)")
            return None
        self.config.files.append(display)
        return _File(display, tree, file_comments(comment_tokens, text, display), _is_override(path))

    def module(self, directory, prefix, call_file, call_line, calls=()):
        self.modules_read += 1
        if self.modules_read > MAX_MODULES:
            if self.modules_read == MAX_MODULES + 1:
                self.error(call_file or self.display(directory), call_line or 1, 1,
                           f"more than {MAX_MODULES} module instances: the rest are not read")
            return None
        files = [f for f in (self.parse(p) for p in tf_files(directory)) if f is not None]
        if not files and not tf_files(directory):
            if call_file is not None:
                self.error(call_file, call_line, 1, f"module directory {self.display(directory)} has no .tf file")
            return None
        return _Module(self, directory, prefix, files, calls)

    def var_file_values(self, directory, var_files) -> dict:
        """Variable values from the var files Terraform reads by itself and those given, later ones winning."""
        paths = []
        for name in ("terraform.tfvars", "terraform.tfvars.json"):
            if os.path.isfile(os.path.join(directory, name)):
                paths.append(os.path.join(directory, name))
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            names = []
        paths += [os.path.join(directory, n) for n in names if n.endswith((".auto.tfvars", ".auto.tfvars.json"))]
        paths += list(var_files)
        values = {}
        for path in paths:
            values.update(self.tfvars(path))
        return values

    def tfvars(self, path) -> dict:
        display = self.display(path)
        try:
            text = read_file(path, MAX_TF_BYTES).decode("utf-8-sig")
        except InputError as exc:
            self.error(display, 1, 1, f"cannot read var file: {exc}")
            return {}
        except UnicodeDecodeError:
            self.error(display, 1, 1, "not a var file: not UTF-8 text")
            return {}
        if path.endswith(".json"):
            try:
                data = json.loads(text)
            except (ValueError, RecursionError) as exc:
                self.error(display, getattr(exc, "lineno", 1), getattr(exc, "colno", 1), f"invalid JSON: {exc}")
                return {}
            if not isinstance(data, dict):
                self.error(display, 1, 1, "a var file holds an object of variable values")
                return {}
            return data
        tree = parse_hcl(text, display, self.error)
        if tree is None:
            return {}
        scope = Scope(_nothing_known)
        values = {}
        for name, _, expression in _attributes(trees(tree)[0]):
            values[name] = _safe_evaluate(expression, scope)
        return values

    def downloaded(self, key: str):
        """The directory `terraform init` downloaded module `key` (e.g. "vpc" or "ml.vpc") to, or None."""
        if self._downloaded is None:
            self._downloaded = {}
            manifest = os.path.join(self.root, ".terraform", "modules", "modules.json")
            try:
                data = json.loads(read_file(manifest).decode("utf-8"))
                for entry in data.get("Modules", []):
                    if isinstance(entry, dict) and isinstance(entry.get("Key"), str) and \
                            isinstance(entry.get("Dir"), str):
                        self._downloaded[entry["Key"]] = os.path.join(self.root, entry["Dir"])
            except (InputError, ValueError, UnicodeDecodeError, AttributeError, RecursionError):
                pass
        found = self._downloaded.get(key)
        return found if found and os.path.isdir(found) else None


def _walk(tree):
    """(the comment and newline tokens in document order, a token past MAX_TREE_DEPTH or None), without
    recursion: a file nested thousands deep parses, and is refused here."""
    found, stack = [], [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        children = getattr(node, "children", None)
        if children is None:
            if node.type == "NL_OR_COMMENT":
                found.append(node)
            continue
        if depth > MAX_TREE_DEPTH:
            first = node
            while getattr(first, "children", None):
                first = first.children[0]
            return found, first if hasattr(first, "line") else _Where(1, 1)
        stack.extend((child, depth + 1) for child in reversed(children))
    return found, None


class _Where:
    def __init__(self, line, column):
        self.line, self.column = line, column


def _keep_grammar_cache() -> None:
    """python-hcl2 caches its compiled grammar beside itself; where that folder is read-only (a system or
    container install) the grammar would be compiled again by every process, about 2 s. The cache then goes to
    the user's cache folder (Lark checks a cache's grammar hash before using it)."""
    import hcl2.parser as module

    if os.path.exists(module.PARSER_FILE) or os.access(os.path.dirname(module.PARSER_FILE), os.W_OK):
        return
    from pathlib import Path

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "mlcheck"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return  # compiled each time: slower, still right
    module.PARSER_FILE = folder / "hcl2-grammar.lark-cache"


def parse_hcl(text: str, display: str, error):
    """python-hcl2's parse tree of `text`, or None after `error(file, line, column, message)`."""
    from hcl2.api import parses_to_tree
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

    _keep_grammar_cache()
    if not text.endswith("\n"):
        text += "\n"  # the grammar ends a body with a newline
    try:
        return parses_to_tree(text)
    except UnexpectedEOF:
        error(display, text.count("\n"), 1, "does not parse as HCL: unexpected end of file")
    except UnexpectedCharacters as exc:
        shown = text[exc.pos_in_stream:exc.pos_in_stream + 1] if exc.pos_in_stream is not None else "?"
        error(display, exc.line, exc.column, f"does not parse as HCL: unexpected character {shown!r}")
    except UnexpectedToken as exc:
        error(display, exc.line, exc.column, f"does not parse as HCL: unexpected {_shown_token(exc.token)}")
    except UnexpectedInput as exc:
        error(display, getattr(exc, "line", 1), getattr(exc, "column", 1), "does not parse as HCL")
    except RecursionError:
        error(display, 1, 1, "does not parse as HCL: nested too deeply")
    except Exception as exc:  # the parser's own checks (a heredoc it cannot split): still this file's error
        error(display, 1, 1, f"does not parse as HCL: {type(exc).__name__}")
    return None


def _shown_token(token) -> str:
    if token.type == "$END":
        return "end of file"
    text = str(token)
    if token.type == "NL_OR_COMMENT":
        return "comment" if text.lstrip().startswith(("#", "//", "/*")) else "end of line"
    first = text.split("\n", 1)[0]
    if not first.strip():
        return "end of line"
    return repr(first[:40] + ("..." if len(first) > 40 else ""))


def _nothing_known(name, steps, scope):
    return Unknown(f"'{name}' cannot be referred to here")


def _safe_evaluate(node, scope):
    try:
        return evaluate(node, scope)
    except RecursionError:
        return Unknown("an expression nested too deeply to evaluate")


_EVALUATING = object()  # marks a local or variable being evaluated: a reference back to it is a cycle


class _Module:
    """One module instance: the root, or a module call's source read with the call's inputs."""

    def __init__(self, reader, directory, prefix, files, calls):
        self.reader = reader
        self.directory = directory
        self.prefix = prefix  # "" or "module.NAME." (nested: "module.a.module.b.", instances "module.a[0].")
        self.calls_path = calls  # the module call names from the root: ("a", "b"), .terraform/modules' key "a.b"
        self.variable_values = {}  # root: from var files
        self.inputs = {}  # child: variable -> (the caller's scope, expression tree)
        self.variables, self.locals, self.resources, self.data, self.calls, self.outputs = {}, {}, {}, {}, {}, {}
        self._values = {}  # ("var"|"local"|"output"|"module", name) -> value, or _EVALUATING
        self._instances = {}
        self.scope = Scope(self.resolve, configured=self.configured, read_text=reader.read_text)
        reader.directories.append(os.path.realpath(directory))
        for file in files:
            self._collect(file)

    def _collect(self, file):
        for block in trees(trees(file.tree)[0]):
            if block.data != "block":
                continue
            labels = _labels(block)
            kind, names = labels[0], labels[1:]
            where = _Block(block, names, file)
            if kind == "resource" and len(names) == 2:
                key = f"{names[0]}.{names[1]}"
                if file.override and key in self.resources:
                    self.resources[key].overrides.append(where)
                    continue
                if key in self.resources:
                    first = self.resources[key]
                    self.reader.error(file.display, block.meta.line, block.meta.column,
                                      f"resource {self.prefix}{key} is declared twice (first in "
                                      f"{first.file.display} line {first.node.meta.line})")
                    continue
                self.resources[key] = where
            elif kind == "data" and len(names) == 2:
                self.data.setdefault(f"{names[0]}.{names[1]}", where)
            elif kind == "variable" and len(names) == 1:
                self.variables[names[0]] = where
            elif kind == "locals":
                for name, _, expression in _attributes(_body(block)):
                    self.locals[name] = expression
            elif kind == "module" and len(names) == 1:
                self.calls[names[0]] = where
            elif kind == "output" and len(names) == 1:
                self.outputs[names[0]] = where

    # ---- names -------------------------------------------------------------------------------------------------

    def resolve(self, name, steps, scope):
        if name in ("var", "local"):
            if not steps or steps[0][0] != "attr":
                return Unknown(f"'{name}' alone is not a value")
            value = self.variable(steps[0][1]) if name == "var" else self.local(steps[0][1])
            return apply_steps(value, steps[1:], scope)
        if name == "module":
            return self._module_reference(steps, scope)
        if name == "data":
            label = ".".join(s[1] for s in steps[:2] if s[0] == "attr")
            if label in self.data and label.startswith("aws_iam_policy_document.") and len(steps) >= 3 and \
                    steps[2] in (("attr", "json"), ("attr", "minified_json")):
                return apply_steps(self.policy_document(label), steps[3:], scope)
            return Unknown(f"data source data.{label} is read by Terraform at plan time")
        if name in ("count", "each", "self"):
            return Unknown(f"'{name}' is not known here")
        if name == "path" and steps and steps[0] in (("attr", "module"), ("attr", "root")):
            return apply_steps(self.directory if steps[0][1] == "module" else self.reader.root_directory,
                               steps[1:], scope)
        if name in ("path", "terraform"):
            return Unknown(f"'{name}.*' depends on where Terraform runs")
        if steps and steps[0][0] == "attr":
            key = f"{name}.{steps[0][1]}"
            if key in self.resources:
                return self._resource_reference(key, steps[1:], scope)
        return Unknown(f"'{name}' is not declared in this configuration")

    def policy_document(self, label):
        """The JSON of `data "aws_iam_policy_document" ...`, built from its blocks as the provider does."""
        from mlcheck.inputs.terraform.policy_document import policy_json

        block = self.data[label]

        def compute():
            body = _body(block.node)
            if any(n in ("count", "for_each") for n, _, _ in _attributes(body)):
                return Unknown(f"data.{label} has a count or for_each")
            try:
                values = _read_body(body, self.scope, (), {}, block.file.display, top=True)
            except RecursionError:
                return Unknown(f"data.{label} is nested too deeply")
            return policy_json(values)
        return self._cached(("data", label), compute, f"data.{label} refers to itself")

    def _cached(self, key, compute, cycle_message):
        value = self._values.get(key)
        if value is _EVALUATING:
            return Unknown(cycle_message)
        if key in self._values:
            return value
        self._values[key] = _EVALUATING
        try:
            value = compute()
        finally:
            self._values.pop(key, None)
        self._values[key] = value
        return value

    def variable(self, name):
        def compute():
            if name in self.inputs:
                caller_scope, expression = self.inputs[name]
                return _safe_evaluate(expression, caller_scope)
            if name in self.variable_values:
                return self.variable_values[name]
            block = self.variables.get(name)
            if block is None:
                return Unknown(f"variable '{name}' is not declared")
            default = [e for n, _, e in _attributes(_body(block.node)) if n == "default"]
            if default:
                return _safe_evaluate(default[0], Scope(_nothing_known))
            where = "the module call" if self.prefix else "a var file (--var-file)"
            return Unknown(f"variable '{name}' has no default and no value in {where}")
        return self._cached(("var", name), compute, f"variable '{name}' refers to itself")

    def local(self, name):
        def compute():
            if name not in self.locals:
                return Unknown(f"local '{name}' is not declared")
            return _safe_evaluate(self.locals[name], self.scope)
        return self._cached(("local", name), compute, f"local '{name}' refers to itself")

    def _module_reference(self, steps, scope):
        if not steps or steps[0][0] != "attr":
            return Unknown("'module' alone is not a value")
        call, rest = steps[0][1], steps[1:]
        target = self.child(call)
        if isinstance(target, Unknown):
            return target
        if isinstance(target, dict):  # a call with count or for_each: module.NAME[KEY].OUTPUT
            if rest and rest[0][0] == "index":
                key = index_value(rest[0], scope)
                if isinstance(key, bool) or key not in target:
                    return Unknown(f"an instance of module '{call}' that cannot be known")
                target, rest = target[key], rest[1:]
            elif rest and rest[0][0] == "splat":
                return [self._output_of(call, child, rest[0][1] + rest[1:], scope) for child in target.values()]
            else:
                return Unknown(f"module '{call}' has several instances and is referred to without an index")
        return self._output_of(call, target, rest, scope)

    def _output_of(self, call, child, steps, scope):
        if not steps or steps[0][0] != "attr":
            return Unknown(f"module '{call}' referred to without an output")
        return apply_steps(self.module_output(call, child, steps[0][1]), steps[1:], scope)

    def module_output(self, call, child, output):
        def compute():
            block = child.outputs.get(output)
            if block is None:
                return Unknown(f"module '{call}' has no output '{output}'")
            value = [e for n, _, e in _attributes(_body(block.node)) if n == "value"]
            return _safe_evaluate(value[0], child.scope) if value else Unknown(f"output '{output}' has no value")
        return child._cached(("output", output), compute, f"output '{output}' of module '{call}' refers to itself")

    def child(self, call):
        """The module a call reads (built once): a _Module, {instance key: _Module} for a call with count or
        for_each, or Unknown when it is not read."""
        key = ("module", call)
        if key in self._values:
            return self._values[key]
        self._values[key] = Unknown(f"module '{call}' refers to itself")
        self._values[key] = self._read_child(call)
        return self._values[key]

    def _read_child(self, call):
        block = self.calls.get(call)
        if block is None:
            return Unknown(f"module '{call}' is not declared")
        address = f"{self.prefix}module.{call}"
        display, line = block.file.display, block.node.meta.line
        attributes = {n: (a, e) for n, a, e in _attributes(_body(block.node))}
        if "source" not in attributes:
            self.reader.error(display, line, block.node.meta.column, f"module '{call}' has no source")
            return Unknown(f"module '{call}' has no source")
        source = _safe_evaluate(attributes["source"][1], self.scope)
        if not isinstance(source, str):
            return self._not_read(display, line, address, "its source cannot be known")
        if len(self.calls_path) >= MAX_MODULE_DEPTH:
            self.reader.error(display, line, 1, f"modules nested more than {MAX_MODULE_DEPTH} deep")
            return Unknown("modules nested too deeply")
        if source.startswith(("./", "../", ".\\", "..\\")):
            directory = os.path.normpath(os.path.join(self.directory, source))
            if not os.path.isdir(directory):
                where = attributes["source"][0].meta
                self.reader.error(display, where.line, where.column,
                                  f"module '{call}': source directory {self.display_dir(directory)} does not exist")
                return Unknown(f"module '{call}' source directory does not exist")
        else:
            directory = self.reader.downloaded(".".join(self.calls_path + (call,)))
            if directory is None:
                return self._not_read(display, line, address,
                                      f"module source '{source}' is not downloaded (no .terraform/modules entry: run "
                                      "terraform init); its resources are not checked")
        mode = _instances_of(attributes, self.scope, address)
        if isinstance(mode, Unknown):
            return self._not_read(display, line, address, f"{mode.reason}, so its instances are not known")
        children = {}
        for key, names in [(None, {})] if mode is None else mode:
            prefix = address if key is None else _instance_address(address, key)
            child = self.reader.module(directory, f"{prefix}.", display, line, self.calls_path + (call,))
            if child is None:
                return Unknown(f"module '{call}' has no .tf file")
            caller_scope = self.scope.child(**names)
            for name, (_, expression) in attributes.items():
                if name not in ("source", "version", "providers", "depends_on", "count", "for_each"):
                    child.inputs[name] = (caller_scope, expression)
            children[key] = child
        return children[None] if mode is None else children

    def display_dir(self, directory):
        return self.reader.display(directory)

    def _not_read(self, display, line, address, reason):
        self.reader.config.unknowns.append(NotRead(display, line, address, reason))
        return Unknown(f"{address} is not read: {reason}")

    # ---- resources ---------------------------------------------------------------------------------------------

    def instances(self, key):
        """None (a single instance), a list of instance keys (count: ints, for_each: strings) with each one's
        iteration names, or Unknown."""
        if key in self._instances:
            return self._instances[key]
        block = self.resources[key]
        attributes = {n: (a, e) for n, a, e in _attributes(_body(block.node))}
        self._instances[key] = _instances_of(attributes, self.scope, self.prefix + key)
        return self._instances[key]

    def _resource_reference(self, key, steps, scope):
        """A reference to another resource: Reference(address, attribute), or, for an argument its block sets to
        a known value, that value, as the plan has it (`aws_appautoscaling_target.x.resource_id`). What is known
        only after apply (`arn`, `id`) stays the Reference the mapping links by."""
        found = self._referenced(key, steps, scope)
        if isinstance(found, list):
            return [self._known(item) for item in found]
        return self._known(found)

    def _known(self, value):
        if isinstance(value, Reference):
            known = self.configured(value)
            if known is not None:
                return known
        return value

    def _referenced(self, key, steps, scope):
        address = self.prefix + key
        mode = self.instances(key)
        if isinstance(mode, Unknown):
            return Unknown(f"{address} has a count or for_each that cannot be known")
        if mode is None:
            if steps and steps[0][0] == "splat":
                return [_reference(address, steps[0][1] + steps[1:])]
            return _reference(address, steps)
        keys = [k for k, _ in mode]
        if steps and steps[0][0] == "index":
            index = index_value(steps[0], scope)
            if isinstance(index, bool) or index not in keys:
                return Unknown(f"an instance of {address} that cannot be known")
            return _reference(_instance_address(address, index), steps[1:])
        if steps and steps[0][0] == "splat":
            return [_reference(_instance_address(address, k), steps[0][1] + steps[1:]) for k in keys]
        return Unknown(f"{address} has several instances and is referred to without an index")

    def configured(self, reference):
        """The known value the block of `reference`'s resource gives its attribute, or None (not written there,
        or not known). Only for resources of this module: a module's resources are referred to through outputs."""
        if not reference.attribute or not reference.address.startswith(self.prefix):
            return None
        local = reference.address[len(self.prefix):]
        key, _, instance = local.partition("[")
        block = self.resources.get(key)
        if block is None:
            return None
        mode = self.instances(key)
        if instance:
            wanted = instance[:-1]
            match = [names for k, names in (mode if isinstance(mode, list) else ())
                     if (str(k) if isinstance(k, int) else json.dumps(k)) == wanted]
            if not match:
                return None
            scope = self.scope.child(**match[0])
        elif mode is None:
            scope = self.scope
        else:
            return None
        expression = [e for n, _, e in _attributes(_body(block.node)) if n == reference.attribute]
        if not expression or reference.attribute in META_ARGUMENTS:
            return None
        value = self._cached(("configured", reference.address, reference.attribute),
                             lambda: _safe_evaluate(expression[0], scope), "refers to itself")
        return value if isinstance(value, (str, int, float, bool)) else None

    def emit(self):
        """Add this module's resources (then those of the modules it calls) to the configuration."""
        for key, block in self.resources.items():
            mode = self.instances(key)
            address = self.prefix + key
            if mode is None or isinstance(mode, Unknown):
                # An unknown count/for_each: checked as one instance whose count.index / each.* are unknown.
                self._emit_instance(block, address, self.scope)
            else:
                for instance, names in mode:
                    self._emit_instance(block, _instance_address(address, instance), self.scope.child(**names))
        for call in self.calls:
            child = self.child(call)
            for module in child.values() if isinstance(child, dict) else () if isinstance(child, Unknown) else (child,):
                module.emit()

    def _emit_instance(self, block, address, scope):
        display = block.file.display
        positions = {(): _position(display, block.node)}
        values = _read_body(_body(block.node), scope, (), positions, display, top=True)
        comments = block_comments(block.file.comments, block.node.meta.line, block.node.meta.end_line)
        for override in block.overrides:  # each argument or block type it writes replaces the original's
            written = {}
            replaced = _read_body(_body(override.node), scope, (), written, override.file.display, top=True)
            for key in replaced:
                for path in [p for p in positions if p[:1] == (key,)]:
                    del positions[path]
            values.update(replaced)
            positions.update(written)
            comments += block_comments(override.file.comments, override.node.meta.line, override.node.meta.end_line)
        self.reader.config.resources.append(TerraformResource(address, block.labels[0], values, positions, comments))


def _instances_of(attributes, scope, address):
    """The instances a block's `count` or `for_each` makes: None (no count/for_each: one instance), a list of
    (key, iteration names) (count: ints, for_each: strings), or Unknown."""
    if "count" in attributes:
        count = _safe_evaluate(attributes["count"][1], scope)
        if isinstance(count, bool) or not isinstance(count, int) or count < 0 or count > MAX_INSTANCES:
            return Unknown(f"count of {address} cannot be known")
        return [(i, {"count": {"index": i}}) for i in range(count)]
    if "for_each" in attributes:
        each = _safe_evaluate(attributes["for_each"][1], scope)
        if isinstance(each, list) and all(isinstance(k, str) for k in each) and len(each) <= MAX_INSTANCES:
            return [(k, {"each": {"key": k, "value": k}}) for k in sorted(set(each))]
        if isinstance(each, dict) and len(each) <= MAX_INSTANCES:
            return [(k, {"each": {"key": k, "value": v}}) for k, v in sorted(each.items())]
        return Unknown(f"for_each of {address} cannot be known")
    return None


def _instance_address(address, key):
    return f"{address}[{key}]" if isinstance(key, int) else f"{address}[{json.dumps(key)}]"


def _reference(address, steps):
    if not steps:
        return Reference(address)
    if len(steps) == 1 and steps[0][0] == "attr":
        return Reference(address, steps[0][1])
    return Unknown(f"a nested attribute of {address}, known only after apply")


def _read_body(body, scope, path, positions, display, top=False) -> dict:
    """A block body as Terraform's JSON shape (nested blocks are lists of objects), positions recorded."""
    values: dict = {}
    for child in trees(body):
        if child.data == "attribute":
            parts = trees(child)
            name = str(parts[0].children[0])
            if top and name in META_ARGUMENTS:
                continue
            values[name] = _safe_evaluate(parts[-1], scope)
            positions[path + (name,)] = _position(display, child)
            _value_positions(parts[-1], scope, path + (name,), positions, display)
        elif child.data == "block":
            labels = _labels(child)
            kind = labels[0]
            if top and kind in META_BLOCKS:
                continue
            if kind == "dynamic" and len(labels) == 2:
                _read_dynamic(child, labels[1], scope, path, values, positions, display)
                continue
            blocks = values.setdefault(kind, [])
            if not isinstance(blocks, list):
                continue  # a dynamic block of this type that cannot be known already made it unknown
            where = path + (kind, len(blocks))
            positions[where] = _position(display, child)
            positions.setdefault(path + (kind,), positions[where])  # the list of blocks: at its first
            blocks.append(_read_body(_body(child), scope, where, positions, display))
    return values


def _read_dynamic(node, kind, scope, path, values, positions, display):
    """`dynamic "KIND" { for_each = ...; iterator = NAME; content { ... } }`: one KIND block per element."""
    body = _body(node)
    attributes = {n: e for n, _, e in _attributes(body)}
    content = [c for c in trees(body) if c.data == "block" and _labels(c)[0] == "content"]
    collection = _safe_evaluate(attributes["for_each"], scope) if "for_each" in attributes else None
    iterator = kind
    if "iterator" in attributes:
        term = trees(attributes["iterator"])
        iterator = str(term[0].children[0]) if term and term[0].data == "identifier" else kind
    if isinstance(collection, dict):
        pairs = sorted(collection.items())
    elif isinstance(collection, list):
        pairs = list(enumerate(collection))
    else:
        values[kind] = Unknown(f"dynamic '{kind}' blocks over a for_each that cannot be known")
        positions[path + (kind,)] = _position(display, node)
        return
    blocks = values.setdefault(kind, [])
    if not isinstance(blocks, list) or not content:
        return
    for key, item in pairs:
        where = path + (kind, len(blocks))
        positions[where] = _position(display, content[0])
        positions.setdefault(path + (kind,), _position(display, node))
        inner = scope.child(**{iterator: {"key": key, "value": item}})
        blocks.append(_read_body(_body(content[0]), inner, where, positions, display))


def _value_positions(node, scope, path, positions, display, depth=0):
    """Positions of the elements of a literal object or tuple (also inside jsonencode(...)), so a finding on
    `Statement[0].Action` points at its own line."""
    if depth > 64:
        return
    while node.data == "expr_term" and len(trees(node)) == 1:
        node = trees(node)[0]
    if node.data == "function_call":
        parts = trees(node)
        names = [str(p.children[0]) for p in parts if p.data == "identifier"]
        arguments = [p for p in parts if p.data == "arguments"]
        if names == ["jsonencode"] and arguments and len(trees(arguments[0])) == 1:
            _value_positions(trees(arguments[0])[0], scope, path, positions, display, depth + 1)
        return
    if node.data == "object":
        for elem in trees(node):
            try:
                key = object_key(elem, scope)
            except RecursionError:
                continue
            if isinstance(key, str):
                positions[path + (key,)] = _position(display, elem)
                _value_positions(trees(elem)[-1], scope, path + (key,), positions, display, depth + 1)
    elif node.data == "tuple":
        for i, item in enumerate(trees(node)):
            positions[path + (i,)] = _position(display, item)
            _value_positions(item, scope, path + (i,), positions, display, depth + 1)

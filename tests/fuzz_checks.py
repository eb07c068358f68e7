"""The properties every fuzzed input must keep, as plain functions shared by tests/test_fuzz.py and tools/fuzz.py.

Each check raises `FuzzFailure` when a property is broken: its `signature` names the failure class (the same bug
found twice has the same signature, so the long-running tool reports each class once), `files` and `command`
reproduce it outside the harness.

- `check_cli`: the command, in-process, never raises, never prints a traceback or an internal error, exits 0, 1
  or 2, writes json that parses, SARIF that validates against the 2.1.0 schema, JUnit that is XML and a GitLab
  report with unique fingerprints, and finishes within a time bound (an alarm turns a hang into a failure that shows where it was stuck).
- `check_findings_kept`: adding an unrelated resource, or harmless `Fn::If`s elsewhere, never removes a finding.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import re
import shlex
import signal
import sys
import traceback
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"
TIME_LIMIT = 10.0  # seconds per example: far above any real template (the corpus lints in milliseconds)
EXIT_CODES = (0, 1, 2)
FORMATS = ("concise", "full", "json", "sarif", "github", "junit", "gitlab")
# The engine's report of a rule that raised: "internal error in MLC104 on resource X: TypeError: ..."
_INTERNAL = re.compile(r"internal error in (\w+) on resource .*?: ([A-Z]\w*): .*")


class FuzzFailure(AssertionError):
    def __init__(self, signature: str, detail: str, files: dict | None = None, command: str = ""):
        super().__init__(f"[{signature}] {command}\n{detail}")
        self.signature = signature
        self.detail = detail
        self.files = files or {}  # file name -> bytes: the input(s) that show it
        self.command = command  # how to see it with the installed command, from the folder of `files`


class Hang(BaseException):
    """Raised by the alarm. A BaseException, so the engine's `except Exception` around rules cannot swallow it."""


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise Hang after `seconds` of this process's CPU time (ITIMER_PROF: a loaded machine does not turn a slow
    example into a hang). Yields a dict whose "fired" says whether the alarm went off, for the rare alarm that
    lands in code that swallows exceptions (a garbage-collector callback prints "Exception ignored")."""
    state = {"fired": False}

    def on_alarm(signum, frame):
        state["fired"] = True
        raise Hang(f"still running after {seconds:.0f} s of CPU time")

    previous = signal.signal(signal.SIGPROF, on_alarm)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield state
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def where(tb) -> str:
    """The innermost frame inside mlcheck (linter/ or rules/), as dir/file:function:line."""
    frames = traceback.extract_tb(tb)
    ours = [f for f in frames if any(part in f.filename for part in ("/linter/", "/rules/", "/mlcheck/"))]
    frame = (ours or frames)[-1]
    return f"{Path(frame.filename).parent.name}/{Path(frame.filename).name}:{frame.name}:{frame.lineno}"


@contextlib.contextmanager
def rule_tracebacks():
    """Record the traceback of every exception mlcheck turns into an "internal error" (it prints only the
    message): the engine builds a rule's Error inside its `except` block, so the exception is still current;
    the runner and the CLI hand theirs to `crash.show_traceback`."""
    import mlcheck.engine.crash as crash
    import mlcheck.engine.engine as engine

    original_error, original_show = engine.Error, crash.show_traceback
    recorded: list = []

    def recording(*args, **kwargs):
        exc = sys.exc_info()[1]
        if exc is not None:
            recorded.append(exc)
        return original_error(*args, **kwargs)

    def showing(exc, *args, **kwargs):
        recorded.append(exc)
        return original_show(exc, *args, **kwargs)

    engine.Error, crash.show_traceback = recording, showing
    try:
        yield recorded
    finally:
        engine.Error, crash.show_traceback = original_error, original_show


_VALIDATOR = None


def sarif_validator():
    global _VALIDATOR
    if _VALIDATOR is None:
        import jsonschema

        schema = json.loads(SARIF_SCHEMA.read_text())
        cls = jsonschema.validators.validator_for(schema)
        _VALIDATOR = cls(schema, format_checker=cls.FORMAT_CHECKER)
    return _VALIDATOR


@contextlib.contextmanager
def _cwd(path):
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def _safe_name(name: str) -> str:
    return Path(name).name or "input"


def check_cli(raw: bytes, name: str, workdir, output_format: str = "concise", extra_args=(),
              seconds: float = TIME_LIMIT) -> int:
    """Run `mlcheck - --stdin-filename NAME` on `raw` in `workdir` and check every property. Returns the exit code."""
    from click.testing import CliRunner

    from mlcheck.cli import cli

    workdir = Path(workdir)
    outputs = {fmt: workdir / f"out.{fmt}" for fmt in ("json", "sarif", "junit", "gitlab")}
    for path in outputs.values():
        if path.exists():
            path.unlink()
    shown = ["-f", output_format, *extra_args]
    files = {_safe_name(name): raw}
    command = "mlcheck " + " ".join(map(shlex.quote, shown + [_safe_name(name)]))
    args = ["-", "--stdin-filename", name, "-j", "1", *shown]
    for fmt, path in outputs.items():
        args += ["--output-file", f"{fmt}={path}"]
    env = {"NO_COLOR": None, "MLCHECK_OUTPUT_FORMAT": None, "GITHUB_STEP_SUMMARY": None, "GITHUB_ACTIONS": None}

    def fail(signature, detail):
        return FuzzFailure(signature, detail, files, command)

    try:
        with _cwd(workdir), rule_tracebacks() as raised, time_limit(seconds) as timer:
            result = CliRunner().invoke(cli, args, input=raw, env=env, catch_exceptions=False)
    except Hang:
        raise fail(f"hang at {where(sys.exc_info()[2])}",
                   f"no result after {seconds:.0f} s; stuck in:\n{traceback.format_exc()}") from None
    except Exception as exc:
        raise fail(f"{type(exc).__name__} at {where(exc.__traceback__)}", traceback.format_exc()) from None
    if timer["fired"]:
        raise fail("hang (the alarm was swallowed)", f"took more than {seconds:.0f} s of CPU time")
    out, err = result.stdout, result.stderr
    for text, stream in ((out, "stdout"), (err, "stderr")):
        if "Traceback" in text:
            raise fail(f"traceback printed on {stream}", text[-4000:])
        match = _INTERNAL.search(text)
        if match or "internal error" in text:
            exc = raised[0] if raised else None
            place = f" at {where(exc.__traceback__)}" if exc is not None else ""
            # where it was raised names the bug (one bug in a shared helper fails every rule that calls it)
            what = f"({type(exc).__name__}{place})" if exc is not None else (
                f"in {match.group(1)} ({match.group(2)})" if match else "")
            stack = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)) if exc else ""
            raise fail(f"internal error {what}", (match.group(0) if match else text[-2000:]) + "\n" + stack)
    if result.exit_code not in EXIT_CODES:
        raise fail(f"exit code {result.exit_code}", f"stdout:\n{out[-2000:]}\nstderr:\n{err[-2000:]}")
    texts = {fmt: path.read_text(encoding="utf-8") for fmt, path in outputs.items() if path.exists()}
    missing = sorted(set(outputs) - set(texts))
    if missing:
        raise fail("output file not written", f"{missing} missing; stderr:\n{err[-2000:]}")
    for text, what in ((texts["json"], "json file"), (out, "json stdout")):
        if what == "json file" or output_format == "json":
            problem = _json_problem(text)
            if problem:
                raise fail(f"{what} {problem[0]}", problem[1])
    for text, what in ((texts["sarif"], "sarif file"), (out, "sarif stdout")):
        if what == "sarif file" or output_format == "sarif":
            problem = _sarif_problem(text)
            if problem:
                raise fail(f"{what} {problem[0]}", problem[1])
    problem = _gitlab_problem(texts["gitlab"])
    if problem:
        raise fail(f"gitlab file {problem[0]}", problem[1])
    try:
        ET.fromstring(texts["junit"])
    except ET.ParseError as exc:
        raise fail("junit output is not XML", f"{exc}\n{texts['junit'][:2000]}") from None
    return result.exit_code


def _json_problem(text: str):
    try:
        document = json.loads(text)
    except ValueError as exc:
        return "does not parse", f"{exc}\n{text[:2000]}"
    if not isinstance(document, dict) or not {"findings", "errors", "summary"} <= set(document):
        return "lacks findings/errors/summary", text[:2000]
    return None


def _gitlab_problem(text: str):
    try:
        document = json.loads(text)
    except ValueError as exc:
        return "does not parse", f"{exc}\n{text[:2000]}"
    if not isinstance(document, list):
        return "is not a list", text[:2000]
    fingerprints = [issue.get("fingerprint") for issue in document]
    if len(set(fingerprints)) != len(fingerprints):
        return "repeats a fingerprint", text[:2000]
    return None


def _sarif_problem(text: str):
    try:
        document = json.loads(text)
    except ValueError as exc:
        return "does not parse", f"{exc}\n{text[:2000]}"
    error = next(iter(sarif_validator().iter_errors(document)), None)
    if error is None:
        return None
    at = "/".join(str(p) for p in error.absolute_path)
    return f"invalid at {'/'.join(str(p) for p in error.schema_path)[-60:]}", f"{at}: {error.message[:500]}"


# -- metamorphic: unrelated additions keep findings --------------------------------------------------------

HARMLESS_PREFIX = "AAFuzz"  # sorts before the generated condition names (C...), so these branch first


def _as_json(data) -> bytes:
    return json.dumps(data, indent=1).encode()


def lint(data: dict, seconds: float = TIME_LIMIT):
    """The runner's result for a template given as data (JSON), all rules selected."""
    from mlcheck.inputs.discovery import Candidate
    from mlcheck.engine.registry import all_rules
    from mlcheck.engine.runner import Settings, check_file

    raw = _as_json(data)
    settings = Settings(rule_ids=tuple(r.id for r in all_rules()), stdin_filename="template.json")
    files, command = {"template.json": raw}, "mlcheck --select ALL template.json"
    try:
        with time_limit(seconds):
            return check_file(Candidate("-", True), settings, stdin_bytes=raw)
    except Hang:
        raise FuzzFailure(f"hang at {where(sys.exc_info()[2])}", traceback.format_exc(), files, command) from None
    except Exception as exc:
        raise FuzzFailure(f"{type(exc).__name__} at {where(exc.__traceback__)}", traceback.format_exc(), files,
                          command) from None


def finding_keys(result) -> set:
    return {(f.rule_id, f.resource or "", "/".join(map(str, f.path))) for f in result.findings if not f.suppressed}


def _harmless_conditions(data: dict, count: int, tag: str) -> list | None:
    """Add `count` conditions on fresh parameters that can be either true or false; their names, or None when
    the template has no room for them (Parameters or Conditions that are not mappings)."""
    params = data.setdefault("Parameters", {})
    conditions = data.setdefault("Conditions", {})
    if not isinstance(params, dict) or not isinstance(conditions, dict):
        return None
    names = []
    for i in range(count):
        name = f"{HARMLESS_PREFIX}{tag}{i}"
        params[name + "Param"] = {"Type": "String", "Default": "a", "AllowedValues": ["a", "b"]}
        conditions[name] = {"Fn::Equals": [{"Ref": name + "Param"}, "a"]}
        names.append(name)
    return names


def with_harmless_ifs(data: dict, logical_id: str, count: int) -> dict | None:
    """The template with `count` tags on one resource whose values are `Fn::If`s over fresh conditions."""
    data = copy.deepcopy(data)
    resources = data.get("Resources")
    resource = resources.get(logical_id) if isinstance(resources, dict) else None
    props = resource.get("Properties", {}) if isinstance(resource, dict) else None
    if not isinstance(props, dict) or not isinstance(props.get("Tags", []), list):
        return None
    names = _harmless_conditions(data, count, "Tag")
    if names is None:
        return None
    props = resource.setdefault("Properties", props)
    props["Tags"] = list(props.get("Tags", [])) + [
        {"Key": f"fuzz{i}", "Value": {"Fn::If": [name, "a", "b"]}} for i, name in enumerate(names)]
    return data


def with_unrelated_resource(data: dict, count: int) -> dict | None:
    """The template with an SNS topic that nothing refers to, its name chosen by `count` Fn::Ifs."""
    data = copy.deepcopy(data)
    resources = data.get("Resources")
    if not isinstance(resources, dict):
        return None
    names = _harmless_conditions(data, count, "Topic")
    if names is None:
        return None
    resources[f"{HARMLESS_PREFIX}Topic"] = {"Type": "AWS::SNS::Topic", "Properties": {
        "TopicName": {"Fn::Join": ["-", [{"Fn::If": [name, "a", "b"]} for name in names]]}}}
    return data


def check_findings_kept(data: dict, variant: dict, what: str) -> None:
    before = lint(data)
    after = lint(variant)
    files = {"before.json": _as_json(data), "after.json": _as_json(variant)}
    command = "mlcheck --select ALL -f json before.json; mlcheck --select ALL -f json after.json"
    known = {b.message for b in before.errors}
    new_errors = [e.message for e in after.errors if e.message not in known]
    if new_errors:
        raise FuzzFailure(f"error appears after {what.split(' on ')[0]}", f"{what}: {new_errors[0]}", files, command)
    lost = finding_keys(before) - finding_keys(after)
    if lost:
        kind = "harmless Fn::If" if "Fn::If tags" in what else "an unrelated resource"
        raise FuzzFailure(f"finding lost after adding {kind}", f"{what}: lost {sorted(lost)}", files, command)

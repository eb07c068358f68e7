"""Checks files: read, parse, recognise the kind, lint; in parallel across files when there are many.

Every failure of a single file becomes an Error (exit 2) and, where the file looks like a template, an MLC001
finding with its line; the other files are still checked. Nothing here raises for bad input, and an internal
error or a worker process that dies costs only the file it was on (`check_isolated`, `mlcheck.engine.pool`).
"""

from __future__ import annotations

import os

from mlcheck.inputs.discovery import Candidate
from mlcheck.engine.engine import lint_template
from mlcheck.findings.result import Error, Finding, RunResult, UnknownValue
from mlcheck.inputs.loader import ParseError, load_document
from mlcheck.engine.precedence import one_finding_per_problem
from mlcheck.util.record import Record
from mlcheck.util.regex import lazy
from mlcheck.inputs.safe_read import (
    MAX_BYTES,
    InputError,
    InputTooLarge,
    read_file,
    read_stdin,
    too_large_message,
)
from mlcheck.inputs import adapter_for, unrecognised_message

PARSE_ERROR_RULE = "MLC001"
PARALLEL_THRESHOLD = 8  # below this, starting worker processes costs more than it saves

# Text that marks a file as meant to be a template even when it does not parse.
_TEMPLATE_HINT = lazy(r"AWSTemplateFormatVersion|AWS::[A-Za-z0-9]+::[A-Za-z0-9]+")


class Settings(Record):
    _fields = ("rule_ids", "subset_rule_ids", "parameters", "severity_overrides", "stdin_filename", "root", "jobs",
               "inline_suppressions", "rule_options", "var_files", "aws")
    rule_ids: tuple
    subset_rule_ids: tuple  # run for their default-on findings only (Rule.partly_on_by_default)
    parameters: dict
    severity_overrides: dict
    stdin_filename: str | None
    root: str  # repository root, for repo-relative URIs
    jobs: int  # 0 = automatic
    inline_suppressions: bool
    rule_options: dict  # rule id -> {option: value} from the configuration
    var_files: tuple  # Terraform --var-file paths, in the order given
    aws: object  # mlcheck.inputs.aws_account.AwsOptions, or None: no AWS account is read

    def __init__(
        self,
        rule_ids,
        subset_rule_ids=(),
        parameters=None,
        severity_overrides=None,
        stdin_filename=None,
        root=".",
        jobs=0,
        inline_suppressions=True,
        rule_options=None,
        var_files=(),
        aws=None,
    ):
        self.rule_ids = rule_ids
        self.subset_rule_ids = subset_rule_ids
        self.parameters = {} if parameters is None else parameters
        self.severity_overrides = {} if severity_overrides is None else severity_overrides
        self.stdin_filename = stdin_filename
        self.root = root
        self.jobs = jobs
        self.inline_suppressions = inline_suppressions
        self.rule_options = {} if rule_options is None else rule_options
        self.var_files = tuple(var_files)
        self.aws = aws


class FileResult(Record):
    _fields = ("findings", "errors", "unknowns", "checked", "skipped")
    findings: list
    errors: list
    unknowns: list
    checked: bool
    skipped: str | None

    def __init__(self, findings=None, errors=None, unknowns=None, checked=False, skipped=None):
        self.findings = [] if findings is None else findings
        self.errors = [] if errors is None else errors
        self.unknowns = [] if unknowns is None else unknowns
        self.checked = checked
        self.skipped = skipped


def display_path(path: str) -> str:
    if os.path.isabs(path):
        try:
            rel = os.path.relpath(path)
        except ValueError:
            return path
        return path if rel.startswith("..") else rel
    return os.path.normpath(path)


def repo_uri(path: str, root: str) -> str:
    rel = os.path.relpath(os.path.abspath(path), root)
    return rel.replace(os.sep, "/") if not rel.startswith("..") else os.path.abspath(path).replace(os.sep, "/")


def _names(candidate: Candidate, settings: Settings) -> tuple:
    """(display path, repo-relative URI) of a candidate; stdin is named by --stdin-filename when given."""
    if candidate.path != "-":
        return display_path(candidate.path), repo_uri(candidate.path, settings.root)
    name = settings.stdin_filename or "<stdin>"
    return (display_path(name), repo_uri(name, settings.root)) if settings.stdin_filename else (name, name)


def check_file(candidate: Candidate, settings: Settings, stdin_bytes: bytes | None = None) -> FileResult:
    from mlcheck.engine.registry import get_rule

    if candidate.path.startswith("aws://"):  # an AWS account's region (mlcheck.inputs.aws_account)
        from mlcheck.inputs.aws_account import check_account

        return check_account(candidate, settings)
    registry = _RuleLookup(get_rule)
    result = FileResult()
    display, uri = _names(candidate, settings)
    if candidate.terraform:
        return _check_terraform(candidate, settings, display, uri, registry)
    if candidate.path == "-":
        raw = stdin_bytes or b""
        if len(raw) > MAX_BYTES:  # read_stdin stopped one byte past the limit
            _parse_failure(result, ParseError(too_large_message(None)), display, uri,
                           PARSE_ERROR_RULE in settings.rule_ids, registry)
            return result
    else:
        if candidate.error:  # discovery could not list this directory
            result.errors.append(Error(display, 1, candidate.error, uri=uri))
            return result
        try:
            raw = read_file(candidate.path)  # stat first: a pipe or a device is refused, not read
        except InputTooLarge as exc:
            if candidate.explicit or _looks_like_template(exc.head):
                _parse_failure(result, ParseError(str(exc)), display, uri, PARSE_ERROR_RULE in settings.rule_ids,
                               registry)
            else:
                result.skipped = f"{exc}, and not template-like"
            return result
        except InputError as exc:
            result.errors.append(Error(display, 1, f"cannot read file: {exc}", uri=uri))
            return result

    try:
        document = load_document(raw, display)
    except ParseError as exc:
        if candidate.explicit or _looks_like_template(raw):
            _parse_failure(result, exc, display, uri, PARSE_ERROR_RULE in settings.rule_ids, registry)
        else:
            result.skipped = f"not parsed as YAML/JSON ({exc.message}, line {exc.line}) and not template-like"
        return result
    except RecursionError:
        _parse_failure(result, ParseError("document nested too deeply"), display, uri,
                       PARSE_ERROR_RULE in settings.rule_ids, registry)
        return result

    adapter = adapter_for(document.data)  # by content: CloudFormation, SageMaker API, ... (mlcheck.inputs)
    if adapter is None:
        result.skipped = unrecognised_message()
        return result
    template = adapter.build(display, document)
    from_account = None
    if settings.aws is not None and settings.aws.resolve:  # --aws: outside values looked up in the account
        from mlcheck.inputs.aws_account.lookup import add_account_values

        from_account = add_account_values(template, settings, result)
    result.checked = True
    for path, message in template.problems:
        loc = document.location(path)
        _parse_failure(result, ParseError(message, loc.line, loc.column), display, uri,
                       PARSE_ERROR_RULE in settings.rule_ids, registry, prefix="invalid template: ")
    report = _lint(template, settings, display, uri)
    findings = report.findings
    if from_account:  # a template run reports on the template's resources, not on what it looked up
        findings = [f for f in findings if f.resource not in from_account]
    result.findings.extend(one_finding_per_problem(findings, registry.__getitem__))
    result.unknowns.extend(report.unknowns)
    result.errors.extend(report.errors)
    return result


def _check_terraform(candidate: Candidate, settings: Settings, display: str, uri: str, registry) -> FileResult:
    """A Terraform configuration (the .tf files of a directory, with the modules it calls) checked as one input.
    Each finding names the .tf file of its resource; with `candidate.only` (.tf files named on the command line)
    only the findings in those files are reported. A file that does not parse is an error (exit 2) at its line;
    the rest of the configuration is still checked."""
    from mlcheck.inputs.terraform import hcl

    result = FileResult()
    configuration = hcl.read_configuration(candidate.path, settings.var_files, display_path)
    for error in configuration.errors:
        _parse_failure(result, ParseError(error.message, error.line, error.column), error.file,
                       repo_uri(error.file, settings.root), PARSE_ERROR_RULE in settings.rule_ids, registry)
    for part in configuration.unknowns:  # a module not downloaded: said, not silently passed
        result.unknowns.append(UnknownValue("*", part.file, part.line, part.address, (), part.reason))
    if not configuration.files:
        return result
    from mlcheck.inputs.terraform.mapping import to_template

    result.checked = True
    template = to_template(configuration.resources, display)
    report = _lint(template, settings, display, uri)
    # A resource block is in one file: a finding or unknown the model left at the configuration is in its file.
    files = {resource.address: resource.position(()).file for resource in configuration.resources}
    for item in report.findings + report.unknowns + report.errors:
        resource = getattr(item, "resource", None)
        if item.file == display and resource in files:
            item.file = files[resource]
            if hasattr(item, "uri"):
                item.uri = repo_uri(item.file, settings.root)
    shown = None if candidate.only is None else {display_path(path) for path in candidate.only}
    if shown is not None:
        report.findings = [f for f in report.findings if f.file in shown]
        report.unknowns = [u for u in report.unknowns if u.file in shown]
    result.findings.extend(one_finding_per_problem(report.findings, registry.__getitem__))
    result.unknowns.extend(report.unknowns)
    result.errors.extend(report.errors)
    return result


def _lint(template, settings: Settings, display: str, uri: str):
    """The selected rules over one model, inline suppressions applied: what every input kind shares."""
    from mlcheck.engine.registry import rules_for_types

    rules = rules_for_types(settings.rule_ids + settings.subset_rule_ids,
                            {resource.type for resource in template.resources.values()})
    report = lint_template(template, rules, display, uri, settings.parameters, settings.severity_overrides,
                           frozenset(settings.subset_rule_ids), settings.rule_options,
                           uri_for=lambda file: repo_uri(file, settings.root))
    if settings.inline_suppressions:
        _suppress(template, report.findings, settings, display, uri, report.unknowns)
    return report


def _suppress(template, findings, settings, display, uri, unknowns=()):
    from mlcheck.engine import suppressions
    from mlcheck.engine.registry import get_rule, rule_infos

    found = suppressions.collect(template, rule_infos())
    if not found:
        return
    suppressions.apply(found, findings, unknowns)
    registry = _RuleLookup(get_rule)
    selected = set(settings.rule_ids)
    for suppression in found:
        if suppression.source != "mlcheck":
            continue
        if suppression.problem:
            rule_id = suppressions.SUPPRESSION_WITHOUT_REASON
            message = f"Suppression of '{suppression.selector}' {suppression.problem}, so it suppresses nothing"
        elif not suppression.used and suppression.rule_ids <= selected:
            rule_id = suppressions.UNUSED_SUPPRESSION
            where = f"resource '{suppression.resource}'" if suppression.resource else "this file"
            message = f"Suppression of '{suppression.selector}' matches no finding on {where}"
        else:
            continue
        if rule_id not in selected:
            continue
        rule = registry[rule_id]
        loc = template.document.location(suppression.path)
        elsewhere = loc.file is not None and loc.file != display  # a .tf file of a Terraform configuration
        findings.append(Finding(
            rule_id=rule.id, rule_name=rule.name, severity=settings.severity_overrides.get(rule.id, rule.severity),
            message=message, file=loc.file if elsewhere else display, line=loc.line, column=loc.column,
            end_line=loc.end_line, end_column=loc.end_column, resource=suppression.resource,
            resource_type=_shown_type(template.resources[suppression.resource]) if suppression.resource else None,
            path=suppression.path, fix=rule.fix, uri=repo_uri(loc.file, settings.root) if elsewhere else uri,
        ))


def _shown_type(resource) -> str:
    return resource.source_type or resource.type


class _RuleLookup:
    """`registry[rule_id]`, importing the rule's module on first use."""

    __slots__ = ("_get",)

    def __init__(self, get):
        self._get = get

    def __getitem__(self, rule_id):
        return self._get(rule_id)


def _looks_like_template(raw: bytes) -> bool:
    try:
        head = raw[:65536].decode("utf-8", "replace")
    except Exception:
        return False
    if _TEMPLATE_HINT.search(head):
        return True
    from mlcheck.inputs.sagemaker_api import TEXT_HINT  # a SageMaker API request (no botocore)

    return bool(TEXT_HINT.search(head))


def _parse_failure(result, exc: ParseError, display, uri, report_finding, registry, prefix=""):
    message = prefix + exc.message
    result.errors.append(Error(display, exc.line, message, column=exc.column, uri=uri))
    if report_finding:
        rule = registry[PARSE_ERROR_RULE]
        result.findings.append(Finding(
            rule_id=rule.id, rule_name=rule.name, severity=rule.severity, message=message, file=display,
            line=exc.line, column=exc.column, end_line=exc.line, end_column=exc.column, fix=rule.fix, uri=uri,
        ))


def run(candidates: list[Candidate], settings: Settings) -> RunResult:
    from mlcheck.engine.pool import max_workers
    from mlcheck.engine.registry import get_rule

    result = RunResult()
    stdin_bytes = read_stdin() if any(c.path == "-" for c in candidates) else None
    files = [c for c in candidates if c.path != "-" and not c.path.startswith("aws://")]
    jobs = max_workers(settings.jobs, len(files))
    if len(files) >= PARALLEL_THRESHOLD and jobs > 1:
        by_path = dict(zip((c.path for c in files), _parallel(files, settings, jobs)))
        # stdin was read by this process, so it is checked here
        outcomes = [by_path[c.path] if c.path in by_path else check_isolated(c, settings, stdin_bytes)
                    for c in candidates]
    else:
        outcomes = [check_isolated(c, settings, stdin_bytes) for c in candidates]
    for candidate, outcome in zip(candidates, outcomes):
        result.findings.extend(outcome.findings)
        result.errors.extend(outcome.errors)
        result.unknowns.extend(outcome.unknowns)
        if outcome.checked:
            result.files_checked += 1
        if outcome.skipped:
            result.files_skipped.append((display_path(candidate.path), outcome.skipped, candidate.explicit))
    for finding in result.findings:
        if finding.rule_id not in result.rules:
            result.rules[finding.rule_id] = get_rule(finding.rule_id)
    return result.sorted()


def check_isolated(candidate: Candidate, settings: Settings, stdin_bytes: bytes | None = None) -> FileResult:
    """check_file, where any failure (a bug, an input no rule foresaw, RecursionError, MemoryError) is an
    error for this file alone: the other files are still checked and reported."""
    try:
        return check_file(candidate, settings, stdin_bytes)
    except Exception as exc:
        from mlcheck.engine.crash import describe, show_traceback

        show_traceback(exc)
        return failed_file(candidate, settings, f"internal error: {describe(exc)} (please report this)")


def failed_file(candidate: Candidate, settings: Settings, message: str) -> FileResult:
    """A FileResult that is only an error on the file, at line 1 (where it failed is not known)."""
    display, uri = _names(candidate, settings)
    result = FileResult()
    result.errors.append(Error(display, 1, message, uri=uri))
    return result


def _parallel(candidates, settings, jobs):
    import functools

    from mlcheck.engine.pool import map_isolated
    from mlcheck.engine.registry import all_rules

    all_rules()  # import the rule pack once, before forking, so workers share it
    return map_isolated(functools.partial(check_isolated, settings=settings), candidates, jobs,
                        lambda candidate, reason: failed_file(candidate, settings, reason))

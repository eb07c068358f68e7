"""The `mlcheck` command."""

from __future__ import annotations

import contextlib
import json
import os
import sys

import click

from mlcheck import __version__
from mlcheck.findings.severity import SEVERITIES
from mlcheck.reporters import REPORTERS

FORMATS = tuple(REPORTERS)  # one list of output formats: the reporters
EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _split_codes(values) -> list:
    return [c.strip() for v in values or () for c in v.split(",") if c.strip()]


def _parse_parameters(pairs, parameters_file) -> dict:
    params: dict = {}
    if parameters_file:
        from mlcheck.engine.config import ConfigError, read_parameters_file

        try:
            params.update(read_parameters_file(parameters_file))
        except ConfigError as exc:
            raise click.BadParameter(str(exc), param_hint="--parameters-file")
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected KEY=VALUE, got '{pair}'", param_hint="--parameter")
        params[key.strip()] = value
    return params


def _parse_output_files(pairs) -> list:
    out = []
    for pair in pairs:
        fmt, sep, path = pair.partition("=")
        if not sep or fmt not in FORMATS or not path:
            raise click.BadParameter(f"expected FORMAT=PATH with FORMAT one of {', '.join(FORMATS)}, got '{pair}'",
                                     param_hint="--output-file")
        out.append((fmt, _writable(path, "--output-file")))
    return out


def _writable(path: str, option: str) -> str:
    """`path`, checked before any template is linted: a pipe, a device or a directory is a usage error (writing
    to a pipe nobody reads would block forever), see mlcheck.util.safe_write."""
    from mlcheck.util.safe_write import OutputError, check_target

    try:
        check_target(path)
    except OutputError as exc:
        raise click.BadParameter(f"cannot write {path}: {exc}", param_hint=option)
    return path


def _echo(message=None, err: bool = False, **kwargs) -> None:
    """click.echo, except that a reader that went away (`mlcheck . | head -1`) closes that stream quietly: the
    rest of the run (--output-file, the baseline, the exit code the findings decide) goes on without it."""
    try:
        click.echo(message, err=err, **kwargs)
    except BrokenPipeError:
        _discard(sys.stderr if err else sys.stdout)


def _discard(stream) -> None:
    """Point the stream's descriptor at the null device, so that what is still buffered, and the interpreter's
    flush at exit, go nowhere instead of raising BrokenPipeError again."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, stream.fileno())
        os.close(null)
    except (AttributeError, ValueError, OSError):  # no descriptor (an in-memory stream): nothing to flush
        pass


class _Command(click.Command):
    """Usage errors quote the command line and configuration files (paths, codes, values): their messages are
    escaped like findings, so a crafted name cannot put a workflow command or a terminal escape on stderr."""

    def make_context(self, *args, **kwargs):
        with _escaped_errors():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx):
        with _escaped_errors():
            return super().invoke(ctx)


@contextlib.contextmanager
def _escaped_errors():
    try:
        yield
    except click.ClickException as exc:
        from mlcheck.reporters.escaping import visible

        exc.message = visible(exc.message)
        raise


def _use_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


@click.command(cls=_Command, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--output-format", "-f", type=click.Choice(FORMATS), envvar="MLCHECK_OUTPUT_FORMAT",
              default="concise", show_default=True, help="How findings are printed on stdout.")
@click.option("--output-file", "output_files", multiple=True, metavar="FORMAT=PATH",
              help="Also write FORMAT to PATH (repeatable), e.g. sarif=results.sarif or gitlab=gl-code-quality.json.")
@click.option("--statistics", is_flag=True,
              help="Print the number of findings per rule instead of the findings (as JSON with -f json, as text "
                   "with any other format); --output-file still writes full reports.")
@click.option("--select", "select", multiple=True, metavar="CODES",
              help="Run only these rules: IDs, prefixes (MLC2), names, areas (iam, network: see --list-rules) or "
                   "ALL (comma-separated, repeatable).")
@click.option("--extend-select", multiple=True, metavar="CODES",
              help="Add rules to the default selection (IDs, prefixes, names or areas).")
@click.option("--ignore", multiple=True, metavar="CODES", help="Skip these rules (IDs, prefixes, names or areas).")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default="low", show_default=True,
              help="Exit 1 when an unsuppressed finding is at least this severe.")
@click.option("--fail-on-unverified", type=click.Choice(SEVERITIES + ("never",)), default="high", show_default=True,
              help="Exit 1 when a check of a rule at least this severe (and at least --fail-on) could not be "
                   "verified: too many conditions, or the resolution budget.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even with findings or unreadable files.")
@click.option("--parameter", "-p", "parameter_pairs", multiple=True, metavar="KEY=VALUE",
              help="Template parameter value used to resolve Ref (repeatable).")
@click.option("--parameters-file", type=click.Path(dir_okay=False),
              help="CloudFormation parameters JSON ([{ParameterKey, ParameterValue}, ...]).")
@click.option("--var-file", "var_files", multiple=True, metavar="PATH",
              help="Terraform variable values (.tfvars or .tfvars.json; repeatable, later files win), after "
                   "terraform.tfvars and *.auto.tfvars as Terraform reads them.")
@click.option("--stdin-filename", metavar="PATH", help="Name to report for input read from '-'.")
@click.option("--color", type=click.Choice(("auto", "always", "never")), default="auto", show_default=True)
@click.option("--no-inline-suppressions", is_flag=True,
              help="Ignore suppressions written in templates (central governance).")
@click.option("--show-unknown", is_flag=True, help="List values that could not be resolved, so were not verified.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, help="Worker processes (0 = one per CPU).")
@click.option("--verbose", "-v", is_flag=True, help="Say which files were skipped and why.")
@click.option("--quiet", "-q", is_flag=True,
              help="Say nothing about files that are not templates, even when named (the pre-commit hook's mode).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Configuration file (default: the nearest .mlcheck.yaml or pyproject.toml [tool.mlcheck]).")
@click.option("--show-config", is_flag=True, help="Print the effective configuration and where each value came from.")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False),
              help="Report only findings that are not in this baseline file.")
@click.option("--write-baseline", "write_baseline_path", type=click.Path(),  # checked by _writable
              help="Record the current findings in this baseline file (by fingerprint, not line).")
@click.option("--aws", "aws_resolve", is_flag=True,
              help="Look up the values a template takes from outside (parameters, literal ARNs, Fn::ImportValue) "
                   "in the AWS account, read-only (needs boto3: pip install 'mlcheck-aws[aws]').")
@click.option("--profile", "aws_profile", metavar="NAME", help="AWS profile for --aws and aws:// paths.")
@click.option("--region", "aws_region", metavar="REGION", help="AWS Region for --aws (default: the profile's).")
@click.option("--aws-timeout", type=click.FloatRange(min=1), default=300, show_default=True, metavar="SECONDS",
              help="Stop reading the account after this long; what was not read is unknown.")
@click.option("--aws-since", default="7d", show_default=True, metavar="AGE|DATE",
              help="aws:// paths: training and processing jobs created after this (7d, 24h or 2026-11-01).")
@click.option("--list-rules", is_flag=True, help="List every rule and exit.")
@click.option("--explain", metavar="RULE", help="Print a rule's documentation (ID or name) and exit.")
@click.version_option(__version__, "--version", prog_name="mlcheck", message="%(prog)s %(version)s")
def cli(paths, output_format, output_files, statistics, select, extend_select, ignore, fail_on, fail_on_unverified, exit_zero,
        parameter_pairs,
        parameters_file, var_files, stdin_filename, color, no_inline_suppressions, show_unknown, jobs, verbose, quiet,
        config_path, show_config, baseline_path, write_baseline_path, aws_resolve, aws_profile, aws_region,
        aws_timeout, aws_since, list_rules, explain):
    """Lint CloudFormation templates and SageMaker configuration against ML-architecture best practices.

    PATH may be files, directories, quoted globs ('infra/**/*.yaml') or - for stdin; none means the
    current directory.
    """
    from mlcheck.engine.registry import SelectionError

    if list_rules:
        from mlcheck.cli.explain import list_rules_text

        _echo(list_rules_text(as_json=output_format == "json"), nl=False)
        sys.exit(EXIT_OK)
    if explain:
        from mlcheck.cli.explain import explain_text

        text = explain_text(explain)
        if text is None:
            raise click.BadParameter(f"no rule '{explain}' (see mlcheck --list-rules)", param_hint="--explain")
        _echo(text, nl=False)
        sys.exit(EXIT_OK)

    from mlcheck.inputs.discovery import DiscoveryError, discover, find_repo_root
    from mlcheck.engine.registry import default_subset_rules, select_rules
    from mlcheck.engine.runner import Settings, run

    effective = _effective_settings(click.get_current_context(), config_path, {
        "select": _split_codes(select), "extend-select": _split_codes(extend_select),
        "ignore": _split_codes(ignore), "fail-on": fail_on, "fail-on-unverified": fail_on_unverified,
        "output-format": output_format,
        "exit-zero": exit_zero, "parameters-file": parameters_file, "inline-suppressions": not no_inline_suppressions,
        "jobs": jobs,
    })
    if show_config:
        from mlcheck.reporters.escaping import visible  # the source names a file: a path from the machine

        _echo("\n".join(f"{key} = {json.dumps(value)}  # {visible(source)}"
                              for key, (value, source) in effective.items()))
        sys.exit(EXIT_OK)
    value = {key: v for key, (v, _) in effective.items()}
    output_format, fail_on, exit_zero = value["output-format"], value["fail-on"], value["exit-zero"]
    fail_on_unverified = value["fail-on-unverified"]
    try:
        rules = select_rules(value["select"], value["extend-select"], value["ignore"])
        subset = default_subset_rules(value["select"], value["ignore"], rules)
    except SelectionError as exc:
        raise click.BadParameter(str(exc), param_hint="--select/--ignore")
    parameters = dict(value["parameters"])
    parameters.update(_parse_parameters(parameter_pairs, value["parameters-file"]))
    extra_outputs = _parse_output_files(output_files)
    try:
        candidates = discover(list(paths))
    except DiscoveryError as exc:
        raise click.UsageError(str(exc))

    settings = Settings(
        rule_ids=tuple(r.id for r in rules), subset_rule_ids=tuple(r.id for r in subset), parameters=parameters,
        stdin_filename=stdin_filename,
        root=find_repo_root(os.getcwd()) or os.getcwd(), jobs=value["jobs"],
        inline_suppressions=value["inline-suppressions"],
        severity_overrides=value["severity"], rule_options=value["rules"], var_files=var_files,
        aws=_aws_options(candidates, aws_resolve, aws_profile, aws_region, aws_timeout, aws_since, verbose),
    )
    baseline = _read_baseline(baseline_path) if baseline_path else None
    if write_baseline_path:
        _writable(write_baseline_path, "--write-baseline")
    result = run(candidates, settings)
    _apply_per_path_ignores(result, value["per-path-ignores"])
    if baseline is not None:
        _apply_baseline(result, baseline)
    if write_baseline_path:
        _write_baseline(result, write_baseline_path)

    from mlcheck.reporters.escaping import line_start, visible  # names and values from the input, escaped

    for display, reason, explicit in result.files_skipped:
        if verbose:
            _echo(f"skipped {visible(display)}: {visible(reason)}", err=True)
        elif explicit and not quiet:
            _echo(f"{line_start(display)}: info: skipped, {visible(reason)}", err=True)
    if show_unknown:
        for unknown in result.unknowns:
            _echo(f"{line_start(unknown.file)}:{unknown.line}: {unknown.rule_id} could not verify "
                       f"({visible(str(unknown.resource))}): {visible(unknown.reason)}", err=True)

    from mlcheck.reporters import ReportOptions, get_reporter

    use_color = _use_color(color)
    thresholds = {"fail_on": fail_on, "fail_on_unverified": fail_on_unverified}  # junit fails what fails the run
    options = ReportOptions(color=use_color, version=__version__, root=settings.root, **thresholds)
    if statistics:
        from mlcheck.reporters import statistics as statistics_reporter

        _echo(statistics_reporter.render(result, options, output_format), nl=False, color=use_color)
    else:
        _echo(get_reporter(output_format).render(result, options), nl=False, color=use_color)
    summary_written = output_format == "github" and not statistics
    for fmt, path in extra_outputs:
        # The job summary is appended once per run, however many github outputs are asked for.
        file_options = ReportOptions(color=False, version=__version__, root=settings.root, **thresholds,
                                     step_summary="" if fmt == "github" and summary_written else None)
        summary_written = summary_written or fmt == "github"
        from mlcheck.util.safe_write import OutputError, write_text

        try:
            write_text(path, get_reporter(fmt).render(result, file_options))
        except OutputError as exc:
            _echo(f"mlcheck: cannot write {visible(path)}: {visible(exc)}", err=True)
            sys.exit(EXIT_ERROR)

    if exit_zero:
        sys.exit(EXIT_OK)
    if result.errors:
        sys.exit(EXIT_ERROR)
    if write_baseline_path:  # recording today's findings is the point: they do not fail this run
        sys.exit(EXIT_OK)
    failing = result.failing(fail_on) or result.failing_unverified(fail_on_unverified, fail_on)
    sys.exit(EXIT_FINDINGS if failing else EXIT_OK)


def _aws_options(candidates, resolve, profile, region, timeout, since, verbose):
    """AwsOptions when --aws or an aws:// path asks for the account, else None (nothing imports boto3)."""
    if not resolve and not any(c.path.startswith("aws://") for c in candidates):
        return None
    from mlcheck.inputs.aws_account import AwsOptions, parse_since

    try:
        since_value = parse_since(since)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--aws-since")

    return AwsOptions(resolve=resolve, profile=profile, region=region, timeout=timeout, since=since_value,
                      on_scan=_print_scan if verbose else None)


def _print_scan(path, summary) -> None:
    """--verbose: the calls a scan of the account made, and its time (a module function: picklable)."""
    calls = sum(summary["calls"].values())
    click.echo(f"{path}: {calls} API calls in {summary['seconds']} s "
               f"({', '.join(f'{k} x{n}' for k, n in sorted(summary['calls'].items()))})", err=True)


def _effective_settings(click_ctx, config_path, cli_values: dict) -> dict:
    """key -> (value, where it came from): defaults < configuration file < command line (or environment)."""
    from mlcheck.engine.config import KEYS, ConfigError, find_config, load_config
    from mlcheck.engine.registry import SelectionError, find_rule, validate_codes

    try:
        cwd = os.getcwd()
    except OSError as exc:  # deleted under us: relative paths, the config search and the report all need it
        raise click.UsageError(f"the current directory cannot be used ({exc.strerror}): "
                               "was it deleted? cd to an existing directory")
    try:
        if config_path:
            from pathlib import Path  # here: pathlib's import is paid only by runs that use a configuration

            config = load_config(Path(config_path))
        else:
            config = load_config(find_config(cwd))
    except ConfigError as exc:
        raise click.UsageError(f"configuration: {exc}")
    names = {"select": "select", "extend-select": "extend_select", "ignore": "ignore", "fail-on": "fail_on",
             "fail-on-unverified": "fail_on_unverified",
             "output-format": "output_format", "exit-zero": "exit_zero", "parameters-file": "parameters_file",
             "inline-suppressions": "no_inline_suppressions", "jobs": "jobs"}
    effective = {}
    for key, (_, default) in KEYS.items():
        param = names.get(key)
        source = click_ctx.get_parameter_source(param) if param else None
        if source is not None and source.name in ("COMMANDLINE", "ENVIRONMENT"):
            effective[key] = (cli_values[key], "command line" if source.name == "COMMANDLINE" else "environment")
        elif key in config.values:
            effective[key] = (config.values[key], config.origin(key))
        else:
            effective[key] = (cli_values.get(key, default), "default")
    # Rules named in severity overrides, rule options and per-path ignores must exist (before any file is
    # linted); options must be ones the rule has.
    where = f"configuration: {config.path}" if config.path else "configuration"
    for key in ("select", "extend-select", "ignore"):  # from the file: the error names it, not a flag
        if key in config.values and effective[key][1] == config.origin(key):
            try:
                validate_codes(effective[key][0])
            except SelectionError as exc:
                raise click.UsageError(f"{where}: {key}: {exc}")
    for glob, codes in effective["per-path-ignores"][0].items():
        try:
            validate_codes(codes)
        except SelectionError as exc:
            raise click.UsageError(f"{where}: per-path-ignores.{glob}: {exc}")
    for key in ("severity", "rules"):
        resolved = {}
        for code, setting in effective[key][0].items():
            rule = find_rule(code)
            if rule is None:
                raise click.UsageError(f"{where}: {key}.{code}: no such rule")
            if key == "rules":
                unknown = sorted(set(setting) - set(rule.options))
                if unknown:
                    known = ", ".join(rule.options) or "none"
                    raise click.UsageError(f"{where}: rules.{code}: unknown option {unknown[0]} "
                                           f"(options of {rule.id}: {known})")
                for option, given in setting.items():
                    default = rule.options[option]
                    if isinstance(default, (list, tuple)) and not (
                            isinstance(given, list) and all(isinstance(v, str) for v in given)):
                        raise click.UsageError(f"{where}: rules.{code}.{option}: expected a list of strings")
            resolved[rule.id] = setting
        effective[key] = (resolved, effective[key][1])
    return effective


def _apply_per_path_ignores(result, per_path: dict) -> None:
    """Drop findings (and unverified checks) of the listed rules in files matching each glob (relative to the
    config file's folder)."""
    if not per_path:
        return
    import fnmatch

    from mlcheck.engine.registry import ignored_rules

    ignored = [(glob.replace(os.sep, "/"), {r.id for r in ignored_rules(codes)}) for glob, codes in per_path.items()]
    def ignored_here(item) -> bool:
        path = item.file.replace(os.sep, "/")
        return any(item.rule_id in ids and fnmatch.fnmatch(path, glob) for glob, ids in ignored)

    result.findings = [f for f in result.findings if not ignored_here(f)]
    result.unknowns = [u for u in result.unknowns if not (u.unverified and ignored_here(u))]


def _read_baseline(path) -> set:
    """The fingerprints of a baseline file, read before the run so that a bad one costs no linting."""
    from mlcheck.inputs.safe_read import InputError, read_json

    try:
        data = read_json(path)
    except InputError as exc:
        raise click.BadParameter(f"cannot read baseline {path}: {exc}", param_hint="--baseline")
    entries = data.get("findings") if isinstance(data, dict) else None
    if isinstance(entries, list) and all(isinstance(e, dict) and isinstance(e.get("fingerprint"), str)
                                         for e in entries):
        return {e["fingerprint"] for e in entries}
    fingerprints = data.get("fingerprints") if isinstance(data, dict) else None  # the first format
    if not isinstance(fingerprints, list) or not all(isinstance(f, str) for f in fingerprints):
        raise click.BadParameter(f"{path}: expected a baseline written by --write-baseline "
                                 '({"findings": [{"fingerprint": ...}, ...]})', param_hint="--baseline")
    return set(fingerprints)


def _apply_baseline(result, known: set) -> None:
    before = len(result.findings)
    result.findings = [f for f in result.findings if f.fingerprint not in known]
    result.baselined = before - len(result.findings)


def _write_baseline(result, path) -> None:
    """One entry per accepted finding: the fingerprint that matches it (line-independent) and what a reviewer
    needs to see what was accepted. No line numbers, so an edit elsewhere changes nothing in the file."""
    entries = {}
    for finding in result.active:
        entries.setdefault(finding.fingerprint, {
            "fingerprint": finding.fingerprint, "rule": finding.rule_id, "file": finding.uri or finding.file,
            "resource": finding.resource, "path": finding.pointer, "message": finding.message})
    from mlcheck.util.safe_write import OutputError, write_text

    # ASCII escapes: a file name that is not UTF-8 (surrogate escapes) still writes
    text = json.dumps({"version": __version__, "findings": [entries[k] for k in sorted(entries)]}, indent=2)
    try:
        write_text(path, text + "\n")
    except OutputError as exc:
        raise click.BadParameter(f"cannot write {path}: {exc}", param_hint="--write-baseline")


class Terminated(BaseException):
    """SIGTERM, raised where the process is so that cleanup runs (a BaseException: no `except Exception`
    on the way may swallow it)."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def _on_sigterm(signum, _frame):
    raise Terminated(signum)


EXIT_SIGINT, EXIT_SIGPIPE, EXIT_SIGTERM = 130, 141, 143  # 128 + signal number, as shells report a command ended by a signal


def main():
    """The entry point: exit 0/1/2 as documented, and never 1 for a crash or an interruption. Ctrl-C exits
    130 and SIGTERM 143, after the worker processes are ended (`mlcheck.engine.pool`); any other uncaught exception
    is an internal error, exit 2, with the traceback only when MLCHECK_DEBUG is set."""
    import signal

    _tune_gc()
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        # standalone_mode=False: click would turn Ctrl-C into "Aborted!" and exit 1
        code = cli.main(standalone_mode=False)
    except click.exceptions.Abort as exc:  # click's rendering of Ctrl-C (and of an EOFError)
        code = _interrupted(EXIT_SIGINT) if isinstance(exc.__cause__, KeyboardInterrupt) else \
            _internal_error(exc.__cause__ or exc)
    except click.ClickException as exc:  # usage errors, exit 2
        try:
            exc.show()
        except BrokenPipeError:
            _discard(sys.stderr)
        code = exc.exit_code
    except KeyboardInterrupt:
        code = _interrupted(EXIT_SIGINT)
    except Terminated:
        code = _interrupted(EXIT_SIGTERM)
    except BrokenPipeError:  # a write outside _echo to a stream whose reader went away: end as SIGPIPE would
        _discard(sys.stdout)
        _discard(sys.stderr)
        code = EXIT_SIGPIPE
    except Exception as exc:
        code = _internal_error(exc)
    finally:
        signal.signal(signal.SIGTERM, previous)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


def _internal_error(exc: BaseException) -> int:
    from mlcheck.engine.crash import describe, show_traceback

    show_traceback(exc)
    _echo(f"mlcheck: internal error: {describe(exc)} (please report this; MLCHECK_DEBUG=1 shows the "
               "traceback)", err=True)
    return EXIT_ERROR


def _interrupted(code: int) -> int:
    try:
        _echo("mlcheck: interrupted", err=True)
    except Exception:  # stderr may be gone with the terminal
        pass
    return code


def _tune_gc() -> None:
    """A lint run allocates many small containers and frees them by reference counting; the cyclic collector's
    default thresholds spent a fifth of a 5,000-resource run re-scanning the live document. Objects alive at
    start-up (modules, the rule pack's tables) are frozen out of its scans, and collections run less often."""
    import gc

    gc.freeze()
    gc.set_threshold(50_000, 50, 100)

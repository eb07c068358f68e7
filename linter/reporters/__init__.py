"""Output formats. Each reporter module exposes `render(result, options) -> str`, the text to write.

Reporter modules are imported only when used (`get_reporter`): a pre-commit run printing `concise` should not
pay for ElementTree or SARIF's rule rendering.
"""

from __future__ import annotations

import importlib

from mlcheck import __version__
from mlcheck.util.record import Record

REPORTERS = {
    "concise": "mlcheck.reporters.concise",
    "full": "mlcheck.reporters.full",
    "json": "mlcheck.reporters.json",
    "sarif": "mlcheck.reporters.sarif",
    "github": "mlcheck.reporters.github",
    "junit": "mlcheck.reporters.junit",
    "gitlab": "mlcheck.reporters.gitlab",
}

class ReportOptions(Record):
    _fields = ("color", "show_source", "version", "cwd", "root", "step_summary", "fail_on", "fail_on_unverified")
    color: bool
    show_source: bool  # `full`: print the source lines around each finding
    version: str
    cwd: str  # display paths are relative to this ('' = the process's working directory)
    root: str  # repository root: SARIF's %SRCROOT%
    step_summary: str | None  # `github`: Markdown summary file; None = $GITHUB_STEP_SUMMARY, "" = none
    # The run's thresholds (--fail-on, --fail-on-unverified): `junit` fails exactly the test cases that fail it.
    fail_on: str
    fail_on_unverified: str

    def __init__(self, color=False, show_source=True, version=__version__, cwd="", root=".", step_summary=None,
                 fail_on="low", fail_on_unverified="high"):
        self.color = color
        self.show_source = show_source
        self.version = version
        self.cwd = cwd
        self.root = root
        self.step_summary = step_summary
        self.fail_on = fail_on
        self.fail_on_unverified = fail_on_unverified


def get_reporter(name: str):
    """The reporter module for an output format name."""
    try:
        module = REPORTERS[name]
    except KeyError:
        raise ValueError(f"unknown output format '{name}' (one of {', '.join(REPORTERS)})") from None
    return importlib.import_module(module)


# -- helpers shared by reporters ---------------------------------------------------------------------------------

def _error_key(file, line, message) -> tuple:
    return (file, line, message)


def standalone_errors(result) -> list:
    """Errors not already shown as an MLC001 finding. A parse failure is recorded twice (an Error for the exit
    code and, when MLC001 is selected, a finding with severity and fix); line-oriented formats show it once."""
    reported = {_error_key(f.file, f.line, f.message) for f in result.findings if f.rule_id == "MLC001"}
    return [e for e in result.errors if _error_key(e.file, e.line, e.message) not in reported]


def error_keys(result) -> set:
    """The errors of `result`, as `is_error_duplicate` looks them up (a set: one look-up per finding)."""
    return {_error_key(e.file, e.line, e.message) for e in result.errors}


def is_error_duplicate(finding, errors: set) -> bool:
    """True for an MLC001 finding that repeats one of the `error_keys` (the inverse of `standalone_errors`)."""
    return finding.rule_id == "MLC001" and _error_key(finding.file, finding.line, finding.message) in errors


def ordered_items(result) -> list:
    """Unsuppressed findings and standalone errors, merged in file/line order (errors first on a tie)."""
    items = [((e.file, e.line, e.column, 0, ""), e) for e in standalone_errors(result)]
    items += [((f.file, f.line, f.column, 1, f.rule_id), f) for f in result.active]
    items.sort(key=lambda pair: pair[0])
    return [item for _, item in items]

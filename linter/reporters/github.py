"""`github`: GitHub Actions workflow commands (annotations on the pull request), a job-summary table, a summary.

GitHub shows at most 10 annotations per level per step and silently drops the rest, so we emit the 10 most
severe per level, print the others as plain log lines and add one notice pointing at the job summary, which
lists every finding.
"""

from __future__ import annotations

import os

from mlcheck.findings.result import Error
from mlcheck.reporters.concise import headline
from mlcheck.reporters.escaping import visible
from mlcheck.findings.severity import RANK

LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "warning", "info": "notice"}
MAX_PER_LEVEL = 10


def escape_data(text: str) -> str:
    """Escape a command's message, as @actions/core's escapeData does, after making it `visible`: the input's
    control characters and line breaks are shown escaped in the annotation as everywhere else."""
    return visible(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (file, title): also ':' and ',', which delimit properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **properties) -> str:
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items() if value is not None)
    return f"::{level}{' ' + props if props else ''}::{escape_data(message)}"


def _position(item) -> dict:
    line = max(item.line, 1)
    end_line = max(getattr(item, "end_line", line) or line, line)
    position = {"line": line, "endLine": end_line}
    if end_line == line:  # GitHub accepts columns only on single-line annotations
        column = max(item.column, 1)
        end_column = getattr(item, "end_column", column + 1)
        position.update(col=column, endColumn=max(end_column - 1, column))  # ours is exclusive, GitHub's inclusive
    return position


def annotation(item) -> tuple:
    """(level, workflow command) for a finding or an error."""
    file = getattr(item, "uri", "") or item.file  # repository-relative: GitHub resolves it from the workspace
    if isinstance(item, Error):
        return "error", command("error", item.message, file=file, **_position(item), title="mlcheck error")
    level = LEVELS[item.severity]
    title = f"{item.rule_id} {item.rule_name}"
    return level, command(level, item.message, file=file, **_position(item), title=title)


def _by_importance(result) -> list:
    from mlcheck.reporters import standalone_errors

    errors = sorted(standalone_errors(result), key=lambda e: (e.file, e.line))
    findings = sorted(result.active, key=lambda f: (-RANK[f.severity], f.sort_key()))
    return errors + findings


def _limits(counts: dict) -> dict:
    limits = {level: MAX_PER_LEVEL for level in ("error", "warning", "notice")}
    if any(n > MAX_PER_LEVEL for n in counts.values()):
        limits["notice"] -= 1  # the overflow notice is itself a notice and must not be the one dropped
    return limits


def _md_cell(text) -> str:
    text = " ".join(visible(text).split())  # no newlines inside a table row
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for char in "\\`*_[]|":
        text = text.replace(char, "\\" + char)
    return text


# GitHub refuses a step summary over 1 MiB (and shows none of it): stay well under, and say what was left out.
MAX_SUMMARY_BYTES = 1024 * 1024 - 64 * 1024


def step_summary(result, items: list, limit: int = MAX_SUMMARY_BYTES) -> str:
    lines = ["### mlcheck", "", result.summary_line(), ""]
    if items:
        lines += ["| Location | Rule | Severity | Resource | Message |", "| --- | --- | --- | --- | --- |"]
        size = sum(len(line.encode("utf-8", "replace")) + 1 for line in lines)
        for shown, item in enumerate(items):
            if isinstance(item, Error):
                rule, severity, resource = "MLC001", "error", ""
            else:
                rule, severity, resource = f"{item.rule_id} {item.rule_name}", item.severity, item.resource or ""
            cells = (f"{item.file}:{item.line}", rule, severity, resource, item.message)
            row = "| " + " | ".join(_md_cell(c) for c in cells) + " |"
            size += len(row.encode("utf-8", "replace")) + 1
            if size > limit:
                lines += ["", f"{len(items) - shown} more findings are left out: GitHub takes at most 1 MiB of "
                              "job summary. The SARIF or JSON output has all of them."]
                break
            lines.append(row)
        lines.append("")
    return "\n".join(lines) + "\n"


def _write_step_summary(path: str, text: str) -> str | None:
    from mlcheck.util.safe_write import OutputError, append_text

    try:
        append_text(path, text)
    except OutputError as exc:
        return command("warning", f"mlcheck could not write the job summary {path}: {exc}")
    return None


def render(result, options) -> str:
    items = _by_importance(result)
    annotations = [(item, *annotation(item)) for item in items]
    counts = {"error": 0, "warning": 0, "notice": 0}
    for _, level, _ in annotations:
        counts[level] += 1
    limits = _limits(counts)

    out, overflow, emitted = [], [], dict.fromkeys(counts, 0)
    for item, level, text in annotations:
        if emitted[level] < limits[level]:
            emitted[level] += 1
            out.append(text)
        else:
            overflow.append(headline(item))
    # "" turns the summary off (the CLI does so when github output is rendered twice in one run).
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY") if options.step_summary is None else options.step_summary
    if overflow:
        where = "the job summary" if summary_path else "the lines above"
        out += overflow
        out.append(command("notice", f"{len(overflow)} more mlcheck findings are not annotated (GitHub shows "
                                     f"{MAX_PER_LEVEL} per level); see {where} for all of them"))
    if summary_path:
        problem = _write_step_summary(summary_path, step_summary(result, sorted(items, key=_file_order)))
        if problem:
            out.append(problem)
    out.append(result.summary_line())
    return "\n".join(out) + "\n"


def _file_order(item) -> tuple:
    return (item.file, item.line, item.column, getattr(item, "rule_id", ""))

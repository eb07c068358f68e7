"""`concise`: one line per finding, `path:line:col: MLC203 [high] message`, then a summary.

The line shows a finding's short message (without the particulars of `Finding.detail`), and names the resource
after it, `(Resource: LogicalId)`, only when the message does not already quote it ('LogicalId'), as rule
messages do."""

from __future__ import annotations

from mlcheck.findings.result import Error
from mlcheck.reporters.escaping import line_start, visible

RESET = "\x1b[0m"
BOLD = "\x1b[1m"
DIM = "\x1b[2m"
SEVERITY_STYLE = {
    "critical": "\x1b[1;35m",  # bold magenta: stands out even among reds
    "high": "\x1b[31m",
    "medium": "\x1b[33m",
    "low": "\x1b[36m",
    "info": "\x1b[2m",
    "error": "\x1b[1;31m",  # a file that could not be checked
}


def paint(text: str, style: str, color: bool) -> str:
    return f"{style}{text}{RESET}" if color and style else text


def headline(item, color: bool = False) -> str:
    """The one-line form of a finding or an error; `full` starts each entry with it too. Names and messages
    come from the input, so they are escaped (reporters.escaping)."""
    where = paint(f"{line_start(item.file)}:{item.line}:{item.column}:", DIM, color)
    if isinstance(item, Error):
        level = paint("[error]", SEVERITY_STYLE["error"], color)
        return f"{where} {paint('MLC001', BOLD, color)} {level} {visible(item.message)}"
    message = visible(item.short_message)
    level = paint(f"[{item.severity}]", SEVERITY_STYLE.get(item.severity, ""), color)
    text = f"{where} {paint(item.rule_id, BOLD, color)} {level} {message}"
    if item.resource and not names_resource(item.short_message, item.resource):
        text += paint(f" (Resource: {visible(item.resource)})", DIM, color)
    return text


def names_resource(message: str, resource: str) -> bool:
    """Whether `message` names `resource` as messages name things: quoted. A bare word is not enough (a
    resource called 'Role' or 'Key' would match the first word of "Role 'ExecutionRole' ...")."""
    return f"'{resource}'" in message or f'"{resource}"' in message


def summary(result, color: bool = False) -> str:
    return paint(result.summary_line(), BOLD, color and bool(result.active or result.errors))


def render(result, options) -> str:
    from mlcheck.reporters import ordered_items

    lines = [headline(item, options.color) for item in ordered_items(result)]
    lines.append(summary(result, options.color))
    return "\n".join(lines) + "\n"

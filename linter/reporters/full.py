"""`full`: the concise line, the source around it (a caret under the span, a `|` margin for multi-line spans),
the particulars the concise line leaves out (`= detail:`) and the rule's fix hint. Entries are separated by a blank line; the summary line ends the output."""

from __future__ import annotations

import os

from mlcheck.findings.result import Error
from mlcheck.reporters.concise import SEVERITY_STYLE, headline, paint, summary
from mlcheck.reporters.escaping import visible

CONTEXT = 2  # lines shown before and after the span
MAX_SPAN_LINES = 8  # a missing property points at a whole resource: show its head, not 80 lines
SHOWN_OF_LONG_SPAN = 6
MAX_WIDTH = 160  # source lines are cut here (minified JSON would otherwise flood the terminal)
GUTTER_STYLE = "\x1b[34m"
HELP_STYLE = "\x1b[36m"


class SourceCache:
    """File text by display path, read once; None when the file cannot be read (stdin, deleted, binary)."""

    def __init__(self, cwd: str):
        self.cwd = cwd or os.getcwd()
        self._lines: dict = {}

    def lines(self, file: str) -> list | None:
        if file not in self._lines:
            self._lines[file] = self._read(file)
        return self._lines[file]

    def _read(self, file: str) -> list | None:
        from mlcheck.inputs.safe_read import InputError, read_file

        try:  # bounded, and never blocks on a FIFO (a --stdin-filename may name anything)
            raw = read_file(os.path.join(self.cwd, file))
        except (InputError, ValueError):
            return None
        if b"\x00" in raw:
            return None
        return raw.decode("utf-8", "replace").splitlines()


def _shown(text: str) -> str:
    """A source line as printed: tabs expanded, then control characters escaped (the file is input too)."""
    return visible(text.expandtabs(4))


def _display(line: str) -> str:
    line = _shown(line)
    return line if len(line) <= MAX_WIDTH else line[:MAX_WIDTH - 1] + "…"


def _caret_offsets(line: str, column: int, end_column: int) -> tuple:
    """Display start and width of the marked columns (1-based, end exclusive) in the line as shown, clipped."""
    start = len(_shown(line[:max(column - 1, 0)]))
    end = len(_shown(line[:max(end_column - 1, 0)]))
    start = min(start, MAX_WIDTH)
    end = min(end, MAX_WIDTH)
    return start, max(end - start, 1)


HIDDEN_LINE = "<not shown: a finding of a rule about secrets lies on this line>"


def secret_lines(result) -> dict:
    """file -> the lines that findings of a sensitive rule (MLC116) cover, suppressed or not: a snippet may show
    them only masked, whichever finding it is for."""
    hidden: dict = {}
    for finding in result.findings:
        rule = result.rules.get(finding.rule_id)
        if rule is not None and rule.sensitive:
            hidden.setdefault(finding.file, set()).update(range(finding.line, max(finding.end_line, finding.line) + 1))
    return hidden


def snippet(lines: list, item, color: bool, hidden: frozenset = frozenset()) -> list:
    """Source lines around `item` with a line-number gutter and the span marked; line numbers in `hidden` are
    masked."""
    line = min(max(item.line, 1), len(lines))
    end_line = min(max(getattr(item, "end_line", line), line), len(lines))
    multi = end_line > line
    truncated = end_line - line + 1 > MAX_SPAN_LINES
    shown_end = line + SHOWN_OF_LONG_SPAN - 1 if truncated else end_line
    first = max(1, line - CONTEXT)
    last = shown_end if truncated else min(len(lines), end_line + CONTEXT)
    width = len(str(last))
    style = SEVERITY_STYLE.get("error" if isinstance(item, Error) else item.severity, "")

    def gutter(number="") -> str:
        return paint(f"{number:>{width}} |", GUTTER_STYLE, color)

    out = [gutter()]
    for number in range(first, last + 1):
        text = HIDDEN_LINE if number in hidden else _display(lines[number - 1])
        margin = ""
        if multi:
            margin = paint("| ", style, color) if line <= number <= end_line else "  "
        out.append(f"{gutter(number)} {margin}{text}".rstrip())
        if not multi and number == line and number not in hidden:
            column = max(getattr(item, "column", 1), 1)
            end_column = getattr(item, "end_column", column + 1)
            start, span = _caret_offsets(lines[number - 1], column, end_column)
            out.append(f"{gutter()} {' ' * start}{paint('^' * span, style, color)}")
    if truncated:
        out.append(f"{gutter()} {paint('| ', style, color)}...")
    out.append(gutter())
    return out


def render(result, options) -> str:
    from mlcheck.reporters import ordered_items

    sources = SourceCache(options.cwd)
    secrets = secret_lines(result)
    entries = []
    for item in ordered_items(result):
        block = [headline(item, options.color)]
        lines = sources.lines(item.file) if options.show_source else None
        if lines:
            block += snippet(lines, item, options.color, secrets.get(item.file, frozenset()))
        detail = getattr(item, "detail", "")
        if detail:
            block.append(paint(f"  = detail: {visible(detail)}", HELP_STYLE, options.color))
        fix = getattr(item, "fix", "")
        if fix:
            block.append(paint(f"  = help: {visible(fix)}", HELP_STYLE, options.color))
        entries.append("\n".join(block))
    entries.append(summary(result, options.color))
    return "\n\n".join(entries) + "\n"

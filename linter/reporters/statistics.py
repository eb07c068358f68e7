"""`--statistics`: how many findings each rule reported, instead of the findings themselves (as ruff's).

Text formats print `count  ID  name` lines, most frequent first, then the summary line; `json` prints the same
counts as JSON (`{"version", "statistics": [{"rule", "name", "count", "url"}], "summary"}`). The other machine
formats (`sarif`, `github`, `junit`, `gitlab`) have no place for counts: with them the text table is printed,
as ruff does. Files written with --output-file are full reports whatever --statistics says.

What is counted is what `concise` would print: unsuppressed findings, and files that could not be checked under
MLC001, as they are shown there.
"""

from __future__ import annotations

import json

from mlcheck.engine.rule import docs_url
from mlcheck.findings.result import Error

ERROR_NAME = "parse-error"  # files that could not be checked are shown as MLC001 findings


def counts(result) -> list:
    """[(count, rule ID, rule name)], most frequent first, then by ID."""
    from mlcheck.reporters import ordered_items

    tally: dict = {}
    for item in ordered_items(result):
        key = ("MLC001", ERROR_NAME) if isinstance(item, Error) else (item.rule_id, item.rule_name)
        tally[key] = tally.get(key, 0) + 1
    return sorted(((n, rule_id, name) for (rule_id, name), n in tally.items()), key=lambda t: (-t[0], t[1]))


def render_text(result, options) -> str:
    from mlcheck.reporters.concise import summary

    rows = counts(result)
    width = max((len(str(n)) for n, _, _ in rows), default=1)
    lines = [f"{n:>{width}}  {rule_id}  {name}" for n, rule_id, name in rows]
    lines.append(summary(result, options.color))
    return "\n".join(lines) + "\n"


def render_json(result, options) -> str:
    from mlcheck.reporters.json import summary_dict

    document = {
        "version": options.version,
        "statistics": [{"rule": rule_id, "name": name, "count": n, "url": docs_url(rule_id, name)}
                       for n, rule_id, name in counts(result)],
        "summary": summary_dict(result),
    }
    return json.dumps(document, indent=2) + "\n"


def render(result, options, output_format: str) -> str:
    """What `--statistics` prints on stdout for `--output-format output_format`."""
    return (render_json if output_format == "json" else render_text)(result, options)

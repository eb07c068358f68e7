"""Comments of a .tf file, and the inline suppressions written in them.

    # mlcheck:ignore MLC401 reason: dev endpoint, no isolation needed expires: 2027-03-31
    #checkov:skip=CKV_AWS_122:the reason
    resource "aws_sagemaker_notebook_instance" "dev" { ... }

A resource's comments are those in its block and the comment lines right above it (no blank line between).
`suppressions_from_comments` turns them into the `Metadata` shape CloudFormation templates use, so one
suppression engine (mlcheck.engine.suppressions) applies the same reason and expiry rules to both.
"""

from __future__ import annotations

import re

from mlcheck.inputs.terraform.resource import Position

_MLCHECK = re.compile(r"mlcheck:\s*ignore\b[\s:=]*(?P<rest>.*)", re.IGNORECASE)
_CHECKOV = re.compile(r"checkov:skip=(?P<id>[A-Za-z0-9_]+)(?::(?P<reason>.*))?", re.IGNORECASE)
_FIELDS = re.compile(r"\b(reason|expires)\s*:", re.IGNORECASE)


class Comment(str):
    """A comment's text (without `#`, `//` or `/* */`), with the Position it is written at."""

    def __new__(cls, text, position: Position):
        self = super().__new__(cls, text)
        self.position = position
        return self

    def __reduce__(self):
        return (Comment, (str(self), self.position))


def file_comments(tree, text: str, display: str) -> list:
    """(line, is the whole line, Comment) for each comment line of a parsed file, in order."""
    lines = text.split("\n")
    out = []
    for token in tree.scan_values(lambda t: getattr(t, "type", None) == "NL_OR_COMMENT"):
        value = str(token)
        stripped = value.lstrip("\n \t")
        if not stripped.startswith(("#", "//", "/*")):
            continue
        line = token.line + (value[:len(value) - len(stripped)].count("\n"))
        body = stripped[2:-2] if stripped.startswith("/*") else stripped[1:] if stripped.startswith("#") \
            else stripped[2:]
        for offset, piece in enumerate(body.split("\n")):
            number = line + offset
            source = lines[number - 1] if number <= len(lines) else ""
            whole = source.lstrip().startswith(("#", "//", "/*", "*")) or offset > 0
            column = len(source) - len(source.lstrip()) + 1 if whole else max(1, source.find(stripped[:2]) + 1)
            piece = piece.strip().lstrip("*").strip() if stripped.startswith("/*") else piece.strip()
            if piece:
                out.append((number, whole, Comment(piece, Position(display, number, column, number,
                                                                  len(source) + 1))))
    return out


def block_comments(comments: list, first_line: int, last_line: int) -> tuple:
    """The comments written inside lines first..last, and the whole-line comments right above `first_line`."""
    inside = [c for line, _, c in comments if first_line <= line <= last_line]
    above = []
    by_line = {line: (whole, c) for line, whole, c in comments}
    line = first_line - 1
    while line in by_line and by_line[line][0]:
        above.append(by_line[line][1])
        line -= 1
    return tuple(reversed(above)) + tuple(inside)


def suppressions_from_comments(comments) -> dict:
    """The `Metadata` a CloudFormation resource would carry for these comments' suppressions:
    `{"mlcheck": {"ignore": [{"id", "reason", "expires"?}]}, "checkov": {"skip": [{"id", "comment"}]}}` (only the
    keys that have entries). Put it in the model Resource's Metadata; `suppression_positions` locates each entry."""
    metadata: dict = {}
    for kind, entry, _ in _entries(comments):
        if kind == "mlcheck":
            metadata.setdefault("mlcheck", {}).setdefault("ignore", []).append(entry)
        else:
            metadata.setdefault("checkov", {}).setdefault("skip", []).append(entry)
    return metadata


def suppression_positions(comments) -> dict:
    """Path in the `suppressions_from_comments` Metadata (e.g. ("mlcheck", "ignore", 0)) -> the Position of the
    comment that wrote it, for the findings about a suppression (no reason, expired, unused)."""
    counts = {"mlcheck": 0, "checkov": 0}
    out = {}
    for kind, _, position in _entries(comments):
        key = ("mlcheck", "ignore") if kind == "mlcheck" else ("checkov", "skip")
        out[key + (counts[kind],)] = position
        counts[kind] += 1
    return out


def _entries(comments):
    for comment in comments:
        position = getattr(comment, "position", None)
        text = str(comment)
        match = _MLCHECK.search(text)
        if match:
            for entry in _mlcheck_entries(match.group("rest")):
                yield "mlcheck", entry, position
            continue
        match = _CHECKOV.search(text)
        if match:
            yield "checkov", {"id": match.group("id"), "comment": (match.group("reason") or "").strip()}, position


def _mlcheck_entries(rest: str) -> list:
    """`MLC401[,MLC402] [reason: ...] [expires: YYYY-MM-DD]` -> one entry per rule named."""
    fields = {}
    marks = list(_FIELDS.finditer(rest))
    head = rest[:marks[0].start()] if marks else rest
    for n, mark in enumerate(marks):
        end = marks[n + 1].start() if n + 1 < len(marks) else len(rest)
        fields.setdefault(mark.group(1).lower(), rest[mark.end():end].strip())
    out = []
    for selector in re.split(r"[\s,]+", head.strip()):
        if not selector:
            continue
        entry = {"id": selector}
        if fields.get("reason"):
            entry["reason"] = fields["reason"]
        if "expires" in fields:
            entry["expires"] = fields["expires"]
        out.append(entry)
    return out

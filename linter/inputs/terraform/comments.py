"""Comments of a .tf file, and which belong to a resource block (for its inline suppressions).

    # mlcheck:ignore MLC401 reason: dev endpoint, no isolation needed expires: 2027-03-31
    #checkov:skip=CKV_AWS_122:the reason
    resource "aws_sagemaker_notebook_instance" "dev" { ... }

A resource's comments are those in its block and the comment lines right above it (no blank line between). The
mapping turns the suppressions among them into the `Metadata` shape CloudFormation templates use, so one
suppression engine (mlcheck.engine.suppressions) applies the same reason and expiry rules to both.
"""

from __future__ import annotations

from mlcheck.inputs.terraform.resource import Position



class Comment(str):
    """A comment's text (without `#`, `//` or `/* */`), with the Position it is written at."""

    def __new__(cls, text, position: Position):
        self = super().__new__(cls, text)
        self.position = position
        return self

    def __reduce__(self):
        return (Comment, (str(self), self.position))


def file_comments(tokens, text: str, display: str) -> list:
    """(line, is the whole line, Comment) for each comment line of a parsed file, in order, from its
    NL_OR_COMMENT tokens."""
    lines = text.split("\n")
    out = []
    for token in tokens:
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

"""Comments of a .tf file, and which belong to a resource block (for its inline suppressions).

    # mlcheck:ignore MLC401 reason: dev endpoint, no isolation needed expires: 2027-03-31
    #checkov:skip=CKV_AWS_122:the reason
    resource "aws_sagemaker_notebook_instance" "dev" { ... }

A resource's comments are those in its block and the comment lines right above it (no blank line between). The
mapping turns the suppressions among them into the `Metadata` shape CloudFormation templates use, so one
suppression engine (mlcheck.engine.suppressions) applies the same reason and expiry rules to both.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from mlcheck.inputs.terraform.resource import Position



class Comment(str):
    """A comment's text (without `#`, `//` or `/* */`), with the Position it is written at."""

    def __new__(cls, text, position: Position):
        self = super().__new__(cls, text)
        self.position = position
        return self

    def __reduce__(self):
        return (Comment, (str(self), self.position))


class FileComments(list):
    """file_comments' list, with the line of each entry (for bisection)."""

    @property
    def lines(self) -> list:
        found = self.__dict__.get("_lines")
        if found is None or len(found) != len(self):
            found = self.__dict__["_lines"] = [line for line, _, _ in self]
        return found


def file_comments(tokens, text: str, display: str) -> list:
    """(line, is the whole line, Comment) for each comment line of a parsed file, in order, from its
    NL_OR_COMMENT tokens."""
    lines = text.split("\n")
    out = FileComments()
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
    """The comments written inside lines first..last, and the whole-line comments right above `first_line`.
    `comments` is in line order (file_comments), so both are found by bisection: a file of thousands of
    resources and comments costs no more than its length."""
    lines = getattr(comments, "lines", None) or [line for line, _, _ in comments]
    start, end = bisect_left(lines, first_line), bisect_right(lines, last_line)
    inside = tuple(c for _, _, c in comments[start:end])
    above = []
    expected, i = first_line - 1, start - 1
    while i >= 0 and comments[i][0] == expected and comments[i][1]:
        above.append(comments[i][2])
        expected, i = expected - 1, i - 1
    return tuple(reversed(above)) + inside

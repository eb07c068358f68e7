"""One Terraform resource as both Terraform readers produce it (`hcl` from .tf files, `plan` from plan JSON), before
`mapping` turns it into the resource model the rules read.

The two readers agree on this shape so that one mapping serves both, and the same problem gives the same
finding on the same address whichever form was read.
"""

from __future__ import annotations

from mlcheck.util.record import FrozenRecord, Record


class Reference(FrozenRecord):
    """An expression naming another resource's attribute: `aws_iam_role.x.arn` is Reference("aws_iam_role.x", "arn").
    `attribute` is None for a bare `aws_iam_role.x`. Readers produce it where the value is known only after apply
    (or is written as a reference in HCL); the mapping turns it into the model's Ref/GetAtt."""

    __slots__ = _fields = ("address", "attribute")
    address: str
    attribute: str | None

    def __init__(self, address, attribute=None):
        object.__setattr__(self, "address", address)
        object.__setattr__(self, "attribute", attribute)


class Position(FrozenRecord):
    """Where a value is written: `file` is the display path of the .tf or plan file."""

    __slots__ = _fields = ("file", "line", "column", "end_line", "end_column")
    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __init__(self, file, line, column=1, end_line=None, end_column=None):
        object.__setattr__(self, "file", file)
        object.__setattr__(self, "line", line)
        object.__setattr__(self, "column", column)
        object.__setattr__(self, "end_line", line if end_line is None else end_line)
        object.__setattr__(self, "end_column", column if end_column is None else end_column)


class TerraformResource(Record):
    """A managed resource (`resource "TYPE" "NAME"` block, or a plan entry).

    - `address`: Terraform's address, e.g. `aws_sagemaker_model.main`, `module.ml.aws_s3_bucket.data`,
      `aws_subnet.private[0]` (count/for_each instances are separate resources when the reader can expand them).
    - `values`: the attributes as Terraform's own JSON shape (plan `values` / `after` shape): a block is a list of
      mappings (`vpc_config = [{"subnets": [...]}]`), an attribute a plain value. A value the reader cannot know is
      `mlcheck.model.values.Unknown(reason)`; a reference to another resource is a `Reference`.
    - `positions`: attribute path (tuple of keys and list indexes into `values`) -> Position. `()` is the block
      itself (the `resource` line, or the plan entry); a missing attribute is located at its block.
    - `comments`: the comment lines written in or right above the block, for inline suppressions
      (`# mlcheck:ignore ...`, `#checkov:skip=...`).
    """

    __slots__ = _fields = ("address", "type", "values", "positions", "comments")
    address: str
    type: str
    values: dict
    positions: dict
    comments: tuple

    def __init__(self, address, type, values, positions, comments=()):
        self.address = address
        self.type = type
        self.values = values
        self.positions = positions
        self.comments = tuple(comments)

    def position(self, path: tuple) -> Position:
        """The position of `path`, or of the nearest written parent (the block when nothing on the way is written)."""
        while path and path not in self.positions:
            path = path[:-1]
        return self.positions[path]

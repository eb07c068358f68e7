"""The practices guide: mlcheck's own account of the AWS ML practices its rules enforce.

It is written in docs/practices.md and installed inside the package as data/practices.md (tools/gen_docs.py
copies it and writes each section's "Enforced by" line). Each practice is a section headed `## <anchor>`; a
rule's `practice` is that anchor, and `--explain` shows the section's first paragraph, read from the installed
copy, so the guide is the one place the text lives.
"""

from __future__ import annotations

import re
from functools import lru_cache

from mlcheck import data
from mlcheck.util.regex import lazy

PATH = data.path("practices.md")
IN_PACKAGE = "mlcheck/data/practices.md"  # where the guide is in an installed mlcheck, on every machine
ANCHOR = lazy(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HEADING = lazy(r"^## (.*?)[ \t]*$", re.M)


def sections(text: str) -> list:
    """(heading, text below it) for every `## ` heading of a guide, in order."""
    headings = list(_HEADING.finditer(text))
    ends = [h.start() for h in headings[1:]] + [len(text)]
    return [(h.group(1), text[h.end():end].strip()) for h, end in zip(headings, ends)]


def first_paragraph(section: str) -> str:
    return section.split("\n\n", 1)[0].strip()


@lru_cache(maxsize=1)
def installed() -> dict:
    """anchor -> section text of the installed guide."""
    try:
        with open(PATH, encoding="utf-8") as handle:
            return dict(sections(handle.read()))
    except OSError:  # a broken install: --explain still names the section
        return {}


def summary(anchor: str, guide: dict | None = None) -> str:
    """The first paragraph of the practice's section ('' if there is none) in `guide` (anchor -> section text),
    by default the installed guide."""
    return first_paragraph((installed() if guide is None else guide).get(anchor, ""))

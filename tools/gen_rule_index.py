"""Write linter/data/rule_index.json: what selection and dispatch need to know of every rule, without importing it.

    python tools/gen_rule_index.py          # rewrite the index
    python tools/gen_rule_index.py --check  # exit 1 if it is out of date (tests run this)

A run imports only the rule modules whose resource types occur in the file being checked; the index says which
those are. Importing the whole rule pack costs more than linting a typical template.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

INDEX = Path(__file__).resolve().parent.parent / "linter" / "data" / "rule_index.json"


def build() -> str:
    from mlcheck.engine.registry import index_entry, load_all_rules

    entries = [index_entry(rule, module) for rule, module in load_all_rules()]
    return json.dumps(entries, indent=1) + "\n"


def main(argv: list) -> int:
    text = build()
    if "--check" in argv:
        current = INDEX.read_text(encoding="utf-8") if INDEX.exists() else ""
        if current != text:
            print(f"{INDEX} is out of date: run python tools/gen_rule_index.py")
            return 1
        return 0
    INDEX.write_text(text, encoding="utf-8")
    print(f"wrote {INDEX} ({text.count(chr(10) + ' {')} rules)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

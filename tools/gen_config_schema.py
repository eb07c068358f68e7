"""Write linter/data/config.schema.json: the JSON Schema of .mlcheck.yaml and [tool.mlcheck], generated from the
configuration model (mlcheck.engine.config_schema).

    python tools/gen_config_schema.py          # rewrite the schema
    python tools/gen_config_schema.py --check  # exit 1 if it is out of date (tests run this)

Regenerate after changing a configuration key, a rule's options or the version (the schema's $id names the
release tag).
"""

from __future__ import annotations

import sys
from pathlib import Path

SCHEMA = Path(__file__).resolve().parent.parent / "linter" / "data" / "config.schema.json"


def main(argv: list) -> int:
    from mlcheck.engine.config_schema import render

    text = render()
    if "--check" in argv:
        current = SCHEMA.read_text(encoding="utf-8") if SCHEMA.exists() else ""
        if current != text:
            print(f"{SCHEMA} is out of date: run python tools/gen_config_schema.py")
            return 1
        return 0
    SCHEMA.write_text(text, encoding="utf-8")
    print(f"wrote {SCHEMA}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

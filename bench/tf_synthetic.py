"""Synthetic Terraform inputs for bench/run.py: a stack's resources copied N times under renamed addresses.

Stdlib only, like run.py. Copy 0 is the stack as it is; copy i renames every resource `NAME` to `NAME_ci` and
every reference to it, so each copy is the same stack wired to itself. The stack's name (`TOKEN`, "fraud" in
examples/terraform/) becomes `fraud-ci` in the copy's values too: resources are also linked by name (a key
policy naming `role/fraud-model`, a scaling target's `endpoint/fraud-endpoint/...`), and copies sharing names
would be wired to each other's resources. In .tf, copy i has its own `locals` (keys renamed `KEY_ci`).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

TOKEN = "fraud"
_RESOURCE_LABELS = re.compile(r'^resource\s+"([A-Za-z0-9_]+)"\s+"([A-Za-z0-9_-]+)"', re.M)


def _renamer(addresses, suffix: str):
    """A function renaming each `type.name` of `addresses` to `type.name{suffix}` wherever it is referred to
    (`aws_kms_key.main.arn`, `[aws_s3_bucket_policy.trail]`), not inside a longer name (`aws_s3_bucket.data`
    is not renamed in `aws_s3_bucket.data_x` nor in `other_aws_s3_bucket.data`)."""
    if not addresses:
        return lambda text: text
    names = "|".join(re.escape(a) for a in sorted(addresses, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w.-])({names})(?![\w-])")
    return lambda text: pattern.sub(lambda m: m.group(1) + suffix, text)


def _top_level_blocks(text: str) -> list[str]:
    """The file cut into top-level blocks, each with the comments above it. The examples' layout is assumed:
    a block opens on a line starting in column 0 and closes on a line that is `}` alone."""
    blocks, current = [], []
    for line in text.splitlines(keepends=True):
        current.append(line)
        if line.rstrip() == "}":
            blocks.append("".join(current))
            current = []
    if "".join(current).strip():
        blocks.append("".join(current))
    return blocks


def resource_addresses_tf(text: str) -> list[str]:
    return [f"{t}.{n}" for t, n in _RESOURCE_LABELS.findall(text)]


def _is_locals(block: str) -> bool:
    return re.search(r"^locals\s*\{", block, re.M) is not None


def _tf_copy(blocks: list[str], addresses: list[str], suffix: str, token: str) -> str:
    """The resource and locals blocks of one file as copy `suffix`: addresses, local names and the stack's
    name renamed."""
    keys = {k for b in blocks if _is_locals(b) for k in re.findall(r"^\s+([A-Za-z_][\w-]*)\s*=", b, re.M)}
    rename = _renamer(addresses, suffix)
    out = []
    for block in blocks:
        if _is_locals(block):
            block = re.sub(r"^(\s+)([A-Za-z_][\w-]*)(\s*=)",
                           lambda m: m[1] + m[2] + (suffix if m[2] in keys else "") + m[3], block, flags=re.M)
        elif not _RESOURCE_LABELS.search(block):
            continue  # variables, outputs, providers, data sources: once, in copy 0 (the examples have none)
        block = re.sub(r"\blocal\.([A-Za-z_][\w-]*)",
                       lambda m: f"local.{m[1]}{suffix}" if m[1] in keys else m[0], block)
        block = _RESOURCE_LABELS.sub(lambda m: f'resource "{m[1]}" "{m[2]}{suffix}"', rename(block))
        out.append(_rename_token(block, token, suffix))
    return "".join(out)


def _rename_token(text: str, token: str, suffix: str) -> str:
    return re.sub(rf"\b{re.escape(token)}\b", token + suffix.replace("_", "-"), text)


def write_tf_copies(source_dir: Path, target_dir: Path, copies: int, token: str = TOKEN) -> list[Path]:
    """`copies` copies of the configuration in `source_dir` (its `.tf` files) in `target_dir`: copy 0 as it is,
    copy i in files `*_c{i}.tf` holding its locals and resources renamed. Returns the files written."""
    target_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(source_dir.glob("*.tf")):
        text = path.read_text(encoding="utf-8")
        first = target_dir / path.name
        first.write_text(text, encoding="utf-8")
        written.append(first)
        blocks, addresses = _top_level_blocks(text), resource_addresses_tf(text)
        for i in range(1, copies):
            out = target_dir / f"{path.stem}_c{i}.tf"
            out.write_text(_tf_copy(blocks, addresses, f"_c{i}", token), encoding="utf-8")
            written.append(out)
    return written


def _rename_strings(value, rename):
    """`value` with every string in it renamed (references, depends_on, addresses)."""
    if isinstance(value, str):
        return rename(value)
    if isinstance(value, list):
        return [_rename_strings(v, rename) for v in value]
    if isinstance(value, dict):
        return {k: _rename_strings(v, rename) for k, v in value.items()}
    return value


def _renamed_entry(entry: dict, rename, suffix: str, token: str) -> dict:
    """A copy of a plan entry: its address, the references in it and the stack's name in its values renamed."""
    entry = _rename_strings(entry, lambda text: _rename_token(rename(text), token, suffix))
    if "name" in entry:
        entry["name"] = entry["name"] + suffix
    return entry


def synthetic_plan(plan: dict, copies: int, token: str = TOKEN) -> dict:
    """`plan` with its root module's resources copied `copies` times (copy 0 as it is), consistently in
    `planned_values`, `resource_changes`, `configuration` and `relevant_attributes`. Child modules are left as
    they are (the examples have none)."""
    plan = copy.deepcopy(plan)
    root = plan.get("planned_values", {}).get("root_module", {})
    addresses = [r["address"] for r in root.get("resources", [])]
    config_root = plan.get("configuration", {}).get("root_module", {})
    originals = {
        "planned": list(root.get("resources", [])),
        "changes": [c for c in plan.get("resource_changes", []) if c.get("address") in addresses],
        "config": list(config_root.get("resources", [])),
        "relevant": [r for r in plan.get("relevant_attributes", []) if r.get("resource") in addresses],
    }
    for i in range(1, copies):
        suffix = f"_c{i}"
        rename = _renamer(addresses, suffix)
        root["resources"] += [_renamed_entry(e, rename, suffix, token) for e in originals["planned"]]
        if "resource_changes" in plan:
            plan["resource_changes"] += [_renamed_entry(e, rename, suffix, token) for e in originals["changes"]]
        if "resources" in config_root:
            config_root["resources"] += [_renamed_entry(e, rename, suffix, token) for e in originals["config"]]
        if "relevant_attributes" in plan:
            plan["relevant_attributes"] += [{**r, "resource": rename(r["resource"])} for r in originals["relevant"]]
    return plan


def write_synthetic_plan(source: Path, target: Path, copies: int) -> Path:
    plan = json.loads(source.read_text(encoding="utf-8"))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(synthetic_plan(plan, copies), indent=2), encoding="utf-8")
    return target


def plan_resource_count(path: Path) -> int:
    """Managed and data resources planned, in the root module and its children."""
    try:
        modules = [json.loads(path.read_text(encoding="utf-8"))["planned_values"]["root_module"]]
    except (ValueError, KeyError, TypeError):
        return 0
    count = 0
    while modules:
        module = modules.pop()
        count += len(module.get("resources", []))
        modules.extend(module.get("child_modules", []))
    return count


def tf_files(directory: Path) -> list[Path]:
    """The `.tf` files of one configuration (its own directory, as mlcheck and Terraform read it)."""
    return sorted(directory.glob("*.tf"))


def tf_resource_count(directory: Path) -> int:
    return sum(len(resource_addresses_tf(p.read_text(encoding="utf-8"))) for p in tf_files(directory))

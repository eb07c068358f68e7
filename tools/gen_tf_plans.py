"""Make the plan JSON of every Terraform fixture, offline, and write it beside the .tf files as `plan.json`.

    python tools/gen_tf_plans.py            # every fixture directory
    python tools/gen_tf_plans.py DIR...     # these
    python tools/gen_tf_plans.py --check    # regenerate in a temporary place and compare (exit 1 on a difference)

A Terraform fixture is a directory of .tf files: `fixtures/MLCxxx/<fail|pass>-*/` and `examples/terraform/*/`.
Each is copied to a temporary directory with a provider block that needs no AWS account (dummy keys, no
credential, account or metadata look-up, us-east-1), then `terraform init -plugin-dir=<mirror>` (the AWS
provider from the local filesystem mirror: `MLCHECK_TF_PLUGINS`, else /opt/tf-plugins), `terraform plan -out`
and `terraform show -json`. The plan is written indented (so each value has a line of its own), with a fixed
`timestamp`; `--check` compares plans without their volatile fields (`timestamp`, `terraform_version`), so a
newer terraform that plans the same is no difference. Tests read the committed plans: terraform is needed only
to make them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLAN = "plan.json"
PROVIDER = """\
# written by tools/gen_tf_plans.py: a provider that plans offline
provider "aws" {
  region                      = "us-east-1"
  access_key                  = "mlcheck-dummy-access-key"
  secret_key                  = "mlcheck-dummy-secret-key"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}
"""
VOLATILE = ("timestamp", "terraform_version")
FIXED_TIMESTAMP = "2026-01-01T00:00:00Z"  # peers (checkov) read a plan only with its top-level fields


def plugin_dir() -> str:
    return os.environ.get("MLCHECK_TF_PLUGINS", "/opt/tf-plugins")


def fixture_dirs() -> list[Path]:
    found = [p for p in sorted((ROOT / "fixtures").glob("MLC*/*")) if p.is_dir() and any(p.glob("*.tf"))]
    found += [p for p in sorted((ROOT / "examples" / "terraform").glob("*")) if p.is_dir() and any(p.glob("*.tf"))]
    return found


def normalise(plan: dict) -> dict:
    """The plan without what changes from one run (or terraform release) to the next."""
    return {key: value for key, value in plan.items() if key not in VOLATILE}


def render(plan: dict) -> str:
    if "timestamp" in plan:
        plan = {**plan, "timestamp": FIXED_TIMESTAMP}
    return json.dumps(plan, indent=2, sort_keys=True) + "\n"


def same_plan(committed: str, made: str) -> bool:
    return normalise(json.loads(committed)) == normalise(json.loads(made))


def make_plan(directory: Path, terraform: str = "terraform") -> dict:
    """The plan of one fixture directory, as `terraform show -json` gives it."""
    with tempfile.TemporaryDirectory(prefix="mlcheck-tf-") as work:
        for source in directory.glob("*.tf"):
            shutil.copy(source, work)
        Path(work, "_mlcheck_provider.tf").write_text(PROVIDER)
        env = {**os.environ, "TF_IN_AUTOMATION": "1", "TF_INPUT": "0", "CHECKPOINT_DISABLE": "1",
               "TF_CLI_CONFIG_FILE": os.devnull}
        run = lambda *args: subprocess.run([terraform, *args], cwd=work, env=env, check=True,  # noqa: E731
                                           capture_output=True, text=True)
        try:
            run("init", f"-plugin-dir={plugin_dir()}", "-input=false", "-no-color", "-backend=false")
            run("plan", "-refresh=false", "-input=false", "-lock=false", "-no-color", "-out=plan.out")
            shown = run("show", "-json", "plan.out")
        except subprocess.CalledProcessError as exc:
            raise SystemExit(f"{directory}: terraform {exc.cmd[1]} failed:\n{exc.stderr or exc.stdout}") from None
        return json.loads(shown.stdout)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    dirs = [Path(a).resolve() for a in argv if not a.startswith("--")] or fixture_dirs()
    stale = []
    for directory in dirs:
        text = render(make_plan(directory))
        target = directory / PLAN
        if check:
            if not target.exists() or not same_plan(target.read_text(), text):
                stale.append(str(target.relative_to(ROOT)))
        else:
            target.write_text(text)
            print(f"wrote {target.relative_to(ROOT)}")
    if stale:
        print("plans out of date (run tools/gen_tf_plans.py):\n  " + "\n  ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Integrations checked against the real consumers: pre-commit itself, and the action's metadata."""

import subprocess
import sys

import yaml

from conftest import ROOT


def test_pre_commit_try_repo(tmp_path):
    """The hook as pre-commit runs it: templates checked, other YAML/JSON skipped, exit 1 on findings; a .tf file
    checked with its directory's configuration (here one that does not parse: its line)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "stack.yaml").write_text((ROOT / "examples" / "ml-stack.yaml").read_text())
    (repo / "sagemaker.template").write_text((ROOT / "examples" / "ml-stack.yaml").read_text())
    (repo / "package.json").write_text('{"name": "x"}\n')
    (repo / "configmap.yaml").write_text("apiVersion: v1\nkind: ConfigMap\n")
    (repo / "notes.txt").write_text("not yaml\n")
    (repo / "infra").mkdir()
    (repo / "infra" / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = \n}\n')
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    env = {"PRE_COMMIT_HOME": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "mlcheck", "--all-files"],
                          cwd=repo, capture_output=True, text=True, env=env, timeout=900)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "stack.yaml:62:5: MLC401 [high]" in out
    assert "sagemaker.template:62:5: MLC401 [high]" in out  # the extensions `mlcheck .` walks, not identify's
    assert "package.json" not in out and "configmap.yaml" not in out and "Traceback" not in out
    assert "infra/main.tf:2:12: MLC001 [high] does not parse as HCL" in out


def test_pre_commit_hook_definition():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hooks == [{
        "id": "mlcheck", "name": "mlcheck", "entry": "mlcheck --quiet", "language": "python",
        "files": r"(?i)\.(ya?ml|json|template|tf)$", "types": ["file"], "require_serial": True,
        "description": hooks[0]["description"],
    }]
    import re

    from mlcheck.inputs.discovery import EXTENSIONS, TERRAFORM_EXTENSION

    for extension in EXTENSIONS + (TERRAFORM_EXTENSION,):  # the hook passes every file the directory walk would take
        assert re.search(hooks[0]["files"], f"infra/stack{extension}") and re.search(hooks[0]["files"],
                                                                                    f"STACK{extension.upper()}")


def test_action_inputs_and_steps():
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    assert {"paths", "fail-on", "config", "args", "sarif-file"} <= set(action["inputs"])
    script = "\n".join(step["run"] for step in action["runs"]["steps"])
    assert "--output-format github" in script and "sarif=" in script and "--config" in script
    # Inputs reach the shell through env, never by ${{ }} interpolation into the script (injection-safe).
    assert "${{" not in script


def _run_action_steps(tmp_path, workspace, inputs: dict):
    """The composite action's steps as the runner runs them: bash -eo pipefail, inputs through env, the
    GitHub variables set, and a PEP 668 Python first on PATH whose pip refuses to install outside a venv."""
    import os

    action = yaml.safe_load((ROOT / "action.yml").read_text())
    defaults = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    values = {**defaults, **inputs}
    system = tmp_path / "system-bin"
    system.mkdir()
    (system / "python3").write_text(
        "#!/bin/sh\n"
        f'if [ "$1 $2 $3" = "-m pip install" ]; then echo "error: externally-managed-environment" >&2; exit 1; fi\n'
        f'exec {sys.executable} "$@"\n')
    (system / "python3").chmod(0o755)
    github = {name: tmp_path / name.lower() for name in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY")}
    for path in github.values():
        path.write_text("")
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    env = {"PATH": f"{system}:/usr/bin:/bin", "HOME": str(tmp_path), "GITHUB_ACTIONS": "true",
           "GITHUB_ACTION_PATH": str(ROOT), "RUNNER_TEMP": str(runner_temp), "GITHUB_WORKSPACE": str(workspace),
           **{k: str(v) for k, v in github.items()}}
    if os.environ.get("PIP_INDEX_URL"):
        env["PIP_INDEX_URL"] = os.environ["PIP_INDEX_URL"]
    results = []
    for step in action["runs"]["steps"]:
        step_env = dict(env)
        for key, expression in (step.get("env") or {}).items():
            name = expression.replace("${{", "").replace("}}", "").strip().removeprefix("inputs.")
            step_env[key] = values[name]
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                              cwd=workspace, env=step_env, capture_output=True, text=True, timeout=900)
        results.append(proc)
        if proc.returncode != 0 and step is not action["runs"]["steps"][-1]:
            raise AssertionError(f"step {step['name']} failed: {proc.stdout}\n{proc.stderr}")
    outputs = dict(line.split("=", 1) for line in github["GITHUB_OUTPUT"].read_text().splitlines() if "=" in line)
    return results[-1], outputs, github["GITHUB_STEP_SUMMARY"].read_text()


def test_action_steps_as_the_runner_runs_them(tmp_path):
    """A venv install on a PEP 668 image; a quoted '**' glob expanded by mlcheck (all 12 files, not the 8 a
    shell without globstar would pass); an argument with a space; outputs; annotations; a summary."""
    workspace = tmp_path / "repo"
    stack = (ROOT / "examples" / "ml-stack.yaml").read_text()
    for i in range(12):
        folder = workspace / ("infra/" + "/".join(f"d{j}" for j in range(i % 3)))
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"stack{i}.yaml").write_text(stack)
    run, outputs, summary = _run_action_steps(tmp_path, workspace, {
        "paths": "'infra/**/*.yaml'", "args": "--select MLC401 --parameter 'Owner=ML platform'",
        "sarif-file": "results.sarif"})
    assert run.returncode == 1, run.stderr
    assert run.stdout.count("::error file=infra/") == 10  # GitHub's 10 per level; the rest in the summary
    assert "12 findings" in run.stdout and "in 12 files" in run.stdout
    assert outputs == {"findings": "12", "sarif-file": "results.sarif"}
    assert (workspace / "results.sarif").exists()
    assert summary.count("| infra/") == 12 and len(summary.encode()) < 1024 * 1024
    assert "Traceback" not in run.stdout + run.stderr

"""Integrations checked against the real consumers: pre-commit itself, and the action's metadata."""

import subprocess
import sys

import yaml

from conftest import ROOT


def test_pre_commit_try_repo(tmp_path):
    """The hook as pre-commit runs it: templates checked, other YAML/JSON skipped, exit 1 on findings."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "stack.yaml").write_text((ROOT / "examples" / "ml-stack.yaml").read_text())
    (repo / "sagemaker.template").write_text((ROOT / "examples" / "ml-stack.yaml").read_text())
    (repo / "package.json").write_text('{"name": "x"}\n')
    (repo / "configmap.yaml").write_text("apiVersion: v1\nkind: ConfigMap\n")
    (repo / "notes.txt").write_text("not yaml\n")
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


def test_pre_commit_hook_definition():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hooks == [{
        "id": "mlcheck", "name": "mlcheck", "entry": "mlcheck --quiet", "language": "python",
        "files": r"(?i)\.(ya?ml|json|template)$", "types": ["file"], "require_serial": True,
        "description": hooks[0]["description"],
    }]
    import re

    from mlcheck.discovery import EXTENSIONS

    for extension in EXTENSIONS:  # the hook passes every file the directory walk would take
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

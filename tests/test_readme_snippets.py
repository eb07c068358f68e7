"""The README's pre-commit and GitHub Actions snippets work as written (issue 10, item 5): they name the
project's home (`mlcheck.REPOSITORY`) at the release tag of this version, with the hook id and the action
inputs this repository defines; and the repository's own workflow runs its action (`uses: ./`) as written."""

import re
import shutil

import yaml

from conftest import ROOT
from test_integrations import _run_action_steps

import mlcheck

README = (ROOT / "README.md").read_text()
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
WORKFLOW = ROOT / ".github" / "workflows" / "mlcheck.yml"
TAG = f"v{mlcheck.__version__}"


def _yaml_blocks() -> list:
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", README, re.S)]


def _steps(workflow: dict) -> list:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def _github_slug() -> str:
    match = re.fullmatch(r"https://github\.com/([\w.-]+/[\w.-]+)", mlcheck.REPOSITORY)
    assert match, mlcheck.REPOSITORY
    return match.group(1)


def test_no_placeholder_is_left_in_the_readme():
    assert "OWNER" not in README


def test_the_pre_commit_snippet_names_this_repository_and_its_hook():
    [config] = [block for block in _yaml_blocks() if isinstance(block, dict) and "repos" in block]
    [repo] = config["repos"]
    assert repo["repo"] == mlcheck.REPOSITORY
    assert repo["rev"] == TAG
    assert {hook["id"] for hook in repo["hooks"]} <= {hook["id"] for hook in HOOKS}


def test_the_workflow_snippet_uses_this_repositorys_action_with_its_inputs():
    [workflow] = [block for block in _yaml_blocks() if isinstance(block, dict) and isinstance(block.get("jobs"), dict)]
    ours = [step for step in _steps(workflow) if step.get("uses", "").startswith(_github_slug() + "@")]
    assert [step["uses"] for step in ours] == [f"{_github_slug()}@{TAG}"]
    assert set(ours[0].get("with", {})) <= set(ACTION["inputs"])
    # what the snippet feeds onward is an output the action declares
    upload = next(step for step in _steps(workflow) if "upload-sarif" in step.get("uses", ""))
    assert upload["with"]["sarif_file"] == ours[0]["with"]["sarif-file"] and "sarif-file" in ACTION["outputs"]


def test_the_readme_lists_every_action_input_and_output():
    section = README.split("## In pre-commit and GitHub Actions", 1)[1].split("\n## ", 1)[0]
    inputs = section.split("Inputs:", 1)[1].split("Outputs:", 1)[0]
    outputs = section.split("Outputs:", 1)[1]
    assert all(f"`{name}`" in inputs for name in ACTION["inputs"])
    assert all(f"`{name}`" in outputs for name in ACTION["outputs"])


def test_the_repository_workflow_uses_its_own_action_with_declared_inputs():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    local = [step for step in _steps(workflow) if step.get("uses") == "./"]
    assert len(local) == 1
    assert set(local[0].get("with", {})) <= set(ACTION["inputs"])
    for step in _steps(workflow):  # other actions are pinned
        assert step.get("uses", "./") == "./" or re.fullmatch(r"[\w.-]+/[\w./-]+@v\d+", step["uses"])
    steps_reading_outputs = re.findall(r"steps\.mlcheck\.outputs\.([\w-]+)", WORKFLOW.read_text())
    assert steps_reading_outputs and set(steps_reading_outputs) <= set(ACTION["outputs"])
    for path in local[0]["with"]["paths"].split():
        assert (ROOT / path).exists(), path


def test_the_repository_workflow_step_runs_as_written(tmp_path):
    """The `uses: ./` step, run as the runner runs the action, on a copy of the paths it names: the secure
    demo stack gives no finding, so the job passes, with the outputs the next steps read."""
    workflow = yaml.safe_load(WORKFLOW.read_text())
    [step] = [step for step in _steps(workflow) if step.get("uses") == "./"]
    inputs = {name: str(value) for name, value in step["with"].items()}
    workspace = tmp_path / "checkout"
    for path in inputs["paths"].split():
        (workspace / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / path, workspace / path)
    run, outputs, summary = _run_action_steps(tmp_path, workspace, inputs)
    assert run.returncode == 0, run.stdout + run.stderr
    assert outputs == {"findings": "0", "sarif-file": inputs["sarif-file"]}
    assert (workspace / inputs["sarif-file"]).exists()
    assert "0 findings in 1 file checked" in run.stdout

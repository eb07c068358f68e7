from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"  # the product's shared folder: optional, never needed for the tests to pass
DATA = ROOT / "tests" / "data"
SARIF_SCHEMA = DATA / "sarif-schema-2.1.0.json"
GITLAB_SCHEMA = DATA / "gitlab-code-quality.schema.json"
VENDORED_CORPUS = ROOT / "tests" / "corpus"  # SageMaker stacks, MIT-0, see tests/corpus/INDEX.md


@pytest.fixture
def run_cli(tmp_path, monkeypatch):
    """Run the installed `mlcheck` entry point in-process; returns (exit code, stdout, stderr)."""
    from click.testing import CliRunner

    from mlcheck.cli import cli

    def run(*args, input=None, cwd=None, env=None):
        runner = CliRunner()
        if cwd:
            monkeypatch.chdir(cwd)
        result = runner.invoke(cli, list(map(str, args)), input=input, env=env or {}, catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return run

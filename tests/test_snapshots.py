"""Whole-template snapshots: what users see on real ML stacks (tests/corpus, vendored), reviewed in the change.

Regenerate after an intended change with `MLCHECK_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_snapshots.py`
and read the diff before committing it.
"""

import os

import pytest

from conftest import ROOT, VENDORED_CORPUS

CORPUS = VENDORED_CORPUS
TEMPLATES = [
    "amazon-sagemaker-safe-deployment-pipeline/pipeline.yml",
    "amazon-sagemaker-secure-mlops/cfn_templates/env-sagemaker-studio.yaml",
    "amazon-sagemaker-studio-secure-data-science-workshop/cloudformation/ds_environment.yaml",
    "sagemaker-101-workshop/.simple.cf.yaml",
]
SNAPSHOTS = ROOT / "tests" / "snapshots"


def snapshot_name(relative):
    return relative.replace("/", "__") + ".txt"


@pytest.mark.parametrize("relative", TEMPLATES)
def test_concise_output_on_corpus_template(run_cli, relative):
    path = CORPUS / relative
    assert path.is_file(), f"corpus template missing: {relative}"
    code, out, err = run_cli(relative, "--select", "ALL", cwd=CORPUS)
    assert "Traceback" not in out + err
    text = f"$ mlcheck --select ALL {relative}\nexit {code}\n{out}"
    snapshot = SNAPSHOTS / snapshot_name(relative)
    if os.environ.get("MLCHECK_UPDATE_SNAPSHOTS"):
        snapshot.write_text(text)
    assert snapshot.is_file(), f"no snapshot for {relative}: run with MLCHECK_UPDATE_SNAPSHOTS=1"
    assert text == snapshot.read_text()

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


# Concise output fits a line (issue 10, item 8). Before: on this corpus the message part of a line averaged 262
# characters and reached 2,365 (every action of a statement listed), and each line repeated the resource its
# message had just quoted. The particulars are in `full` and the machine formats (Finding.detail).
MAX_MESSAGE, MAX_AVERAGE_MESSAGE = 300, 140
LINE = __import__("re").compile(r"^(?P<where>\S.*?:\d+:\d+:) (?P<rule>MLC\d{3}) \[(?P<severity>\w+)\] (?P<message>.+)$")


def test_concise_lines_on_the_corpus_are_short_and_name_the_resource_once(run_cli):
    _, out, _ = run_cli(".", "--select", "ALL", cwd=CORPUS)
    lines = out.splitlines()[:-1]
    assert len(lines) > 100
    messages = []
    for line in lines:
        match = LINE.match(line)
        assert match, line
        message = match["message"]
        resource = message.rsplit(" (Resource: ", 1)[1][:-1] if message.endswith(")") and " (Resource: " in message \
            else None
        if resource is not None:
            message = message.rsplit(" (Resource: ", 1)[0]
            assert f"'{resource}'" not in message, line  # named once
        assert len(message) <= MAX_MESSAGE, line
        messages.append(message)
    assert sum(map(len, messages)) / len(messages) <= MAX_AVERAGE_MESSAGE

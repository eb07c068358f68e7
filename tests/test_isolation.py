"""One bad input never costs the others: a file whose check raises, or whose worker process dies, is an error
for that file (exit 2) and every other file is still reported, serially and in parallel."""

import os
import signal
import textwrap

import pytest

from mlcheck.engine import pool, runner
from mlcheck.inputs import cloudformation

# A template with one MLC403 finding (root access), used for the files that must still be reported.
GOOD = textwrap.dedent("""\
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      Notebook:
        Type: AWS::SageMaker::NotebookInstance
        Properties:
          InstanceType: ml.t3.medium
          RoleArn: arn:aws:iam::123456789012:role/r
          KmsKeyId: alias/notebooks
          SubnetId: subnet-0123456789abcdef0
          DirectInternetAccess: Disabled
          InstanceMetadataServiceConfiguration: {MinimumInstanceMetadataServiceVersion: "2"}
          RootAccess: Enabled
    """)

# A Pipelines definition whose step Type is a mapping: it used to raise TypeError (unhashable) for the run.
PIPELINE_TYPE_MAPPING = textwrap.dedent("""\
    {"Version": "2020-12-01",
     "Steps": [{"Name": "Train", "Type": {"Fn::Sub": "Training"}, "Arguments": {}}]}
    """)

MODES = {"serial": ["--jobs", "1"], "parallel": ["--jobs", "2"]}


@pytest.fixture(autouse=True)
def time_limit():
    """Each test is bounded in time: a hang is a failure, not a stuck suite."""
    def expire(_signum, _frame):
        raise TimeoutError("test took longer than 60 s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _files(tmp_path, count=9, bad=(), bad_text=GOOD):
    """`count` good templates plus the named bad ones (enough files for the parallel runner)."""
    paths = []
    for i in range(count):
        path = tmp_path / f"good{i}.yaml"
        path.write_text(GOOD)
        paths.append(path)
    for name in bad:
        path = tmp_path / name
        path.write_text(bad_text)
        paths.append(path)
    return paths


def _raise_on(name, exc):
    original = cloudformation.build

    def build(display, document):
        if os.path.basename(display) == name:
            raise exc
        return original(display, document)

    return build


def _assert_others_reported(out, count=9):
    for i in range(count):
        assert f"good{i}.yaml:12:7: MLC403" in out, out
    assert "Traceback" not in out


@pytest.mark.parametrize("mode", MODES)
def test_a_raising_check_is_an_error_for_its_file_only(tmp_path, run_cli, monkeypatch, mode):
    paths = _files(tmp_path, bad=["broken.yaml"])
    monkeypatch.setattr(cloudformation, "build", _raise_on("broken.yaml", RuntimeError("boom")))
    code, out, err = run_cli(*paths, *MODES[mode], "--select", "MLC403")
    assert code == 2
    assert "broken.yaml:1:1: MLC001 [error] internal error: RuntimeError: boom" in out + err
    _assert_others_reported(out)


@pytest.mark.parametrize("mode", MODES)
def test_recursion_and_memory_errors_are_isolated_too(tmp_path, run_cli, monkeypatch, mode):
    paths = _files(tmp_path, bad=["deep.yaml"])
    monkeypatch.setattr(cloudformation, "build", _raise_on("deep.yaml", RecursionError("too deep")))
    code, out, err = run_cli(*paths, *MODES[mode], "--select", "MLC403")
    assert code == 2
    assert "deep.yaml:1:1: MLC001 [error] internal error: RecursionError" in out + err
    _assert_others_reported(out)


@pytest.mark.parametrize("mode", MODES)
def test_pipeline_step_type_mapping_is_an_invalid_template(tmp_path, run_cli, mode):
    paths = _files(tmp_path, bad=["pipeline.json"], bad_text=PIPELINE_TYPE_MAPPING)
    code, out, err = run_cli(*paths, *MODES[mode], "--select", "MLC403")
    assert code == 2
    assert "pipeline.json:2:" in out + err and "step 'Train' has a Type that is not a string" in out + err
    assert "internal error" not in out + err
    _assert_others_reported(out)


def test_a_worker_killed_by_sigkill_costs_only_its_file(tmp_path, run_cli, monkeypatch):
    paths = _files(tmp_path, count=12, bad=["oom.yaml"])
    original = runner.check_file

    def check(candidate, settings, stdin_bytes=None):
        if candidate.path.endswith("oom.yaml"):
            os.kill(os.getpid(), signal.SIGKILL)  # what the OOM killer does
        return original(candidate, settings, stdin_bytes)

    monkeypatch.setattr(runner, "check_file", check)
    code, out, err = run_cli(*paths, "--jobs", "2", "--select", "MLC403")
    assert code == 2
    assert "oom.yaml:1:1: MLC001 [error] the worker process checking it was killed by SIGKILL" in out + err
    _assert_others_reported(out, count=12)
    assert out.count("[error]") == 1


def test_several_dead_workers_each_name_their_file(tmp_path, run_cli, monkeypatch):
    paths = _files(tmp_path, count=10, bad=["die1.yaml", "die2.yaml", "exit3.yaml"])
    original = runner.check_file

    def check(candidate, settings, stdin_bytes=None):
        name = os.path.basename(candidate.path)
        if name.startswith("die"):
            os.kill(os.getpid(), signal.SIGKILL)
        if name == "exit3.yaml":
            os._exit(3)
        return original(candidate, settings, stdin_bytes)

    monkeypatch.setattr(runner, "check_file", check)
    code, out, err = run_cli(*paths, "--jobs", "3", "--select", "MLC403")
    assert code == 2
    text = out + err
    assert "die1.yaml:1:1: MLC001 [error] the worker process checking it was killed by SIGKILL" in text
    assert "die2.yaml:1:1: MLC001 [error] the worker process checking it was killed by SIGKILL" in text
    assert "exit3.yaml:1:1: MLC001 [error] the worker process checking it exited unexpectedly (exit code 3)" in text
    _assert_others_reported(out, count=10)


def test_jobs_2000_in_the_configuration_is_capped(tmp_path, run_cli, monkeypatch):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".mlcheck.yaml").write_text("jobs: 2000\n")
    paths = _files(repo, count=40)
    import multiprocessing.context

    started = []
    original = multiprocessing.context.ForkProcess.start

    def start(self):
        started.append(self)
        return original(self)

    monkeypatch.setattr(multiprocessing.context.ForkProcess, "start", start)
    code, out, _ = run_cli(*paths, "--select", "MLC403", cwd=repo)
    assert code == 1
    _assert_others_reported(out, count=40)
    assert 1 <= len(started) <= 2 * pool._cores()


def test_worker_count_is_bounded_by_cores_and_files(monkeypatch):
    monkeypatch.setattr(pool, "_cores", lambda: 4)
    assert pool.max_workers(2000, 500) == 8
    assert pool.max_workers(2000, 3) == 3
    assert pool.max_workers(0, 100) == 4
    assert pool.max_workers(2, 100) == 2
    assert pool.max_workers(0, 0) == 1


def test_pool_results_come_back_in_order_and_a_raising_item_is_lost_alone():
    def square(n):
        if n == 5:
            raise ValueError("five")
        return n * n

    results = pool.map_isolated(square, list(range(30)), 3, lambda item, reason: (item, reason))
    assert results[5] == (5, "internal error: ValueError: five")
    assert [r for i, r in enumerate(results) if i != 5] == [n * n for n in range(30) if n != 5]


def test_serial_keyboard_interrupt_is_not_taken_for_a_file_error(tmp_path, monkeypatch):
    paths = _files(tmp_path, count=1)

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "check_file", interrupted)
    from mlcheck.inputs.discovery import Candidate

    with pytest.raises(KeyboardInterrupt):
        runner.run([Candidate(str(paths[0]), True)], runner.Settings(rule_ids=("MLC403",), jobs=1))

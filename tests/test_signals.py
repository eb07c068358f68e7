"""Interruptions and crashes never exit 1 and never leave a worker behind: Ctrl-C exits 130, SIGTERM 143, an
uncaught exception is an internal error (exit 2) without a traceback unless MLCHECK_DEBUG is set."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from mlcheck import cli

TEMPLATE = textwrap.dedent("""\
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      Notebook:
        Type: AWS::SageMaker::NotebookInstance
        Properties:
          InstanceType: ml.t3.medium
          RoleArn: arn:aws:iam::123456789012:role/r
          RootAccess: Enabled
    """)

# mlcheck with a check made slow, so that the run is still going when the test signals it.
SLOW_MLCHECK = textwrap.dedent("""\
    import sys, time
    from mlcheck.engine import runner

    original = runner.check_file

    def slow(candidate, settings, stdin_bytes=None):
        time.sleep(0.3)
        return original(candidate, settings, stdin_bytes)

    runner.check_file = slow
    from mlcheck.cli import main

    main()
    """)


def _templates(tmp_path, count=60):
    paths = []
    for i in range(count):
        path = tmp_path / f"t{i}.yaml"
        path.write_text(TEMPLATE)
        paths.append(str(path))
    return paths


def _children(pid) -> set:
    """Process ids whose parent is `pid` (from /proc: no psutil)."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] not in "ZX":
            found.add(int(entry))
    return found


def _alive(pid) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            state = handle.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in "ZX"  # a zombie has ended; only its exit status is left


def _wait_for(predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def _start_slow_run(tmp_path, *args, **popen):
    script = tmp_path / "slow_mlcheck.py"
    script.write_text(SLOW_MLCHECK)
    paths = _templates(tmp_path)
    proc = subprocess.Popen([sys.executable, str(script), *paths, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **popen)
    return proc


pytestmark = pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads child processes from /proc")


@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_to_a_parallel_run_ends_every_worker(tmp_path, signum, code):
    proc = _start_slow_run(tmp_path, "--jobs", "2")
    try:
        assert _wait_for(lambda: len(_children(proc.pid)) == 2, 30), "workers did not start"
        workers = _children(proc.pid)
        time.sleep(0.5)  # mid-run
        os.kill(proc.pid, signum)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == code, err
    assert "Traceback" not in err and "mlcheck: interrupted" in err
    assert _wait_for(lambda: not any(_alive(pid) for pid in workers), 5), "a worker outlived the run"


def test_ctrl_c_in_a_terminal_reaches_every_process_and_exits_130(tmp_path):
    proc = _start_slow_run(tmp_path, "--jobs", "2", start_new_session=True)
    try:
        assert _wait_for(lambda: len(_children(proc.pid)) == 2, 30), "workers did not start"
        workers = _children(proc.pid)
        time.sleep(0.5)
        os.killpg(proc.pid, signal.SIGINT)  # a terminal signals the whole foreground process group
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert _wait_for(lambda: not any(_alive(pid) for pid in workers), 5)


def test_sigterm_to_a_serial_run_exits_143(tmp_path):
    proc = _start_slow_run(tmp_path, "--jobs", "1")
    try:
        time.sleep(1.5)
        os.kill(proc.pid, signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 143, err
    assert "Traceback" not in err


def test_workers_die_with_a_parent_killed_outright(tmp_path):
    proc = _start_slow_run(tmp_path, "--jobs", "2")
    try:
        assert _wait_for(lambda: len(_children(proc.pid)) == 2, 30), "workers did not start"
        workers = _children(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)  # no cleanup can run in the parent
        proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert _wait_for(lambda: not any(_alive(pid) for pid in workers), 10), "orphaned workers kept running"


def _main(monkeypatch, *args):
    monkeypatch.setattr(sys, "argv", ["mlcheck", *map(str, args)])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    return exited.value.code


def test_an_uncaught_exception_is_an_internal_error_without_traceback(tmp_path, monkeypatch, capsys):
    path = _templates(tmp_path, count=1)[0]

    def broken(*_args):
        raise RuntimeError("the runner broke")

    monkeypatch.setattr("mlcheck.engine.runner.run", broken)
    monkeypatch.delenv("MLCHECK_DEBUG", raising=False)
    assert _main(monkeypatch, path) == 2
    err = capsys.readouterr().err
    assert "mlcheck: internal error: RuntimeError: the runner broke" in err
    assert "Traceback" not in err

    monkeypatch.setenv("MLCHECK_DEBUG", "1")
    assert _main(monkeypatch, path) == 2
    assert "Traceback" in capsys.readouterr().err


def test_keyboard_interrupt_in_process_exits_130(tmp_path, monkeypatch, capsys):
    path = _templates(tmp_path, count=1)[0]

    def interrupted(*_args):
        raise KeyboardInterrupt

    monkeypatch.setattr("mlcheck.engine.runner.run", interrupted)
    assert _main(monkeypatch, path) == 130
    assert "Traceback" not in capsys.readouterr().err


def test_main_keeps_exit_codes_of_normal_runs(tmp_path, monkeypatch, capsys):
    path = _templates(tmp_path, count=1)[0]
    assert _main(monkeypatch, path, "--select", "MLC403") == 1
    assert _main(monkeypatch, path, "--select", "MLC999") == 2  # a usage error
    assert "Error:" in capsys.readouterr().err
    assert _main(monkeypatch, "--version") == 0
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # main restores what it changed

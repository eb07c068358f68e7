"""What mlcheck writes: report files (`--output-file`), baselines (`--write-baseline`) and stdout.

A path that is not a regular file (a named pipe nobody reads, a device, a directory, a link to one) is a usage
error naming it, found before any template is linted, instead of a hang; a link to a regular file is followed;
a file is replaced whole or not at all. A reader that stops early (`mlcheck . | head -1`) costs neither a
traceback nor the run's other outputs, and the exit code stays the one the findings decide. Every run is the
real command in a subprocess with a timeout, so a hang fails the test instead of stopping the suite."""

import json
import os
import stat
import subprocess
import sys

import pytest

from mlcheck.util import safe_write
from test_cli import NOTEBOOK_DEFAULTS, write
from test_hostile_fs import EXE, mlcheck

TIMEOUT = 30  # seconds; before the fix a pipe without a reader blocked the write forever

# the option, and its argument for a given path
WRITERS = {"--output-file": lambda path: f"json={path}", "--write-baseline": str}


def _fifo(tmp_path):
    os.mkfifo(tmp_path / "target")
    return "target", "a named pipe (FIFO)"


def _directory(tmp_path):
    (tmp_path / "target").mkdir()
    return "target", "a directory"


def _device(tmp_path):
    return "/dev/null", "a character device"


def _link_to_fifo(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    os.symlink("pipe", tmp_path / "target")
    return "target", "a symbolic link to a named pipe (FIFO)"


def _link_to_device(tmp_path):
    os.symlink("/dev/null", tmp_path / "target")
    return "target", "a symbolic link to a character device"


def _link_to_directory(tmp_path):
    (tmp_path / "dir").mkdir()
    os.symlink("dir", tmp_path / "target")
    return "target", "a symbolic link to a directory"


def _dangling_link(tmp_path):
    os.symlink("nowhere/at/all", tmp_path / "target")
    return "target", "a symbolic link to nothing (dangling)"


TARGETS = [_fifo, _directory, _device, _link_to_fifo, _link_to_device, _link_to_directory, _dangling_link]


@pytest.mark.parametrize("make_target", TARGETS, ids=lambda f: f.__name__.strip("_"))
@pytest.mark.parametrize("option", sorted(WRITERS))
def test_a_target_that_is_not_a_regular_file_is_a_usage_error_not_a_hang(tmp_path, option, make_target):
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    target, kind = make_target(tmp_path)
    code, out, err = mlcheck(option, WRITERS[option](target), "stack.yaml", cwd=tmp_path, timeout=TIMEOUT)
    assert code == 2 and out == ""  # a usage error, before anything is linted
    assert f"cannot write {target}: " in err and kind in err and option in err
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]


@pytest.mark.parametrize("option", sorted(WRITERS))
def test_a_symbolic_link_to_a_regular_file_is_followed_and_stays_a_link(tmp_path, option):
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    (tmp_path / "reports").mkdir()
    real = tmp_path / "reports" / "real.json"
    real.write_text("old")
    os.chmod(real, 0o640)
    os.symlink("reports/real.json", tmp_path / "link.json")
    code, out, err = mlcheck(option, WRITERS[option]("link.json"), "stack.yaml", cwd=tmp_path, timeout=TIMEOUT)
    assert code == (0 if option == "--write-baseline" else 1), err
    assert os.path.islink(tmp_path / "link.json")
    report = json.loads(real.read_text())
    assert any(f["rule"] == "MLC401" for f in report["findings"])
    assert stat.S_IMODE(os.stat(real).st_mode) == 0o640  # the file keeps its permissions
    assert os.listdir(tmp_path / "reports") == ["real.json"]


def test_a_new_report_file_is_created_with_the_usual_permissions(tmp_path):
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    code, _, err = mlcheck("--output-file", "json=out.json", "stack.yaml", cwd=tmp_path, timeout=TIMEOUT,
                           preexec_fn=lambda: os.umask(0o022))
    assert code == 1, err
    assert stat.S_IMODE(os.stat(tmp_path / "out.json").st_mode) == 0o644  # 0666 less the umask, as open() gives
    assert json.loads((tmp_path / "out.json").read_text())["findings"]


def test_a_missing_folder_is_a_usage_error_before_linting(tmp_path):
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    code, out, err = mlcheck("--output-file", "sarif=no/such/out.sarif", "stack.yaml", cwd=tmp_path, timeout=TIMEOUT)
    assert code == 2 and out == "" and "cannot write no/such/out.sarif: the folder it goes in does not exist" in err


def test_a_path_ending_in_a_slash_is_refused(tmp_path):
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    code, out, err = mlcheck("--output-file", "sarif=new/", "stack.yaml", cwd=tmp_path, timeout=TIMEOUT)
    assert code == 2 and out == "" and "cannot write new/: is a directory name" in err


# -- replaced whole or not at all ------------------------------------------------------------------------------

def test_a_failed_write_leaves_the_previous_file_whole_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "report.json"
    target.write_text('{"previous": "report"}')

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(safe_write.os, "fsync", full_disk)
    with pytest.raises(safe_write.OutputError, match="No space left on device"):
        safe_write.write_text(str(target), '{"new": "report"}' * 1000)
    assert target.read_text() == '{"previous": "report"}'
    assert os.listdir(tmp_path) == ["report.json"]


def test_a_pipe_swapped_in_after_the_check_is_replaced_not_opened(tmp_path, monkeypatch):
    target = tmp_path / "report.json"
    real_check = safe_write.check_target

    def check_then_swap(path):
        checked = real_check(path)
        os.mkfifo(target)  # a reader-less pipe appears between the check and the write
        return checked

    monkeypatch.setattr(safe_write, "check_target", check_then_swap)
    safe_write.write_text(str(target), "whole")  # would block forever if the pipe were opened
    assert target.read_text() == "whole" and stat.S_ISREG(os.lstat(target).st_mode)


def test_a_directory_that_refuses_new_files_rewrites_the_writable_file_in_place(tmp_path, monkeypatch):
    target = tmp_path / "report.json"
    target.write_text("a much longer previous report")

    def no_new_files(**kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(safe_write.tempfile, "mkstemp", no_new_files)
    safe_write.write_text(str(target), "new")
    assert target.read_text() == "new"


# -- stdout closed early -------------------------------------------------------------------------------------

def _many_findings(tmp_path, count=300):
    """A template whose concise report is far larger than a pipe's buffer (64 KiB), so that writing it to a
    reader that has gone away is certain to fail."""
    resources = {f"Notebook{i}": {"Type": "AWS::SageMaker::NotebookInstance",
                                  "Properties": {"InstanceType": "ml.t3.medium"}} for i in range(count)}
    (tmp_path / "big.json").write_text(json.dumps({"AWSTemplateFormatVersion": "2010-09-09",
                                                   "Resources": resources}))


def _stdout_closed_early(*args, cwd, lines: int):
    """`mlcheck ARGS | head -LINES` with a real pipe: LINES lines are read, then the read end is closed
    (`| head -0`, `| true`: closed before mlcheck writes anything)."""
    proc = subprocess.Popen([EXE, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        first = b"".join(proc.stdout.readline() for _ in range(lines))
        proc.stdout.close()
        err = proc.stderr.read()
        code = proc.wait(timeout=TIMEOUT)
    finally:
        proc.kill()
    return code, first.decode(), err.decode()


@pytest.mark.parametrize("lines", [0, 1])
@pytest.mark.parametrize("fail_on, expected", [("low", 1), ("critical", 0)])
def test_a_reader_that_stops_early_leaves_the_exit_code_and_the_other_outputs_alone(tmp_path, fail_on, expected,
                                                                                    lines):
    _many_findings(tmp_path)
    code, first, err = _stdout_closed_early("--fail-on", fail_on, "--output-file", "json=all.json",
                                            "--write-baseline", "baseline.json", "big.json", cwd=tmp_path,
                                            lines=lines)
    assert first.count("MLC") == lines
    assert err == ""  # no traceback, no "internal error", no "Exception ignored" at exit
    assert code == 0  # writing a baseline exits 0, whatever the findings
    report = json.loads((tmp_path / "all.json").read_text())
    assert len(report["findings"]) >= 300  # the report file is whole although stdout was cut
    assert len(json.loads((tmp_path / "baseline.json").read_text())["findings"]) >= 300
    code, first, err = _stdout_closed_early("--fail-on", fail_on, "--output-file", "sarif=all.sarif",
                                            "big.json", cwd=tmp_path, lines=lines)
    assert err == "" and code == expected  # the findings decide, as if the whole report had been read
    assert len(json.loads((tmp_path / "all.sarif").read_text())["runs"][0]["results"]) >= 300


def test_a_reader_that_stops_early_on_stderr_costs_nothing_either(tmp_path):
    _many_findings(tmp_path)
    for i in range(300):  # a skipped-file line each on stderr, more than a pipe holds
        write(tmp_path, f"notes/not-a-template-with-a-long-name-{i:04d}-{'x' * 200}.yaml", "a: 1\n")
    proc = subprocess.Popen([EXE, "-v", "--output-file", "json=all.json", "."], cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert proc.stderr.readline().startswith(b"skipped ")
        proc.stderr.close()
        code = proc.wait(timeout=TIMEOUT)
    finally:
        proc.kill()
    assert code == 1
    assert len(json.loads((tmp_path / "all.json").read_text())["findings"]) >= 300



def test_a_job_summary_that_is_a_fifo_is_refused_not_waited_on(tmp_path):
    # $GITHUB_STEP_SUMMARY is appended to; a FIFO there with no reader blocked the run forever
    template = tmp_path / "t.yaml"
    template.write_text("Resources:\n  N:\n    Type: AWS::SageMaker::NotebookInstance\n"
                        "    Properties:\n      InstanceType: ml.t3.medium\n      RoleArn: arn:aws:iam::1:role/r\n")
    fifo = tmp_path / "summary"
    os.mkfifo(fifo)
    env = dict(os.environ, GITHUB_STEP_SUMMARY=str(fifo))
    done = subprocess.run([sys.executable, "-m", "mlcheck", "-f", "github", str(template)], capture_output=True,
                          text=True, timeout=30, env=env)
    assert done.returncode == 1
    assert "could not write the job summary" in done.stdout and "FIFO" in done.stdout
    assert "MLC401" in done.stdout


def test_a_job_summary_is_appended_to(tmp_path):
    template = tmp_path / "t.yaml"
    template.write_text("Resources:\n  N:\n    Type: AWS::SageMaker::NotebookInstance\n"
                        "    Properties:\n      InstanceType: ml.t3.medium\n      RoleArn: arn:aws:iam::1:role/r\n")
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    env = dict(os.environ, GITHUB_STEP_SUMMARY=str(summary))
    subprocess.run([sys.executable, "-m", "mlcheck", "-f", "github", str(template)], capture_output=True,
                   text=True, timeout=30, env=env)
    text = summary.read_text()
    assert text.startswith("earlier step\n") and "MLC401" in text

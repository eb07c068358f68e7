"""A hostile file system: pipes, devices, link loops, unlistable or too-deep directories, a deleted working
directory, a repository whose git configuration runs commands. Each run ends in bounded time, exits 0/1/2
without a traceback, and still reports the good files beside the bad input."""

import glob
import os
import signal
import subprocess
import sys

import pytest

from test_cli import NOTEBOOK_DEFAULTS, write

EXE = os.path.join(os.path.dirname(sys.executable), "mlcheck")
GOOD_FINDING = "stack.yaml:11:5: MLC401"  # NOTEBOOK_DEFAULTS written as stack.yaml


def mlcheck(*args, cwd, timeout=60, **kwargs):
    """The real command in a subprocess, so that a hang fails the test instead of stopping the suite."""
    proc = subprocess.run([EXE, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          **kwargs)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    return proc.returncode, proc.stdout, proc.stderr


def finding_lines(out, needle=GOOD_FINDING):
    return [line for line in out.splitlines() if needle in line]


@pytest.fixture
def deadline():
    """Bound an in-process run: the alarm interrupts a blocking open() or an endless walk."""
    def expire(signum, frame):
        raise TimeoutError("mlcheck did not finish within 30 s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, 30)
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


# -- files that are not regular files ------------------------------------------------------------------------

def test_fifo_named_on_the_command_line_is_a_file_error_not_a_hang(tmp_path, run_cli, deadline):
    os.mkfifo(tmp_path / "pipe.yaml")
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    code, out, _ = run_cli("pipe.yaml", "stack.yaml", cwd=tmp_path)
    assert code == 2
    assert "pipe.yaml:1:1:" in out and "not a regular file but a named pipe (FIFO)" in out
    assert len(finding_lines(out)) == 1


def test_fifo_found_in_a_walked_directory_is_a_file_error_not_a_hang(tmp_path, run_cli, deadline):
    write(tmp_path, "infra/stack.yaml", NOTEBOOK_DEFAULTS)
    os.mkfifo(tmp_path / "infra" / "pipe.json")
    code, out, _ = run_cli("infra", cwd=tmp_path)
    assert code == 2
    assert "infra/pipe.json:1:1:" in out and "named pipe" in out
    assert len(finding_lines(out, "infra/" + GOOD_FINDING)) == 1


def test_a_link_to_a_device_in_a_walked_directory_is_not_read(tmp_path):
    write(tmp_path, "infra/stack.yaml", NOTEBOOK_DEFAULTS)
    os.symlink("/dev/zero", tmp_path / "infra" / "zero.yaml")
    code, out, _ = mlcheck("infra", cwd=tmp_path)
    assert code == 2 and "infra/zero.yaml:1:1:" in out and "character device" in out
    assert len(finding_lines(out)) == 1


def test_dev_zero_named_as_a_path_is_refused_not_read(tmp_path):
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    code, out, _ = mlcheck("/dev/zero", "stack.yaml", cwd=tmp_path)
    assert code == 2 and "/dev/zero:1:1:" in out and "not a regular file but a character device" in out
    assert len(finding_lines(out)) == 1


OPTIONS = ["--parameters-file", "--config", "--baseline"]


@pytest.mark.parametrize("option", OPTIONS)
def test_dev_zero_given_to_an_option_is_a_usage_error(tmp_path, option):
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    code, out, err = mlcheck(option, "/dev/zero", "stack.yaml", cwd=tmp_path)
    assert code == 2 and out == ""  # a usage error: nothing linted
    assert "/dev/zero" in err and "not a regular file but a character device" in err


@pytest.mark.parametrize("option", OPTIONS)
def test_a_pipe_given_to_an_option_is_a_usage_error(tmp_path, run_cli, deadline, option):
    write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    os.mkfifo(tmp_path / "pipe.json")
    code, out, err = run_cli(option, "pipe.json", "stack.yaml", cwd=tmp_path)
    assert code == 2 and out == ""
    assert "pipe.json" in err and "not a regular file but a named pipe" in err


def test_stdin_is_read_only_up_to_the_size_limit(tmp_path):
    with open("/dev/zero", "rb") as endless:
        code, out, _ = mlcheck("-", cwd=tmp_path, stdin=endless)
    assert code == 2 and "<stdin>:1:1:" in out and "larger than the 20 MB limit" in out
    code, out, _ = mlcheck("-", cwd=tmp_path, preexec_fn=lambda: os.close(0))  # no stdin at all
    assert code == 2 and "<stdin>:1:1:" in out and "empty file" in out


def test_oversized_files_are_refused_without_being_read_whole(tmp_path, run_cli):
    big = tmp_path / "infra" / "big.json"
    big.parent.mkdir()
    with open(big, "wb") as handle:
        handle.truncate(25 * 1024 * 1024)  # sparse: no 25 MB written
    template = tmp_path / "infra" / "huge.template"
    with open(template, "wb") as handle:
        handle.write(b'{"AWSTemplateFormatVersion": "2010-09-09", ')
        handle.truncate(30 * 1024 * 1024)
    write(tmp_path, "infra/stack.yaml", NOTEBOOK_DEFAULTS)
    code, out, err = run_cli("infra", "-v", cwd=tmp_path)
    assert code == 2
    assert "infra/huge.template:1:1: MLC001" in out and "file is 30.0 MB, larger than the 20 MB limit" in out
    assert "big.json" not in out  # walked and not template-like: skipped, as an unparsable data file is
    assert "skipped infra/big.json: file is 25.0 MB, larger than the 20 MB limit" in err
    assert len(finding_lines(out)) == 1
    code, out, _ = run_cli("infra/big.json", cwd=tmp_path)  # named: an error
    assert code == 2 and "infra/big.json:1:1:" in out and "25.0 MB" in out


# -- symbolic links to directories -----------------------------------------------------------------------------

def test_a_link_loop_in_a_walked_directory_checks_each_file_once(tmp_path, run_cli, deadline):
    write(tmp_path, "infra/stack.yaml", NOTEBOOK_DEFAULTS)
    os.symlink("..", tmp_path / "infra" / "up")
    os.symlink(".", tmp_path / "infra" / "here")
    code, out, _ = run_cli("infra", cwd=tmp_path)
    assert code == 1
    assert len(finding_lines(out)) == 1 and finding_lines(out)[0].startswith("infra/stack.yaml:")
    assert "in 1 file checked" in out


def test_link_loops_under_a_double_star_glob_neither_hang_nor_multiply(tmp_path, run_cli, deadline):
    write(tmp_path, "infra/stack.yaml", NOTEBOOK_DEFAULTS)
    write(tmp_path, "infra/nested/deeper/other.yaml", NOTEBOOK_DEFAULTS)
    for name, target in (("a", ".."), ("b", ".."), ("c", "."), ("nested/back", "../..")):
        os.symlink(target, tmp_path / "infra" / name)
    code, out, _ = run_cli("infra/**/*.yaml", cwd=tmp_path)
    assert code == 1
    assert len(finding_lines(out)) == 1 and finding_lines(out)[0].startswith("infra/stack.yaml:")
    assert len(finding_lines(out, "other.yaml:11:5: MLC401")) == 1
    assert "in 2 files" in out


def _tree(root):
    for name in ("a/x.yaml", "a/b/y.yaml", "a/b/c/z.yml", ".hidden/h.yaml", "a/.dot.yaml", "top.yaml",
                 "a/b/notes.txt", "k8s/deploy.yaml"):
        write(root, name, "x: 1\n")


@pytest.mark.parametrize("pattern", [
    "**/*.yaml", "a/**/*.yaml", "a/**", "**", "*/*.yaml", "a/*/*.y*ml", "a/b/[xy].yaml", "a/?/y.yaml",
    ".hidden/*.yaml", "a/.*.yaml", "*", "a/**/", "**/b/**/*.yml", "a/**/**/z.yml", "nothing/**/*.yaml",
])
def test_globs_match_as_the_standard_library_does_without_links(tmp_path, monkeypatch, pattern):
    from mlcheck.inputs.discovery import _glob

    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    for form in (pattern, os.path.join(str(tmp_path), pattern)):
        ours, errors = _glob(form)
        expected = {os.path.normpath(p) for p in glob.glob(form, recursive=True)}  # it repeats some
        assert [os.path.normpath(p) for p in ours] == sorted(expected) and errors == []


# -- directories that cannot be listed --------------------------------------------------------------------------

def _deep_directory(root, levels=20, name_length=240):
    """A chain of directories deeper than PATH_MAX, made through directory descriptors (a path could not name
    it), with a template at the bottom."""
    fd = os.open(root, os.O_RDONLY)
    try:
        for _ in range(levels):
            os.mkdir("d" * name_length, dir_fd=fd)
            child = os.open("d" * name_length, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = child
        out = os.open("deep.yaml", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(out, NOTEBOOK_DEFAULTS.encode())
        os.close(out)
    finally:
        os.close(fd)


@pytest.mark.parametrize("target", ["tree", "tree/**/*.yaml"])
def test_a_path_too_long_to_walk_is_a_file_error_and_the_rest_is_checked(tmp_path, run_cli, target):
    write(tmp_path, "tree/stack.yaml", NOTEBOOK_DEFAULTS)
    _deep_directory(tmp_path / "tree")
    code, out, _ = run_cli(target, cwd=tmp_path)
    assert code == 2
    error = [line for line in out.splitlines() if "cannot read directory" in line]
    assert len(error) == 1 and error[0].startswith("tree/dddd") and "File name too long" in error[0]
    assert len(finding_lines(out, "tree/" + GOOD_FINDING)) == 1


@pytest.mark.parametrize("target", [".", "**/*.yaml"])
def test_an_unreadable_subdirectory_is_a_file_error_and_the_rest_is_checked(tmp_path, run_cli, monkeypatch,
                                                                           target):
    # Tests run as root, whom chmod does not stop: the listing itself is made to fail, as it would for a user.
    write(tmp_path, "infra/stack.yaml", NOTEBOOK_DEFAULTS)
    write(tmp_path, "infra/secret/hidden.yaml", NOTEBOOK_DEFAULTS)
    real_scandir = os.scandir

    def scandir(path="."):
        if os.path.basename(os.path.normpath(os.fspath(path))) == "secret":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, out, _ = run_cli(target, "--jobs", "1", cwd=tmp_path)
    assert code == 2
    assert "infra/secret:1:1:" in out and "cannot read directory: Permission denied" in out
    assert len(finding_lines(out, "infra/" + GOOD_FINDING)) == 1
    assert "hidden.yaml" not in out


# -- the working directory --------------------------------------------------------------------------------------

def test_a_deleted_working_directory_is_a_usage_error(tmp_path, run_cli, monkeypatch):
    good = write(tmp_path, "stack.yaml", NOTEBOOK_DEFAULTS)
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)  # and back afterwards
    gone.rmdir()
    code, out, err = run_cli(good)
    assert code == 2 and out == ""
    assert "current directory" in err and "deleted" in err


# -- git: never run, .gitignore matched in-process ---------------------------------------------------------------

def test_the_scanned_repositorys_git_configuration_runs_nothing(tmp_path, run_cli, monkeypatch):
    repo = tmp_path / "repo"
    write(repo, "stack.yaml", NOTEBOOK_DEFAULTS)
    write(repo, "ignored/stack.yaml", NOTEBOOK_DEFAULTS)
    write(repo, "sub/build.json", "{}")
    write(repo, ".gitignore", "ignored/\n")
    write(repo, "sub/.gitignore", "*.json\n")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    marker = tmp_path / "MARKER"
    for key in ("core.fsmonitor", "core.hooksPath", "core.sshCommand", "core.pager", "diff.external"):
        subprocess.run(["git", "-C", str(repo), "config", key, f"touch {marker}; false"], check=True)

    started = []
    real_popen = subprocess.Popen

    def popen(*args, **kwargs):
        started.append(args)
        return real_popen(*args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", popen)
    code, out, _ = run_cli(".", cwd=repo)
    assert not marker.exists() and started == []
    assert code == 1 and len(finding_lines(out)) == 1 and "ignored/" not in out and "build.json" not in out


GITIGNORE = """\
# a comment
*.log
!important.log
/build/*
!/build/keep/
docs/**/secret.yaml
a/**/c/
sp\\ ace/
\\#hash.yaml
foo[0-9].yaml
bar[!a-c].yaml
**/deep
trailing.yaml   \n\
x?z.yaml
only/dir/
nested/**
"""
SUB_GITIGNORE = "*.json\n!keep.json\n/anchored.yaml\n"
FILES = [
    "x.log", "important.log", "build/a.yaml", "build/keep/b.yaml", "docs/x/secret.yaml", "docs/secret.yaml",
    "a/b/c/f.yaml", "a/c/g.yaml", "a/b/c.yaml", "sp ace/h.yaml", "#hash.yaml", "foo1.yaml", "fooa.yaml",
    "bard.yaml", "bara.yaml", "sub/deep/er/i.yaml", "sub/j.json", "sub/keep.json", "sub/anchored.yaml",
    "sub/deep/anchored.yaml", "sub/x/anchored.yaml", "trailing.yaml", "xyz.yaml", "x/z.yaml", "logs/q.log",
    "only/dir", "other/only/dir/f.yaml", "nested/n.yaml", "nested/m/n.yaml", "excluded.yaml", "plain.yaml",
]


def test_gitignore_is_matched_as_git_matches_it(tmp_path):
    """The in-process matcher against git's own answer, on a repository built here (so with no hostile config)."""
    import mlcheck.inputs.discovery as discovery

    for name in FILES:
        write(tmp_path, name, "x\n")
    write(tmp_path, ".gitignore", GITIGNORE)
    write(tmp_path, "sub/.gitignore", SUB_GITIGNORE)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    write(tmp_path, ".git/info/exclude", "excluded.yaml\n")
    status = subprocess.run(["git", "status", "--porcelain", "--ignored", "-uall", "-z"], cwd=tmp_path,
                            capture_output=True, text=True, check=True).stdout
    git_kept = sorted(entry[3:] for entry in status.split("\0") if entry.startswith("?? "))
    original = discovery.EXTENSIONS
    try:
        discovery.EXTENSIONS = ("",)  # every file, to compare with git's full answer
        ours = sorted(os.path.relpath(path, tmp_path) for path, error in discovery._walk(str(tmp_path)))
    finally:
        discovery.EXTENSIONS = original
    assert ours == git_kept
    assert "bara.yaml" in ours and "sub/keep.json" in ours and "excluded.yaml" not in ours


def test_a_named_directory_is_walked_even_when_gitignored(tmp_path, run_cli):
    write(tmp_path, ".gitignore", "cdk.out/\n*.tmp.yaml\n")
    write(tmp_path, "cdk.out/stack.yaml", NOTEBOOK_DEFAULTS)
    write(tmp_path, "cdk.out/scratch.tmp.yaml", NOTEBOOK_DEFAULTS)
    write(tmp_path, "package.json", "{}\n")  # something to walk to: a directory with nothing is an error
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    code, out, _ = run_cli(".", cwd=tmp_path)
    assert code == 0 and "cdk.out" not in out
    code, out, _ = run_cli("cdk.out", cwd=tmp_path)  # asked for by name; the patterns still apply inside it
    assert code == 1 and len(finding_lines(out, "cdk.out/" + GOOD_FINDING)) == 1 and "scratch" not in out


def test_full_format_with_a_stdin_filename_naming_a_fifo_does_not_hang(tmp_path):
    """`full` shows source lines by reading the named file: a --stdin-filename naming a FIFO must not block."""
    os.mkfifo(tmp_path / "pipe.yaml")
    code, out, _ = mlcheck("-f", "full", "-", "--stdin-filename", "pipe.yaml", cwd=tmp_path, timeout=30,
                           input=NOTEBOOK_DEFAULTS)
    assert code == 1
    assert "pipe.yaml:11:5: MLC401" in out

"""Install size and time of `pip install DIR[EXTRA]`, for one or more source trees.

    python bench/install_size.py [--extras ,test,cfn-lint] [--repeat N] [--python PY] [--json OUT] LABEL=DIR ...

For each tree and extra ('' = the runtime alone), in a fresh virtualenv: the wall time of `pip install
COPY[EXTRA]` and the size of the venv's site-packages (`du -sk`, as `du -sh` counts). The tree is copied first
(without .git, build/ and *.egg-info), so the measured tree is never written to: pip builds in the source
folder. Each install is done twice, in two fresh venvs, and the second is timed: the first warms pip's cache
(downloaded and built wheels), so the figure is an install from a warm cache, not the network's speed; with
`--repeat N` the timed install is done N times (each in a fresh venv) and the fastest and the median are given,
since a shared machine's load shows in a single figure, with the CPU time pip and its builds used (less
sensitive to other processes than wall time). Sizes include pip itself (the same in every venv;
`--baseline` prints an empty venv's size to subtract).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def _copy_tree(src: str, dest: str) -> str:
    ignore = shutil.ignore_patterns(".git", "build", "*.egg-info", "__pycache__", ".venv", "*.pyc")
    shutil.copytree(src, dest, ignore=ignore)
    return dest


def _site_packages(venv: str) -> str:
    out = subprocess.run([os.path.join(venv, "bin", "python"), "-c",
                          "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def _size_kib(path: str) -> int:
    out = subprocess.run(["du", "-sk", path], check=True, capture_output=True, text=True)
    return int(out.stdout.split()[0])


def _fresh_venv(python: str, where: str) -> str:
    subprocess.run([python, "-m", "venv", where], check=True)
    return where


def _install(venv: str, requirement: str) -> tuple:
    """(wall seconds, CPU seconds of pip and what it ran) of one install."""
    pip = [os.path.join(venv, "bin", "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(pip + [requirement], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"pip install {requirement} failed:\n{done.stderr[-2000:]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(label: str, tree: str, extra: str, python: str, work: str, repeat: int = 1) -> dict:
    requirement = tree + (f"[{extra}]" if extra else "")
    name = f"{label}-{extra or 'runtime'}"
    warm = _fresh_venv(python, os.path.join(work, f"warm-{name}"))
    _install(warm, requirement)
    shutil.rmtree(warm)
    times, cpu = [], []
    for _ in range(repeat):
        venv = _fresh_venv(python, os.path.join(work, f"venv-{name}"))
        wall, used = _install(venv, requirement)
        times.append(wall)
        cpu.append(used)
        size = _size_kib(_site_packages(venv))
        packages = subprocess.run([os.path.join(venv, "bin", "python"), "-m", "pip", "list", "--format=freeze",
                                   "--disable-pip-version-check"], capture_output=True, text=True).stdout.split()
        shutil.rmtree(venv)
    return {"tree": label, "extra": extra or "runtime", "seconds_min": round(min(times), 1),
            "seconds_median": round(statistics.median(times), 1), "cpu_seconds_min": round(min(cpu), 1),
            "site_packages_mib": round(size / 1024, 1),
            "distributions": len(packages)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="+", metavar="LABEL=DIR")
    parser.add_argument("--extras", default=",test,cfn-lint", help="comma-separated; empty item = runtime only")
    parser.add_argument("--repeat", type=int, default=1, help="timed installs per tree and extra")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--baseline", action="store_true", help="also print an empty venv's site-packages size")
    parser.add_argument("--json", dest="json_out")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="install-size-") as work:
        if args.baseline:
            empty = _fresh_venv(args.python, os.path.join(work, "empty"))
            print(f"empty venv: site-packages {_size_kib(_site_packages(empty)) / 1024:.1f} MiB", flush=True)
        for spec in args.trees:
            label, _, directory = spec.partition("=")
            tree = _copy_tree(os.path.abspath(directory), os.path.join(work, f"src-{label}"))
            for extra in args.extras.split(","):
                row = measure(label, tree, extra.strip(), args.python, work, args.repeat)
                results.append(row)
                print(f"{row['tree']:<8} {row['extra']:<9} {row['seconds_min']:>6.1f} s (median "
                      f"{row['seconds_median']:.1f} s; CPU {row['cpu_seconds_min']:.1f} s)  "
                      f"{row['site_packages_mib']:>7.1f} MiB  {row['distributions']} distributions", flush=True)
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())

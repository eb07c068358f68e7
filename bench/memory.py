#!/usr/bin/env python3
"""Peak RSS and wall time of whole `mlcheck` runs on synthetic templates, as YAML, pretty JSON and minified JSON.

    python bench/memory.py [--sizes 1000 5000 10000] [--deep-values] [--timeout 600]

Each run is a subprocess (`python -m mlcheck --exit-zero FILE`); its peak RSS comes from the kernel
(resource.getrusage of the waited-for child), so nothing of this script's own memory is counted. The
templates are bench/run.py's synthetic ML stacks; the JSON forms are the same data as the loader reads it.
`--deep-values` adds a 1.8 MB JSON file whose values sit ~490 levels deep (a location table that stores a full
path per value costs gigabytes on it).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import write_synthetic  # noqa: E402  (bench/run.py: the synthetic ML stacks)


def measure(path: Path, timeout: float) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds, peak RSS in MiB, exit code) of one mlcheck run on `path`; exit -1 on a
    timeout. CPU time (user + system) is the steadier figure on a shared machine."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "mlcheck", "--exit-zero", str(path)],
                                stdout=subprocess.DEVNULL, stderr=err, cwd=path.parent)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)  # wait4, not communicate(): it hands back the child's rusage
        seconds = time.perf_counter() - start
        timed_out = not timer.is_alive()
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode(errors="replace")
    if "Traceback" in text:
        print(text[-2000:], file=sys.stderr)
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, -1 if timed_out else proc.returncode


def deep_values_json(directory: Path, depth: int = 490, size: int = 1_800_000) -> Path:
    leaves = ",".join(["1"] * (size // 2 - depth * 3))
    text = '{"a":' * depth + "[" + leaves + "]" + "}" * depth
    path = directory / "deep-values.json"
    path.write_text(text, encoding="utf-8")
    return path


def write_cases(directory: Path, sizes: list[int], deep_values: bool) -> list[tuple[str, str]]:
    from mlcheck.inputs.loader import load_document

    cases = []
    for n in sizes:
        yaml_path = write_synthetic(directory, n)
        data = load_document(yaml_path.read_bytes(), yaml_path.name).data
        pretty = directory / f"synthetic-{n}-pretty.json"
        pretty.write_text(json.dumps(data, indent=2), encoding="utf-8")
        minified = directory / f"synthetic-{n}-min.json"
        minified.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        cases += [(f"{n} resources yaml", str(yaml_path)), (f"{n} resources json pretty", str(pretty)),
                  (f"{n} resources json minified", str(minified))]
    if deep_values:
        cases.append(("1.8 MB deep-values json", str(deep_values_json(directory))))
    return cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--deep-values", action="store_true")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--write-cases", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write_cases:
        print(json.dumps(write_cases(Path(args.write_cases), args.sizes, args.deep_values)))
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        # The inputs are made in a child process: a child forked from a parent that holds the parsed
        # templates would count the parent's pages in its own peak RSS.
        made = subprocess.run([sys.executable, __file__, "--write-cases", tmp, "--sizes", *map(str, args.sizes),
                               *(["--deep-values"] if args.deep_values else [])],
                              check=True, capture_output=True, text=True)
        print(f"{'case':<28} {'bytes':>11} {'wall s':>8} {'CPU s':>8} {'peak MiB':>9} exit", flush=True)
        for name, path in json.loads(made.stdout):
            path = Path(path)
            seconds, cpu, mib, rc = measure(path, args.timeout)
            print(f"{name:<28} {path.stat().st_size:>11,} {seconds:>8.2f} {cpu:>8.2f} {mib:>9.1f} {rc}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Fuzz mlcheck for as long as asked: the properties of tests/test_fuzz.py, with fresh seeds, shrinking each new
failure class to a minimal input.

    python tools/fuzz.py --minutes 10 --seed 1 --out fuzz-findings
    python tools/fuzz.py --minutes 2 --property harmless-if --property stress

Each failure class (FuzzFailure.signature) is reported once: its shrunk input, the command that shows it and
the traceback or symptom go to OUT/NN-<signature>/, and later examples of a known class count as passes, so
the run goes on to find other classes. Classes already in OUT (from an earlier run) are known from the start.
Prints the number of examples run per property. Exit 1 when a new class was found.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings  # noqa: E402

import fuzz_checks as checks  # noqa: E402
from fuzz_properties import PROPERTIES  # noqa: E402

SIGNATURE_LINE = "signature: "


def known_signatures(out: Path) -> set:
    found = set()
    for report in out.glob("*/failure.txt"):
        first = report.read_text(encoding="utf-8", errors="replace").splitlines()[:1]
        if first and first[0].startswith(SIGNATURE_LINE):
            found.add(first[0][len(SIGNATURE_LINE):])
    return found


def record(out: Path, prop_name: str, failure: checks.FuzzFailure) -> Path:
    index = len(list(out.glob("*/failure.txt"))) + 1
    slug = re.sub(r"[^A-Za-z0-9]+", "-", failure.signature).strip("-")[:70]
    folder = out / f"{index:02d}-{slug}"
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in failure.files.items():
        (folder / name).write_bytes(data)
    (folder / "failure.txt").write_text(
        f"{SIGNATURE_LINE}{failure.signature}\nproperty: {prop_name} ({PROPERTIES[prop_name].doc})\n"
        f"command (in this folder): {failure.command}\n\n{failure.detail}\n", encoding="utf-8")
    return folder


def _failures_in(error: BaseException) -> list:
    """FuzzFailures raised directly or inside an exception group (Hypothesis' Flaky reports)."""
    if isinstance(error, checks.FuzzFailure):
        return [error]
    found = []
    for inner in getattr(error, "exceptions", ()) or ():
        found.extend(_failures_in(inner))
    return found


def run_round(prop_name, round_seed, examples, state, args) -> None:
    prop = PROPERTIES[prop_name]
    latest: dict = {}  # signature -> the last failing example: after shrinking, Hypothesis replays the minimal one

    def body(example):
        if time.monotonic() > state["deadline"]:
            return
        state["counts"][prop_name] += 1
        try:
            prop.run(example, state["workdir"], args.time_limit)
        except checks.FuzzFailure as failure:
            if failure.signature in state["known"]:
                state["counts"]["known-class examples"] += 1
                return
            latest[failure.signature] = failure
            raise

    phases = (Phase.generate,) if args.no_shrink else (Phase.generate, Phase.shrink)
    test = settings(max_examples=examples, database=None, deadline=None, derandomize=False, phases=phases,
                    report_multiple_bugs=False, verbosity=Verbosity.quiet,
                    suppress_health_check=list(HealthCheck))(given(example=prop.strategy)(body))
    try:
        seed(round_seed)(test)()
    except BaseException as error:  # noqa: B902 - Hypothesis' own errors are reported, not fatal
        if isinstance(error, KeyboardInterrupt):
            raise
        failures = _failures_in(error)
        if not failures:
            print(f"  {prop_name}: hypothesis stopped: {type(error).__name__}: {str(error)[:300]}", flush=True)
        for failure in failures:
            failure = latest.get(failure.signature, failure)
            if failure.signature in state["known"]:
                continue
            state["known"].add(failure.signature)
            folder = record(state["out"], prop_name, failure)
            state["new"].append(failure.signature)
            print(f"  NEW [{prop_name}] {failure.signature}\n      -> {folder}", flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="how long to run (default 10)")
    parser.add_argument("--seed", type=int, default=0, help="base seed: the same seed generates the same examples")
    parser.add_argument("--out", type=Path, default=Path("fuzz-findings"), help="folder for failure reports")
    parser.add_argument("--property", action="append", choices=sorted(PROPERTIES),
                        help="run only these properties (repeatable; default all)")
    parser.add_argument("--examples-per-round", type=int, default=200,
                        help="examples per property before moving to the next one (default 200)")
    parser.add_argument("--time-limit", type=float, default=5.0,
                        help="seconds one example may take before it counts as a hang (default 5: shrinking a hang "
                             "reruns it many times)")
    parser.add_argument("--no-shrink", action="store_true", help="report failures as generated (faster)")
    args = parser.parse_args(argv)

    import tempfile

    args.out.mkdir(parents=True, exist_ok=True)
    names = args.property or sorted(PROPERTIES)
    started = time.monotonic()
    state = {"deadline": started + args.minutes * 60, "counts": Counter(), "known": known_signatures(args.out),
             "new": [], "out": args.out, "workdir": Path(tempfile.mkdtemp(prefix="mlcheck-fuzz-"))}
    if state["known"]:
        print(f"{len(state['known'])} failure classes already in {args.out} count as known")
    round_number = 0
    while time.monotonic() < state["deadline"]:
        for index, name in enumerate(names):
            if time.monotonic() >= state["deadline"]:
                break
            run_round(name, args.seed * 1_000_003 + round_number * len(names) + index, args.examples_per_round,
                      state, args)
        round_number += 1
        total = sum(state["counts"][n] for n in names)
        print(f"round {round_number}: {total} examples in {time.monotonic() - started:.0f} s, "
              f"{len(state['known'])} failure classes known", flush=True)

    counts = state["counts"]
    print(f"\n{sum(counts[n] for n in names)} examples run in {time.monotonic() - started:.0f} s "
          f"(including Hypothesis' shrinking runs):")
    for name in names:
        print(f"  {name}: {counts[name]}")
    print(f"  of which in known failure classes: {counts['known-class examples']}")
    print(f"{len(state['new'])} new failure classes" + (":" if state["new"] else ""))
    for signature in state["new"]:
        print(f"  {signature}")
    return 1 if state["new"] else 0


if __name__ == "__main__":
    sys.exit(main())

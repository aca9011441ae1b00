"""Two code versions of the whole `talentsim run` command in alternating runs: the working tree and a git
revision (checked out into a temporary worktree), at one scale, a few rounds of each.

    .venv/bin/python benchmarks/alternate.py --ref HEAD~3 --scale 1 --rounds 2     # about 10 minutes
    .venv/bin/python benchmarks/alternate.py --ref main --scale 100 --rounds 5

The machine's speed drifts over hours and days (up to 40 % on this project's shared 2-core machine), so
figures taken at different times compare badly; runs that alternate, the revision first in each round, share
the machine's state. Before the timed rounds each version runs once untimed at scale 100 with the compiled
kernels forced on (TALENTSIM_KERNEL_MIN_SLOTS=0), which compiles and caches its own kernels. Prints each
run's wall and CPU seconds (user + system) and peak resident memory, then each version's mean and range and
the working tree's mean wall as a share of the revision's. Asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench_fullscale import ROOT, SEED, load_average, timed_child


def command_for(tree: Path, scale: int, end: str, out: Path) -> list[str]:
    """The `talentsim run` command of the baseline with the code of `tree` (run with this interpreter)."""
    scenario = tree / "scenarios" / "baseline.toml"
    settings = ["--scale", str(scale), "--seed", str(SEED), "--end", end, "--out", str(out), "--quiet"]
    return [sys.executable, "-m", "simulator", "run", str(scenario), *settings]


def timed_run(tree: Path, scale: int, end: str, out: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """One `talentsim run` with the code of `tree`; stops the script if it fails."""
    result = timed_child(command_for(tree, scale, end, out), {"PYTHONPATH": str(tree), **(env or {})}, cwd=tree)
    if result["exit"] != 0:
        sys.stdout.write(result["stdout"] + result["stderr"])
        raise SystemExit(f"alternate: the run of {tree} failed (exit status {result['exit']})")
    shutil.rmtree(out, ignore_errors=True)
    return result


def summary(label: str, runs: list[dict[str, Any]]) -> str:
    """A version's mean and range of wall, CPU and peak memory."""
    walls = [r["wall_seconds"] for r in runs]
    cpus = [r["cpu_seconds"] for r in runs]
    peak = max(r["peak_gib"] for r in runs)
    return (
        f"{label:>14}: wall {statistics.mean(walls):.2f} s ({min(walls):.2f}-{max(walls):.2f}), "
        f"CPU {statistics.mean(cpus):.2f} s ({min(cpus):.2f}-{max(cpus):.2f}), peak {peak:.2f} GiB"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", required=True, help="git revision to compare the working tree with")
    parser.add_argument("--scale", type=int, default=100, help="residents per simulated person (100)")
    parser.add_argument("--rounds", type=int, default=3, help="timed runs of each version (3)")
    parser.add_argument("--end", default="2025-12", help="last month YYYY-MM (default 2025-12)")
    args = parser.parse_args(argv)
    if args.scale < 1 or args.rounds < 1:
        parser.error("--scale and --rounds: expected whole numbers of at least 1")
    scratch = Path(tempfile.mkdtemp(prefix="bench_alternate."))
    reference = scratch / "ref"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(reference), args.ref], cwd=ROOT, check=True, capture_output=True
    )
    trees = {args.ref: reference, "working tree": ROOT}
    runs: dict[str, list[dict[str, Any]]] = {label: [] for label in trees}
    try:
        for label, tree in trees.items():
            print(f"  warming {label} ...", file=sys.stderr, flush=True)
            timed_run(tree, 100, args.end, scratch / "warm", {"TALENTSIM_KERNEL_MIN_SLOTS": "0"})
        print(f"talentsim run scenarios/baseline.toml --scale {args.scale} --seed {SEED}, 2020-11 to {args.end}")
        for round_ in range(1, args.rounds + 1):
            for label, tree in trees.items():
                row = timed_run(tree, args.scale, args.end, scratch / "run")
                runs[label].append(row)
                print(
                    f"round {round_} {label:>14}: {row['wall_seconds']:8.2f} s wall "
                    f"{row['cpu_seconds']:8.2f} s CPU {row['peak_gib']:6.2f} GiB  "
                    f"load {row['load_before']}->{row['load_after']}",
                    flush=True,
                )
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(reference)], cwd=ROOT, capture_output=True)
        shutil.rmtree(scratch, ignore_errors=True)
    for label in trees:
        print(summary(label, runs[label]))
    before = statistics.mean(r["wall_seconds"] for r in runs[args.ref])
    after = statistics.mean(r["wall_seconds"] for r in runs["working tree"])
    print(f"working tree / {args.ref}: {after / before:.3f} of the wall (load now {load_average()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Same model, other random numbers? Runs scenarios with many seeds under the current working tree and
under a git revision, and compares the yearly province indicators replicate set against replicate set
(`simulator.experiments.distribution.compare_replicates`: per scenario, indicator and year, a paired t-test
over the seeds, which both versions share, failing below a Bonferroni threshold). For a change that alters
random streams (the rule drawn differently, its distribution unchanged); where the streams did not change,
`same_results.py --exact` asks for identity.

    .venv/bin/python benchmarks/same_distribution.py --ref 9720007               # baseline and plan, 20 seeds
    .venv/bin/python benchmarks/same_distribution.py --ref main --seeds 5 --end 2022-12    # quick

Prints the number of comparisons, how many have p < 0.01 (about 1 % expected by chance), the largest
differences in standard errors, and a last line; exits 1 if any comparison differs. `--csv FILE` writes
every comparison.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from same_results import ROOT, run  # noqa: E402 - a sibling script

from simulator.experiments.distribution import compare_replicates  # noqa: E402
from simulator.experiments.yearly import yearly  # noqa: E402


def yearly_province(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The yearly province values of runs' indicator tables, the seed as the replicate."""
    rows = pd.concat(frames, ignore_index=True)
    rows = rows.assign(sample=0, replicate=rows["seed"])
    values = yearly(rows)
    return values[values["region"] == "province"]


def main() -> int:
    """Run both versions' replicates and compare them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", required=True, help="git revision to compare with (before the change)")
    parser.add_argument("--scenarios", nargs="+", default=["baseline", "plan"])
    parser.add_argument("--seeds", type=int, default=20, help="replicates: seeds 1..N (default 20)")
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--end", default="2025-12")
    parser.add_argument("--workers", type=int, default=2, help="runs at once")
    parser.add_argument("--csv", type=Path, help="write every comparison to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        old_tree = Path(tmp) / "old"
        add = ["git", "worktree", "add", "--detach", str(old_tree), args.ref]
        subprocess.run(add, cwd=ROOT, check=True, capture_output=True)
        try:
            jobs = [
                (version, tree, name, seed)
                for version, tree in (("a", ROOT), ("b", old_tree))
                for name in args.scenarios
                for seed in range(1, args.seeds + 1)
            ]

            def one(job: tuple[str, Path, str, int]) -> tuple[str, pd.DataFrame]:
                version, tree, name, seed = job
                out = Path(tmp) / f"{version}-{name}-{seed}"
                return version, run(tree, tree / "scenarios" / f"{name}.toml", seed, args.scale, args.end, out)

            with ThreadPoolExecutor(max_workers=args.workers) as pool:
                results = list(pool.map(one, jobs))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(old_tree)], cwd=ROOT, check=False)
    new = yearly_province([frame for version, frame in results if version == "a"])
    old = yearly_province([frame for version, frame in results if version == "b"])
    table = compare_replicates(new, old)
    if args.csv:
        table.to_csv(args.csv, index=False)
    varied = table[~table["constant"]]
    print(
        f"{len(table)} comparisons (scenario x indicator x year, province), {len(args.scenarios)} scenarios, "
        f"{args.seeds} seeds each, scale {args.scale}, to {args.end}; {len(table) - len(varied)} constant"
    )
    print(
        f"p < 0.01: {(varied['p'] < 0.01).sum()} of {len(varied)} (about {0.01 * len(varied):.1f} expected by "
        f"chance); Bonferroni threshold {table.attrs['threshold']:.2e}"
    )
    largest = varied.reindex(varied["t"].abs().sort_values(ascending=False).index).head(10)
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(largest[["scenario", "indicator", "year", "mean_a", "mean_b", "sd_a", "sd_b", "t", "p"]].to_string())
    differ = int(table["differs"].sum())
    print(f"{differ} of {len(table)} comparisons differ beyond replicate noise (this tree: a, {args.ref}: b)")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())

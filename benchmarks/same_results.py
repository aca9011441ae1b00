"""Do two code versions give the same results? Runs every scenario file with several seeds under the current
working tree and under a git revision (checked out into a temporary worktree), and compares the indicator
tables value for value, with renamed indicators mapped to their old names.

    .venv/bin/python benchmarks/same_results.py --ref d2bfd7d       # every scenario, seeds 1-3, scale 1000
    .venv/bin/python benchmarks/same_results.py --ref HEAD~1 --seeds 1 --scale 2000 --end 2021-12
    .venv/bin/python benchmarks/same_results.py --ref main --exact   # both sides with today's indicator names
    TALENTSIM_KERNEL_MIN_SLOTS=0 .venv/bin/python benchmarks/same_results.py --ref main --exact  # kernels always

Prints one line per (scenario, seed) and a last line with the count of runs that differ; exits 1 if any does.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
#: New indicator name -> old name (the refactor of issue 6 renamed these; their values are unchanged).
RENAMED: dict[str, str] = {
    "training_person_times_to_date": "training_person_times_since_2021",
    "graduates_retained_one_year": "graduates_retained",  # the July rows of the old indicator
    "graduate_retention_rate_one_year": "graduate_retention_rate",
}
#: Old rows the new code leaves out on purpose: retention before the first counted cohort (2021-07 and
#: earlier), which the old code recorded as 0 (count) or the rate of the uncounted synthetic cohort.
DROPPED_BEFORE = {"graduates_retained": "2021-08", "graduate_retention_rate": "2021-08"}


def run(tree: Path, scenario: Path, seed: int, scale: int, end: str, out: Path) -> pd.DataFrame:
    """Run `scenario` with the code of `tree` (its own package, this interpreter) into `out`."""
    command = [sys.executable, "-m", "simulator", "run", str(scenario), "--seed", str(seed), "--scale", str(scale)]
    command += ["--end", end, "--out", str(out), "--quiet"]
    # the simulator's own settings pass through (e.g. TALENTSIM_KERNEL_MIN_SLOTS=0 to check the kernels)
    env = {k: v for k, v in os.environ.items() if k.startswith("TALENTSIM_")}
    env.update(PYTHONPATH=str(tree), PATH="/usr/bin:/bin")
    subprocess.run(command, cwd=tree, env=env, check=True, capture_output=True)
    return pd.read_parquet(out / "indicators.parquet")


def comparable(frame: pd.DataFrame, renamed: dict[str, str], dropped: dict[str, str]) -> pd.DataFrame:
    """The table with new names mapped back to old ones and rows left out on purpose removed, sorted."""
    frame = frame.copy()
    for new, old in renamed.items():
        frame.loc[frame["indicator"] == new, "indicator"] = old
    for name, first in dropped.items():
        frame = frame[~((frame["indicator"] == name) & (frame["date"] < first))]
    keys = ["date", "region", "indicator"]
    return frame[keys + ["value"]].sort_values(keys).reset_index(drop=True)


def main() -> int:
    """Compare the working tree with --ref on every scenario and seed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--ref", required=True, help="git revision to compare with (e.g. the commit before a refactor)"
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--scale", type=int, default=1000)
    parser.add_argument("--end", default="2025-12")
    parser.add_argument(
        "--exact", action="store_true", help="no mapping of renamed indicators (for a ref that has the new names)"
    )
    args = parser.parse_args()
    renamed, dropped = ({}, {}) if args.exact else (RENAMED, DROPPED_BEFORE)
    differ = 0
    with tempfile.TemporaryDirectory() as tmp:
        old_tree = Path(tmp) / "old"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(old_tree), args.ref],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            for scenario in sorted((ROOT / "scenarios").glob("*.toml")):
                for seed in args.seeds:
                    tag = f"{scenario.stem}-{seed}"
                    new = run(ROOT, scenario, seed, args.scale, args.end, Path(tmp) / f"new-{tag}")
                    old = run(
                        old_tree,
                        old_tree / "scenarios" / scenario.name,
                        seed,
                        args.scale,
                        args.end,
                        Path(tmp) / f"old-{tag}",
                    )
                    a, b = comparable(new, renamed, {}), comparable(old, {}, dropped)
                    same = a.equals(b)
                    differ += not same
                    detail = "identical" if same else f"DIFFER ({len(a)} vs {len(b)} rows)"
                    if not same and len(a) == len(b):
                        bad = a[(a["value"] != b["value"]) & ~(a["value"].isna() & b["value"].isna())]
                        detail += f": {len(bad)} values, first {bad.head(1).to_dict('records')}"
                    print(f"{scenario.stem:24s} seed {seed}: {len(a):7d} rows {detail}", flush=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(old_tree)], cwd=ROOT, check=False)
    print(f"{differ} of {len(args.seeds) * len(list((ROOT / 'scenarios').glob('*.toml')))} runs differ")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())

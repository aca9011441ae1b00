"""How long `talentsim report` takes for a batch store of 3 scenarios x 5 replicates at scale 100 (2020-11 to
2025-12), with a baseline (paired differences and costs) and in both languages.

The store is made by `talentsim batch` when the batch package is installed, else by running the same runs
with `run_spec` and writing them in the store's layout (what the report reads). Building the store takes a
few minutes on 2 cores; pass --store DIR to reuse one.

    .venv/bin/python benchmarks/bench_report.py [--store DIR] [--scale 100] [--replicates 5]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

from simulator.reports.load import STORE_KIND, is_store
from simulator.reports.report import render_report
from simulator.run import run_spec, spec_for
from simulator.scenario import load_scenario

SCENARIOS = ("baseline", "enacted", "plan")


def _one(job: tuple[str, int, int, int]) -> tuple[pd.DataFrame, dict]:
    name, scale, seed, replicate = job
    spec = spec_for(load_scenario(f"scenarios/{name}.toml"), scale=scale, seed=seed, replicate=replicate)
    return run_spec(spec)


def build_store(path: Path, scale: int, replicates: int) -> None:
    """A store of SCENARIOS x replicates: with `talentsim batch` if present, else in the same layout."""
    try:
        import simulator.experiments  # noqa: F401

        have_batch = True
    except ImportError:
        have_batch = False
    if have_batch:
        spec = path.parent / "bench_report.toml"
        files = ", ".join(
            f'"{Path("scenarios", s).resolve()}.toml"'.replace(".toml.toml", ".toml") for s in SCENARIOS
        )
        spec.write_text(
            f'name = "bench_report"\nscenarios = [{files}]\nreplicates = {replicates}\nseed = 1\nscale = {scale}\n'
            'end = "2025-12"\n'
        )
        subprocess.run([sys.executable, "-m", "simulator", "batch", str(spec), "--out", str(path)], check=True)
        return
    jobs = [(name, scale, 1000 + r, r) for name in SCENARIOS for r in range(replicates)]
    (path / "indicators").mkdir(parents=True)
    (path / "scenarios").mkdir()
    records = []
    with ProcessPoolExecutor(max_workers=2) as pool:
        for (name, _, seed, replicate), (frame, manifest) in zip(jobs, pool.map(_one, jobs), strict=True):
            frame.insert(1, "sample", -1)
            frame.to_parquet(path / "indicators" / f"{name}__s-1__r{replicate}.parquet", index=False)
            records.append({"scenario": name, "sample": -1, "replicate": replicate, "seed": seed, "status": "ok"})
            (path / "scenarios" / f"{name}.json").write_text(json.dumps(manifest["scenario"]))
    pd.DataFrame(records).to_parquet(path / "runs.parquet", index=False)
    meta = {"kind": STORE_KIND, "experiment": "bench_report", "scenarios": list(SCENARIOS), "scale": scale}
    (path / "store.json").write_text(json.dumps(meta))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--replicates", type=int, default=5)
    args = parser.parse_args()
    store = args.store or Path(tempfile.mkdtemp(prefix="bench-report-")) / "store"
    if not is_store(store):
        started = time.perf_counter()
        build_store(store, args.scale, args.replicates)
        print(f"store of {len(SCENARIOS)} x {args.replicates} runs at scale {args.scale}: "
              f"{time.perf_counter() - started:.0f} s ({store})")  # fmt: skip
    for lang in ("en", "zh"):
        started = time.perf_counter()
        out = render_report(store, baseline="baseline", lang=lang, out=store / f"report_{lang}.html")
        seconds = time.perf_counter() - started
        print(f"report ({lang}, baseline baseline): {seconds:.1f} s, {out.stat().st_size / 1024:.0f} KiB, {out}")


if __name__ == "__main__":
    main()

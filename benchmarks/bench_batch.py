"""Benchmark: a batch of runs against the same runs made one after another with `talentsim run`.

By default 4 scenarios x 25 replicates = 100 runs at scale 100 from 2020-11 to 2025-12:

1. sequentially, each as its own `talentsim run` process (with the replicate's seed), as a user with a shell
   loop would;
2. as one `talentsim batch` on the default local Dask cluster (one worker process per core), with branching;
3. the same batch with `branch = false`.

It prints the wall time of each, the speed-up of the batch, what start-up and initialisation (synthesis of
the census-day population, firms, tables) cost per sequential run, what branching shared and saved, and
checks that the batch gave exactly the rows of the sequential runs. Run it from the project root:

    .venv/bin/python benchmarks/bench_batch.py [--replicates 25] [--scale 100] [--end 2025-12] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SCENARIOS = ("baseline", "graduate_subsidy", "industrial_parks", "industry_education")


def experiment(folder: Path, replicates: int, scale: int, end: str, branch: bool) -> Path:
    names = ", ".join(f'"{ROOT}/scenarios/{s}.toml"' for s in SCENARIOS)
    path = folder / f"bench_{'branched' if branch else 'unbranched'}.toml"
    path.write_text(
        f'name = "bench"\nscenarios = [{names}]\nreplicates = {replicates}\nseed = 1\nscale = {scale}\n'
        f'end = "{end}"\nbranch = {"true" if branch else "false"}\n'
    )
    return path


def timed(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(map(str, command))}\n{done.stderr[-2000:]}")
    return elapsed, done.stdout


def children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes and their waited-for descendants (the
    batch's worker processes included): the work done, whatever share of the cores others left us."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def load() -> str:
    """The machine's load averages (1, 5, 15 minutes) as `uptime` shows them: others share this machine."""
    return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicates", type=int, default=25)
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--end", default="2025-12")
    parser.add_argument("--workers", type=int, default=None, help="batch workers (default: one per core)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from simulator.experiments.spec import load_experiment

    folder = Path(tempfile.mkdtemp(prefix="bench_batch."))
    branched = experiment(folder, args.replicates, args.scale, args.end, True)
    unbranched = experiment(folder, args.replicates, args.scale, args.end, False)
    runs = load_experiment(branched).runs()
    total = len(runs)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"bench_batch: {len(SCENARIOS)} scenarios x {args.replicates} replicates = {total} runs at scale "
          f"{args.scale}, 2020-11 to {args.end}; {cores} cores; {load()}; nice {os.nice(0)}")  # fmt: skip

    import_seconds, _ = timed([sys.executable, "-c", "import simulator.run, simulator.model"])

    sequential_started, cpu_started = time.perf_counter(), children_cpu()
    manifests = []
    for i, spec in enumerate(runs):
        out = folder / "sequential" / f"{spec.scenario.name}-{spec.replicate}"
        timed([BIN / "talentsim", "run", spec.scenario.name, "--scale", str(args.scale), "--seed", str(spec.seed),
               "--end", args.end, "--out", str(out), "--quiet"])  # fmt: skip
        manifests.append(json.loads((out / "manifest.json").read_text()))
        if (i + 1) % 10 == 0:
            print(
                f"  sequential: {i + 1}/{total} runs, {time.perf_counter() - sequential_started:.0f} s", flush=True
            )
    sequential, sequential_cpu = time.perf_counter() - sequential_started, children_cpu() - cpu_started
    print(f"  sequential done: {load()}", flush=True)

    workers = ["--workers", str(args.workers)] if args.workers else []
    cpu_started = children_cpu()
    batch_seconds, batch_out = timed([BIN / "talentsim", "batch", str(branched), "--out", str(folder / "b1"),
                                      "--quiet", *workers])  # fmt: skip
    batch_cpu, cpu_started = children_cpu() - cpu_started, children_cpu()
    print(f"  batch (branching on) done: {load()}", flush=True)
    plain_seconds, _ = timed([BIN / "talentsim", "batch", str(unbranched), "--out", str(folder / "b2"),
                              "--quiet", *workers])  # fmt: skip
    plain_cpu = children_cpu() - cpu_started
    print(f"  batch (branching off) done: {load()}", flush=True)

    init = sum(m["timings_seconds"]["initialisation"] for m in manifests) / total
    inside = sum(m["timings_seconds"]["total"] for m in manifests) / total
    per_run = sequential / total
    runs_table = pd.read_parquet(folder / "b2" / "runs.parquet")
    months = (pd.Period(args.end, "M") - pd.Period("2020-11", "M")).n + 1
    shared = next((line for line in batch_out.splitlines() if "branches shared" in line), "  no branches").strip()
    print(f"sequential `talentsim run` x {total}: {sequential:.1f} s wall ({per_run:.2f} s a run)")
    print(
        f"  per run: start-up outside the model (interpreter, imports, calibration, writing the folder) "
        f"{per_run - inside:.2f} s, of which importing the simulator {import_seconds:.2f} s; initialisation "
        f"(synthesis, firms, tables) {init:.2f} s; the {months} months {inside - init:.2f} s"
    )
    print(
        f"batch, branching on:  {batch_seconds:.1f} s wall ({total / batch_seconds * 60:.0f} runs a minute), "
        f"{sequential / batch_seconds:.2f}x faster than sequential; {shared}"
    )
    print(
        f"batch, branching off: {plain_seconds:.1f} s wall, {sequential / plain_seconds:.2f}x faster than "
        f"sequential; a run takes {runs_table['wall_seconds'].mean():.2f} s in a worker "
        f"(peak memory {runs_table['peak_memory_mb'].max():.0f} MB)"
    )
    saved = plain_seconds - batch_seconds
    print(f"branching saved {saved:.1f} s ({saved / plain_seconds:.0%})")
    print(
        f"CPU seconds (user + system, all processes): sequential {sequential_cpu:.0f}, batch with branching "
        f"{batch_cpu:.0f} ({sequential_cpu / batch_cpu:.2f}x less), without {plain_cpu:.0f} "
        f"({sequential_cpu / plain_cpu:.2f}x less); branching saved {plain_cpu - batch_cpu:.0f} CPU s"
    )

    keys = ["scenario", "replicate", "date", "region", "indicator"]
    stored = pd.read_parquet(folder / "b1" / "indicators").drop(columns="sample")
    alone = pd.concat(
        pd.read_parquet(folder / "sequential" / f"{s.scenario.name}-{s.replicate}" / "indicators.parquet").assign(
            replicate=s.replicate
        )
        for s in runs
    )
    same = all(
        a[keys + ["value"]]
        .sort_values(keys)
        .reset_index(drop=True)
        .equals(b[keys + ["value"]].sort_values(keys).reset_index(drop=True))
        for a, b in (
            (stored, alone),
            (pd.read_parquet(folder / "b2" / "indicators").drop(columns="sample"), alone),
        )
    )
    print(f"identical rows (both batches and the sequential runs): {same}; files in {folder}")


if __name__ == "__main__":
    main()

"""Benchmark of the whole `talentsim run` command at several scales, against a Mesa-object reference.

    .venv/bin/python benchmarks/bench_fullscale.py                      # scales 100 10 1 (scale 1: minutes)
    .venv/bin/python benchmarks/bench_fullscale.py --scales 100 10      # quick
    .venv/bin/python benchmarks/bench_fullscale.py --scales 1 --json benchmarks/fullscale.json

For each scale it runs the command a user runs, `talentsim run scenarios/baseline.toml --scale S --seed 1`
(2020-11 to --end, default 2025-12: import, synthesis, the months, writing the folder), as a child process,
and prints:

- wall: seconds from start to exit of the command (cpu: its user + system seconds, for a loaded machine);
- peak: the command's peak resident memory (ru_maxrss of that child, from os.wait4), GiB of 2^30 bytes;
- ns/person-month: wall over the person-months simulated, counted as the acceptance check counts them
  (the province population of every month but the last, divided by the scale: persons inside Jilin);
- the share of the wall of each part, from the run's manifest (`timings_seconds`): initialisation
  (synthesis, firms, tables), recording (wages and the stock counts of each month), each process of
  `simulator.processes.SCHEDULE`, and the rest (interpreter, imports, loading inputs, writing the outputs).

Then it measures the Mesa reference (`benchmarks/mesa_reference.py`: one Mesa object per person, a simple
logit migration rule; median step of --mesa-n agents) in a child of the same run, and prints each scale's
ratio: Mesa ns per agent-step over the command's ns per person-month (the whole command, setup included).

Before the timed runs two untimed scale-100 runs warm the caches: one as timed (compiled bytecode), one with the
compiled kernels forced on (TALENTSIM_KERNEL_MIN_SLOTS=0), which fills numba's on-disk cache for the larger scales
(a fresh checkout compiles its kernels once, 30 s or so, which is not the run's cost). The load average is printed
beside each figure: the machine is shared. The parent process imports nothing large before the children run (on
Linux a child's ru_maxrss starts from its parent's peak), so each child's peak is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "baseline.toml"
SEED = 1


def load_average() -> str:
    """The 1-minute load average (the machine's other work) as text."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


def command_for(scale: int, end: str, out: Path) -> list[str]:
    """The `talentsim run` command line of a benchmark run."""
    program = Path(sys.executable).with_name("talentsim")
    head = [str(program)] if program.exists() else [sys.executable, "-m", "simulator"]
    settings = ["--scale", str(scale), "--seed", str(SEED), "--end", end, "--out", str(out)]
    return [*head, "run", str(SCENARIO), *settings]


def timed_child(command: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> dict[str, Any]:
    """Run `command` in `cwd` (with `env` added to the environment); return its wall seconds, peak resident
    memory (GiB), exit status and output."""
    load_before = load_average()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    factor = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: KiB on Linux, bytes on macOS
    return {
        "wall_seconds": wall,
        "peak_gib": usage.ru_maxrss * factor / 2**30,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "exit": child.returncode,
        "stdout": stdout.decode(errors="replace"),
        "stderr": stderr.decode(errors="replace"),
        "load_before": load_before,
        "load_after": load_average(),
    }


def run_scale(scale: int, end: str, folder: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """One timed `talentsim run` at `scale` writing into `folder` (made here)."""
    result = timed_child(command_for(scale, end, folder), env)
    if result["exit"] != 0:
        sys.stdout.write(result["stdout"] + result["stderr"])
        raise SystemExit(f"bench_fullscale: scale {scale} failed (exit status {result['exit']})")
    result["scale"] = scale
    result["folder"] = str(folder)
    return result


def mesa_reference(n: int, steps: int) -> dict[str, Any]:
    """The Mesa-object reference measured in a child process."""
    script = ROOT / "benchmarks" / "mesa_reference.py"
    command = [sys.executable, str(script), "--n", str(n), "--steps", str(steps)]
    result = timed_child(command)
    if result["exit"] != 0:
        sys.stdout.write(result["stderr"])
        raise SystemExit("bench_fullscale: the Mesa reference failed")
    figures = json.loads(result["stdout"].strip().splitlines()[-1])
    figures["load_before"], figures["load_after"] = result["load_before"], result["load_after"]
    return figures


def add_outputs(row: dict[str, Any]) -> None:
    """Person-months and the manifest's timings of a finished run (reads its folder; imports pandas)."""
    import pandas as pd

    folder = Path(row["folder"])
    table = pd.read_parquet(folder / "indicators.parquet")
    population = table[(table["region"] == "province") & (table["indicator"] == "population")]
    by_month = population.sort_values("date")["value"].to_numpy()
    row["months"] = int(by_month.size - 1)
    row["person_months"] = float(by_month[:-1].sum()) / row["scale"]
    row["ns_per_person_month"] = row["wall_seconds"] * 1e9 / row["person_months"]
    manifest = json.loads((folder / "manifest.json").read_text())
    row["persons_at_end"] = manifest.get("persons_simulated")
    row["timings"] = manifest["timings_seconds"]


def shares(row: dict[str, Any]) -> dict[str, float]:
    """Seconds of each part of the command: the manifest's timings, and the rest of the wall."""
    timings = dict(row["timings"])
    timings.pop("total", None)
    parts = dict(timings)
    parts["other (import, inputs, writing)"] = row["wall_seconds"] - sum(timings.values())
    return parts


def report(rows: list[dict[str, Any]], mesa: dict[str, Any]) -> str:
    """The printed tables."""
    lines = [
        f"{'scale':>6}{'months':>7}{'person-months':>16}{'wall s':>9}{'cpu s':>8}{'peak GiB':>10}{'ns/p-m':>9}"
        f"{'x Mesa':>8}{'load':>13}"
    ]
    for r in rows:
        ratio = mesa["ns_per_agent_step"] / r["ns_per_person_month"]
        lines.append(
            f"{r['scale']:>6}{r['months']:>7}{r['person_months']:>16,.0f}{r['wall_seconds']:>9.2f}{r['cpu_seconds']:>8.2f}"
            f"{r['peak_gib']:>10.2f}{r['ns_per_person_month']:>9.0f}{ratio:>8.1f}"
            f"{r['load_before'] + '->' + r['load_after']:>13}"
        )
    lines.append(
        f"Mesa reference: {mesa['n']:,} agents, median step {mesa['step_median_s']:.3f} s = "
        f"{mesa['ns_per_agent_step']:.0f} ns per agent-step (load {mesa['load_before']}->{mesa['load_after']})"
    )
    names = list(shares(rows[0]))
    for r in rows[1:]:
        names += [n for n in shares(r) if n not in names]
    width = max(len(n) for n in names) + 2
    lines.append("")
    lines.append("share of the wall by part (seconds, %)")
    lines.append(f"{'':{width}}" + "".join(f"{'scale ' + str(r['scale']):>18}" for r in rows))
    for name in names:
        cells = ""
        for r in rows:
            seconds = shares(r).get(name)
            share = 100 * seconds / r["wall_seconds"] if seconds is not None else 0.0
            cells += f"{'-':>18}" if seconds is None else f"{seconds:>10.2f} {share:5.1f} %"
        lines.append(f"{name:{width}}" + cells)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[100, 10, 1], help="default: 100 10 1")
    parser.add_argument("--end", default="2025-12", help="last month YYYY-MM (default 2025-12)")
    parser.add_argument("--mesa-n", type=int, default=100_000, help="agents of the Mesa reference (100000)")
    parser.add_argument("--mesa-steps", type=int, default=3, help="timed steps of the Mesa reference (3)")
    parser.add_argument("--no-warmup", action="store_true", help="skip the untimed scale-100 runs first")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    if any(s < 1 for s in args.scales):
        parser.error("--scales: expected whole numbers of at least 1")
    scratch = Path(tempfile.mkdtemp(prefix="bench_fullscale."))
    try:
        if not args.no_warmup:
            run_scale(100, args.end, scratch / "warmup")
            run_scale(100, args.end, scratch / "warmup_kernels", {"TALENTSIM_KERNEL_MIN_SLOTS": "0"})
        rows = []
        for scale in args.scales:
            print(f"  running scale {scale} (load {load_average()}) ...", file=sys.stderr, flush=True)
            rows.append(run_scale(scale, args.end, scratch / f"scale{scale}"))
        print("  running the Mesa reference ...", file=sys.stderr, flush=True)
        mesa = mesa_reference(args.mesa_n, args.mesa_steps)
        for row in rows:
            add_outputs(row)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    where = SCENARIO.relative_to(ROOT)
    print(f"talentsim run {where} --seed {SEED}, 2020-11 to {args.end}, {os.cpu_count()} cpus")
    print(report(rows, mesa))
    if args.json is not None:
        for row in rows:
            row.pop("stdout", None)
            row.pop("stderr", None)
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"rows": rows, "mesa": mesa}, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

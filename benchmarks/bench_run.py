"""Benchmark of a full baseline run at several scales (not a test; see benchmarks/README.md).

Usage:
    .venv/bin/python benchmarks/bench_run.py [--scales 100 10 1] [--end 2025-12] [--json PATH]

Each scale runs in a fresh Python process (this file with the hidden flag `--one SCALE`), so the peak
resident memory reported for a scale is that of its own run alone. A CPU-speed probe (hidden flag
`--probe`, also in its own process) is printed first so that figures from different machines can be compared.

On Linux a child's ru_maxrss starts from its parent's peak at fork time (it survives fork and exec), so this
parent process stays small: it does not import numpy or the simulator and runs the probe in a child too.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "baseline.toml"
SEED = 1
DEFAULT_SCALES = (100, 10, 1)
DEFAULT_END = "2025-12"
#: The child prints its result on one line starting with this marker.
MARKER = "BENCH_RESULT "


def _peak_rss_gb() -> float:
    """Peak resident memory of this process in GB (10^9 bytes); ru_maxrss is KiB on Linux, bytes on macOS."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    factor = 1 if sys.platform == "darwin" else 1024
    return peak * factor / 1e9


def _vm_hwm_gb() -> float | None:
    """Peak resident memory of this process image in GB from /proc (Linux only; reset by exec), else None."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024 / 1e9
    except OSError:
        pass
    return None


def run_one(scale: int, end: str) -> dict[str, Any]:
    """Build and run the baseline model at `scale` in this process; return its figures."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from simulator.inputs import load_calibration, load_parameters
    from simulator.model import TalentFlowModel
    from simulator.scenario import load_scenario

    t0 = time.perf_counter()
    parameters = load_parameters()
    scenario = load_scenario(SCENARIO, parameters)
    data = load_calibration()
    t1 = time.perf_counter()
    model = TalentFlowModel(
        scale=scale, seed=SEED, end=end, parameters=parameters.with_overrides(scenario.parameters), data=data
    )
    t2 = time.perf_counter()
    persons = int(model.persons.n)
    model.run()
    t3 = time.perf_counter()
    months = int(model.months)
    simulation = t3 - t2
    return {
        "scale": scale,
        "start": "2020-11",
        "end": end,
        "seed": SEED,
        "persons_at_start": persons,
        "persons_at_end": int(model.persons.n),
        "months": months,
        "load_seconds": t1 - t0,
        "initialisation_seconds": t2 - t1,
        "simulation_seconds": simulation,
        "seconds_per_month": simulation / months,
        "person_months_per_second": persons * months / simulation,
        "peak_rss_gb": _peak_rss_gb(),
        "vm_hwm_gb": _vm_hwm_gb(),
        "timings": {name: float(value) for name, value in model.timings.items()},
    }


def cpu_probe() -> dict[str, float]:
    """Seconds (best of 3) to sum 50 million float64 and to sort 10 million float64, with numpy."""
    import numpy as np

    rng = np.random.default_rng(0)
    big = rng.random(50_000_000)
    to_sort = rng.random(10_000_000)
    sum_s = sort_s = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        big.sum()
        sum_s = min(sum_s, time.perf_counter() - t0)
        t0 = time.perf_counter()
        np.sort(to_sort)
        sort_s = min(sort_s, time.perf_counter() - t0)
    return {
        "sum_50M_float64_seconds": sum_s,
        "sort_10M_float64_seconds": sort_s,
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "numpy": np.__version__,
        },
    }


def _child(flags: list[str], what: str) -> dict[str, Any]:
    """Run this file with hidden `flags` in a fresh interpreter and return the result it prints."""
    command = [sys.executable, str(Path(__file__).resolve()), *flags]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
    wall = time.perf_counter() - started
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARKER)]
    if done.returncode != 0 or not lines:
        sys.stdout.write(done.stdout)
        raise SystemExit(f"bench_run: {what} failed (exit status {done.returncode})")
    result = json.loads(lines[-1][len(MARKER) :])
    result["process_wall_seconds"] = wall
    return result


def run_child(scale: int, end: str) -> dict[str, Any]:
    """Run one scale in a fresh interpreter and return its figures."""
    return _child(["--one", str(scale), "--end", end], f"scale {scale}")


TIMING_ORDER = (
    "initialisation",
    "recording",
    "demography",
    "education",
    "skills",
    "labour_market",
    "migration",
    "policy",
)


def format_tables(rows: list[dict[str, Any]]) -> str:
    """The run table and the per-process timing table."""
    header = (
        f"{'scale':>6}{'persons':>12}{'months':>7}{'load s':>8}{'init s':>8}{'sim s':>9}{'s/month':>9}"
        f"{'person-months/s':>17}{'peak GB':>9}"
    )
    lines = [header]
    for r in rows:
        lines.append(
            f"{r['scale']:>6}{r['persons_at_start']:>12,}{r['months']:>7}{r['load_seconds']:>8.2f}"
            f"{r['initialisation_seconds']:>8.2f}{r['simulation_seconds']:>9.2f}{r['seconds_per_month']:>9.3f}"
            f"{r['person_months_per_second']:>17,.0f}{r['peak_rss_gb']:>9.2f}"
        )
    names = [n for n in TIMING_ORDER if any(n in r["timings"] for r in rows)]
    names += sorted({n for r in rows for n in r["timings"]} - set(names))
    width = max(10, *(len(n) + 1 for n in names))
    lines.append("")
    lines.append("model.timings (seconds)")
    lines.append(f"{'scale':>6}" + "".join(f"{n:>{width}}" for n in names))
    for r in rows:
        cells = "".join(
            f"{r['timings'][n]:>{width}.2f}" if n in r["timings"] else f"{'-':>{width}}" for n in names
        )
        lines.append(f"{r['scale']:>6}" + cells)
    return "\n".join(lines)


def _scale(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1 (got {text!r})") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1 (got {text!r})")
    return value


def _end(text: str) -> str:
    """A month YYYY-MM from 2020-12 on (checked here without importing the simulator; see the docstring)."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if not match or not 1 <= int(match[2]) <= 12 or (int(match[1]), int(match[2])) < (2020, 12):
        raise argparse.ArgumentTypeError(f"expected a month YYYY-MM from 2020-12 on (got {text!r})")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark the baseline run (2020-11 to --end, seed 1), each scale in a fresh process."
    )
    parser.add_argument(
        "--scales",
        type=_scale,
        nargs="+",
        default=list(DEFAULT_SCALES),
        help="residents per simulated person, one run each (default: 100 10 1)",
    )
    parser.add_argument(
        "--end", type=_end, default=DEFAULT_END, help=f"last month YYYY-MM (default: {DEFAULT_END})"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the rows as JSON to this file")
    parser.add_argument("--one", type=_scale, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.one is not None:
        print(MARKER + json.dumps(run_one(args.one, args.end)), flush=True)
        return 0
    if args.probe:
        print(MARKER + json.dumps(cpu_probe()), flush=True)
        return 0

    probe = _child(["--probe"], "cpu probe")
    info = probe.pop("machine")
    probe.pop("process_wall_seconds")
    print(
        f"cpu probe: sum of 50M float64 {probe['sum_50M_float64_seconds'] * 1e3:.1f} ms, "
        f"sort of 10M float64 {probe['sort_10M_float64_seconds'] * 1e3:.0f} ms "
        f"({info['processor']}, {info['cpus']} cpus, Python {info['python']}, numpy {info['numpy']})"
    )
    print(f"baseline, seed {SEED}, 2020-11 to {args.end}, scales {' '.join(map(str, args.scales))}")
    sys.stdout.flush()
    rows = []
    for scale in args.scales:
        print(f"  running scale {scale} ...", file=sys.stderr, flush=True)
        rows.append(run_child(scale, args.end))
    print(format_tables(rows))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {"cpu_probe": probe, "machine": info, "rows": rows}
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

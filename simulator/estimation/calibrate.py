"""`talentsim calibrate CONFIG.toml [--quick] [--out DIR]`: the baseline fitted to the census record by the
simulated method of moments.

1. **Targets**: the rows of calibration/targets.csv named by the configuration, every one dated on or before
   census day (checked), plus the configuration's consistency moments (the model against its own census
   day). The fit simulates the baseline's rules only: census-day levers, no exogenous conditions, so no
   observation after census day enters it.
2. **Global search**: a scrambled Sobol sample of the unit cube of the fitted parameters
   (`scipy.stats.qmc.Sobol`, seeded), plus the current values; every candidate is simulated with the same
   replicate seeds (common random numbers), in parallel worker processes.
3. **Local search**: `scipy.optimize.least_squares` (trust region reflective, bounds of the unit cube) from
   the best point, with a forward-difference Jacobian whose columns are simulated in parallel. The result
   is the best candidate seen.
4. **Report** (into `--out`, default outputs/calibration/): every target's observed value, its simulated mean
   and range over the replicates, its residual, the loss, the optimiser's trace, and the identification
   of the parameters from the Jacobian at the optimum (singular values, and which parameters the targets
   leave free); Markdown plus PNG plots and CSV tables.
5. **Parameters**: the fitted values are written into calibration/parameters.csv (basis `fitted`),
   atomically, unless `--quick` (a smoke run) or `write_parameters = false`.

Runs are deterministic: the same configuration and seed give the same parameters.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import shutil
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import least_squares
from scipy.stats import qmc

from simulator.atomic import write_atomically
from simulator.estimation import objective
from simulator.estimation.config import (
    CalibrationConfig,
    describe,
    fitted_bounds,
    load_config,
    select_targets,
)
from simulator.estimation.objective import Consistency, FitSetup, format_value
from simulator.estimation.report import write_report
from simulator.inputs.calibration import load_calibration
from simulator.inputs.files import CALIBRATION_DIR
from simulator.inputs.parameters import PARAMETERS_FILE, load_parameters
from simulator.model import required_parameters
from simulator.recording.output import claim_output
from simulator.scenario import load_scenario
from simulator.synthesis import cache

CALIBRATION_KIND = "talentsim-calibration"
CALIBRATION_FILES = frozenset(
    {
        "manifest.json",
        "report.md",
        "fitted_parameters.csv",
        "moments.csv",
        "trace.csv",
        "jacobian.csv",
        "trace.png",
        "targets.png",
        "cohorts.png",
        "identification.png",
    }
)

_SETUP: FitSetup | None = None


def _init_worker(setup: FitSetup) -> None:
    global _SETUP
    _SETUP = setup
    cache.MEMORY_SLOTS = max(cache.MEMORY_SLOTS, len(setup.seeds) + 1)


def _simulate(task: tuple[tuple[float, ...], int]) -> np.ndarray:
    point, seed = task
    assert _SETUP is not None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return objective.run_moments(_SETUP, _SETUP.values(np.array(point)), seed)


class Evaluator:
    """Simulates candidates (points of the unit cube) over every replicate seed, in parallel, with a cache
    and a trace of every evaluation."""

    def __init__(self, setup: FitSetup, workers: int) -> None:
        self.setup = setup
        self.workers = workers
        self.cache: dict[tuple[float, ...], np.ndarray] = {}
        self.trace: list[dict[str, Any]] = []
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Evaluator:
        # the census-day populations of the replicate seeds, built once here and inherited by the workers
        cache.MEMORY_SLOTS = max(cache.MEMORY_SLOTS, len(self.setup.seeds) + 1)
        for seed in self.setup.seeds:
            cache.census_population(self.setup.data, self.setup.parameters, self.setup.scale, seed)
        if self.workers > 1:
            self.pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_init_worker,
                initargs=(self.setup,),
            )
        else:
            _init_worker(self.setup)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    @staticmethod
    def key(point: np.ndarray) -> tuple[float, ...]:
        """The cache key of a point (rounded, so that a point met twice is simulated once)."""
        return tuple(round(float(x), 10) for x in np.clip(point, 0.0, 1.0))

    def moments(self, points: list[np.ndarray], stage: str) -> list[np.ndarray]:
        """Per-replicate moments (replicates x moments) of every point; new points are simulated."""
        keys = [self.key(p) for p in points]
        todo = list(dict.fromkeys(k for k in keys if k not in self.cache))
        tasks = [(k, seed) for k in todo for seed in self.setup.seeds]
        if self.pool is not None:
            results = list(self.pool.map(_simulate, tasks, chunksize=1))
        else:
            results = [_simulate(t) for t in tasks]
        replicates = len(self.setup.seeds)
        for i, k in enumerate(todo):
            self.cache[k] = np.vstack(results[i * replicates : (i + 1) * replicates])
            self.trace.append(
                {
                    "evaluation": len(self.trace) + 1,
                    "stage": stage,
                    "loss": objective.loss(self.setup, self.cache[k]),
                    **dict(zip(self.setup.names, self.setup.values(np.array(k)).values(), strict=False)),
                }
            )
        return [self.cache[k] for k in keys]

    def residuals(self, point: np.ndarray, stage: str) -> np.ndarray:
        """Weighted standardised residuals of a point."""
        return objective.residuals(self.setup, self.moments([point], stage)[0])

    def jacobian(self, point: np.ndarray, step: float, stage: str) -> np.ndarray:
        """Forward-difference Jacobian of the residuals (moments x parameters), columns simulated in parallel;
        a step that would leave the unit cube goes the other way."""
        point = np.clip(np.asarray(point, dtype=float), 0.0, 1.0)
        steps = np.where(point + step <= 1.0, step, -step)
        shifted = [point + np.eye(point.size)[j] * steps[j] for j in range(point.size)]
        results = self.moments([point, *shifted], stage)
        base = objective.residuals(self.setup, results[0])
        columns = [(objective.residuals(self.setup, r) - base) / steps[j] for j, r in enumerate(results[1:])]
        return np.column_stack(columns)

    def best(self) -> tuple[np.ndarray, float]:
        """The best point seen and its loss."""
        losses = {k: objective.loss(self.setup, m) for k, m in self.cache.items()}
        k = min(losses, key=lambda key: (losses[key], key))
        return np.array(k), losses[k]


def build_setup(config: CalibrationConfig, path: Path) -> FitSetup:
    """The fit's setup from a checked configuration."""
    params = load_parameters(required=required_parameters())
    names, low, high = fitted_bounds(config, params, path)
    targets = select_targets(config, path)
    baseline = load_scenario("baseline", params)
    if baseline.conditions.outside or baseline.conditions.mobility_shock:
        raise ValueError("the baseline must keep census-day conditions to be fitted")
    seeds = tuple(config.seed + 1 + k for k in range(config.replicates))
    consistency = tuple(Consistency(**item.model_dump()) for item in config.consistency)
    return FitSetup(
        names=tuple(names),
        low=np.array(low),
        high=np.array(high),
        scale=config.scale,
        end=config.end,
        window_months=config.window_months,
        trend_window_months=config.trend_window_months,
        seeds=seeds,
        targets=targets,
        consistency=consistency,
        levers=baseline.levers,
        parameters=params.with_overrides(baseline.parameters),
        data=load_calibration(),
    )


def start_point(setup: FitSetup) -> np.ndarray:
    """The current values of the fitted parameters, in the unit cube."""
    current = np.array([setup.parameters[n] for n in setup.names])
    return np.clip((current - setup.low) / (setup.high - setup.low), 0.0, 1.0)


def fit(config: CalibrationConfig, setup: FitSetup, progress: bool = True) -> dict[str, Any]:
    """Global search, then local search; returns the result (best point, trace, Jacobian, moments)."""
    started = time.perf_counter()
    dims = len(setup.names)
    workers = min(config.workers, os.cpu_count() or 1)
    with Evaluator(setup, workers) as evaluator:
        points = [start_point(setup)]
        if config.global_points > 0:
            sampler = qmc.Sobol(d=dims, scramble=True, seed=config.seed)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # a sample size that is not a power of 2
                points += list(sampler.random(config.global_points))
        evaluator.moments(points, "global")
        best, best_loss = evaluator.best()
        _say(progress, f"global search: {len(points)} candidates, best loss {best_loss:.2f}", started)
        budget = config.local_evaluations
        if budget > 0:
            used = len(evaluator.cache)

            def fun(x: np.ndarray) -> np.ndarray:
                if len(evaluator.cache) - used >= budget:
                    raise _BudgetSpent
                return evaluator.residuals(x, "local")

            def jac(x: np.ndarray) -> np.ndarray:
                if len(evaluator.cache) - used >= budget:
                    raise _BudgetSpent
                return evaluator.jacobian(x, config.finite_difference_step, "local")

            try:
                least_squares(fun, best, jac=jac, bounds=(0.0, 1.0), method="trf", x_scale=1.0, max_nfev=budget)
            except _BudgetSpent:
                pass
            best, best_loss = evaluator.best()
            _say(
                progress,
                f"local search: {len(evaluator.cache) - used} more candidates, best loss {best_loss:.2f}",
                started,
            )
        jacobian = evaluator.jacobian(best, config.finite_difference_step, "identification")
        moments = evaluator.moments([best], "final")[0]
        trace = list(evaluator.trace)
    return {
        "point": best,
        "values": setup.values(best),
        "loss": best_loss,
        "moments": moments,
        "jacobian": jacobian,
        "trace": trace,
        "seconds": time.perf_counter() - started,
        "evaluations": len(trace),
    }


class _BudgetSpent(Exception):
    """The local search used its evaluations."""


def _say(progress: bool, text: str, started: float) -> None:
    if progress:
        print(f"  {text} ({time.perf_counter() - started:.0f} s)", flush=True)


def write_parameters(values: dict[str, float], note: str, directory: Path = CALIBRATION_DIR) -> Path:
    """Write fitted values into parameters.csv (basis `fitted`, source `note`), atomically; other rows and
    columns unchanged."""
    path = directory / PARAMETERS_FILE
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = rows[0]
    col = {name: header.index(name) for name in ("name", "value", "basis", "source")}
    found = set()
    for row in rows[1:]:
        if row and row[col["name"]] in values:
            row[col["value"]] = format_value(values[row[col["name"]]])
            row[col["basis"]] = "fitted"
            row[col["source"]] = note
            found.add(row[col["name"]])
    missing = set(values) - found
    if missing:
        raise ValueError(f"{path}: no rows for {sorted(missing)}")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    write_atomically(path, buffer.getvalue())
    load_parameters(directory, required=required_parameters())  # still a valid file
    return path


def calibrate_command(config_path: Path, quick: bool = False, out: Path | None = None) -> int:
    """Run the fit, write the report into `out` and (unless quick) the fitted values into parameters.csv."""
    full = load_config(config_path)
    fitted_bounds(full, load_parameters(required=required_parameters()), config_path)  # every row, quick or not
    config = full.effective(quick)
    setup = build_setup(config, config_path)
    destination = (
        Path(out) if out is not None else Path("outputs") / ("calibration_quick" if quick else "calibration")
    )
    with claim_output(destination, allowed=CALIBRATION_FILES, what="calibration", kind=CALIBRATION_KIND):
        print(
            f"talentsim calibrate: {len(setup.names)} parameters, {len(setup.moment_names)} moments, "
            f"scale {config.scale}, {config.replicates} replicates, to {config.end}"
            + (" (quick)" if quick else "")
        )
        result = fit(config, setup)
        staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.", dir=destination.resolve().parent))
        try:
            write_report(staging, config, setup, result, quick)
            manifest = {
                "kind": CALIBRATION_KIND,
                "config": str(config_path),
                "quick": quick,
                "settings": describe(config),
                "fitted": result["values"],
                "loss": result["loss"],
                "evaluations": result["evaluations"],
                "seconds": round(result["seconds"], 1),
            }
            (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
            if destination.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{destination.name}.old.", dir=destination.resolve().parent))
                old.rmdir()
                destination.rename(old)
                staging.rename(destination)
                shutil.rmtree(old, ignore_errors=True)
            else:
                staging.rename(destination)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    print(f"loss {result['loss']:.2f} after {result['evaluations']} candidates ({result['seconds']:.0f} s)")
    for name in setup.names:
        print(f"  {name} = {format_value(result['values'][name])}")
    if not quick and config.write_parameters:
        note = (
            f"fitted: talentsim calibrate {config_path.as_posix()} (simulated method of moments, loss "
            f"{result['loss']:.1f}; report in {destination.as_posix()}/report.md)"
        )
        written = write_parameters({n: result["values"][n] for n in setup.names}, note)
        print(f"wrote the fitted values into {written}")
    print(f"wrote {destination}/report.md")
    return 0

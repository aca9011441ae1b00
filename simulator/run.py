"""One run, as data: `RunSpec` says everything a run needs, `run_spec` builds the model, runs it and returns
its indicators and manifest. `talentsim run` (`run_command`) and the batch runner both call `run_spec`, in
this process or in a worker process (a RunSpec pickles), and get the same rows for the same spec.
"""

from __future__ import annotations

import pickle
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from simulator.dates import START, date_to_month
from simulator.inputs.calibration import CalibrationData, load_calibration
from simulator.inputs.parameters import Parameters, load_parameters
from simulator.model import TalentFlowModel, required_parameters
from simulator.recording.output import claim_output, write_run
from simulator.recording.summary import summary_table
from simulator.scenario import Scenario, load_scenario
from simulator.scenario.schema import DEFAULT_END, DEFAULT_SCALE, DEFAULT_SEED


@dataclass(frozen=True)
class RunSpec:
    """Everything a run depends on, small and picklable.

    Attributes:
        scenario: the resolved scenario (levers validated, `extends` already merged).
        scale: residents per simulated person.
        seed: seed of every random number of the run.
        end: last simulated month, YYYY-MM.
        parameters: parameter values that differ from calibration/parameters.csv (the scenario's overrides
            merged with any others, such as an experiment's sample), by name.
        replicate: replicate number recorded in the output (0 for a single run).
        sample: parameter-sample number recorded by batches (-1: none).
        start_state: a file written by `save_state` to continue from instead of census day, or None.
        save_state: (month YYYY-MM, file): write the model's full state when it reaches that month.
    """

    scenario: Scenario
    scale: int = DEFAULT_SCALE
    seed: int = DEFAULT_SEED
    end: str = DEFAULT_END
    parameters: dict[str, float] = field(default_factory=dict)
    replicate: int = 0
    sample: int = -1
    start_state: str | None = None
    save_state: tuple[str, str] | None = None

    def with_(self, **changes: Any) -> RunSpec:
        """A copy with some fields replaced."""
        return replace(self, **changes)


def spec_for(
    scenario: Scenario,
    *,
    scale: int | None = None,
    seed: int | None = None,
    end: str | None = None,
    parameters: dict[str, float] | None = None,
    replicate: int = 0,
) -> RunSpec:
    """The spec of a scenario: the given settings, else the scenario's `[run]` defaults."""
    return RunSpec(
        scenario=scenario,
        scale=int(scale if scale is not None else scenario.run.get("scale", DEFAULT_SCALE)),
        seed=int(seed if seed is not None else scenario.run.get("seed", DEFAULT_SEED)),
        end=str(end or scenario.run.get("end", DEFAULT_END)),
        parameters={**scenario.parameters, **(parameters or {})},
        replicate=replicate,
    )


def build_model(
    spec: RunSpec, data: CalibrationData | None = None, parameters: Parameters | None = None
) -> TalentFlowModel:
    """The census-day model of a spec (its scenario's levers in force, its parameter values applied)."""
    base = parameters or load_parameters()
    return TalentFlowModel(
        scale=spec.scale,
        seed=spec.seed,
        end=spec.end,
        parameters=base.with_overrides(spec.parameters),
        levers=spec.scenario.levers,
        data=data or load_calibration(),
        conditions=spec.scenario.conditions,
    )


def run_spec(
    spec: RunSpec,
    *,
    progress: Callable[[int, int], None] | None = None,
    data: CalibrationData | None = None,
    parameters: Parameters | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Build the model of `spec`, run it to the end and return (indicators, manifest).

    Args:
        spec: what to run.
        progress: called as progress(months done, months in all) after each month.
        data: calibration data (default: loaded from calibration/).
        parameters: the parameter table the spec's values override (default: calibration/parameters.csv).
    """
    frame, manifest, _ = run_spec_with_tables(spec, progress=progress, data=data, parameters=parameters)
    return frame, manifest


def run_spec_with_tables(
    spec: RunSpec,
    *,
    progress: Callable[[int, int], None] | None = None,
    data: CalibrationData | None = None,
    parameters: Parameters | None = None,
) -> tuple[pd.DataFrame, dict[str, Any], dict[str, pd.DataFrame]]:
    """As `run_spec`, plus the run's extra tables by name: `age_profile` (persons, deaths and moves across
    the provincial border by region, sex and age group; `Recorder.age_profile_frame`)."""
    started = time.perf_counter()
    data = data or load_calibration()
    model = build_model(spec, data, parameters)
    model.run(progress=progress)
    elapsed = time.perf_counter() - started
    frame = model.recorder.to_frame(spec.scenario.name, replicate=spec.replicate, seed=spec.seed)
    tables = {
        "age_profile": model.recorder.age_profile_frame(
            spec.scenario.name, replicate=spec.replicate, seed=spec.seed
        )
    }
    return frame, manifest_of(spec, model, data, elapsed), tables


def manifest_of(spec: RunSpec, model: TalentFlowModel, data: CalibrationData, elapsed: float) -> dict[str, Any]:
    """What a run's manifest records: the scenario as resolved, settings, parameters, data hashes, timings."""
    return {
        "scenario": spec.scenario.resolved(),
        "seed": spec.seed,
        "scale": spec.scale,
        "replicate": spec.replicate,
        "start": START,
        "end": spec.end,
        "parameters": dict(sorted(spec.parameters.items())),
        "persons_simulated": int(model.persons.n),
        "data_file_hashes": data.file_hashes,
        "timings_seconds": {**{k: round(v, 3) for k, v in model.timings.items()}, "total": round(elapsed, 3)},
    }


def save_model(model: TalentFlowModel, path: str | Path) -> None:
    """Write a model's full state (between two months) to `path`, atomically."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.partial")
    try:
        with temporary.open("wb") as handle:
            pickle.dump(model, handle, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def progress_printer(quiet: bool) -> Callable[[int, int], None]:
    """Progress on standard error: a bar on a terminal, one line a simulated year in a log."""
    start = time.perf_counter()
    interactive = sys.stderr.isatty()

    def show(done: int, total: int) -> None:
        if quiet:
            return
        elapsed = time.perf_counter() - start
        if not interactive:
            if done % 12 == 0 or done == total:
                print(f"  {done}/{total} months, {elapsed:.1f} s", file=sys.stderr, flush=True)
            return
        width = 30
        filled = int(width * done / total)
        sys.stderr.write(f"\r  [{'#' * filled}{'.' * (width - filled)}] {done}/{total} months, {elapsed:5.1f} s")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def run_command(
    scenario: str,
    *,
    scale: int | None = None,
    seed: int | None = None,
    end: str | None = None,
    out: Path | None = None,
    quiet: bool = False,
) -> int:
    """`talentsim run`: check every input and the output folder, simulate, write, print the summary."""
    parameters = load_parameters(required=required_parameters())
    loaded = load_scenario(scenario, parameters)
    spec = spec_for(loaded, scale=scale, seed=seed, end=end)
    destination = out or Path("outputs") / loaded.name
    data = load_calibration()
    with claim_output(destination):
        print(
            f"talentsim: {loaded.name} at scale {spec.scale} (1 simulated person per {spec.scale} residents), "
            f"seed {spec.seed}, {START} to {spec.end}"
        )
        late = [lv.name for lv in loaded.levers.all() if date_to_month(lv.start) > date_to_month(spec.end)]
        if late:
            print(
                f"talentsim: note: {', '.join(late)} start(s) after {spec.end} and will not act in this run",
                file=sys.stderr,
            )
        started = time.perf_counter()
        frame, manifest, tables = run_spec_with_tables(
            spec, progress=progress_printer(quiet), data=data, parameters=parameters
        )
        elapsed = time.perf_counter() - started
        write_run(destination, frame, manifest, tables=tables)
    print(summary_table(frame))
    print(
        f"wrote {destination}/indicators.parquet, indicators.csv, age_profile.parquet, manifest.json "
        f"({elapsed:.1f} s)"
    )
    return 0

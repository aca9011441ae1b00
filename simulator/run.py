"""One run, as data: `RunSpec` says everything a run needs, `run_spec` builds the model, runs it and returns
its indicators and manifest. `talentsim run` (`run_command`) and the batch runner both call `run_spec`, in
this process or in a worker process (a RunSpec pickles), and get the same rows for the same spec.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from simulator import mesa_core, state
from simulator.dates import START, date_to_month, month_to_date
from simulator.inputs.calibration import CalibrationData, load_calibration
from simulator.inputs.parameters import Parameters, load_parameters
from simulator.model import TalentFlowModel, required_parameters
from simulator.recording.output import WrittenThenInterrupted, claim_output, resolve_out, write_run
from simulator.recording.summary import summary_table
from simulator.scenario import Scenario, load_scenario
from simulator.scenario.resolved import load_resolved
from simulator.scenario.schema import DEFAULT_END, DEFAULT_SCALE, DEFAULT_SEED, MAX_SCALE, MAX_SEED


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

    def __post_init__(self) -> None:
        if not (isinstance(self.scale, int) and 1 <= self.scale <= MAX_SCALE):
            raise ValueError(f"RunSpec.scale: expected a whole number in [1, {MAX_SCALE}] (got {self.scale!r})")
        if not (isinstance(self.seed, int) and 0 <= self.seed <= MAX_SEED):
            raise ValueError(f"RunSpec.seed: expected a whole number in [0, {MAX_SEED}] (got {self.seed!r})")
        try:
            valid_end = date_to_month(self.end) >= 1
        except (ValueError, AttributeError):
            valid_end = False
        if not valid_end:
            raise ValueError(f"RunSpec.end: expected a month YYYY-MM from 2020-12 on (got {self.end!r})")

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


def restore_model(blob: bytes, spec: RunSpec, data: CalibrationData, source: str = "state") -> TalentFlowModel:
    """The model saved in state `blob`, checked to fit `spec` and given `spec`'s levers (simulator.state)."""
    model, header = state.loads(blob, data, source)
    state.check_fits(header, spec, source)
    state.switch_levers(model, spec.scenario.levers)
    return model


def state_at(
    spec: RunSpec, month: int, *, data: CalibrationData | None = None, parameters: Parameters | None = None
) -> bytes:
    """The saved state of `spec`'s model at the start of model month `month` (its number of months: the
    finished run)."""
    model = build_model(spec, data or load_calibration(), parameters)
    model.run(until=month)
    blob = state.dumps(model, spec)
    release(model)
    return blob


def release(model: TalentFlowModel) -> None:
    """Let a finished model be freed: Mesa's agent-id counters (a class attribute keyed by model) would keep
    it, and its whole population, alive for the life of the process (a worker making hundreds of runs)."""
    mesa_core.Agent._ids.pop(model, None)


def run_spec(
    spec: RunSpec,
    *,
    progress: Callable[[int, int], None] | None = None,
    data: CalibrationData | None = None,
    parameters: Parameters | None = None,
    start_blob: bytes | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Build the model of `spec` (or restore it from `spec.start_state`), run it to the end and return
    (indicators, manifest).

    Args:
        spec: what to run. With `start_state`, the run continues from that saved state (same seed, scale,
            end and parameter values; levers equal until the state's month); with `save_state` =
            (YYYY-MM, file), the model's state at the start of that month is written to the file
            (atomically) on the way. Either way the rows are those of an uninterrupted run.
        progress: called as progress(months done, months in all) after each month.
        data: calibration data (default: loaded from calibration/).
        parameters: the parameter table the spec's values override (default: calibration/parameters.csv).
        start_blob: the bytes of a state to continue from, instead of reading `spec.start_state`.

    Raises:
        StateError: the state cannot be read or does not fit the spec, or the save month is outside the run.
    """
    frame, manifest, _ = run_spec_with_tables(
        spec, progress=progress, data=data, parameters=parameters, start_blob=start_blob
    )
    return frame, manifest


def run_spec_with_tables(
    spec: RunSpec,
    *,
    progress: Callable[[int, int], None] | None = None,
    data: CalibrationData | None = None,
    parameters: Parameters | None = None,
    start_blob: bytes | None = None,
) -> tuple[pd.DataFrame, dict[str, Any], dict[str, pd.DataFrame]]:
    """As `run_spec`, plus the run's extra tables by name: `age_profile` (persons, deaths and moves across
    the provincial border by region, sex and age group; `Recorder.age_profile_frame`)."""
    started = time.perf_counter()
    if spec.save_state is not None:
        state.check_target(spec.save_state[1])
    data = data or load_calibration()
    continued = None
    if start_blob is not None or spec.start_state is not None:
        source = str(spec.start_state or "state")
        blob = start_blob if start_blob is not None else state.read_file(spec.start_state)
        model = restore_model(blob, spec, data, source)
        continued = month_to_date(model.month)
    else:
        model = build_model(spec, data, parameters)
    if spec.save_state is not None:
        save_at, file = spec.save_state
        month = date_to_month(save_at)
        if not model.month <= month < model.months:
            raise state.StateError(
                f"--save-state: expected a month from {month_to_date(model.month)} to {spec.end} (got {save_at!r})"
            )
        model.run(progress=progress, until=month)
        state.write_file(file, state.dumps(model, spec))
    model.run(progress=progress)
    elapsed = time.perf_counter() - started
    frame = model.recorder.to_frame(spec.scenario.name, replicate=spec.replicate, seed=spec.seed)
    tables = {
        "age_profile": model.recorder.age_profile_frame(
            spec.scenario.name, replicate=spec.replicate, seed=spec.seed
        )
    }
    manifest = manifest_of(spec, model, data, elapsed)
    release(model)
    if continued is not None:
        manifest["continued_from_state"] = {"file": spec.start_state, "month": continued}
    if spec.save_state is not None:
        manifest["saved_state"] = {"month": spec.save_state[0], "file": str(spec.save_state[1])}
    return frame, manifest, tables


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
    save_state: tuple[str, Path] | None = None,
    from_state: Path | None = None,
) -> int:
    """`talentsim run`: check every input and the output folder, simulate, write, print the summary.

    A scenario ending in `.json` is a resolved scenario (a batch store's `scenarios/<name>.json`). With
    `save_state` = (YYYY-MM, FILE) the model's state at the start of that month is saved to FILE; with
    `from_state` the run continues from a saved state (scale, seed and end default to the state's).
    """
    parameters = load_parameters(required=required_parameters())
    loaded = (load_resolved if str(scenario).endswith(".json") else load_scenario)(scenario, parameters)
    saved = state.peek_header(from_state) if from_state is not None else {}
    spec = spec_for(
        loaded, scale=scale or saved.get("scale"), seed=seed if seed is not None else saved.get("seed"),
        end=end or saved.get("end"),
    )  # fmt: skip
    if from_state is not None:
        spec = spec.with_(start_state=str(from_state))
    if save_state is not None:
        spec = spec.with_(save_state=(save_state[0], str(save_state[1])))
        first = saved.get("month", START)
        if not date_to_month(first) <= date_to_month(save_state[0]) <= date_to_month(spec.end):
            raise state.StateError(
                f"--save-state: expected a month from {first} to {spec.end} (got {save_state[0]!r})"
            )
        state.check_target(save_state[1])
    destination = resolve_out(out or Path("outputs") / loaded.name)
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
        written = write_run(destination, frame, manifest, tables=tables)
    try:
        print(summary_table(frame))
        print(
            f"wrote {written}/indicators.parquet, indicators.csv, age_profile.parquet, manifest.json "
            f"({elapsed:.1f} s)"
        )
    except KeyboardInterrupt:
        raise WrittenThenInterrupted(written) from None
    return 0

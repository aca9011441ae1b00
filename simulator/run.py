"""One run, as data: `RunSpec` says everything a run needs, `run_spec` builds the model, runs it and returns
its indicators and manifest. `talentsim run` and the batch runner both call `run_spec`, in this process or
in a worker process (a RunSpec pickles), and get the same rows for the same spec.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from simulator import state
from simulator.data import CalibrationData, Parameters, load_calibration, load_parameters
from simulator.scenario import Scenario
from simulator.world import date_to_month, month_to_date

DEFAULT_SCALE = 100
DEFAULT_SEED = 1
DEFAULT_END = "2025-12"
START = "2020-11"


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


def build_model(spec: RunSpec, data: CalibrationData, parameters: Parameters) -> Any:
    """The census-day model of `spec` (calibration `data`, `parameters` overridden by the spec's values)."""
    from simulator.model import TalentFlowModel

    return TalentFlowModel(
        scale=spec.scale,
        seed=spec.seed,
        end=spec.end,
        parameters=parameters.with_overrides(spec.parameters),
        levers=spec.scenario.levers,
        data=data,
    )


def restore_model(blob: bytes, spec: RunSpec, data: CalibrationData, source: str = "state") -> Any:
    """The model saved in state `blob`, checked to fit `spec` and given `spec`'s levers (simulator.state)."""
    model, header = state.loads(blob, data, source)
    state.check_fits(header, spec, source)
    state.switch_levers(model, spec.scenario.levers)
    return model


def advance(model: Any, month: int, progress: Callable[[int, int], None] | None = None) -> None:
    """Simulate until the model is at the start of model month `month` (or has finished)."""
    while model.running and model.month < month:
        model.step()
        if progress is not None:
            progress(model.month, model.months)


def state_at(
    spec: RunSpec, month: int, *, data: CalibrationData | None = None, parameters: Parameters | None = None
) -> bytes:
    """The state of `spec`'s model at the start of model month `month` (its number of months: finished)."""
    data = data or load_calibration()
    model = build_model(spec, data, parameters or load_parameters())
    advance(model, month)
    return state.dumps(model, spec)


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
            end and parameters; levers equal until the state's month); with `save_state` = (YYYY-MM, file),
            the model's state at the start of that month is written to the file (atomically) on the way.
        progress: called as progress(months done, months in all) after each month.
        data: calibration data (default: loaded from calibration/).
        parameters: the parameter table the spec's values override (default: calibration/parameters.csv).
        start_blob: the bytes of a state to continue from, instead of reading `spec.start_state`.

    Raises:
        StateError: the state cannot be read or does not fit the spec, or the save month is not in the run.
    """
    started = time.perf_counter()
    data = data or load_calibration()
    base = parameters or load_parameters()
    restored_from = None
    if start_blob is not None or spec.start_state is not None:
        source = str(spec.start_state or "state")
        blob = start_blob if start_blob is not None else state.read_file(spec.start_state)
        model = restore_model(blob, spec, data, source)
        restored_from = month_to_date(model.month)
    else:
        model = build_model(spec, data, base)
    if spec.save_state is not None:
        month_text, file = spec.save_state
        month = date_to_month(month_text)
        if not model.month <= month <= model.end_month:
            first = month_to_date(model.month)
            raise state.StateError(
                f"--save-state: expected a month from {first} to {spec.end} (got {month_text!r})"
            )
        advance(model, month, progress)
        state.write_file(file, state.dumps(model, spec))
    model.run(progress=progress)
    elapsed = time.perf_counter() - started
    frame = model.recorder.to_frame(spec.scenario.name, replicate=spec.replicate, seed=spec.seed)
    manifest = {
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
    if restored_from is not None:
        manifest["continued_from_state"] = {"file": spec.start_state, "month": restored_from}
    if spec.save_state is not None:
        manifest["saved_state"] = {"month": spec.save_state[0], "file": str(spec.save_state[1])}
    return frame, manifest

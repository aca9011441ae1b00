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

from simulator.data import CalibrationData, Parameters, load_calibration, load_parameters
from simulator.scenario import Scenario

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
    from simulator.model import TalentFlowModel

    started = time.perf_counter()
    data = data or load_calibration()
    base = parameters or load_parameters()
    model = TalentFlowModel(
        scale=spec.scale,
        seed=spec.seed,
        end=spec.end,
        parameters=base.with_overrides(spec.parameters),
        levers=spec.scenario.levers,
        data=data,
    )
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
    return frame, manifest

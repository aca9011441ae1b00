"""Helpers for the experiment tests: a store made in this process, run by run, without Dask (the batch runner's
own tests check that Dask gives the same)."""

from __future__ import annotations

from pathlib import Path

from simulator.experiments import worker
from simulator.experiments.spec import load_experiment
from simulator.experiments.store import open_store

ROOT = Path(__file__).resolve().parent.parent


def local_store(folder: Path, body: str, name: str = "exp") -> Path:
    """Write the experiment `body` (TOML) into `folder`, make every run here and return the store."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "twin.toml").write_text(
        f'name = "baseline_twin"\ndescription = "the baseline again"\nextends = "{ROOT}/scenarios/baseline.toml"\n'
    )
    path = folder / f"{name}.toml"
    path.write_text(body)
    experiment = load_experiment(path)
    store, _ = open_store(folder / f"{name}_store", experiment, resume=False)
    for spec in experiment.runs():
        outcome = worker.run(spec)
        assert outcome.frame is not None, outcome.record["error"]
        store.add_ok(outcome.frame, outcome.record)
    return store.path

"""RunSpec and run_spec: a run as data, built and run the same way in any process; models pickle mid-run."""

from __future__ import annotations

import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from simulator.model import TalentFlowModel
from simulator.run import RunSpec, build_model, run_spec, spec_for
from simulator.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
ENACTED = load_scenario(ROOT / "scenarios" / "enacted.toml")


def small_spec(**changes) -> RunSpec:
    return spec_for(ENACTED, scale=4000, seed=7, end="2021-09").with_(**changes)


def test_a_spec_pickles_and_says_what_runs():
    spec = small_spec(replicate=3)
    again = pickle.loads(pickle.dumps(spec))
    assert again == spec
    assert again.scenario.name == "enacted" and again.scale == 4000 and again.replicate == 3
    assert again.parameters == ENACTED.parameters


def test_spec_defaults_come_from_the_scenario():
    spec = spec_for(ENACTED)
    assert (spec.scale, spec.seed, spec.end) == (ENACTED.run["scale"], ENACTED.run["seed"], ENACTED.run["end"])


def _run_elsewhere(spec: RunSpec) -> pd.DataFrame:
    return run_spec(spec)[0]


def test_the_same_spec_gives_the_same_rows_here_and_in_another_process():
    spec = small_spec()
    here, manifest = run_spec(spec)
    with ProcessPoolExecutor(max_workers=1) as pool:
        there = pool.submit(_run_elsewhere, pickle.loads(pickle.dumps(spec))).result()
    pd.testing.assert_frame_equal(here, there)
    assert manifest["seed"] == 7 and manifest["scenario"]["name"] == "enacted"
    assert manifest["persons_simulated"] > 0 and "total" in manifest["timings_seconds"]


def test_parameter_overrides_change_the_run():
    base = run_spec(small_spec())[0]
    changed = run_spec(small_spec(parameters={**ENACTED.parameters, "migration.beta_income": 0.5}))[0]
    assert not base["value"].equals(changed["value"])


def test_a_model_pickled_mid_run_continues_with_identical_results():
    model = build_model(small_spec(end="2022-03"))
    model.run(until=8)  # through a July (graduation) and the start of the 2021 levers
    saved = pickle.dumps(model)
    model.run()
    restored = pickle.loads(saved)
    assert isinstance(restored, TalentFlowModel) and restored.month == 8
    restored.run()
    pd.testing.assert_frame_equal(model.recorder.to_frame("a", 0, 7), restored.recorder.to_frame("a", 0, 7))
    assert model.state.policy.levers[0].spent_yuan == restored.state.policy.levers[0].spent_yuan


def test_stepping_by_hand_equals_run():
    a = build_model(small_spec())
    a.run()
    b = build_model(small_spec())
    while b.running:
        b.step()
    pd.testing.assert_frame_equal(a.recorder.to_frame("x", 0, 7), b.recorder.to_frame("x", 0, 7))


@pytest.mark.parametrize(
    "changes, field",
    [({"scale": 0}, "scale"), ({"scale": 10**6}, "scale"), ({"seed": -1}, "seed"), ({"end": "2020-11"}, "end")],
)
def test_a_spec_refuses_what_the_command_refuses(changes, field):
    with pytest.raises(ValueError, match=f"RunSpec.{field}"):
        small_spec(**changes)

"""Levers: every scenario runs, common random numbers, the direction of each lever's effect, and spending.

The scenario files in scenarios/ are the objects under test: each single-lever file is compared with the
baseline run with the same seed.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.dates import date_to_month
from simulator.inputs.calibration import load_calibration
from simulator.inputs.parameters import load_parameters
from simulator.model import TalentFlowModel
from simulator.recording.recorder import OUTPUT_REGIONS
from simulator.run import build_model, spec_for
from simulator.scenario import Scenario, load_scenario, schema

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
SCENARIO_FILES = sorted(SCENARIOS.glob("*.toml"))
DATA = load_calibration()
PARAMETERS = load_parameters()


def build(scenario: Scenario, scale: int, seed: int, end: str) -> TalentFlowModel:
    return build_model(spec_for(scenario, scale=scale, seed=seed, end=end), data=DATA, parameters=PARAMETERS)


@cache
def run(name: str, scale: int, seed: int, end: str) -> tuple[TalentFlowModel, pd.DataFrame]:
    scenario = load_scenario(SCENARIOS / f"{name}.toml")
    model = build(scenario, scale, seed, end)
    model.run()
    return model, model.recorder.to_frame(scenario.name, replicate=0, seed=seed)


def series(frame: pd.DataFrame, indicator: str, region: str = "province") -> pd.Series:
    rows = frame[(frame["indicator"] == indicator) & (frame["region"] == region)]
    return rows.set_index("date")["value"]


def first_differing_start(name: str) -> int:
    """Model month at which the scenario's first lever that baseline does not have (identically) starts."""
    mine = {lv.name: lv for lv in load_scenario(SCENARIOS / f"{name}.toml").levers.all()}
    base = {lv.name: lv for lv in load_scenario(SCENARIOS / "baseline.toml").levers.all()}
    differing = [lv for n, lv in mine.items() if n not in base or base[n] != lv]
    differing += [lv for n, lv in base.items() if n not in mine]
    return min(date_to_month(lv.start) for lv in differing)


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_every_scenario_runs_at_scale_1000(path: Path):
    _, frame = run(path.stem, 1000, 1, "2025-12")
    assert frame["value"].notna().all()
    assert set(frame["region"]) <= set(OUTPUT_REGIONS)
    population = series(frame, "population")
    assert len(population) == 62 and population.iloc[-1] > 0.8 * population.iloc[0]


@pytest.mark.slow
@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_every_scenario_runs_at_the_readme_default_scale(path: Path):
    scenario = load_scenario(path)
    model = build(scenario, scenario.run["scale"], 1, "2025-12")
    model.run()
    assert model.month == 62 and not model.running
    frame = model.recorder.to_frame(scenario.name, 0, 1)
    assert series(frame, "employed").iloc[-1] > 0


@pytest.mark.parametrize("name", [p.stem for p in SCENARIO_FILES if p.stem != "baseline"])
def test_common_random_numbers_identical_until_the_first_differing_lever(name: str):
    start = first_differing_start(name)
    _, base = run("baseline", 1000, 7, "2023-12")
    _, other = run(name, 1000, 7, "2023-12")
    keys = ["date", "region", "indicator"]
    merged = base.merge(other, on=keys, how="outer", suffixes=("_base", "_other"))
    month = merged["date"].map(date_to_month)
    before, after = merged[month < start], merged[month >= start]
    assert len(before) > 0
    pd.testing.assert_series_equal(before["value_base"], before["value_other"], check_names=False)
    # (a lever's own spending counts: 1,200 classified talents a year barely move anything else)
    assert (after["value_base"].fillna(-1) != after["value_other"].fillna(-1)).any(), f"{name} never differs"


def test_graduate_subsidy_retains_more_graduates():
    gains = []
    for seed in (1, 2, 3):
        _, base = run("baseline", 100, seed, "2023-12")
        _, subsidy = run("graduate_subsidy", 100, seed, "2023-12")
        after = series(base, "graduates_retained").index >= "2021-08"
        diff = series(subsidy, "graduates_retained") - series(base, "graduates_retained")
        gains.append(diff[after].mean())
    assert np.mean(gains) > 0, gains


def test_training_raises_high_skill_talent():
    _, base = run("baseline", 500, 3, "2023-12")
    _, training = run("training", 500, 3, "2023-12")
    gain = series(training, "high_skill_talent") - series(base, "high_skill_talent")
    assert gain.iloc[-1] > 10_000  # 210,000 courses a year for skilled workers, a tenth passing certification
    assert series(training, "training_person_times").sum() > series(base, "training_person_times").sum()


def test_industrial_parks_raise_employment_in_their_unit_and_sector():
    _, base = run("baseline", 200, 3, "2025-12")
    _, parks = run("industrial_parks", 200, 3, "2025-12")
    for sector in ("optoelectronics_digital", "automotive"):
        gain = series(parks, f"employed_{sector}", "changchun") - series(base, f"employed_{sector}", "changchun")
        assert gain.iloc[-12:].mean() > 0, sector
        assert (gain[gain.index < "2022-01"] == 0).all()  # nothing before the parks open


def test_spending_equals_what_was_paid_to_persons_and_firms():
    """Every yuan a lever counts went to a person (benefits, one-offs, courses, school places) or a firm
    (industrial parks): the plan scenario exercises every kind of lever."""
    model, frame = run("plan", 1000, 5, "2025-12")
    spending = frame[frame["indicator"].str.startswith("policy_spending_yuan.")]
    assert spending["value"].sum() > 0
    paid_to_persons = float(model.persons.benefit_paid_yuan.astype(float).sum()) * model.scale
    paid_to_firms = float(model.state.firms.public_funds_yuan.sum())
    assert spending["value"].sum() == pytest.approx(paid_to_persons + paid_to_firms, rel=1e-5)
    kinds = {lever.name for lever in model.state.policy.levers}
    assert {name.split(".", 1)[1] for name in spending["indicator"]} <= kinds


def test_a_budget_caps_spending():
    scenario = load_scenario(SCENARIOS / "graduate_subsidy.toml")
    lever = scenario.levers.graduate_subsidy[-1]
    capped = lever.model_copy(update={"budget_yuan": 2e8})
    levers = scenario.levers.model_copy(
        update={"graduate_subsidy": [*scenario.levers.graduate_subsidy[:-1], capped]}
    )
    model = TalentFlowModel(scale=500, seed=2, end="2024-12", parameters=PARAMETERS, levers=levers, data=DATA)
    model.run()
    frame = model.recorder.to_frame("capped", 0, 2)
    spent = frame[frame["indicator"] == f"policy_spending_yuan.{lever.name}"]["value"].sum()
    assert 0.5e8 < spent <= 2e8 + 1


def test_posts_per_year_limit_the_subsidised_graduates():
    levers = schema.Levers(
        graduate_subsidy=[
            schema.GraduateSubsidy(
                name="few_posts",
                start="2021-01",
                units="all",
                yuan_per_month=schema.DegreeAmounts(college=500, bachelor=1000, master=1500, phd=2500),
                months=12,
                posts_per_year=5000,
            )
        ]
    )
    model = TalentFlowModel(scale=100, seed=4, end="2021-12", parameters=PARAMETERS, levers=levers, data=DATA)
    model.run()
    holders = int(np.count_nonzero(model.persons.benefit_paid_yuan > 0)) * model.scale
    assert 0 < holders <= 5000


def test_plan_targets_are_indicators_with_their_attainment():
    _, frame = run("training", 1000, 1, "2025-12")
    for indicator, attainment, target in (
        ("high_skill_talent", "target_attainment_high_skill_talent", 650_000),
        ("training_person_times_subsidised_to_date", "target_attainment_training", 1_050_000),
    ):
        np.testing.assert_allclose(series(frame, attainment), series(frame, indicator) / target, rtol=1e-12)
    share = series(frame, "high_skill_share")
    np.testing.assert_allclose(series(frame, "target_attainment_high_skill_share"), share / 0.30, rtol=1e-12)
    cumulative = series(frame, "training_person_times").loc["2021-01":].cumsum()
    np.testing.assert_allclose(series(frame, "training_person_times_to_date").loc["2021-01":], cumulative)
    subsidised = series(frame, "training_person_times_subsidised").loc["2021-01":].cumsum()
    np.testing.assert_allclose(
        series(frame, "training_person_times_subsidised_to_date").loc["2021-01":], subsidised
    )
    # only the lever's courses count towards the plan: 210,000 a year for five years, not firms' own training
    assert series(frame, "training_person_times_subsidised_to_date").loc["2025-12"] == pytest.approx(
        1_050_000, rel=0.02
    )
    assert series(frame, "training_person_times_to_date").loc["2025-12"] > 1.3 * 1_050_000


def test_the_baseline_attains_nothing_of_the_training_target():
    _, frame = run("baseline", 1000, 1, "2022-03")
    assert series(frame, "training_person_times").sum() > 0  # firms train
    assert series(frame, "target_attainment_training").max() == 0  # but no plan programme runs

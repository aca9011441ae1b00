"""The policy process alone: monthly benefits paid to holders living in Jilin, charged to their levers."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import step_alone

from simulator.geography import REGIONS
from simulator.inputs.calibration import load_calibration
from simulator.inputs.parameters import load_parameters
from simulator.model import TalentFlowModel
from simulator.people.store import PersonStore
from simulator.processes import policy
from simulator.scenario import schema

CHANGCHUN, EAST = REGIONS.index("changchun"), REGIONS.index("east")


def model_with_subsidy(months: int = 12) -> TalentFlowModel:
    levers = schema.Levers(
        graduate_subsidy=[
            schema.GraduateSubsidy(
                name="subsidy",
                start="2020-11",
                units="all",
                yuan_per_month=schema.DegreeAmounts(college=300, bachelor=400, master=600, phd=800),
                months=months,
            )
        ]
    )
    return TalentFlowModel(
        scale=1000, seed=1, end="2021-03", parameters=load_parameters(), levers=levers, data=load_calibration()
    )


def holders(count: int, region: int, yuan: float, months: int) -> PersonStore:
    store = PersonStore(capacity=16)
    store.append(
        count,
        age_years=np.int8(23),
        region=np.int8(region),
        benefit_lever=np.int8(0),
        benefit_yuan_month=np.float32(yuan),
        benefit_months_left=np.int16(months),
    )
    return store


def test_benefits_are_paid_to_holders_in_jilin_and_charged_to_their_lever():
    model = model_with_subsidy()
    lever = model.state.policy.levers[0]
    store = holders(10, CHANGCHUN, 400.0, 3)
    lever.committed_yuan = 10 * 400.0 * 3 * model.scale
    flows = step_alone(policy.PROCESS, store, model, month=0)
    assert np.all(store.benefit_paid_yuan == 400.0)
    assert np.all(store.benefit_months_left == 2)
    assert flows.spending_yuan["subsidy"] == pytest.approx(10 * 400.0 * model.scale)
    assert lever.spent_yuan == pytest.approx(10 * 400.0 * model.scale)
    assert lever.committed_yuan == pytest.approx(10 * 400.0 * 2 * model.scale)
    for _ in range(2):
        step_alone(policy.PROCESS, store, model, month=0)
    # the last month paid ends the benefit
    assert np.all(store.benefit_paid_yuan == 1200.0)
    assert np.all(store.benefit_months_left == 0) and np.all(store.benefit_lever == -1)
    flows = step_alone(policy.PROCESS, store, model, month=0)
    assert "subsidy" not in flows.spending_yuan


def test_holders_living_outside_jilin_are_not_paid():
    model = model_with_subsidy()
    store = holders(10, EAST, 400.0, 3)
    flows = step_alone(policy.PROCESS, store, model, month=0)
    assert np.all(store.benefit_paid_yuan == 0) and np.all(store.benefit_months_left == 3)
    assert flows.spending_yuan.get("subsidy", 0.0) == 0.0


def test_a_scenario_without_levers_pays_nothing():
    model = TalentFlowModel(
        scale=1000, seed=1, end="2021-03", parameters=load_parameters(), data=load_calibration()
    )
    store = holders(10, CHANGCHUN, 400.0, 3)
    flows = step_alone(policy.PROCESS, store, model, month=0)
    assert not flows.spending_yuan and np.all(store.benefit_paid_yuan == 0)

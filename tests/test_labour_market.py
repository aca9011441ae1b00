"""Labour market: the firms' employment bookkeeping, wages, matching within units, target revision."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import step_alone

from simulator.codes import Status
from simulator.geography import N_UNITS
from simulator.processes import labour_market


def test_firm_employment_bookkeeping_matches_a_recount(small_model):
    model = small_model(scale=1000, end="2022-12")
    for _ in range(14):  # through a July (graduation, university moves) and many hires and departures
        model.step()
        employer = model.persons.employer
        recount = np.bincount(employer[employer >= 0], minlength=len(model.state.firms))
        np.testing.assert_array_equal(model.state.firms.employment, recount)


def test_employer_is_set_exactly_for_the_employed_in_jilin(small_model):
    model = small_model(scale=1000, end="2021-12")
    for _ in range(6):
        model.step()
    persons = model.persons
    has_employer = persons.employer >= 0
    assert np.all(persons.status[has_employer] == Status.EMPLOYED)
    assert np.all(persons.region[has_employer] < N_UNITS)
    inside_employed = (persons.status == Status.EMPLOYED) & (persons.region < N_UNITS)
    assert np.all(has_employer[inside_employed])


def test_wages_follow_the_firm_level_education_and_human_capital(small_model):
    model = small_model(scale=1000, end="2021-06")
    persons, ctx, state = model.persons, model.context, model.state
    labour_market.set_wages(persons, ctx, state)
    employees = np.flatnonzero(persons.employer >= 0)
    before = persons.wage_yuan_month[employees].copy()
    persons.human_capital[employees] *= 2.0
    labour_market.set_wages(persons, ctx, state)
    elasticity = ctx.params["labour.hc_wage_elasticity"]
    np.testing.assert_allclose(persons.wage_yuan_month[employees], before * 2.0**elasticity, rtol=1e-5)
    bill = np.bincount(
        persons.employer[employees], weights=persons.wage_yuan_month[employees], minlength=len(state.firms)
    )
    np.testing.assert_allclose(state.firms.wage_bill_yuan, bill, rtol=1e-6)


def test_more_vacancies_mean_more_hires_in_that_unit(small_model):
    """Raising one unit's firm targets (as a park does) raises hires there and nowhere else."""
    hires = {}
    for extra in (0.0, 0.3):
        model = small_model(scale=1000, end="2021-06")
        firms, persons = model.state.firms, model.persons
        firms.target_employment[firms.unit == 0] *= 1.0 + extra
        employed_before = np.bincount(persons.region[persons.employer >= 0], minlength=N_UNITS)
        step_alone(labour_market.PROCESS, persons, model, seed=1, month=0)
        employed_after = np.bincount(persons.region[persons.employer >= 0], minlength=N_UNITS)
        hires[extra] = employed_after - employed_before
    assert hires[0.3][0] > hires[0.0][0]
    np.testing.assert_array_equal(hires[0.3][1:], hires[0.0][1:])


def test_targets_move_towards_the_actual_workforce(small_model):
    model = small_model(scale=1000, end="2021-06")
    firms = model.state.firms
    firms.target_employment[0] = firms.employment[0] + 100.0
    labour_market._adjust_targets(model.context, model.state)
    rate = model.params["labour.target_adjustment_per_month"]
    assert firms.target_employment[0] == pytest.approx(firms.employment[0] + 100.0 * (1 - rate), rel=1e-12)
    assert model.firms[0].target_employment == firms.target_employment[0]  # the Mesa agent is a view

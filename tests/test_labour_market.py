"""Labour market: the firms' employment bookkeeping, wages, matching within units, target revision."""

from __future__ import annotations

import numpy as np

from simulator import labour_market
from simulator.codes import N_UNITS, Status
from simulator.rng import stream


def test_firm_employment_bookkeeping_matches_a_recount(small_model):
    model = small_model(scale=1000, end="2022-12")
    for _ in range(14):  # through a July (graduation, university moves) and many hires and departures
        model.step()
        employer = model.persons.employer
        recount = np.bincount(employer[employer >= 0], minlength=len(model.world.firms))
        np.testing.assert_array_equal(model.world.firm_employment, recount)


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
    persons, world = model.persons, model.world
    labour_market.set_wages(persons, world)
    employees = np.flatnonzero(persons.employer >= 0)
    before = persons.wage_yuan_month[employees].copy()
    persons.human_capital[employees] *= 2.0
    labour_market.set_wages(persons, world)
    elasticity = world.params["labour.hc_wage_elasticity"]
    np.testing.assert_allclose(persons.wage_yuan_month[employees], before * 2.0**elasticity, rtol=1e-5)
    bill = np.bincount(
        persons.employer[employees], weights=persons.wage_yuan_month[employees], minlength=len(world.firms)
    )
    np.testing.assert_allclose(world.firm_wage_bill_yuan, bill, rtol=1e-6)


def test_more_vacancies_mean_more_hires_in_that_unit(small_model):
    """Raising one unit's firm targets (as a park does) raises hires there and nowhere else."""
    hires = {}
    for extra in (0.0, 0.3):
        model = small_model(scale=1000, end="2021-06")
        world, persons = model.world, model.persons
        for firm in world.firms:
            if firm.unit == 0:
                firm.target_employment *= 1.0 + extra
        employed_before = np.bincount(persons.region[persons.employer >= 0], minlength=N_UNITS)
        labour_market.step(persons, world, stream(1, "labour_market", 0), flows=None)
        employed_after = np.bincount(persons.region[persons.employer >= 0], minlength=N_UNITS)
        hires[extra] = employed_after - employed_before
    assert hires[0.3][0] > hires[0.0][0]
    np.testing.assert_array_equal(hires[0.3][1:], hires[0.0][1:])


def test_targets_move_towards_the_actual_workforce(small_model):
    model = small_model(scale=1000, end="2021-06")
    world = model.world
    firm = world.firms[0]
    firm.target_employment = world.firm_employment[0] + 100.0
    labour_market._adjust_targets(world)
    rate = world.params["labour.target_adjustment_per_month"]
    assert firm.target_employment == world.firm_employment[0] + 100.0 * (1 - rate)

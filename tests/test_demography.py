"""Demography alone: deaths, births, ageing and retirement on small worlds."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import step_alone

from simulator.codes import SECTOR_INDEX, Edu, Status
from simulator.geography import N_REGIONS
from simulator.people.store import PersonStore
from simulator.processes import demography


def run_months(model, months: int):
    """Apply demography alone for `months` months; yield (before, after, flows) snapshots."""
    persons, state = model.persons, model.state
    for _ in range(months):
        before = {
            "n": persons.n,
            "status": persons.status.copy(),
            "sex": persons.sex.copy(),
            "origin": persons.origin.copy(),
            "region": persons.region.copy(),
            "age_months": persons.age_months.copy(),
        }
        flows = step_alone(demography.PROCESS, persons, model, seed=1)
        state.month += 1
        yield before, flows


def test_demography_conserves_persons(small_model):
    model = small_model(scale=1000)
    persons = model.persons
    total_births = total_deaths = 0
    for before, flows in run_months(model, 12):
        n0 = before["n"]
        living_before = np.count_nonzero(before["status"] != Status.DEAD)
        living_after = np.count_nonzero(persons.status != Status.DEAD)
        births, deaths = int(flows.births.sum()), int(flows.deaths.sum())
        assert living_before + births - deaths == living_after
        # slots are only appended, one per birth, and never reused
        assert persons.n == n0 + births
        np.testing.assert_array_equal(persons.sex[:n0], before["sex"])
        np.testing.assert_array_equal(persons.origin[:n0], before["origin"])
        np.testing.assert_array_equal(persons.region[:n0], before["region"])
        was_dead = before["status"] == Status.DEAD
        assert np.all(persons.status[:n0][was_dead] == Status.DEAD)
        # the flows say where: deaths by region of the dead, births by region of the newborn
        newly_dead = (persons.status[:n0] == Status.DEAD) & ~was_dead
        np.testing.assert_array_equal(flows.deaths, np.bincount(before["region"][newly_dead], minlength=N_REGIONS))
        np.testing.assert_array_equal(flows.births, np.bincount(persons.region[n0:], minlength=N_REGIONS))
        # newborns (born during the month: 0 months old on the first day of the next, as the census counts)
        assert np.all(persons.age_months[n0:] == 0)  # aged 0 months on the first day after birth
        assert np.all(persons.age_years[n0:] == 0)
        assert np.all(persons.status[n0:] == Status.CHILD)
        assert np.all(persons.edu[n0:] == Edu.NONE)
        # everyone older by one month
        np.testing.assert_array_equal(persons.age_months[:n0], before["age_months"] + 1)
        total_births += births
        total_deaths += deaths
    # the checks above were not vacuous: a year at scale 1000 has ~150 births and ~180 deaths
    assert total_births > 50
    assert total_deaths > 50


def test_age_in_years_follows_age_in_months(small_model):
    model = small_model(scale=1000)
    for _ in run_months(model, 14):
        persons = model.persons
        np.testing.assert_array_equal(persons.age_years, persons.age_months // 12)


def test_annual_births_and_deaths_near_their_census_levels(small_model, calibration):
    model = small_model(scale=200)
    births = deaths = 0
    for _, flows in run_months(model, 12):
        births += int(flows.births[:11].sum()) * 200
        deaths += int(flows.deaths[:11].sum()) * 200
    # mortality is scaled so the census population has the 2019 deaths, fertility so that the census-day
    # women have the census year's births (long-form sample / fraction), each times its fitted multiplier
    params = model.params
    census_year = demography.census_year_births(calibration)
    assert census_year == pytest.approx(118_210)
    assert births == pytest.approx(census_year * params["demography.fertility_multiplier"], rel=0.15)
    assert deaths == pytest.approx(
        vital_2019(calibration)["deaths"] * params["demography.mortality_multiplier"], rel=0.15
    )


def test_only_women_of_fertile_age_give_birth(small_model):
    model = small_model(scale=1000)
    fert = model.context.tables["fertility_monthly"]
    assert np.all(fert[:15] == 0) and np.all(fert[50:] == 0)
    assert fert[28] > fert[45] > 0
    n = 10_000
    store = PersonStore(capacity=16)
    for age, sex, region in ((28, 0, 2), (60, 1, 2), (12, 1, 2), (28, 1, 7)):
        store.append(
            n,
            age_months=np.int16(age * 12 + 3),
            age_years=np.int8(age),
            sex=np.int8(sex),
            region=np.int8(region),
            origin=np.int8(region),
            status=np.int8(Status.INACTIVE),
        )
    flows = step_alone(demography.PROCESS, store, model, seed=4, month=0)
    births = store.n - 4 * n
    assert births > 0
    assert births == flows.births.sum() == flows.births[7]
    assert np.all(store.region[4 * n :] == 7)
    assert np.all(store.origin[4 * n :] == 7)
    assert births == pytest.approx(n * fert[28], rel=0.5)


def make_store(groups: list[tuple[int, int, int]]) -> PersonStore:
    """Persons by (count, age in years, sex), all in Changchun, employed men and women."""
    store = PersonStore(capacity=16)
    for count, age, sex in groups:
        store.append(
            count,
            age_months=np.int16(age * 12 + 6),
            age_years=np.int8(age),
            sex=np.int8(sex),
            status=np.int8(Status.INACTIVE),
        )
    return store


def test_deaths_are_more_frequent_at_older_ages(small_model):
    model = small_model(scale=1000)
    q = demography.mortality_table(model.params, model.data)
    assert np.all(np.diff(q[30:, 0]) >= 0) and np.all(np.diff(q[30:, 1]) >= 0)
    assert np.all(q[40:, 0] > q[40:, 1])  # men die more than women of the same age
    n = 20_000
    store = make_store([(n, 30, 0), (n, 85, 0)])
    flows = step_alone(demography.PROCESS, store, model, seed=2, month=0)
    dead = store.status == Status.DEAD
    young, old = dead[:n].sum(), dead[n : 2 * n].sum()
    assert flows.deaths.sum() == young + old
    assert old > 10 * max(young, 1)
    assert old == pytest.approx(n * q[85, 0], rel=0.3)


def labour_force(groups: list[tuple[int, int, int, int, int]]) -> PersonStore:
    """Employed persons by (count, age in years, sex, sector index, education)."""
    store = PersonStore(capacity=16)
    for count, age, sex, sector, edu in groups:
        store.append(
            count,
            age_months=np.int16(age * 12 + 1),
            age_years=np.int8(age),
            birthday_phase=np.int8(10),  # no birthday in month 0
            sex=np.int8(sex),
            edu=np.int8(edu),
            status=np.int8(Status.EMPLOYED),
            sector=np.int8(sector),
            employer=np.int16(3),
            wage_yuan_month=np.float32(5000.0),
        )
    return store


def test_exits_from_the_labour_force_follow_the_census_profile(small_model):
    model = small_model(scale=1000)
    auto, farm = SECTOR_INDEX["automotive"], SECTOR_INDEX["agriculture"]
    n = 8000
    # men of 66 (past the statutory 60) in industry and in farming; men of 30 (before the profile's peak);
    # women of 52 (past the statutory 50 of women workers); men of 52 (below their statutory age)
    store = labour_force(
        [
            (n, 66, 0, auto, Edu.SENIOR),
            (n, 66, 0, farm, Edu.JUNIOR),
            (n, 30, 0, auto, Edu.SENIOR),
            (n, 52, 1, auto, Edu.SENIOR),
            (n, 52, 0, auto, Edu.SENIOR),
        ]
    )
    model.state.firms.employment[3] = 5 * n
    flows = step_alone(demography.PROCESS, store, model, seed=3, month=0)
    assert flows.deaths.sum() > 0
    group = np.arange(store.n)[: 5 * n] // n
    alive = store.status[: 5 * n] != Status.DEAD
    left = alive & np.isin(store.status[: 5 * n], (Status.RETIRED, Status.INACTIVE))
    share = np.array([left[group == g].sum() / alive[group == g].sum() for g in range(5)])
    table = model.context.tables["labour_exit_monthly_by_cell"]
    weight = model.params["demography.exit_weight_past_statutory"]
    # the cell's hazard is the profile's; past the statutory age non-farm workers take `weight` times the
    # farmers' share of it (the cell here is half and half)
    cell_66 = table[2 * 66]
    assert share[0] == pytest.approx(cell_66 * 2 * weight / (weight + 1), rel=0.25)
    assert share[1] == pytest.approx(cell_66 * 2 / (weight + 1), rel=0.5)
    assert share[0] > 2 * share[1]
    assert share[2] == 0  # before the peak of the profile nobody leaves for good
    assert share[3] > 0 and share[4] > 0
    # leavers past the statutory age retire, younger ones become inactive; jobs and wages end
    assert np.all(store.status[: 2 * n][left[: 2 * n]] == Status.RETIRED)
    assert np.all(store.status[3 * n : 4 * n][left[3 * n : 4 * n]] == Status.RETIRED)
    assert np.all(store.status[4 * n : 5 * n][left[4 * n : 5 * n]] == Status.INACTIVE)
    assert np.all(store.employer[: 5 * n][left] == -1) and np.all(store.wage_yuan_month[: 5 * n][left] == 0)
    assert model.state.firms.employment[3] == 5 * n - left.sum() - (~alive).sum()


def test_exit_hazards_keep_the_profile_of_a_cohort():
    """A cohort that follows the exit hazards from the peak on has the census profile's shape."""
    from simulator.inputs.parameters import load_parameters
    from simulator.people.labour_profile import exit_hazard_table, peak_age, single_year_rates

    params = load_parameters()
    rates, hazard, peak = single_year_rates(params), exit_hazard_table(params), peak_age(params)
    for sex in (0, 1):
        share = rates[peak[sex], sex]
        for age in range(peak[sex], 85):
            share *= 1.0 - hazard[age, sex]
            assert share == pytest.approx(rates[age + 1, sex], rel=1e-9)


def vital_2019(calibration) -> dict[str, float]:
    """Births and deaths of 2019 from calibration/vital_statistics.csv."""
    row = calibration.vital[calibration.vital["year"] == 2019].iloc[0]
    return {"births": float(row["births"]), "deaths": float(row["deaths"])}


@pytest.mark.parametrize("heavier", [0.0, -1.0, float("nan"), float("inf"), 1e-320])
def test_exit_chance_bounds_screen_nobody_out_for_a_degenerate_weight(heavier):
    table = np.array([0.0, 0.01, 0.5, 1.0])
    np.testing.assert_array_equal(demography.exit_chance_bounds(table, heavier), np.ones(4))


@pytest.mark.parametrize("heavier", [0.25, 1.0, 4.0])
def test_exit_chance_bounds_bound_every_chance_of_a_cell(heavier):
    """Whatever the share of flagged persons in a cell, neither of its two chances exceeds the bound, and the
    bound is no looser than the weights' ratio requires."""
    table = np.linspace(0.0, 0.6, 61)
    bound = demography.exit_chance_bounds(table, heavier)
    for flagged_share in (0.0, 0.01, 0.5, 0.99, 1.0):
        count = np.full(table.size, 1000)
        chances = demography._cell_chances(table, count, np.round(count * flagged_share), heavier)
        assert (chances <= bound[:, None]).all()
    ratio = max(heavier, 1 / heavier)
    np.testing.assert_allclose(bound, np.minimum(table * ratio, 1.0), rtol=1e-8)

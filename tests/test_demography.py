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
        # newborns (born during the month, so one month old on the first day of the next)
        assert np.all(persons.age_months[n0:] == 1)
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


def test_annual_births_and_deaths_near_their_2019_levels(small_model, calibration):
    model = small_model(scale=200)
    births = deaths = 0
    for _, flows in run_months(model, 12):
        births += int(flows.births[:11].sum()) * 200
        deaths += int(flows.deaths[:11].sum()) * 200
    # the mortality and fertility levels are scaled so the census population has the 2019 numbers
    assert births == pytest.approx(vital_2019(calibration)["births"], rel=0.15)
    assert deaths == pytest.approx(vital_2019(calibration)["deaths"], rel=0.15)


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


def test_statutory_retirement(small_model):
    model = small_model(scale=1000)
    store = PersonStore(capacity=16)
    # 200 men one month short of 60; half in automotive, half farmers; and 200 men of 45 (no retirement)
    store.append(
        400,
        age_months=np.r_[np.full(200, 60 * 12 - 1), np.full(200, 45 * 12)].astype(np.int16),
        age_years=np.r_[np.full(200, 59), np.full(200, 45)].astype(np.int8),
        sex=np.int8(0),
        edu=np.int8(Edu.SENIOR),
        status=np.int8(Status.EMPLOYED),
        sector=np.r_[np.full(100, SECTOR_INDEX["automotive"]), np.full(300, SECTOR_INDEX["agriculture"])].astype(
            np.int8
        ),
        employer=np.int16(3),
        wage_yuan_month=np.float32(5000.0),
    )
    step_alone(demography.PROCESS, store, model, seed=3, month=0)
    alive = store.status != Status.DEAD
    workers_60 = np.arange(100)[alive[:100]]
    assert workers_60.size > 90
    assert np.all(store.status[workers_60] == Status.RETIRED)
    assert np.all(store.employer[workers_60] == -1)
    assert np.all(store.wage_yuan_month[workers_60] == 0)
    # farmers keep working past the statutory age (they leave only at a small yearly hazard)
    farmers_60 = np.arange(100, 200)[alive[100:200]]
    assert np.mean(store.status[farmers_60] == Status.EMPLOYED) > 0.8
    younger = np.arange(200, 400)[alive[200:]]
    assert np.all(store.status[younger] == Status.EMPLOYED)


def vital_2019(calibration) -> dict[str, float]:
    """Births and deaths of 2019 from calibration/vital_statistics.csv."""
    row = calibration.vital[calibration.vital["year"] == 2019].iloc[0]
    return {"births": float(row["births"]), "deaths": float(row["deaths"])}

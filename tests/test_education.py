"""Education alone, on hand-made populations: what each rule of the July school year does."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import step_alone, with_params

from simulator.codes import PROGRAMME_YEARS, Edu, Status, Tier
from simulator.geography import N_UNITS, REGIONS
from simulator.people.store import EVENT_GRADUATED, NO_GRADUATION, PersonStore
from simulator.processes import education

JULY_2021 = 8  # model month of July 2021
CHANGCHUN, EAST = REGIONS.index("changchun"), REGIONS.index("east")


def students(groups: list[tuple[int, int, int, int, int]]) -> PersonStore:
    """Students by (count, age, level studied for, years left, region)."""
    store = PersonStore(capacity=16)
    for count, age, level, years_left, region in groups:
        store.append(
            count,
            age_months=np.int16(age * 12 + 5),
            age_years=np.int8(age),
            birthday_phase=np.int8(3),
            status=np.int8(Status.STUDENT),
            enrolled=np.int8(level),
            edu=np.int8(max(level - 1, 0) if level != Edu.BACHELOR else Edu.SENIOR),
            study_years_left=np.int8(years_left),
            region=np.int8(region),
            origin=np.int8(region),
        )
    return store


def test_nothing_happens_outside_july(small_model):
    model = small_model()
    store = students([(100, 11, Edu.PRIMARY, 1, CHANGCHUN)])
    before = store.study_years_left.copy()
    step_alone(education.PROCESS, store, model, month=JULY_2021 - 1)
    np.testing.assert_array_equal(store.study_years_left, before)
    assert np.all(store.status == Status.STUDENT)


def test_a_school_year_passes_and_finishers_attain_their_level(small_model):
    model = small_model()
    store = students([(50, 9, Edu.PRIMARY, 3, CHANGCHUN), (50, 11, Edu.PRIMARY, 1, CHANGCHUN)])
    step_alone(education.PROCESS, store, model, month=JULY_2021)
    assert np.all(store.study_years_left[:50] == 2) and np.all(store.enrolled[:50] == Edu.PRIMARY)
    assert np.all(store.edu[50:] == Edu.PRIMARY)


@pytest.mark.parametrize("probability", [0.0, 1.0])
def test_primary_leavers_go_on_with_the_progression_probability(small_model, probability):
    model = with_params(small_model(), **{"education.primary_to_junior": probability})
    store = students([(400, 11, Edu.PRIMARY, 1, CHANGCHUN)])
    step_alone(education.PROCESS, store, model, month=JULY_2021)
    in_junior = (store.status == Status.STUDENT) & (store.enrolled == Edu.JUNIOR)
    assert in_junior.mean() == probability
    if probability == 1.0:
        assert np.all(store.study_years_left[in_junior] == PROGRAMME_YEARS[Edu.JUNIOR])
    else:
        # leavers younger than 16 are inactive until they look for work
        assert np.all(store.status == Status.INACTIVE)


def test_school_leavers_of_working_age_look_for_work(small_model):
    model = with_params(small_model(), **{"education.junior_to_senior": 0.0})
    store = students([(100, 17, Edu.JUNIOR, 1, CHANGCHUN), (100, 14, Edu.JUNIOR, 1, CHANGCHUN)])
    store.age_months[:100] = 17 * 12
    step_alone(education.PROCESS, store, model, month=JULY_2021)
    assert np.all(store.status[:100] == Status.UNEMPLOYED)
    assert np.all(store.status[100:] == Status.INACTIVE)


def test_children_start_school_at_six(small_model):
    model = small_model()
    store = PersonStore(capacity=16)
    for age in (5, 6, 7):
        store.append(10, age_months=np.int16(age * 12 + 1), age_years=np.int8(age), status=np.int8(Status.CHILD))
    step_alone(education.PROCESS, store, model, month=JULY_2021)
    assert np.all(store.status[:10] == Status.CHILD)
    # school starters enrol and their first year starts (a year is completed at the same July's end only
    # for those already in school)
    assert np.all(store.status[10:] == Status.STUDENT) and np.all(store.enrolled[10:] == Edu.PRIMARY)


def test_graduates_of_jilin_are_counted_and_marked(small_model):
    model = with_params(small_model(), **{"education.bachelor_to_master": 0.0})
    store = students([(200, 22, Edu.BACHELOR, 1, CHANGCHUN), (100, 22, Edu.BACHELOR, 1, EAST)])
    store.human_capital[:] = 1.4
    flows = step_alone(education.PROCESS, store, model, month=JULY_2021)
    assert flows.graduates.sum() == 200 and flows.graduates[CHANGCHUN] == 200  # only Jilin's universities
    assert np.all(store.edu == Edu.BACHELOR)
    assert np.all(store.graduation_month == JULY_2021)
    np.testing.assert_array_equal(store.graduated_inside, np.r_[np.ones(200), np.zeros(100)])
    assert np.all(store.events & EVENT_GRADUATED)
    assert np.all(store.human_capital == 1.0)
    assert np.all(store.status == Status.UNEMPLOYED)  # nobody went on: the master's probability is zero


def test_bachelor_graduates_go_on_to_masters_in_jilin_only(small_model):
    model = with_params(small_model(), **{"education.bachelor_to_master": 0.25})
    store = students([(2000, 22, Edu.BACHELOR, 1, CHANGCHUN), (500, 22, Edu.BACHELOR, 1, EAST)])
    step_alone(education.PROCESS, store, model, month=JULY_2021)
    master = store.enrolled == Edu.MASTER
    assert master[:2000].mean() == pytest.approx(0.25, abs=0.04)
    assert not master[2000:].any()
    untouched = students([(10, 22, Edu.BACHELOR, 1, CHANGCHUN)])
    assert untouched.graduation_month[0] == NO_GRADUATION


def test_university_intake_takes_outside_students_in_the_synthesis_proportion(small_model):
    model = small_model(scale=1000)
    share = model.params["education.outside_origin_share_of_he_students"]
    store = students([(60, 18, Edu.SENIOR, 1, CHANGCHUN), (300, 18, Edu.SENIOR, 1, EAST)])
    step_alone(education.PROCESS, store, model, month=JULY_2021)
    entered = (store.status == Status.STUDENT) & np.isin(store.enrolled, (Edu.COLLEGE, Edu.BACHELOR))
    in_jilin = entered & (store.region < N_UNITS)
    from_jilin = in_jilin & (store.origin < N_UNITS)
    from_outside = in_jilin & (store.origin >= N_UNITS)
    assert from_jilin.sum() > 20
    # outside entrants in proportion to Jilin's own: share / (1 - share), whatever the capacity left free
    assert from_outside.sum() == pytest.approx(from_jilin.sum() * share / (1 - share), abs=1.5)
    # Jilin's leavers who study elsewhere move out of the province
    elsewhere = entered[:60] & (store.region[:60] >= N_UNITS)
    assert elsewhere.sum() > 0
    assert np.all(store.origin[:60] == CHANGCHUN)


def test_technical_school_leavers_become_skilled_workers(small_model):
    model = small_model()
    store = students([(30, 18, Edu.SENIOR, 1, CHANGCHUN)])
    store.technical[:] = 1
    step_alone(education.PROCESS, store, model, month=JULY_2021)
    assert np.all(store.tier == Tier.SKILLED)
    assert np.all(store.technical == 0)
    assert np.all(store.status == Status.UNEMPLOYED)

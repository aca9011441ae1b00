"""Skills alone, on hand-made populations: learning, depreciation, training, certification, entry into the
skilled tier and professional-technical titles."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import step_alone, with_params

from simulator.codes import SECTOR_INDEX, Edu, Status, Tier
from simulator.people.store import PersonStore
from simulator.processes import skills

AUTO, FARM = SECTOR_INDEX["automotive"], SECTOR_INDEX["agriculture"]


def workers(count: int, *, status=Status.EMPLOYED, tier=Tier.NONE, edu=Edu.SENIOR, sector=AUTO, age=35, h=1.0):
    """Persons of Changchun with the given labour status, tier, education, sector, age and human capital."""
    store = PersonStore(capacity=16)
    employed = status == Status.EMPLOYED
    store.append(
        count,
        age_months=np.int16(age * 12),
        age_years=np.int8(age),
        status=np.int8(status),
        tier=np.int8(tier),
        edu=np.int8(edu),
        sector=np.int8(sector),
        employer=np.int16(0 if employed else -1),
        human_capital=np.float32(h),
    )
    return store


def no_training(model, **more: float):
    return with_params(
        model,
        **{
            "skills.training_rate_per_year": 0.0,
            "skills.skilled_entry_per_year": 0.0,
            "skills.certification_per_year": 0.0,
            "skills.professional_promotion_per_year": 0.0,
            **more,
        },
    )


def test_work_raises_human_capital_and_idleness_lowers_it(small_model):
    model = no_training(small_model())
    p = model.params
    employed = workers(100, h=1.2)
    step_alone(skills.PROCESS, employed, model)
    np.testing.assert_allclose(employed.human_capital, 1.2 + p["skills.learning_per_year"] / 12, rtol=1e-6)
    for status in (Status.UNEMPLOYED, Status.INACTIVE):
        idle = workers(100, status=status, h=1.2)
        step_alone(skills.PROCESS, idle, model)
        np.testing.assert_allclose(
            idle.human_capital, 1.2 * (1 - p["skills.depreciation_per_year"] / 12), rtol=1e-6
        )
    floor = workers(10, status=Status.UNEMPLOYED, h=0.5)
    step_alone(skills.PROCESS, floor, model)
    assert np.all(floor.human_capital == 0.5)
    students = workers(10, status=Status.STUDENT, h=1.0)
    step_alone(skills.PROCESS, students, model)
    assert np.all(students.human_capital == 1.0)


def test_a_reversed_learning_rate_would_lower_human_capital(small_model):
    model = no_training(small_model(), **{"skills.learning_per_year": -0.02})
    store = workers(50, h=1.0)
    step_alone(skills.PROCESS, store, model)
    assert np.all(store.human_capital < 1.0)


def test_firm_funded_training_reaches_only_employees_of_jilin_firms(small_model):
    model = no_training(small_model(), **{"skills.training_rate_per_year": 0.6})
    employed = workers(6000)
    unemployed = workers(6000, status=Status.UNEMPLOYED)
    flows = step_alone(skills.PROCESS, employed, model)
    rate = 1 - (1 - 0.6) ** (1 / 12)
    assert flows.training.sum() == pytest.approx(6000 * rate, rel=0.15)
    assert flows.training_subsidised.sum() == 0  # firms' own courses are not the plan's
    gain = model.params["skills.training_gain"] + model.params["skills.learning_per_year"] / 12
    trained = np.isclose(employed.human_capital, 1.0 + gain)
    assert trained.sum() == flows.training.sum()
    flows = step_alone(skills.PROCESS, unemployed, model)
    assert flows.training.sum() == 0


def test_certification_turns_skilled_workers_into_high_skill_talent(small_model):
    model = no_training(small_model(), **{"skills.certification_per_year": 0.5})
    store = workers(4000, tier=Tier.SKILLED)
    store.human_capital[2000:] = 1.5  # the better half is certified more often (elasticity > 0)
    flows = step_alone(skills.PROCESS, store, model)
    high = store.tier == Tier.HIGH_SKILL
    assert flows.certified_high_skill.sum() == high.sum() > 0
    assert high[2000:].sum() > 1.5 * high[:2000].sum()
    none = no_training(small_model())
    store = workers(4000, tier=Tier.SKILLED)
    step_alone(skills.PROCESS, store, none)
    assert not (store.tier == Tier.HIGH_SKILL).any()


def test_entry_into_the_skilled_tier_needs_secondary_or_college_education_outside_farming(small_model):
    model = no_training(small_model(), **{"skills.skilled_entry_per_year": 0.9})
    eligible = workers(3000, edu=Edu.SENIOR)
    step_alone(skills.PROCESS, eligible, model)
    assert (eligible.tier == Tier.SKILLED).mean() == pytest.approx(1 - 0.1 ** (1 / 12), rel=0.2)
    for store in (workers(3000, edu=Edu.PRIMARY), workers(3000, sector=FARM), workers(3000, edu=Edu.BACHELOR)):
        step_alone(skills.PROCESS, store, model)
        assert not (store.tier == Tier.SKILLED).any()


def test_experienced_graduates_obtain_professional_titles(small_model):
    model = no_training(small_model(), **{"skills.professional_promotion_per_year": 0.9})
    store = workers(3000, edu=Edu.BACHELOR, age=35)
    step_alone(skills.PROCESS, store, model)
    assert (store.tier == Tier.PROFESSIONAL).mean() == pytest.approx(1 - 0.1 ** (1 / 12), rel=0.2)
    for other in (
        workers(3000, edu=Edu.SENIOR, age=35),  # no degree
        workers(3000, edu=Edu.BACHELOR, age=23),  # too young
        workers(3000, edu=Edu.BACHELOR, status=Status.UNEMPLOYED),  # not employed
        workers(3000, edu=Edu.BACHELOR, tier=Tier.SKILLED),  # already has a tier
    ):
        step_alone(skills.PROCESS, other, model)
        assert not (other.tier == Tier.PROFESSIONAL).any()
    zero = no_training(small_model())
    store = workers(3000, edu=Edu.BACHELOR, age=35)
    step_alone(skills.PROCESS, store, zero)
    assert not (store.tier == Tier.PROFESSIONAL).any()

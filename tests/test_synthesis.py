"""The synthetic census-day population: its building blocks and the census marginals it must reproduce.

Issue 2 asks that the census-day state matches every census figure it reproduces within 2 % at scale 100,
and within 0.5 % at scale 1 (unit populations within 0.1 %).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest

from simulator.codes import SCHOOLING_YEARS, SECTOR_CLASS, Edu, Status, Tier
from simulator.geography import N_UNITS, UNITS
from simulator.inputs.calibration import CalibrationData
from simulator.people.store import PersonStore
from simulator.rng import SYNTHESIS_STREAM, stream
from simulator.synthesis import synthesize
from simulator.synthesis.numerics import (
    MAX_AGE,
    brentq,
    ipf,
    round_to_total,
    single_years,
    weighted_choice_exact,
)

#: Groups expected to hold fewer simulated persons than this are compared by absolute error instead.
SMALL_GROUP_PERSONS = 200
#: Absolute tolerance for small groups, in simulated persons (multiplied by the scale).
SMALL_GROUP_TOLERANCE_PERSONS = 2


@dataclass(frozen=True)
class Check:
    """One census figure and the synthetic population's value for it."""

    label: str
    target: float  # census value (persons, per 100,000 or years)
    simulated: float  # simulated value on the same footing (counts multiplied by the scale)
    is_count: bool  # a count of persons (True) or a rate or average (False)


def census_checks(store: PersonStore, scale: int, data: CalibrationData) -> dict[str, list[Check]]:
    """Every census figure the population reproduces, grouped by category."""
    p = data.province
    inside = store.region < N_UNITS
    age = (store.age_months // 12)[inside]
    sex = store.sex[inside]
    checks: dict[str, list[Check]] = {}

    units = np.bincount(store.region[inside], minlength=N_UNITS) * scale
    checks["unit_population"] = [
        Check(f"unit {name}", data.unit_population[u], units[u], True) for u, name in enumerate(UNITS)
    ]

    table = data.age_sex_2020
    age_sex = []
    for low, high, total, male, female in zip(
        table.age_low, table.age_high, table.total, table.male, table.female, strict=True
    ):
        group = (age >= low) & (age <= high)
        label = f"ages {low}-{high}" if high < MAX_AGE else f"ages {low}+"
        age_sex.append(Check(f"{label} total", total, np.count_nonzero(group) * scale, True))
        age_sex.append(Check(f"{label} male", male, np.count_nonzero(group & (sex == 0)) * scale, True))
        age_sex.append(Check(f"{label} female", female, np.count_nonzero(group & (sex == 1)) * scale, True))
    checks["age_sex"] = age_sex

    level = np.maximum(store.edu, store.enrolled)[inside]
    category = np.minimum(level, Edu.COLLEGE)  # none, primary, junior, senior, university (levels >= 4)
    per_100k = np.bincount(category, minlength=5) / inside.sum() * 100_000
    census_keys = [
        "per_100k_primary",
        "per_100k_junior_secondary",
        "per_100k_senior_secondary",
        "per_100k_university",
    ]
    census = [p[k] for k in census_keys]
    census = [100_000 - sum(census), *census]
    names = ["none", "primary", "junior", "senior", "university"]
    checks["education_per_100k"] = [
        Check(f"{n} per 100,000", census[k], per_100k[k], False) for k, n in enumerate(names)
    ]

    working = (age >= 16) & (age <= 59)
    checks["working_age"] = [Check("ages 16-59", p["working_age_16_59"], np.count_nonzero(working) * scale, True)]

    employed = store.status[inside] == Status.EMPLOYED
    checks["employed"] = [Check("employed", p["employed"], np.count_nonzero(employed) * scale, True)]
    sector = store.sector[inside]
    tertiary = employed & (sector >= 0) & (SECTOR_CLASS[np.maximum(sector, 0)] == 3)
    checks["employed_tertiary"] = [
        Check("employed in the tertiary sector", p["employed_tertiary"], np.count_nonzero(tertiary) * scale, True)
    ]
    tier = store.tier[inside]
    checks["professional_technical"] = [
        Check(
            "professional-technical talent",
            p["professional_technical_talent"],
            np.count_nonzero(tier == Tier.PROFESSIONAL) * scale,
            True,
        )
    ]
    checks["high_skill"] = [
        Check("high-skill talent", p["high_skill_talent"], np.count_nonzero(tier == Tier.HIGH_SKILL) * scale, True)
    ]
    schooling = float(SCHOOLING_YEARS[level[working]].astype(np.float64).mean())
    checks["avg_schooling"] = [
        Check("average schooling years, ages 16-59", p["avg_schooling_years_working_age"], schooling, False)
    ]
    return checks


def misses(checks: list[Check], relative: float, scale: int) -> list[str]:
    """The checks that miss their tolerance, described."""
    out = []
    for c in checks:
        error = c.simulated - c.target
        if c.is_count and c.target / scale < SMALL_GROUP_PERSONS:
            # A group of fewer than 200 simulated persons cannot be within 2 % by sampling (one person is
            # 0.5 % or more of it, and rounding every unit x age x sex cell to whole persons moves it by a
            # few): such groups are compared by absolute error of at most 2 simulated persons x scale.
            allowed = SMALL_GROUP_TOLERANCE_PERSONS * scale
            if abs(error) > allowed:
                out.append(f"{c.label}: {c.simulated:,.0f} vs census {c.target:,.0f} (|error| > {allowed:,.0f})")
        elif abs(error) > relative * abs(c.target):
            out.append(
                f"{c.label}: {c.simulated:,.2f} vs census {c.target:,.2f} "
                f"({error / c.target:+.3%}, allowed {relative:.1%})"
            )
    return out


CATEGORIES = (
    "unit_population",
    "age_sex",
    "education_per_100k",
    "working_age",
    "employed",
    "employed_tertiary",
    "professional_technical",
    "high_skill",
    "avg_schooling",
)


# --- census marginals at scale 100 ---


@pytest.fixture(scope="module")
def census_day_scale_100(population_100: PersonStore, calibration: CalibrationData) -> dict[str, list[Check]]:
    return census_checks(population_100, 100, calibration)


@pytest.mark.parametrize("category", CATEGORIES)
def test_census_marginals_scale_100_within_2_percent(census_day_scale_100, category):
    checks = census_day_scale_100[category]
    assert checks
    failures = misses(checks, 0.02, 100)
    assert not failures, "; ".join(failures)


# --- census marginals at scale 1 (the whole province) ---


@pytest.fixture(scope="module")
def census_day_scale_1(calibration: CalibrationData, parameters) -> dict[str, list[Check]]:
    """The full population of 30 million persons, reduced at once to its census checks (frees ~3.5 GB)."""
    store = synthesize(calibration, parameters, 1, stream(20201101, SYNTHESIS_STREAM))
    checks = census_checks(store, 1, calibration)
    del store
    return checks


@pytest.mark.slow
@pytest.mark.parametrize("category", CATEGORIES)
def test_census_marginals_scale_1_within_half_percent(census_day_scale_1, category):
    relative = 0.001 if category == "unit_population" else 0.005
    checks = census_day_scale_1[category]
    assert checks
    failures = misses(checks, relative, 1)
    assert not failures, "; ".join(failures)


# --- the population's own consistency ---


def test_unit_populations_are_exact_whole_persons(population_100, calibration):
    inside = population_100.region < N_UNITS
    counts = np.bincount(population_100.region[inside], minlength=N_UNITS)
    np.testing.assert_array_equal(counts, np.round(calibration.unit_population / 100).astype(int))


def test_persons_outside_the_province_are_tracked(population_100):
    outside = population_100.region >= N_UNITS
    assert outside.sum() > 0
    # every outside region holds someone
    assert set(np.unique(population_100.region[outside])) == set(range(N_UNITS, N_UNITS + 4))


def test_ages_are_consistent_and_bounded(population_100):
    s = population_100
    np.testing.assert_array_equal(s.age_years, s.age_months // 12)
    assert s.age_months.min() >= 0
    assert s.age_months.max() < (MAX_AGE + 1) * 12


def test_nobody_holds_a_degree_too_young(population_100):
    s = population_100
    level = np.maximum(s.edu, s.enrolled)
    age = s.age_months // 12
    assert not np.any((level >= Edu.COLLEGE) & (age < 17))
    assert not np.any((s.edu >= Edu.MASTER) & (age < 22))
    assert not np.any((s.edu >= Edu.JUNIOR) & (age < 11))


def test_students_study_above_their_completed_level(population_100):
    s = population_100
    students = s.status == Status.STUDENT
    assert students.any()
    assert np.all(s.enrolled[students] > s.edu[students])
    assert np.all(s.study_years_left[students] >= 1)
    assert np.all(s.enrolled[~students] == 0)


def test_labour_states_are_coherent(population_100):
    s = population_100
    employed = s.status == Status.EMPLOYED
    inside = s.region < N_UNITS
    assert np.all(s.sector[employed & inside] >= 0)
    assert np.all(s.status[(s.tier > Tier.NONE) & inside] == Status.EMPLOYED)
    assert np.all(s.status[(s.age_months // 12) < 6] == Status.CHILD)
    assert not np.any(employed & ((s.age_months // 12) < 16))
    assert not np.any(s.status == Status.DEAD)


def test_synthesis_is_reproducible_and_seed_dependent(calibration, parameters):
    a = synthesize(calibration, parameters, 2000, stream(7, SYNTHESIS_STREAM))
    b = synthesize(calibration, parameters, 2000, stream(7, SYNTHESIS_STREAM))
    c = synthesize(calibration, parameters, 2000, stream(8, SYNTHESIS_STREAM))
    for name in ("age_months", "sex", "edu", "status", "region", "tier", "sector"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert a.n == b.n
    assert any(
        getattr(a, name).shape != getattr(c, name).shape or np.any(getattr(a, name) != getattr(c, name))
        for name in ("age_months", "edu", "status")
    )


# --- building blocks ---


def test_single_years_keep_every_group_total(calibration):
    table = calibration.age_sex_2020
    years = single_years(table, table.total)
    assert years.shape == (MAX_AGE + 1,)
    assert np.all(years >= 0)
    for low, high, total in zip(table.age_low, table.age_high, table.total, strict=True):
        assert years[low : high + 1].sum() == pytest.approx(total, rel=1e-12)


def test_ipf_meets_both_margins():
    rng = np.random.default_rng(0)
    seed = rng.random((4, 5)) + 0.1
    rows = np.array([10.0, 20.0, 30.0, 40.0])
    cols = np.array([5.0, 15.0, 25.0, 35.0, 20.0])
    fitted = ipf(seed, [((0,), rows), ((1,), cols)])
    np.testing.assert_allclose(fitted.sum(axis=1), rows, rtol=1e-8)
    np.testing.assert_allclose(fitted.sum(axis=0), cols, rtol=1e-8)
    # IPF keeps the seed's odds ratios
    odds = fitted[0, 0] * fitted[1, 1] / (fitted[0, 1] * fitted[1, 0])
    seed_odds = seed[0, 0] * seed[1, 1] / (seed[0, 1] * seed[1, 0])
    assert odds == pytest.approx(seed_odds, rel=1e-8)


def test_round_to_total_is_exact_and_close():
    rng = np.random.default_rng(1)
    expected = rng.random(50) * 10
    counts = round_to_total(expected, 137, rng)
    assert counts.sum() == 137
    assert counts.dtype.kind == "i"
    scaled = expected * 137 / expected.sum()
    assert np.all(np.abs(counts - scaled) < 1.0)


def test_weighted_choice_exact_draws_distinct_items_with_positive_weight():
    rng = np.random.default_rng(2)
    weights = np.zeros(1000)
    weights[::3] = 1.0
    chosen = weighted_choice_exact(weights, 100, rng)
    assert chosen.size == 100
    assert np.unique(chosen).size == 100
    assert np.all(weights[chosen] > 0)
    # asking for more than there are gives all eligible items
    assert weighted_choice_exact(weights, 10_000, rng).size == np.count_nonzero(weights)
    # heavier items are drawn more often
    heavy = np.r_[np.full(500, 10.0), np.full(500, 1.0)]
    picks = weighted_choice_exact(heavy, 100, rng)
    assert np.count_nonzero(picks < 500) > 75


def test_census_day_students_live_at_their_universities(population_100, parameters):
    """Higher-education students are counted where they study (72 % in Changchun), as each later intake
    is placed, while every unit keeps its census population."""
    from simulator.codes import Edu, Status
    from simulator.geography import N_UNITS, UNITS

    p = population_100
    inside = p.region < N_UNITS
    students = inside & (p.status == Status.STUDENT) & (p.enrolled >= Edu.COLLEGE)
    shares = np.bincount(p.region[students], minlength=N_UNITS) / students.sum()
    wanted = np.array([parameters[f"education.he_capacity_share.{u}"] for u in UNITS]) / 100
    np.testing.assert_allclose(shares, wanted, atol=0.015)
    # about half of the students are from outside the province, as every year's intake
    share_outside = np.mean(p.origin[students] >= N_UNITS)
    assert share_outside == pytest.approx(parameters["education.outside_origin_share_of_he_students"], abs=0.02)


def test_brentq_gives_scipys_root_to_the_last_bit() -> None:
    """The port of scipy.optimize.brentq takes the same steps: polynomials, a saturating curve and the
    capped-rate equation of the employment factor, at synthesis' three tolerances."""
    scipy_brentq = pytest.importorskip("scipy.optimize").brentq
    rng = np.random.default_rng(0)
    compared = 0
    for t in range(300):
        if t % 3 == 0:
            coefficients = rng.normal(size=rng.integers(2, 6))
            a, b = sorted(rng.uniform(-3, 3, 2))

            def f(x: float, c: np.ndarray = coefficients) -> float:
                return float(np.polyval(c, x))
        elif t % 3 == 1:
            steep, centre = rng.uniform(0.1, 5), rng.normal()
            a, b = sorted(rng.uniform(-3, 3, 2))

            def f(x: float, s: float = steep, o: float = centre) -> float:
                return math.tanh(s * (x - o)) + 0.01 * x
        else:
            rates, cap, counts = rng.uniform(0, 1, 50), rng.uniform(0.5, 1), rng.integers(1, 100, 50)
            wanted = (np.minimum(rng.uniform(0.2, 2) * rates, cap) * counts).sum()
            a, b = 0.0, 1e6

            def f(k: float, r: np.ndarray = rates, c: float = cap, n: np.ndarray = counts, w: float = wanted):
                return (np.minimum(k * r, c) * n).sum() - w

        if f(a) * f(b) >= 0:
            continue
        for xtol in (2e-12, 1e-12, 1e-6):
            assert brentq(f, a, b, xtol=xtol) == scipy_brentq(f, a, b, xtol=xtol)
            compared += 1
    assert compared > 300


def test_brentq_refuses_what_scipy_refuses() -> None:
    with pytest.raises(ValueError, match="different signs"):
        brentq(lambda x: x * x + 1.0, -1.0, 1.0)
    with pytest.raises(ValueError, match="NaN"):  # scipy.optimize.brentq raises here too
        brentq(lambda x: math.nan if 0.4 < x < 0.6 else x - 0.5, 0.0, 1.0)
    for settings in ({"xtol": 0.0}, {"rtol": 1e-17}, {"maxiter": -1}):
        with pytest.raises(ValueError):
            brentq(lambda x: x - 0.25, 0.0, 1.0, **settings)
    assert brentq(lambda x: x - 0.25, 0.0, 1.0) == pytest.approx(0.25, abs=1e-12)

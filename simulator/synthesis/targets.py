"""Census targets: the census-day figures the synthetic population reproduces, and the expected tables
(unit x age x sex, age x education) fitted to them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.codes import SCHOOLING_YEARS, Edu
from simulator.geography import UNITS
from simulator.inputs.calibration import CalibrationData
from simulator.inputs.parameters import Parameters
from simulator.synthesis.numerics import AGES, brentq, ipf, single_years

#: Census education categories (C6) in order: none, primary, junior, senior, university (大专 and above).
CENSUS_EDU_LEVELS = 5
#: Lowest age at which a person can be counted at each census category (in school counts as attained).
CENSUS_EDU_MIN_AGE = np.array([0, 6, 12, 15, 18])


@dataclass
class CensusTargets:
    """The census-day figures the synthetic population reproduces (persons, unscaled)."""

    unit_population: np.ndarray
    age_sex: np.ndarray  # (105, 2) single years
    education: np.ndarray  # census categories
    working_age: float
    employed: float
    employed_tertiary: float
    professional_technical: float
    high_skill: float
    avg_schooling_working_age: float


def census_targets(data: CalibrationData) -> CensusTargets:
    """Collect the census-day targets from the calibration data."""
    p = data.province
    ages = data.age_sex_2020
    age_sex = np.column_stack([single_years(ages, ages.male), single_years(ages, ages.female)])
    per_100k = np.array(
        [
            p["per_100k_primary"],
            p["per_100k_junior_secondary"],
            p["per_100k_senior_secondary"],
            p["per_100k_university"],
        ]
    )
    counts = per_100k * p["population"] / 100_000
    education = np.concatenate([[p["population"] - counts.sum()], counts])
    return CensusTargets(
        unit_population=data.unit_population,
        age_sex=age_sex,
        education=education,
        working_age=p["working_age_16_59"],
        employed=p["employed"],
        employed_tertiary=p["employed_tertiary"],
        professional_technical=p["professional_technical_talent"],
        high_skill=p["high_skill_talent"],
        avg_schooling_working_age=p["avg_schooling_years_working_age"],
    )


def unit_age_sex_table(data: CalibrationData, targets: CensusTargets) -> np.ndarray:
    """Expected persons by unit x single age x sex (floats), fitted by IPF to every known margin."""
    share = targets.age_sex / targets.age_sex.sum()
    seed = targets.unit_population[:, None, None] * share[None, :, :]
    margins: list[tuple[tuple[int, ...], np.ndarray]] = [
        ((0,), targets.unit_population),
        ((1, 2), targets.age_sex),
    ]
    # Broad age groups known for some units: fit unit x broad-group margins, others free (seeded).
    broad = np.digitize(AGES, [15, 60])  # 0: 0-14, 1: 15-59, 2: 60+
    known = [UNITS.index(u) for u in data.unit_age_shares]
    if not known:
        return ipf(seed, margins)
    table = seed
    for _ in range(60):
        table = ipf(table, margins, iterations=5)
        for u in known:
            shares = np.array(data.unit_age_shares[UNITS[u]]) / 100.0
            for g in range(3):
                cells = broad == g
                current = table[u, cells, :].sum()
                table[u, cells, :] *= shares[g] * targets.unit_population[u] / current
    return ipf(table, margins, iterations=50)


def _education_seed(gamma: float) -> np.ndarray:
    """Seed for age x census education: feasible cells only, tilted to the young by `gamma`."""
    feasible = AGES[:, None] >= CENSUS_EDU_MIN_AGE[None, :]
    # children below school age count as 'none'; school-age children are at their age's level or below
    level = np.arange(CENSUS_EDU_LEVELS)[None, :]
    cohort = (40.0 - AGES[:, None]) / 20.0
    seed = np.where(feasible, np.exp(gamma * level * cohort), 0.0)
    seed[AGES < 6, 0] = 1.0
    return seed


def _university_years(params: Parameters) -> float:
    split = university_split(params)
    return float(split @ SCHOOLING_YEARS[Edu.COLLEGE :])


def university_split(params: Parameters) -> np.ndarray:
    """Shares of college, bachelor, master and doctorate among the university-educated (sum 1)."""
    s = params.group("synthesis.university_split")
    split = np.array([s["college"], s["bachelor"], s["master"], s["phd"]])
    return split / split.sum()


def age_education_table(targets: CensusTargets, params: Parameters) -> tuple[np.ndarray, float]:
    """Expected persons by single age x census education category, and the tilt `gamma` that was solved.

    `gamma` is chosen so that the average schooling of ages 16-59 equals the census figure.
    """
    ages_total = targets.age_sex.sum(axis=1)
    years = np.array([0.0, 6.0, 9.0, 12.0, _university_years(params)])
    working = (AGES >= 16) & (AGES <= 59)

    def table_for(gamma: float) -> np.ndarray:
        return ipf(_education_seed(gamma), [((0,), ages_total), ((1,), targets.education)], iterations=500)

    def gap(gamma: float) -> float:
        t = table_for(gamma)[working]
        return float((t * years).sum() / t.sum()) - targets.avg_schooling_working_age

    gamma = brentq(gap, -1.0, 3.0, xtol=1e-6) if gap(-1.0) * gap(3.0) < 0 else 0.5
    return table_for(gamma), gamma

"""The synthetic population of census day (2020-11-01) at any scale.

Scale N means one simulated person per N residents. The census gives margins (age by sex, unit totals,
education per 100,000, employment, talent stocks); the joins that the data do not give are built here by
documented methods (docs/ODD.md, "Initialisation"):

- single years of age: a mean-preserving spread of the five-year groups (linear in the group midpoints,
  then rescaled so that each group keeps its census total exactly);
- unit x age x sex: iterative proportional fitting (IPF) to the unit totals, the province age-sex table and
  the broad age shares known for some cities;
- age x education: IPF to the age totals and the census education counts, from a seed that forbids
  impossible cells (no graduate at 15) and tilts education towards younger cohorts; the tilt is solved so
  that the working-age population averages the census' 10.86 years of schooling;
- employment, sectors and talent tiers: exact counts drawn by weighted sampling without replacement,
  the weights being stated assumptions (calibration/parameters.csv).

Integer persons are drawn from expected cell counts by largest-remainder rounding within each unit, so the
unit totals are exact at every scale.
"""

from __future__ import annotations

import numpy as np

from simulator.codes import (
    N_SECTORS,
    PROGRAMME_YEARS,
    SECTOR_CLASS,
    SECTOR_INDEX,
    SECTORS,
    Edu,
    Status,
    Tier,
)
from simulator.geography import N_UNITS, OUTSIDE
from simulator.inputs.calibration import AgeTable, CalibrationData
from simulator.inputs.parameters import Parameters
from simulator.people.retirement import retirement_age_years
from simulator.people.store import PersonStore
from simulator.synthesis.numerics import AGES, MAX_AGE, controlled_round, round_to_total, weighted_choice_exact
from simulator.synthesis.targets import (
    CENSUS_EDU_LEVELS,
    CensusTargets,
    age_education_table,
    census_targets,
    unit_age_sex_table,
    university_split,
)


def synthesize(data: CalibrationData, params: Parameters, scale: int, rng: np.random.Generator) -> PersonStore:
    """Build the census-day population of Jilin plus the tracked persons outside, at the given scale."""
    targets = census_targets(data)
    cells = unit_age_sex_table(data, targets)
    edu_table, _ = age_education_table(targets, params)
    outside_persons = (params["synthesis.diaspora_persons"] + params["synthesis.outside_pool_persons"]) / scale
    store = PersonStore(capacity=int((targets.unit_population.sum() / scale + outside_persons) * 1.08) + 1024)

    # --- inside: integer persons by unit x age x sex, exact unit totals ---
    unit_totals = np.array([int(round(t / scale)) for t in targets.unit_population])
    age_sex_totals = _age_sex_counts(cells.sum(axis=0) / scale, data.age_sex_2020, int(unit_totals.sum()), rng)
    counts = controlled_round(cells.reshape(N_UNITS, -1) / scale, unit_totals, age_sex_totals, rng)
    counts = counts.reshape(cells.shape)
    flat = counts.ravel()
    cell_index = np.repeat(np.arange(flat.size), flat)
    unit, age, sex = np.unravel_index(cell_index, counts.shape)
    _append_persons(store, unit, unit, age, sex, rng)

    # --- outside: the diaspora (origin in Jilin) and a pool of outside-born persons who may move to Jilin ---
    _append_outside(store, data, params, targets, scale, rng)

    # --- education, school enrolment, labour status, sectors, tiers, human capital ---
    _assign_education(store, edu_table, params, rng)
    _assign_students(store, data, params, scale, rng)
    _assign_labour(store, targets, params, scale, rng)
    _assign_sectors(store, targets, params, scale, rng)
    _assign_tiers(store, targets, params, scale, rng)
    _assign_human_capital(store, rng)
    _mark_july_2020_graduates(store, data, params, scale, rng)
    return store


def _age_sex_counts(expected: np.ndarray, groups: AgeTable, total: int, rng: np.random.Generator) -> np.ndarray:
    """Integer persons by single age x sex (flattened) whose census age groups by sex are each within one
    person of their expected size: groups are rounded first, then split over their single years."""
    group_of_age = np.searchsorted(groups.age_high, AGES)
    group_expected = np.stack(
        [np.bincount(group_of_age, weights=expected[:, s], minlength=groups.age_low.size) for s in (0, 1)], axis=1
    )
    group_counts = round_to_total(group_expected, total, rng)
    counts = np.zeros_like(expected, dtype=np.int64)
    for g in range(groups.age_low.size):
        ages = group_of_age == g
        for s in (0, 1):
            counts[ages, s] = round_to_total(expected[ages, s], int(group_counts[g, s]), rng)
    return counts.ravel()


def _append_persons(
    store: PersonStore,
    region: np.ndarray,
    origin: np.ndarray,
    age_years: np.ndarray,
    sex: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    months = age_years.astype(np.int16) * 12 + rng.integers(0, 12, size=age_years.size).astype(np.int16)
    return store.append(
        age_years.size,
        age_months=months,
        age_years=age_years.astype(np.int8),
        birthday_phase=((-(months.astype(np.int64) + 1)) % 12).astype(np.int8),
        sex=sex.astype(np.int8),
        region=region.astype(np.int8),
        origin=origin.astype(np.int8),
        months_since_move=np.full(age_years.size, 120, dtype=np.int16),
    )


def _append_outside(
    store: PersonStore,
    data: CalibrationData,
    params: Parameters,
    targets: CensusTargets,
    scale: int,
    rng: np.random.Generator,
) -> None:
    """Diaspora: aged like the cohorts Jilin lost 2010-2020; pool: young, ages spread evenly."""
    diaspora = int(round(params["synthesis.diaspora_persons"] / scale))
    # Ages of the diaspora follow the cohort losses of 2010-2020 (2010 group g -> 2020 group g + 2).
    t10, t20 = data.age_2010, data.age_sex_2020
    loss_by_age = np.zeros(MAX_AGE + 1)
    for g, (low, high) in enumerate(zip(t10.age_low, t10.age_high, strict=True)):
        if high - low != 4 or low + 10 > 70:
            continue
        later = t20.age_low == low + 10
        if later.any():
            lost = t10.total[g] - t20.total[later][0]
            if lost > 0:
                loss_by_age[low + 10 : low + 15] = lost / 5
    loss_by_age /= loss_by_age.sum()
    out_w = np.array([params[f"synthesis.diaspora_share.{r}"] for r in OUTSIDE])
    region = N_UNITS + rng.choice(len(OUTSIDE), size=diaspora, p=out_w / out_w.sum())
    origin = rng.choice(N_UNITS, size=diaspora, p=targets.unit_population / targets.unit_population.sum())
    age = rng.choice(MAX_AGE + 1, size=diaspora, p=loss_by_age)
    sex = rng.integers(0, 2, size=diaspora)
    idx = _append_persons(store, region, origin, age, sex, rng)
    store.months_since_move[idx] = rng.integers(1, 120, size=idx.size)

    pool = int(round(params["synthesis.outside_pool_persons"] / scale))
    pool_w = np.array([params[f"synthesis.pool_share.{r}"] for r in OUTSIDE])
    region = N_UNITS + rng.choice(len(OUTSIDE), size=pool, p=pool_w / pool_w.sum())
    age = rng.integers(0, int(params["synthesis.pool_max_age_years"]) + 1, size=pool)
    sex = rng.integers(0, 2, size=pool)
    _append_persons(store, region, region, age, sex, rng)


def _assign_education(
    store: PersonStore, edu_table: np.ndarray, params: Parameters, rng: np.random.Generator
) -> None:
    """Census education by single age (exact within each age at scale 1), university split by assumption."""
    age = store.age_years.astype(np.int16)
    order = np.argsort(age, kind="stable")
    starts = np.searchsorted(age[order], AGES)
    stops = np.searchsorted(age[order], AGES, side="right")
    census_level = np.zeros(store.n, dtype=np.int8)
    for a in AGES:
        members = order[starts[a] : stops[a]]
        if members.size == 0:
            continue
        members = rng.permutation(members)
        level_counts = round_to_total(edu_table[a], members.size, rng)
        census_level[members] = np.repeat(np.arange(CENSUS_EDU_LEVELS), level_counts).astype(np.int8)
    # census categories -> model levels: none, primary, junior, senior map one to one; university is split
    edu = census_level.copy()
    uni = np.flatnonzero(census_level == 4)
    split = university_split(params)
    levels = np.array([Edu.COLLEGE, Edu.BACHELOR, Edu.MASTER, Edu.PHD], dtype=np.int8)
    min_age = np.array([18, 18, 22, 25])
    uni_age = age[uni]
    probs = np.where(uni_age[:, None] >= min_age[None, :], split[None, :], 0.0)
    probs /= probs.sum(axis=1, keepdims=True)
    cum = probs.cumsum(axis=1)
    pick = (rng.random(uni.size)[:, None] > cum).sum(axis=1)
    edu[uni] = levels[np.minimum(pick, 3)]
    store.edu[:] = edu


def _assign_students(
    store: PersonStore, data: CalibrationData, params: Parameters, scale: int, rng: np.random.Generator
) -> None:
    """Children in school and students in higher education.

    The census counts a person in school at the level being attended; here that level becomes `enrolled`,
    and `edu` the level below it, so census-comparable education is max(edu, enrolled).
    """
    age = store.age_years.astype(np.int16)
    edu = store.edu
    status = store.status
    status[:] = Status.INACTIVE
    status[age < 6] = Status.CHILD

    def enrol(idx: np.ndarray, level: int, years_done: np.ndarray) -> None:
        status[idx] = Status.STUDENT
        store.enrolled[idx] = level
        store.edu[idx] = _previous_level(level)
        store.study_years_left[idx] = np.clip(PROGRAMME_YEARS[level] - years_done, 1, PROGRAMME_YEARS[level])

    school = (age >= 6) & (age <= 17)
    for level, first_age in ((Edu.PRIMARY, 6), (Edu.JUNIOR, 12), (Edu.SENIOR, 15)):
        idx = np.flatnonzero(school & (edu == level) & (age < first_age + PROGRAMME_YEARS[level]))
        enrol(idx, level, age[idx] - first_age)

    he = params.group("education")
    plan = {
        Edu.COLLEGE: (he["he_graduates_per_year"] * he["college_share_of_he_graduates"], 18, 22),
        Edu.BACHELOR: (he["he_graduates_per_year"] * (1 - he["college_share_of_he_graduates"]), 18, 25),
        Edu.MASTER: (data.graduates["jilin_master_graduates_2018"], 22, 30),
        Edu.PHD: (data.graduates["jilin_phd_graduates_2018"], 25, 32),
    }
    inside = store.region < N_UNITS
    for level, (graduates_per_year, low, high) in plan.items():
        wanted = int(round(graduates_per_year * PROGRAMME_YEARS[level] / scale))
        candidates = np.flatnonzero(
            inside & (edu == level) & (age >= low) & (age <= high) & (status != Status.STUDENT)
        )
        weights = 1.0 / (1.0 + (age[candidates] - low)) ** 2
        w = np.zeros(store.n)
        w[candidates] = weights
        chosen = weighted_choice_exact(w, wanted, rng)
        enrol(chosen, level, rng.integers(0, PROGRAMME_YEARS[level], size=chosen.size))
        # a share of Jilin's students come from other provinces: their ties are there
        from_outside = chosen[rng.random(chosen.size) < he["outside_origin_share_of_he_students"]]
        pool_w = np.array([params[f"synthesis.pool_share.{r}"] for r in OUTSIDE])
        store.origin[from_outside] = N_UNITS + rng.choice(
            len(OUTSIDE), size=from_outside.size, p=pool_w / pool_w.sum()
        )
    # children of school age the census puts below their age's level start school the next July
    store.status[(age >= 6) & (age <= 14) & (status != Status.STUDENT)] = Status.CHILD


def _previous_level(level: int) -> int:
    return {
        Edu.PRIMARY: Edu.NONE,
        Edu.JUNIOR: Edu.PRIMARY,
        Edu.SENIOR: Edu.JUNIOR,
        Edu.COLLEGE: Edu.SENIOR,
        Edu.BACHELOR: Edu.SENIOR,
        Edu.MASTER: Edu.BACHELOR,
        Edu.PHD: Edu.MASTER,
    }[Edu(level)]


EMPLOYMENT_BANDS = [16, 20, 25, 50, 55, 60, 65, 70, 200]
EMPLOYMENT_BAND_NAMES = ["16_19", "20_24", "25_49", "50_54", "55_59", "60_64", "65_69", "70_plus"]


def _employment_weights(age: np.ndarray, sex: np.ndarray, params: Parameters) -> np.ndarray:
    """Relative propensity to be employed on census day by age band and sex (assumption)."""
    bands, names = EMPLOYMENT_BANDS, EMPLOYMENT_BAND_NAMES
    band = np.digitize(age, bands) - 1
    weight = np.zeros(age.size)
    for b, name in enumerate(names):
        for s, label in ((0, "men"), (1, "women")):
            weight[(band == b) & (sex == s)] = params[f"synthesis.employment_rate.{label}_{name}"]
    return weight


def _assign_labour(
    store: PersonStore, targets: CensusTargets, params: Parameters, scale: int, rng: np.random.Generator
) -> None:
    """Employed (exact census count inside), unemployed (at the assumed rate), retired, inactive."""
    age, sex = store.age_years.astype(np.int16), store.sex
    free = (store.status != Status.STUDENT) & (age >= 16)
    weight = _employment_weights(age, sex, params) * free
    inside = store.region < N_UNITS
    employed = weighted_choice_exact(np.where(inside, weight, 0.0), int(round(targets.employed / scale)), rng)
    store.status[employed] = Status.EMPLOYED
    # outside: the same propensities, as Bernoulli draws
    outside = np.flatnonzero(~inside & free)
    share = targets.employed / np.where(inside, weight, 0.0).sum()
    works = rng.random(outside.size) < np.minimum(weight[outside] * share, 0.97)
    store.status[outside[works]] = Status.EMPLOYED

    retire_at = retirement_age_years(sex, store.edu, params)
    rate = params["labour.unemployment_rate_census"]
    seekers = free & (store.status == Status.INACTIVE) & (age < retire_at)
    for region_mask in (inside, ~inside):
        employed_here = int(np.count_nonzero(region_mask & (store.status == Status.EMPLOYED)))
        wanted = int(round(employed_here * rate / (1 - rate)))
        w = np.where(region_mask & seekers, 1.0 / np.maximum(age - 14.0, 1.0), 0.0)
        store.status[weighted_choice_exact(w, wanted, rng)] = Status.UNEMPLOYED
    retired = (store.status == Status.INACTIVE) & (age >= retire_at)
    store.status[retired] = Status.RETIRED


def _assign_sectors(
    store: PersonStore, targets: CensusTargets, params: Parameters, scale: int, rng: np.random.Generator
) -> None:
    """Tertiary (exact census count), primary (assumed share), secondary the rest; sectors by assumed shares."""
    employed = np.flatnonzero((store.status == Status.EMPLOYED) & (store.region < N_UNITS))
    age, edu = store.age_years.astype(np.int16)[employed], store.edu[employed]
    sector = np.full(employed.size, -1, dtype=np.int8)
    w_tertiary = np.where(edu >= Edu.SENIOR, 2.0, 1.0) * np.where(age >= 60, 0.3, 1.0)
    tertiary = weighted_choice_exact(w_tertiary, int(round(targets.employed_tertiary / scale)), rng)
    sector[tertiary] = 0  # marked; refined below
    rest = np.flatnonzero(sector == -1)
    primary_count = int(round(params["synthesis.primary_share_of_employed"] * employed.size))
    w_primary = np.where(edu[rest] <= Edu.JUNIOR, 3.0, 0.5) * np.where(age[rest] >= 50, 3.0, 1.0)
    primary = rest[weighted_choice_exact(w_primary, primary_count, rng)]
    sector[primary] = SECTOR_INDEX["agriculture"]
    secondary = np.flatnonzero(sector == -1)
    for members, cls in ((secondary, 2), (tertiary, 3)):
        names = [i for i in range(N_SECTORS) if SECTOR_CLASS[i] == cls]
        w = np.array([params[f"synthesis.sector_share.{SECTORS[i]}"] for i in names])
        counts = round_to_total(w, members.size, rng)
        sector[rng.permutation(members)] = np.repeat(np.array(names, dtype=np.int8), counts)
    store.sector[employed] = sector


def _assign_tiers(
    store: PersonStore, targets: CensusTargets, params: Parameters, scale: int, rng: np.random.Generator
) -> None:
    """Professional-technical and high-skill talent at their census stocks; skilled workers by assumed share."""
    employed = (store.status == Status.EMPLOYED) & (store.region < N_UNITS)
    age, edu, sector = store.age_years.astype(np.int16), store.edu, store.sector
    public = sector == SECTOR_INDEX["public_services"]
    w_prof = employed * (edu >= Edu.COLLEGE) * np.where(edu >= Edu.BACHELOR, 3.0, 1.0) * np.where(public, 2.0, 1.0)
    prof = weighted_choice_exact(w_prof.astype(float), int(round(targets.professional_technical / scale)), rng)
    store.tier[prof] = Tier.PROFESSIONAL
    industrial = (SECTOR_CLASS[np.maximum(sector, 0)] == 2) | (sector == SECTOR_INDEX["logistics_trade"])
    eligible = employed & (store.tier == Tier.NONE) & (edu >= Edu.JUNIOR) & (edu <= Edu.COLLEGE)
    w_high = eligible * np.where(industrial, 4.0, 1.0) * np.where((age >= 30) & (age < 60), 2.0, 0.5)
    high = weighted_choice_exact(w_high.astype(float), int(round(targets.high_skill / scale)), rng)
    store.tier[high] = Tier.HIGH_SKILL
    share = params["synthesis.high_skill_share_of_skilled"]
    skilled_count = int(round(targets.high_skill * (1 - share) / share / scale))
    eligible = employed & (store.tier == Tier.NONE) & (edu >= Edu.PRIMARY) & (edu <= Edu.COLLEGE)
    w_skilled = eligible * np.where(industrial, 3.0, 1.0)
    store.tier[weighted_choice_exact(w_skilled.astype(float), skilled_count, rng)] = Tier.SKILLED


def _assign_human_capital(store: PersonStore, rng: np.random.Generator) -> None:
    """Skill index: 1 at labour-market entry, +2 % a year of potential experience, tier premia, noise."""
    age = store.age_years.astype(np.int16).astype(np.float32)
    entry = np.array([16, 16, 16, 18, 21, 22, 25, 28], dtype=np.float32)[store.edu]
    experience = np.clip(age - entry, 0, 40)
    tier_premium = np.array([1.0, 1.1, 1.3, 1.25], dtype=np.float32)[store.tier]
    noise = np.exp(rng.normal(0.0, 0.1, store.n)).astype(np.float32)
    store.human_capital[:] = (1.0 + 0.02 * experience) * tier_premium * noise


JULY_2020 = -4  # model month of the last graduation before census day


def _mark_july_2020_graduates(
    store: PersonStore, data: CalibrationData, params: Parameters, scale: int, rng: np.random.Generator
) -> None:
    """The graduates of July 2020 living in Jilin on census day: young, tertiary-educated, not studying.

    They count as new graduates (migration, graduate subsidies) until July 2021. Their number is a
    year's graduates (assumption: all still in Jilin); they are not counted in `graduates_retained`.
    """
    age = store.age_years.astype(np.int16)
    eligible = (store.region < N_UNITS) & (store.edu >= Edu.COLLEGE) & (store.status != Status.STUDENT)
    eligible &= (age >= 20) & (age <= 30)
    weight = np.where(eligible, 1.0 / (1.0 + np.abs(age - 23.0)) ** 2, 0.0)
    per_year = (
        params["education.he_graduates_per_year"]
        + data.graduates["jilin_master_graduates_2018"]
        + data.graduates["jilin_phd_graduates_2018"]
    )
    chosen = weighted_choice_exact(weight, int(round(per_year / scale)), rng)
    store.graduation_month[chosen] = JULY_2020


#: Parameters synthesis reads (prefixes): the synthesis cache keys the population by their values.
PARAMETER_PREFIXES = ("synthesis.", "education.", "demography.retirement_age_", "labour.unemployment_rate_census")
#: The rows of calibration/parameters.csv that only synthesis reads.
PARAMETERS: tuple[str, ...] = (
    *(f"synthesis.university_split.{k}" for k in ("college", "bachelor", "master", "phd")),
    "synthesis.diaspora_persons",
    "synthesis.outside_pool_persons",
    "synthesis.pool_max_age_years",
    *(f"synthesis.diaspora_share.{r}" for r in OUTSIDE),
    *(f"synthesis.pool_share.{r}" for r in OUTSIDE),
    *(f"synthesis.employment_rate.{sex}_{band}" for sex in ("men", "women") for band in EMPLOYMENT_BAND_NAMES),
    "synthesis.primary_share_of_employed",
    *(f"synthesis.sector_share.{SECTORS[i]}" for i in range(N_SECTORS) if SECTOR_CLASS[i] in (2, 3)),
    "synthesis.high_skill_share_of_skilled",
    "education.outside_origin_share_of_he_students",
)

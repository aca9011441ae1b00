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

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from simulator.codes import (
    N_SECTORS,
    N_UNITS,
    OUTSIDE,
    PROGRAMME_YEARS,
    SCHOOLING_YEARS,
    SECTOR_CLASS,
    SECTOR_INDEX,
    SECTORS,
    UNITS,
    Edu,
    Status,
    Tier,
)
from simulator.data import AgeTable, CalibrationData, Parameters
from simulator.population import PersonStore

MAX_AGE = 104  # the census' open group 100+ is spread over 100-104
AGES = np.arange(MAX_AGE + 1)
#: Census education categories (C6) in order: none, primary, junior, senior, university (大专 and above).
CENSUS_EDU_LEVELS = 5
#: Lowest age at which a person can be counted at each census category (in school counts as attained).
CENSUS_EDU_MIN_AGE = np.array([0, 6, 12, 15, 18])


def single_years(table: AgeTable, counts: np.ndarray) -> np.ndarray:
    """Spread five-year age groups over single years 0..104, keeping every group total exactly.

    The density is linear between group midpoints (flat beyond the first and last midpoints); each group's
    single years are then rescaled to the group's census total.
    """
    width = table.age_high - table.age_low + 1
    mid = (table.age_low + table.age_high) / 2.0
    density = np.interp(AGES, mid, counts / width)
    out = np.zeros(MAX_AGE + 1)
    for low, high, total in zip(table.age_low, table.age_high, counts, strict=True):
        cells = slice(low, high + 1)
        mass = density[cells].sum()
        out[cells] = density[cells] * (total / mass) if mass > 0 else total / (high - low + 1)
    return out


def ipf(
    seed: np.ndarray,
    margins: list[tuple[tuple[int, ...], np.ndarray]],
    iterations: int = 200,
    tolerance: float = 1e-10,
) -> np.ndarray:
    """Iterative proportional fitting of `seed` to the given margins.

    Each margin is (axes kept, target array over those axes). Stops when every margin is met within
    `tolerance` (relative) or after `iterations` sweeps.
    """
    table = seed.astype(float).copy()
    all_axes = tuple(range(table.ndim))
    for _ in range(iterations):
        worst = 0.0
        for keep, target in margins:
            summed = tuple(a for a in all_axes if a not in keep)
            current = table.sum(axis=summed)
            with np.errstate(divide="ignore", invalid="ignore"):
                factor = np.where(current > 0, target / current, 0.0)
            worst = max(worst, float(np.max(np.abs(current - target) / np.maximum(target, 1.0))))
            shape = [table.shape[a] if a in keep else 1 for a in all_axes]
            table *= factor.reshape(shape)
        if worst < tolerance:
            break
    return table


def round_to_total(expected: np.ndarray, total: int, rng: np.random.Generator) -> np.ndarray:
    """Integer counts summing exactly to `total` whose expectations are the (rescaled) expected counts.

    Each cell keeps the floor of its expected count; the fractional parts are then allocated by systematic
    sampling (a random start, then every unit of cumulated remainder) over the cells in their given order.
    Each cell gets one more with probability equal to its fractional part, and any run of neighbouring
    cells (such as the ages of a five-year group) gets its expected total within one. Largest-remainder
    rounding would be biased against small cells.
    """
    expected = np.asarray(expected, dtype=float)
    scaled = expected * (total / expected.sum()) if expected.sum() > 0 else expected
    base = np.floor(scaled).astype(np.int64)
    short = total - int(base.sum())
    if short > 0:
        flat_base = base.reshape(-1)
        remainder = (scaled - base).reshape(-1)
        cumulative = np.cumsum(remainder)
        cumulative *= short / cumulative[-1]  # guard against rounding in the sum
        points = rng.random() + np.arange(short)
        picked = np.searchsorted(cumulative, points, side="right")
        np.add.at(flat_base, picked, 1)
    return base


def controlled_round(
    expected: np.ndarray, row_totals: np.ndarray, col_totals: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Integer table near `expected` (rows x columns) with exactly the given row totals and, as far as the
    rows allow, the given column totals.

    Cells keep the floor of their expected count; the missing units go, cell by cell in decreasing order
    of fractional part (ties at random), to cells whose row and column both still miss some; whatever a
    row still misses then goes to its cells with the largest fractional parts. Used for unit x (age, sex):
    unit totals exact, age-sex totals exact whenever the greedy pass can place them (in practice always).
    """
    table = np.floor(expected).astype(np.int64)
    row_gap = row_totals - table.sum(axis=1)
    col_gap = col_totals - table.sum(axis=0)
    fraction = expected - table + rng.random(expected.shape) * 1e-9
    for flat in np.argsort(-fraction, axis=None, kind="stable"):
        r, c = divmod(int(flat), expected.shape[1])
        if row_gap[r] > 0 and col_gap[c] > 0:
            table[r, c] += 1
            row_gap[r] -= 1
            col_gap[c] -= 1
    for r in np.flatnonzero(row_gap > 0):
        best = np.argsort(-(fraction[r] + col_gap.clip(0)), kind="stable")[: row_gap[r]]
        table[r, best] += 1
    return table


def weighted_choice_exact(weights: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of exactly `count` items drawn without replacement with probability ~ weights.

    Efraimidis-Spirakis: the items with the largest u ** (1 / w) keys; computed as log(u) / w.
    """
    positive = np.flatnonzero(weights > 0)
    count = min(count, positive.size)
    if count <= 0:
        return np.empty(0, dtype=np.int64)
    keys = np.log(rng.random(positive.size)) / weights[positive]
    return positive[np.argpartition(-keys, count - 1)[:count]]


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
    split = _university_split(params)
    return float(split @ SCHOOLING_YEARS[Edu.COLLEGE :])


def _university_split(params: Parameters) -> np.ndarray:
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
    split = _university_split(params)
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


def retirement_age_years(sex: np.ndarray, edu: np.ndarray, params: Parameters) -> np.ndarray:
    """Statutory retirement age: men 60; women 55 with tertiary education (cadre posts), else 50."""
    women = np.where(
        edu >= Edu.COLLEGE,
        params["demography.retirement_age_women_cadre"],
        params["demography.retirement_age_women_worker"],
    )
    return np.where(sex == 0, params["demography.retirement_age_men"], women)


def _employment_weights(age: np.ndarray, sex: np.ndarray, params: Parameters) -> np.ndarray:
    """Relative propensity to be employed on census day by age band and sex (assumption)."""
    bands = [16, 20, 25, 50, 55, 60, 65, 70, 200]
    names = ["16_19", "20_24", "25_49", "50_54", "55_59", "60_64", "65_69", "70_plus"]
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

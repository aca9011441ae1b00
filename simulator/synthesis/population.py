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

from simulator.arrays import CHUNK
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
from simulator.people.labour_profile import (
    EMPLOYMENT_BAND_LOWS,
    EMPLOYMENT_BAND_NAMES,
    employment_band,
    employment_parameter_names,
    employment_rates,
    unemployment_band,
    unemployment_parameter_names,
    unemployment_relative,
)
from simulator.people.retirement import retirement_age_years
from simulator.people.store import PersonStore
from simulator.synthesis.numerics import (
    AGES,
    MAX_AGE,
    brentq,
    controlled_round,
    round_to_total,
    weighted_choice_exact,
)
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
    # each cell's (unit, age, sex) repeated by its count, in narrow types (no int64 array per person)
    cell_unit, cell_age, cell_sex = np.unravel_index(np.arange(flat.size), counts.shape)
    unit = np.repeat(cell_unit.astype(np.int8), flat)
    age = np.repeat(cell_age.astype(np.int16), flat)
    sex = np.repeat(cell_sex.astype(np.int8), flat)
    _append_persons(store, unit, unit, age, sex, rng)
    del unit, age, sex

    # --- outside: the diaspora (origin in Jilin) and a pool of outside-born persons who may move to Jilin ---
    _append_outside(store, data, params, targets, scale, rng)

    # --- education, school enrolment, labour status, sectors, tiers, human capital ---
    _assign_education(store, edu_table, params, rng)
    _assign_students(store, data, params, scale, rng)
    _place_students_at_universities(store, params, rng)
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
        birthday_phase=((-(months + np.int16(1))) % np.int16(12)).astype(np.int8),
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
    per_age = np.bincount(age, minlength=AGES.size)[: AGES.size]
    stops = np.cumsum(per_age)  # each age's end in `order`
    starts = stops - per_age
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
    # the cumulative split by age (a row per age, the same numbers as a row per person), then each person's
    # pick: the number of entries of their age's row below their draw
    with np.errstate(invalid="ignore", divide="ignore"):  # ages below 18 (no one with a degree) divide 0 by 0
        probs = np.where(AGES[:, None] >= min_age[None, :], split[None, :], 0.0)
        probs /= probs.sum(axis=1, keepdims=True)
    cum = probs.cumsum(axis=1)
    uni_age = age[uni]
    draws = rng.random(uni.size)
    pick = np.zeros(uni.size, dtype=np.int64)
    for j in range(cum.shape[1]):
        pick += draws > cum[uni_age, j]
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
        chosen = candidates[weighted_choice_exact(weights, wanted, rng)]
        enrol(chosen, level, rng.integers(0, PROGRAMME_YEARS[level], size=chosen.size))
        # a share of Jilin's students come from other provinces: their ties are there
        from_outside = chosen[rng.random(chosen.size) < he["outside_origin_share_of_he_students"]]
        pool_w = np.array([params[f"synthesis.pool_share.{r}"] for r in OUTSIDE])
        store.origin[from_outside] = N_UNITS + rng.choice(
            len(OUTSIDE), size=from_outside.size, p=pool_w / pool_w.sum()
        )
    # children of school age the census puts below their age's level start school the next July
    store.status[(age >= 6) & (age <= 14) & (status != Status.STUDENT)] = Status.CHILD


def _place_students_at_universities(store: PersonStore, params: Parameters, rng: np.random.Generator) -> None:
    """Put the higher-education students of census day in the units of their universities, as the census
    counts them and as each year's intake is placed (`education.he_capacity_share.*`), without changing any
    unit's population or age-sex table: a student in a unit with more students than its share changes
    places with a non-student of the same age and sex living in a unit with fewer. Jilin-born students keep
    their home unit as origin; the non-students who change places are locals of their new unit.
    """
    from simulator.geography import UNITS

    inside = store.region < N_UNITS
    students = np.flatnonzero(inside & (store.status == Status.STUDENT) & (store.enrolled >= Edu.COLLEGE))
    if students.size == 0:
        return
    shares = np.array([params[f"education.he_capacity_share.{u}"] for u in UNITS], dtype=float)
    target = round_to_total(shares / shares.sum() * students.size, students.size, rng)
    current = np.bincount(store.region[students], minlength=N_UNITS)
    movers = np.concatenate(
        [
            rng.choice(students[store.region[students] == u], size=int(current[u] - target[u]), replace=False)
            for u in range(N_UNITS)
            if current[u] > target[u]
        ]
    )
    gaps = np.maximum(target - current, 0)
    destination = rng.permutation(np.repeat(np.arange(N_UNITS), gaps))[: movers.size]
    age, sex = store.age_years, store.sex
    partners_pool = np.flatnonzero(inside & (store.status != Status.STUDENT))
    # (unit x 256 + age) x 2 + sex is below 2 ** 13: int16 keys (the stable sort gives the same order)
    key = lambda idx, unit: (unit.astype(np.int16) * 256 + age[idx]) * 2 + sex[idx]  # noqa: E731
    wanted = key(movers, destination)
    pool_key = key(partners_pool, store.region[partners_pool])
    del inside
    order = np.argsort(pool_key, kind="stable")
    pool_sorted, pool_key_sorted = partners_pool[order], pool_key[order]
    for k in np.unique(wanted):
        who = np.flatnonzero(wanted == k)
        lo, hi = np.searchsorted(pool_key_sorted, [k, k + 1])
        take = min(who.size, hi - lo)
        if take == 0:
            continue
        partners = rng.choice(pool_sorted[lo:hi], size=take, replace=False)
        students_moving = movers[who[:take]]
        home = store.region[students_moving].copy()
        store.region[students_moving] = store.region[partners]
        store.region[partners] = home
        store.origin[partners] = home


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


def _labour_cells(store: PersonStore, free: np.ndarray) -> np.ndarray:
    """Cell of each person for the labour profile: inside/outside x sex x employment band (-1: none)."""
    band = employment_band(np.arange(MAX_AGE + 1)).astype(np.int16)[store.age_years]  # by a table of ages
    n_bands = len(EMPLOYMENT_BAND_NAMES)
    cell = (store.region >= N_UNITS).astype(np.int16)
    cell *= 2
    cell += store.sex
    cell *= n_bands
    cell += band
    cell[~(free & (band >= 0))] = -1
    return cell


def _common_factor(rates: np.ndarray, counts: np.ndarray, wanted: float, cap: float = 0.98) -> float:
    """The factor k with sum(min(k rates, cap) counts) = wanted (the cap binds only in full cells)."""
    if wanted <= 0 or counts.sum() == 0:
        return 0.0
    if (np.minimum(rates * 1e6, cap) * counts).sum() < wanted:
        raise ValueError("the census employment exceeds what the capped profile allows")
    return float(brentq(lambda k: (np.minimum(k * rates, cap) * counts).sum() - wanted, 0.0, 1e6, xtol=1e-12))


def _assign_labour(
    store: PersonStore, targets: CensusTargets, params: Parameters, scale: int, rng: np.random.Generator
) -> dict[str, float]:
    """Employed, unemployed, retired and inactive persons from the age-sex labour profile.

    Employment: the assumed rate of each sex and five-year band (among persons not in school) times ONE
    common factor, solved so that the persons inside Jilin number the census' employed; each cell's
    expected count is rounded (exact total) and its members drawn uniformly. The same rates apply outside,
    as independent draws. Unemployment: the relative rate of each band times one factor, solved so that
    the unemployed make `labour.unemployment_rate_census` of the labour force inside (the same rates
    outside), drawn among the non-employed of each cell. The rest is retired at or past the statutory
    age, else inactive. Returns the two common factors.
    """
    age = store.age_years.astype(np.int16)
    free = (store.status != Status.STUDENT) & (age >= 16)
    cell = _labour_cells(store, free)
    n_bands = len(EMPLOYMENT_BAND_NAMES)
    n_cells = 4 * n_bands
    counts = np.bincount(cell[cell >= 0], minlength=n_cells).astype(float)
    rates = np.tile(employment_rates(params).T.ravel(), 2)  # (outside, sex, band) order
    inside_cells = np.arange(n_cells) < 2 * n_bands
    wanted = targets.employed / scale
    k_emp = _common_factor(rates[inside_cells], counts[inside_cells], wanted)
    share = np.minimum(k_emp * rates, 0.98)
    expected = share * counts
    employed_count = np.zeros(n_cells, dtype=np.int64)
    employed_count[inside_cells] = round_to_total(expected[inside_cells], int(round(wanted)), rng)
    employed_count[~inside_cells] = rng.binomial(counts[~inside_cells].astype(np.int64), share[~inside_cells])
    order = np.argsort(cell, kind="stable")
    order = order[np.count_nonzero(cell < 0) :]  # the cells of -1 (none) sort first
    bounds = np.concatenate([[0], np.cumsum(counts.astype(np.int64))])  # each cell's place in `order`
    for c in np.flatnonzero(employed_count):
        members = order[bounds[c] : bounds[c + 1]]
        store.status[rng.choice(members, size=min(employed_count[c], members.size), replace=False)] = (
            Status.EMPLOYED
        )

    # unemployment: the relative profile by band times one factor, so the inside rate is the census rate
    relative = unemployment_relative(params)
    band_low = np.array(EMPLOYMENT_BAND_LOWS)
    cell_band = np.tile(np.arange(n_bands), 4)
    u_band = unemployment_band(band_low[cell_band])
    rel = relative[np.clip(u_band, 0, relative.size - 1)]
    employed_cell = employed_count.astype(float)
    rate = params["labour.unemployment_rate_census"]
    inside_e = employed_cell[inside_cells].sum()

    def inside_rate(k: float) -> float:
        u = np.minimum(k * rel, 0.9)
        unemployed = (employed_cell * u / (1 - u))[inside_cells].sum()
        return unemployed / (unemployed + inside_e) - rate

    k_unemp = float(brentq(inside_rate, 0.0, 0.9 / max(rel.max(), 1e-9))) if rel.max() > 0 else 0.0
    u = np.minimum(k_unemp * rel, 0.9)
    expected_u = employed_cell * u / (1 - u)
    available = counts - employed_count
    expected_u = np.minimum(expected_u, available)
    unemployed_count = np.zeros(n_cells, dtype=np.int64)
    unemployed_count[inside_cells] = round_to_total(
        expected_u[inside_cells], int(round(expected_u[inside_cells].sum())), rng
    )
    unemployed_count[~inside_cells] = rng.poisson(expected_u[~inside_cells])
    unemployed_count = np.minimum(unemployed_count, available.astype(np.int64))
    for c in np.flatnonzero(unemployed_count):
        members = order[bounds[c] : bounds[c + 1]]
        members = members[store.status[members] == Status.INACTIVE]
        store.status[rng.choice(members, size=min(unemployed_count[c], members.size), replace=False)] = (
            Status.UNEMPLOYED
        )
    inactive = np.flatnonzero(store.status == Status.INACTIVE)
    retire_at = retirement_age_years(store.sex[inactive], store.edu[inactive], params)
    store.status[inactive[age[inactive] >= retire_at]] = Status.RETIRED
    return {"employment_factor": k_emp, "unemployment_factor": k_unemp}


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
    # the weights are computed for the eligible persons only (everyone else has weight 0)
    employed = (store.status == Status.EMPLOYED) & (store.region < N_UNITS)
    age, edu, sector = store.age_years, store.edu, store.sector
    public = SECTOR_INDEX["public_services"]
    idx = np.flatnonzero(employed & (edu >= Edu.COLLEGE))
    w_prof = np.where(edu[idx] >= Edu.BACHELOR, 3.0, 1.0) * np.where(sector[idx] == public, 2.0, 1.0)
    prof = idx[weighted_choice_exact(w_prof, int(round(targets.professional_technical / scale)), rng)]
    store.tier[prof] = Tier.PROFESSIONAL

    def industrial(idx: np.ndarray) -> np.ndarray:
        return (SECTOR_CLASS[np.maximum(sector[idx], 0)] == 2) | (sector[idx] == SECTOR_INDEX["logistics_trade"])

    idx = np.flatnonzero(employed & (store.tier == Tier.NONE) & (edu >= Edu.JUNIOR) & (edu <= Edu.COLLEGE))
    prime = (age[idx] >= 30) & (age[idx] < 60)
    w_high = np.where(industrial(idx), 4.0, 1.0) * np.where(prime, 2.0, 0.5)
    high = idx[weighted_choice_exact(w_high, int(round(targets.high_skill / scale)), rng)]
    store.tier[high] = Tier.HIGH_SKILL
    share = params["synthesis.high_skill_share_of_skilled"]
    skilled_count = int(round(targets.high_skill * (1 - share) / share / scale))
    idx = np.flatnonzero(employed & (store.tier == Tier.NONE) & (edu >= Edu.PRIMARY) & (edu <= Edu.COLLEGE))
    w_skilled = np.where(industrial(idx), 3.0, 1.0)
    store.tier[idx[weighted_choice_exact(w_skilled, skilled_count, rng)]] = Tier.SKILLED


def _assign_human_capital(store: PersonStore, rng: np.random.Generator) -> None:
    """Skill index: 1 at labour-market entry, +2 % a year of potential experience, tier premia, noise.

    Computed in chunks of persons (the same float32 operations on each element: the same values), so that
    the temporaries stay in cache."""
    entry_age = np.array([16, 16, 16, 18, 21, 22, 25, 28], dtype=np.float32)
    premium = np.array([1.0, 1.1, 1.3, 1.25], dtype=np.float32)
    hc = store.human_capital
    hc[:] = rng.standard_normal(store.n, dtype=np.float32)  # lognormal(0, 0.1) noise, in float32
    for start in range(0, store.n, CHUNK):
        part = slice(start, start + CHUNK)
        noise = hc[part]
        noise *= np.float32(0.1)
        np.exp(noise, out=noise)
        experience = store.age_years[part].astype(np.float32)
        experience -= entry_age[store.edu[part]]
        np.clip(experience, 0, 40, out=experience)
        factor = 1.0 + 0.02 * experience
        factor *= premium[store.tier[part]]
        noise *= factor


JULY_2020 = -4  # model month of the last graduation before census day


def _mark_july_2020_graduates(
    store: PersonStore, data: CalibrationData, params: Parameters, scale: int, rng: np.random.Generator
) -> None:
    """The graduates of July 2020 living in Jilin on census day: young, tertiary-educated, not studying.

    They count as new graduates (migration, graduate subsidies) until July 2021. Their number is a
    year's graduates (assumption: all still in Jilin); they are not counted in `graduates_retained`.
    """
    age = store.age_years
    eligible = (store.region < N_UNITS) & (store.edu >= Edu.COLLEGE) & (store.status != Status.STUDENT)
    eligible &= (age >= 20) & (age <= 30)
    idx = np.flatnonzero(eligible)
    del eligible
    weight = 1.0 / (1.0 + np.abs(age[idx].astype(np.int16) - 23.0)) ** 2  # the eligible only (others: 0)
    per_year = (
        params["education.he_graduates_per_year"]
        + data.graduates["jilin_master_graduates_2018"]
        + data.graduates["jilin_phd_graduates_2018"]
    )
    chosen = idx[weighted_choice_exact(weight, int(round(per_year / scale)), rng)]
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
    *employment_parameter_names(),
    *unemployment_parameter_names(),
    "synthesis.primary_share_of_employed",
    *(f"synthesis.sector_share.{SECTORS[i]}" for i in range(N_SECTORS) if SECTOR_CLASS[i] in (2, 3)),
    "synthesis.high_skill_share_of_skilled",
    "education.outside_origin_share_of_he_students",
)

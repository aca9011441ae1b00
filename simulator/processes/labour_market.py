"""Labour market: separations, vacancies, matching within each unit, wages (ODD submodel 4).

Firms want to employ their target workforce (their census-day employment, shifted by policy levers such
as industrial parks); the gap is their vacancies. Each month a firm moves its target a share
`labour.target_adjustment_per_month` of the way to its actual workforce, so posts it cannot fill lapse.
Within each unit, the unemployed and the vacancies meet through a matching function M = A U^0.5 V^0.5
(capped by U and V); matched seekers are hired by firms in proportion to their vacancies. Wages follow the
firm's wage level (the unit's average wage times the firm's productivity, growing at
`labour.wage_growth_per_year`), the worker's education and human capital. Outside the province no firms
are simulated: the unemployed there find work at a fixed monthly rate.
"""

from __future__ import annotations

import numpy as np

from simulator.arrays import CHUNK, apply_in_chunks, bincount, use_kernels
from simulator.codes import Edu, Status, Tier
from simulator.geography import N_REGIONS, N_UNITS
from simulator.people.labour_profile import YOUTH_MAX_AGE
from simulator.people.store import EVENT_JOB_LOST, PersonStore, fresh_graduates
from simulator.processes.base import Process
from simulator.rng import sample, sample_slots
from simulator.world.context import EDU_WAGE_PREMIUM, Context
from simulator.world.flows import MonthFlows
from simulator.world.state import WorldState

#: Age (months) at which inactive school leavers start looking for work.
START_AGE_MONTHS = 16 * 12


def step(
    persons: PersonStore, ctx: Context, state: WorldState, rng: np.random.Generator, flows: MonthFlows
) -> None:
    """One month of the labour market (wages are set at the start of the next month, see `set_wages`)."""
    _grow_wages(ctx, state)
    _separations(persons, ctx, state, rng)
    if use_kernels(persons.n):
        from simulator import kernels

        unemployed_idx, sixteen = kernels.unemployed_and_starting(
            persons.status, persons.age_months, int(Status.UNEMPLOYED), int(Status.INACTIVE), START_AGE_MONTHS
        )
    else:
        unemployed_idx, sixteen = np.flatnonzero(persons.status == Status.UNEMPLOYED), None
    unemployed_idx = _participation(persons, ctx, rng, unemployed_idx, sixteen)
    inside = persons.region[unemployed_idx] < N_UNITS
    employed, unemployed = _match_inside(persons, ctx, state, rng, unemployed_idx[inside])
    _match_outside(persons, ctx, rng, unemployed_idx[~inside])
    rate = unemployed / np.maximum(employed + unemployed, 1)
    state.regions.unemployment_rate[:N_UNITS] = rate[:N_UNITS]
    update_unemployment_by_group(persons, ctx, state)


def _province_rates(persons: PersonStore) -> tuple[np.ndarray, np.ndarray]:
    """Unemployed and labour force inside Jilin by age group (16-24, 25+) and education (below college,
    college or more), as (2, 2) arrays."""
    # one key per person: 0-3 employed in Jilin by (age group x 2 + education group), 4-7 unemployed in
    # Jilin, 8 the rest
    if use_kernels(persons.n):
        from simulator import kernels

        counts = kernels.labour_force_by_group(
            persons.status, persons.region, persons.age_years, persons.edu, int(Status.EMPLOYED),
            int(Status.UNEMPLOYED), N_UNITS, YOUTH_MAX_AGE, int(Edu.COLLEGE),
        ).astype(float)  # fmt: skip
        jobless = counts[4:8].reshape(2, 2)
        return jobless, counts[0:4].reshape(2, 2) + jobless
    status = persons.status
    employed, unemployed = status == Status.EMPLOYED, status == Status.UNEMPLOYED
    key = (persons.age_years > YOUTH_MAX_AGE).view(np.int8) * np.int8(2)
    key += persons.edu >= Edu.COLLEGE
    key += unemployed.view(np.int8) * np.int8(4)
    employed |= unemployed
    np.logical_not(employed, out=employed)
    employed |= persons.region >= N_UNITS
    key[employed] = 8
    counts = bincount(key, 9)
    jobless = counts[4:8].reshape(2, 2)
    return jobless, counts[0:4].reshape(2, 2) + jobless


def census_youth_weights(persons: PersonStore) -> tuple[float, float]:
    """Jilin's youth (16-24) unemployment rate over its average, and the youth share of the labour force."""
    jobless, force = _province_rates(persons)
    total = jobless.sum() / max(force.sum(), 1.0)
    youth = jobless[0].sum() / max(force[0].sum(), 1.0)
    return (youth / total if total > 0 else 1.0), float(force[0].sum() / max(force.sum(), 1.0))


def update_unemployment_by_group(persons: PersonStore, ctx: Context, state: WorldState) -> None:
    """The unemployment rates movers compare (`Regions.unemployment_by_age`, `Regions.edu_relative_risk`).

    Units: the unit's rate times the province's rate of the age group over its average (unit cells are too
    small to be measured on their own at coarse scales). Outside: the conditions of the month; without a
    youth rate, the average times Jilin's census-day youth ratio; the adult rate then solves
    average = youth share x youth rate + (1 - youth share) x adult rate.
    """
    regions = state.regions
    jobless, force = _province_rates(persons)
    total = jobless.sum() / max(force.sum(), 1.0)
    by_age = jobless.sum(axis=1) / np.maximum(force.sum(axis=1), 1.0)
    relative_age = by_age / total if total > 0 else np.ones(2)
    with np.errstate(invalid="ignore", divide="ignore"):
        cells = jobless / np.maximum(force, 1.0)
        regions.edu_relative_risk = np.where(by_age[:, None] > 0, cells / by_age[:, None], 1.0)
    regions.unemployment_by_age[:N_UNITS] = regions.unemployment_rate[:N_UNITS, None] * relative_age[None, :]
    month = min(state.month, ctx.tables["outside_unemployment_rate"].shape[0] - 1)
    average = ctx.tables["outside_unemployment_rate"][month]
    youth = ctx.tables["outside_youth_unemployment_rate"][month]
    youth = np.where(np.isnan(youth), average * regions.youth_ratio, youth)
    share = regions.youth_share
    adult = np.clip((average - share * youth) / max(1.0 - share, 1e-9), 0.0, 1.0)
    regions.unemployment_rate[N_UNITS:] = average
    regions.unemployment_by_age[N_UNITS:, 0] = youth
    regions.unemployment_by_age[N_UNITS:, 1] = adult


def end_jobs(persons: PersonStore, idx: np.ndarray, state: WorldState, status: int) -> None:
    """Persons `idx` leave their jobs, if any, and take `status`; their firms' employment counts follow."""
    employer = persons.employer[idx]
    employment = state.firms.employment
    employment -= np.bincount(employer[employer >= 0], minlength=employment.size)
    persons.status[idx] = status
    persons.employer[idx] = -1
    persons.wage_yuan_month[idx] = 0.0


def _adjust_targets(ctx: Context, state: WorldState) -> None:
    """Firms revise the workforce they aim at towards the one they have (partial adjustment): a firm that
    cannot fill posts gives them up over time, so its vacancies reflect recent losses and new demand."""
    rate = ctx.params["labour.target_adjustment_per_month"]
    firms = state.firms
    firms.target_employment += rate * (firms.employment - firms.target_employment)


def _grow_wages(ctx: Context, state: WorldState) -> None:
    """Jilin's wages grow at `labour.wage_growth_per_year`; outside wages follow the conditions."""
    growth = (1.0 + ctx.params["labour.wage_growth_per_year"]) ** (1.0 / 12.0)
    state.regions.wage_level_yuan_month[:N_UNITS] *= growth
    state.firms.wage_level_yuan_month *= growth
    path = ctx.tables["outside_wage_yuan_month"]
    state.regions.wage_level_yuan_month[N_UNITS:] = path[min(state.month, path.shape[0] - 1)]


def _separations(persons: PersonStore, ctx: Context, state: WorldState, rng: np.random.Generator) -> None:
    drawn = sample_slots(persons.n, ctx.params["labour.separation_rate_per_month"], rng)
    lost = drawn[persons.status[drawn] == Status.EMPLOYED]
    end_jobs(persons, lost, state, Status.UNEMPLOYED)
    persons.events[lost] |= EVENT_JOB_LOST


def _participation(
    persons: PersonStore,
    ctx: Context,
    rng: np.random.Generator,
    unemployed: np.ndarray,
    sixteen: np.ndarray | None = None,
) -> np.ndarray:
    """Unemployed stop searching; inactive persons aged 16 to the peak age of the census employment profile
    start. Returns the unemployed after it. `sixteen`: the inactive aged exactly 16 (START_AGE_MONTHS), if
    already listed."""
    p = ctx.params
    quits = sample(unemployed, p["labour.quit_to_inactive_per_month"], rng)
    drawn = sample_slots(persons.n, p["labour.inactive_to_search_per_month"], rng)
    age = persons.age_years[drawn]
    # re-entry only before the peak of the census employment profile: past it, leaving is for good
    peak = ctx.tables["labour_peak_age"][persons.sex[drawn]]
    starts = drawn[(persons.status[drawn] == Status.INACTIVE) & (age >= 16) & (age < peak)]
    # school leavers younger than 16 were inactive: they look for work from the month they turn 16
    if sixteen is None:
        sixteen = np.flatnonzero((persons.age_months == START_AGE_MONTHS) & (persons.status == Status.INACTIVE))
    starts = np.union1d(starts, sixteen)
    persons.status[quits] = Status.INACTIVE
    persons.status[starts] = Status.UNEMPLOYED
    return np.concatenate([unemployed[persons.status[unemployed] == Status.UNEMPLOYED], starts])


def _match_inside(
    persons: PersonStore, ctx: Context, state: WorldState, rng: np.random.Generator, seekers: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Match seekers and vacancies in each unit; return employed and unemployed persons by unit after it."""
    _adjust_targets(ctx, state)
    firms = state.firms
    employment = firms.employment
    vacancies = np.maximum(np.round(firms.target_employment) - employment, 0).astype(np.int64)
    firms.vacancies = vacancies
    seekers = seekers[np.argsort(persons.region[seekers], kind="stable")]
    bounds = np.searchsorted(persons.region[seekers], np.arange(N_UNITS + 1))
    efficiency = ctx.params["labour.matching_efficiency"]
    employed = np.bincount(firms.unit, weights=employment, minlength=N_REGIONS)
    unemployed = np.zeros(N_REGIONS)
    # a stream per unit, so that what happens in one unit does not shift the draws of another
    unit_rngs = rng.spawn(N_UNITS)
    for unit in range(N_UNITS):
        rng = unit_rngs[unit]
        local = seekers[bounds[unit] : bounds[unit + 1]]
        unemployed[unit] = local.size
        firm_ids = np.flatnonzero((firms.unit == unit) & (vacancies > 0))
        vac = vacancies[firm_ids]
        total_v = int(vac.sum())
        if local.size == 0 or total_v == 0:
            continue
        expected = efficiency * np.sqrt(local.size * total_v)
        matches = min(local.size, total_v, int(expected) + int(rng.random() < expected % 1))
        if matches == 0:
            continue
        hired = rng.choice(local, size=matches, replace=False)
        slots = np.repeat(firm_ids, vac)
        jobs = slots[rng.choice(slots.size, size=matches, replace=False)]
        _hire(persons, ctx, state, rng, hired, jobs)
        employed[unit] += matches
        unemployed[unit] -= matches
    return employed, unemployed


def _hire(
    persons: PersonStore,
    ctx: Context,
    state: WorldState,
    rng: np.random.Generator,
    hired: np.ndarray,
    jobs: np.ndarray,
) -> None:
    firms = state.firms
    persons.status[hired] = Status.EMPLOYED
    persons.employer[hired] = jobs.astype(np.int16)
    firms.employment += np.bincount(jobs, minlength=firms.employment.size)
    persons.sector[hired] = firms.sector[jobs]
    # a new graduate with a bachelor's degree or more may enter the professional-technical tier
    fresh = fresh_graduates(persons.graduation_month[hired], state.month)
    fresh &= (persons.edu[hired] >= Edu.BACHELOR) & (persons.tier[hired] == Tier.NONE)
    chance = ctx.params["skills.professional_entry_bachelor"]
    persons.tier[hired[fresh & (rng.random(hired.size) < chance)]] = Tier.PROFESSIONAL
    state.policy.on_hire(persons, hired, ctx, state)


def _match_outside(persons: PersonStore, ctx: Context, rng: np.random.Generator, seekers: np.ndarray) -> None:
    found = seekers[rng.random(seekers.size) < ctx.params["labour.outside_job_finding_per_month"]]
    persons.status[found] = Status.EMPLOYED


def set_wages(persons: PersonStore, ctx: Context, state: WorldState) -> None:
    """Monthly wage of every employee of a Jilin firm (employer >= 0, which means employed in Jilin), and
    each firm's wage bill (`state.firms.wage_bill_yuan`). Called at the start of each month.

    Outside the province only the regions' average wages matter (for migration); no wage is stored.
    """
    firms = state.firms
    firm_level = firms.wage_level_yuan_month.astype(np.float32)
    if use_kernels(persons.n):
        from simulator import kernels

        employees, factor = kernels.jilin_employees(persons.employer, persons.human_capital)
        _human_capital_factor(factor, ctx)
        firms.wage_bill_yuan = kernels.wages_and_bills(
            employees, persons.employer, persons.edu, factor, firm_level, EDU_WAGE_PREMIUM,
            persons.wage_yuan_month, len(firms), CHUNK,
        )  # fmt: skip
        return
    employees = np.flatnonzero(persons.employer >= 0)
    factor = persons.human_capital[employees]
    _human_capital_factor(factor, ctx)
    employer = persons.employer[employees]
    level = firm_level[employer]
    level *= EDU_WAGE_PREMIUM[persons.edu[employees]]
    level *= factor
    persons.wage_yuan_month[employees] = level
    firms.wage_bill_yuan = bincount(employer, len(firms), weights=level)


def _human_capital_factor(human_capital: np.ndarray, ctx: Context) -> None:
    """In place: the wage factor of human capital, hc ** elasticity, as exp(elasticity log hc) in float32."""
    elasticity = np.float32(ctx.params["labour.hc_wage_elasticity"])

    def factor(values: np.ndarray) -> None:
        np.log(values, out=values)
        values *= elasticity
        np.exp(values, out=values)

    apply_in_chunks(factor, human_capital)


def normalise_firm_wages(persons: PersonStore, ctx: Context, state: WorldState) -> None:
    """On census day, scale each firm's wage level so that the mean wage of each unit's non-agricultural
    workers equals the unit's average wage (calibration/city_wages_2021.csv); outside, the regional average."""
    firms = state.firms
    unit_wage = state.regions.wage_level_yuan_month
    firms.wage_level_yuan_month = unit_wage[firms.unit] * firms.productivity
    set_wages(persons, ctx, state)
    # the unit's non-agricultural wage bills over their employees (each firm's bill and employment are kept)
    paid = firms.sector != 0
    total = np.bincount(firms.unit[paid], weights=firms.wage_bill_yuan[paid], minlength=N_UNITS)
    count = np.bincount(firms.unit[paid], weights=firms.employment[paid], minlength=N_UNITS)
    mean = total / np.maximum(count, 1)
    known = mean[firms.unit] > 0
    firms.wage_level_yuan_month[known] *= unit_wage[firms.unit[known]] / mean[firms.unit[known]]
    set_wages(persons, ctx, state)


PROCESS = Process(
    name="labour_market",
    stream=4,
    step=step,
    parameters=(
        "labour.unemployment_rate_census",
        "labour.firms_per_cell",
        "labour.separation_rate_per_month",
        "labour.matching_efficiency",
        "labour.quit_to_inactive_per_month",
        "labour.inactive_to_search_per_month",
        "labour.wage_growth_per_year",
        "labour.hc_wage_elasticity",
        "labour.outside_job_finding_per_month",
        "labour.outside_unemployment_rate",
        "labour.target_adjustment_per_month",
    ),
)

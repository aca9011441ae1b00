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

from simulator.arrays import bincount
from simulator.codes import N_REGIONS, N_UNITS, Edu, Status, Tier
from simulator.flows import MonthFlows
from simulator.population import EVENT_JOB_LOST, PersonStore, fresh_graduates
from simulator.rng import sample, sample_slots
from simulator.world import EDU_WAGE_PREMIUM, World


def step(persons: PersonStore, world: World, rng: np.random.Generator, flows: MonthFlows) -> None:
    """One month of the labour market (wages are set at the start of the next month, see `set_wages`)."""
    _grow_wages(world)
    _separations(persons, world, rng)
    unemployed_idx = np.flatnonzero(persons.status == Status.UNEMPLOYED)
    unemployed_idx = _participation(persons, world, rng, unemployed_idx)
    inside = persons.region[unemployed_idx] < N_UNITS
    employed, unemployed = _match_inside(persons, world, rng, unemployed_idx[inside])
    _match_outside(persons, world, rng, unemployed_idx[~inside])
    rate = unemployed / np.maximum(employed + unemployed, 1)
    for city in world.cities[:N_UNITS]:
        city.unemployment_rate = float(rate[city.region])


def end_jobs(persons: PersonStore, idx: np.ndarray, world: World, status: int) -> None:
    """Persons `idx` leave their jobs, if any, and take `status`; their firms' employment counts follow."""
    employer = persons.employer[idx]
    world.firm_employment -= np.bincount(employer[employer >= 0], minlength=world.firm_employment.size)
    persons.status[idx] = status
    persons.employer[idx] = -1
    persons.wage_yuan_month[idx] = 0.0


def _adjust_targets(world: World) -> None:
    """Firms revise the workforce they aim at towards the one they have (partial adjustment): a firm that
    cannot fill posts gives them up over time, so its vacancies reflect recent losses and new demand."""
    rate = world.params["labour.target_adjustment_per_month"]
    for firm, employed in zip(world.firms, world.firm_employment, strict=True):
        firm.target_employment += rate * (employed - firm.target_employment)


def _grow_wages(world: World) -> None:
    growth = (1.0 + world.params["labour.wage_growth_per_year"]) ** (1.0 / 12.0)
    for city in world.cities:
        city.wage_level_yuan_month *= growth
    for firm in world.firms:
        firm.wage_level_yuan_month *= growth


def _separations(persons: PersonStore, world: World, rng: np.random.Generator) -> None:
    drawn = sample_slots(persons.n, world.params["labour.separation_rate_per_month"], rng)
    lost = drawn[persons.status[drawn] == Status.EMPLOYED]
    end_jobs(persons, lost, world, Status.UNEMPLOYED)
    persons.events[lost] |= EVENT_JOB_LOST


def _participation(
    persons: PersonStore, world: World, rng: np.random.Generator, unemployed: np.ndarray
) -> np.ndarray:
    """Unemployed stop searching; inactive persons of working age start. Returns the unemployed after it."""
    p = world.params
    quits = sample(unemployed, p["labour.quit_to_inactive_per_month"], rng)
    drawn = sample_slots(persons.n, p["labour.inactive_to_search_per_month"], rng)
    age = persons.age_years[drawn]
    starts = drawn[(persons.status[drawn] == Status.INACTIVE) & (age >= 16) & (age < 60)]
    persons.status[quits] = Status.INACTIVE
    persons.status[starts] = Status.UNEMPLOYED
    return np.concatenate([unemployed[persons.status[unemployed] == Status.UNEMPLOYED], starts])


def _match_inside(
    persons: PersonStore, world: World, rng: np.random.Generator, seekers: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Match seekers and vacancies in each unit; return employed and unemployed persons by unit after it."""
    _adjust_targets(world)
    firms = world.firm_arrays()
    employment = world.firm_employment
    vacancies = np.maximum(np.round(firms["target"]) - employment, 0).astype(np.int64)
    for firm, count, vac in zip(world.firms, employment, vacancies, strict=True):
        firm.employment, firm.vacancies = int(count), int(vac)
    seekers = seekers[np.argsort(persons.region[seekers], kind="stable")]
    bounds = np.searchsorted(persons.region[seekers], np.arange(N_UNITS + 1))
    efficiency = world.params["labour.matching_efficiency"]
    employed = np.bincount(firms["unit"], weights=employment, minlength=N_REGIONS)
    unemployed = np.zeros(N_REGIONS)
    # a stream per unit, so that what happens in one unit does not shift the draws of another
    unit_rngs = rng.spawn(N_UNITS)
    for unit in range(N_UNITS):
        rng = unit_rngs[unit]
        local = seekers[bounds[unit] : bounds[unit + 1]]
        unemployed[unit] = local.size
        firm_ids = np.flatnonzero((firms["unit"] == unit) & (vacancies > 0))
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
        _hire(persons, world, rng, hired, jobs, firms)
        employed[unit] += matches
        unemployed[unit] -= matches
    return employed, unemployed


def _hire(
    persons: PersonStore,
    world: World,
    rng: np.random.Generator,
    hired: np.ndarray,
    jobs: np.ndarray,
    firms: dict[str, np.ndarray],
) -> None:
    persons.status[hired] = Status.EMPLOYED
    persons.employer[hired] = jobs.astype(np.int16)
    world.firm_employment += np.bincount(jobs, minlength=world.firm_employment.size)
    persons.sector[hired] = firms["sector"][jobs]
    # a new graduate with a bachelor's degree or more may enter the professional-technical tier
    fresh = fresh_graduates(persons.graduation_month[hired], world.month)
    fresh &= (persons.edu[hired] >= Edu.BACHELOR) & (persons.tier[hired] == Tier.NONE)
    chance = world.params["skills.professional_entry_bachelor"]
    persons.tier[hired[fresh & (rng.random(hired.size) < chance)]] = Tier.PROFESSIONAL
    world.policy.on_hire(persons, hired, world)


def _match_outside(persons: PersonStore, world: World, rng: np.random.Generator, seekers: np.ndarray) -> None:
    found = seekers[rng.random(seekers.size) < world.params["labour.outside_job_finding_per_month"]]
    persons.status[found] = Status.EMPLOYED


def set_wages(persons: PersonStore, world: World) -> None:
    """Monthly wage of every employee of a Jilin firm (employer >= 0, which means employed in Jilin), and
    each firm's wage bill (`world.firm_wage_bill_yuan`). Called at the start of each month.

    Outside the province only the regions' average wages matter (for migration); no wage is stored.
    """
    employees = np.flatnonzero(persons.employer >= 0)
    employer = persons.employer[employees]
    level = world.firm_arrays()["wage_level"][employer]
    level *= EDU_WAGE_PREMIUM[persons.edu[employees]]
    hc = persons.human_capital[employees]
    np.log(hc, out=hc)
    hc *= np.float32(world.params["labour.hc_wage_elasticity"])
    np.exp(hc, out=hc)
    level *= hc
    persons.wage_yuan_month[employees] = level
    world.firm_wage_bill_yuan = bincount(employer, len(world.firms), weights=level)


def normalise_firm_wages(persons: PersonStore, world: World) -> None:
    """On census day, scale each firm's wage level so that the mean wage of each unit's non-agricultural
    workers equals the unit's average wage (DATA.md 4); outside, the regional average."""
    firms = world.firm_arrays()
    for firm in world.firms:
        firm.wage_level_yuan_month = world.cities[firm.unit].wage_level_yuan_month * firm.productivity
    set_wages(persons, world)
    employed = np.flatnonzero((persons.status == Status.EMPLOYED) & (persons.employer >= 0))
    unit = firms["unit"][persons.employer[employed]]
    farm = firms["sector"][persons.employer[employed]] == 0
    total = np.bincount(unit[~farm], weights=persons.wage_yuan_month[employed][~farm], minlength=N_UNITS)
    count = np.bincount(unit[~farm], minlength=N_UNITS)
    mean = total / np.maximum(count, 1)
    for firm in world.firms:
        target = world.cities[firm.unit].wage_level_yuan_month
        if mean[firm.unit] > 0:
            firm.wage_level_yuan_month *= target / mean[firm.unit]
    set_wages(persons, world)

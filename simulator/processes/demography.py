"""Demography: deaths, births, ageing and exits from the labour force (ODD submodel 1).

Mortality and fertility have standard shapes (Gompertz-Makeham mortality; the census year's births by
mother's age for fertility) whose levels are scaled once, on census day: mortality so that the census
population would have the 2019 deaths (YB, calibration/SOURCES.md §3), fertility so that the census-day
women would have the census year's births (the long-form sample count over its fraction), each times a
fitted multiplier
(`demography.mortality_multiplier`, `demography.fertility_multiplier`). After that the rates stay fixed:
births and deaths change only because the population's size and age structure change.
"""

from __future__ import annotations

import math

import numpy as np

from simulator.arrays import CHUNK, use_kernels
from simulator.codes import SECTOR_INDEX, Edu, Status
from simulator.inputs.calibration import CalibrationData
from simulator.inputs.parameters import Parameters
from simulator.people.labour_profile import employment_parameter_names, exit_hazard_table, peak_age
from simulator.people.retirement import retirement_age_years
from simulator.people.store import PersonStore
from simulator.processes.base import Indicator, Process
from simulator.processes.labour_market import end_jobs
from simulator.rng import sample_slots
from simulator.synthesis.numerics import MAX_AGE, single_years
from simulator.synthesis.targets import census_targets
from simulator.world.context import Context
from simulator.world.flows import MonthFlows
from simulator.world.state import WorldState

AGES = np.arange(MAX_AGE + 1)


def census_year_births(data: CalibrationData) -> float:
    """Births of the 12 months before census day: the long-form sample's count over its sampling fraction
    (11,821 / 0.1 = 118,210; calibration/province_2020.csv). The full count's 116,439 children aged 0 on
    census day, their survivors, agree within 1.5 % (infant deaths and the sample fraction's uncertainty)."""
    p = data.province
    return float(p["births_census_year_sample"] / p["long_form_sample_fraction"])


def vital_2019(data: CalibrationData) -> dict[str, float]:
    """Births and deaths of 2019, the last full year before census day (calibration/vital_statistics.csv)."""
    vital = data.vital
    row = vital[vital["year"] == 2019]
    if row.empty:
        raise ValueError("calibration/vital_statistics.csv has no row for 2019")
    return {"births": float(row["births"].iloc[0]), "deaths": float(row["deaths"].iloc[0])}


def mortality_by_cell(params: Parameters, data: CalibrationData) -> np.ndarray:
    """Monthly death probability indexed by 2 * age + sex for ages 0..127 (ages past 104 as 104)."""
    table = mortality_table(params, data)
    ages = np.minimum(np.arange(128), MAX_AGE)
    return np.column_stack([table[ages, 0], table[ages, 1]]).ravel().astype(np.float32)


def mortality_table(params: Parameters, data: CalibrationData) -> np.ndarray:
    """Monthly death probability by single age (0..104) and sex, scaled to the 2019 deaths."""
    p = params
    slope = np.log(2.0) / p["demography.mortality_doubling_years"]
    shape = np.exp(slope * (AGES - 60.0)) + 0.002
    shape[0] += p["demography.mortality_infant_ratio"]
    shape_sex = np.column_stack([shape * p["demography.mortality_male_ratio"], shape])
    population = census_targets(data).age_sex
    level = vital_2019(data)["deaths"] / float((population * shape_sex).sum())
    level *= p["demography.mortality_multiplier"]
    annual = np.minimum(level * shape_sex, 3.0)
    return (1.0 - np.exp(-annual / 12.0)).astype(np.float32)


def fertility_table(params: Parameters, data: CalibrationData) -> np.ndarray:
    """Monthly birth probability of a woman by single age, scaled so that the census-day women would have
    the census year's births (`census_year_births`) times `demography.fertility_multiplier`."""
    fert = data.fertility_shares
    women = census_targets(data).age_sex[:, 1]
    rate = np.zeros(MAX_AGE + 1)
    for low, high, share in zip(fert.age_low, fert.age_high, fert.total, strict=True):
        rate[low : high + 1] = share / women[low : high + 1].sum()
    # smooth the steps between groups a little, keeping each group's share of births
    smoothed = single_years(fert, fert.total) / np.maximum(women, 1.0)
    rate = np.where(rate > 0, smoothed, 0.0)
    level = census_year_births(data) * params["demography.fertility_multiplier"] / float((women * rate).sum())
    return (level * rate / 12.0).astype(np.float32)


def labour_exit_by_cell(params: Parameters) -> np.ndarray:
    """Monthly probability of leaving the labour force indexed by 2 * age + sex, ages 0..127 (past 104 as 104)."""
    yearly = exit_hazard_table(params)
    ages = np.minimum(np.arange(128), MAX_AGE)
    monthly = 1.0 - (1.0 - np.minimum(yearly, 0.999)) ** (1.0 / 12.0)
    return np.column_stack([monthly[ages, 0], monthly[ages, 1]]).ravel()


def tables(params: Parameters, data: CalibrationData) -> dict[str, np.ndarray]:
    """The tables demography reads: monthly death probability by age-sex cell, monthly fertility by age,
    monthly exit from the labour force by age-sex cell and the peak age of the employment profile by sex."""
    return {
        "mortality_monthly_by_cell": mortality_by_cell(params, data),
        "fertility_monthly": fertility_table(params, data),
        "labour_exit_monthly_by_cell": labour_exit_by_cell(params),
        "labour_peak_age": peak_age(params),
    }


def step(
    persons: PersonStore, ctx: Context, state: WorldState, rng: np.random.Generator, flows: MonthFlows
) -> None:
    """Deaths, births, ageing by one month and exits from the labour force."""
    _deaths(persons, ctx, state, flows)
    _births(persons, ctx, state, rng, flows)
    _age(persons, state.month)
    _leave_labour_force(persons, ctx, state)


def _deaths(persons: PersonStore, ctx: Context, state: WorldState, flows: MonthFlows) -> None:
    """One uniform per person slot (the per-slot stream "deaths") against the monthly death probability of
    the slot's age and sex (in chunks of slots, so that the temporaries stay in cache)."""
    table = ctx.tables["mortality_monthly_by_cell"]
    if use_kernels(persons.n):
        from simulator import kernels

        key = state.draws.key("deaths")
        idx = kernels.deaths(key, persons.age_years, persons.sex, persons.status, table, int(Status.DEAD))
    else:
        idx = _deaths_numpy(persons, state.draws.uniforms("deaths", persons.n), table)
    flows.deaths += np.bincount(persons.region[idx], minlength=flows.deaths.size)
    flows.add_by_age("deaths", persons.region[idx], persons.sex[idx], persons.age_years[idx])
    end_jobs(persons, idx, state, Status.DEAD)
    state.policy.forfeit(persons, idx, ctx, state)


def _deaths_numpy(persons: PersonStore, draws: np.ndarray, table: np.ndarray) -> np.ndarray:
    """The living slots whose draw is below their cell's death probability (the reference of the kernel)."""
    ages, sexes = persons.age_years.view(np.uint8), persons.sex.view(np.uint8)
    found = []
    for start in range(0, persons.n, CHUNK):
        part = slice(start, start + CHUNK)
        cell = ages[part] * np.uint8(2)  # ages stay below 128, so cells below 256
        cell += sexes[part]
        found.append(np.flatnonzero(draws[part] < table[cell]) + start)
    idx = np.concatenate(found) if found else np.empty(0, dtype=np.int64)
    return idx[persons.status[idx] != Status.DEAD]


def _births(
    persons: PersonStore, ctx: Context, state: WorldState, rng: np.random.Generator, flows: MonthFlows
) -> None:
    """Thinning: slots drawn at the highest monthly fertility; living women of each age are kept with their
    age's probability over the highest."""
    fertility = ctx.tables["fertility_monthly"]
    highest = float(fertility.max())
    drawn = sample_slots(persons.n, highest, rng)
    age = persons.age_years[drawn].astype(np.int64)
    women = (persons.sex[drawn] == 1) & (age >= 15) & (age <= 49) & (persons.status[drawn] != Status.DEAD)
    drawn, age = drawn[women], age[women]
    mothers = drawn[rng.random(drawn.size) * highest < fertility[age]]
    ratio = ctx.params["demography.sex_ratio_at_birth"]
    sex = (rng.random(mothers.size) >= ratio / (100.0 + ratio)).astype(np.int8)
    region = persons.region[mothers].copy()
    origin = persons.origin[mothers].copy()
    persons.append(
        mothers.size,
        sex=sex,
        region=region,
        origin=origin,
        status=np.int8(Status.CHILD),
        edu=np.int8(Edu.NONE),
        months_since_move=np.int16(120),
        # born during the month: aged 0 months on the first day of the next (ageing below brings -1 to 0),
        # so that the persons aged 0 on a first day are the births of the twelve months before, as the
        # census counts them; the first birthday comes twelve months later (the ageing of this month adds
        # the year that brings -1 to 0)
        age_months=np.int16(-1),
        age_years=np.int8(-1),
        birthday_phase=np.int8(state.month % 12),
    )
    flows.births += np.bincount(region, minlength=flows.births.size)


#: Months since the last move stop counting here (they are int16).
MONTHS_SINCE_MOVE_CAP = 32000


def _age(persons: PersonStore, month: int) -> None:
    """Everyone gets a month older (the dead too: their slots are never read as living persons).

    A person's age in months reaches a multiple of 12 in the months m with m % 12 == birthday_phase
    (set at synthesis and birth), so birthdays need no division over all persons.
    """
    if use_kernels(persons.n):
        from simulator import kernels

        kernels.age_one_month(
            persons.age_months, persons.age_years, persons.birthday_phase, persons.months_since_move, month % 12,
            MONTHS_SINCE_MOVE_CAP,
        )  # fmt: skip
        return
    persons.age_months += 1
    np.add(persons.age_years, persons.birthday_phase == month % 12, out=persons.age_years, casting="unsafe")
    since = persons.months_since_move
    np.minimum(since, MONTHS_SINCE_MOVE_CAP, out=since)
    since += 1


def _leave_labour_force(persons: PersonStore, ctx: Context, state: WorldState) -> None:
    """Persons in the labour force past the peak of the census employment profile leave it at the yearly
    hazard of their age and sex (`simulator.people.labour_profile.exit_hazard_table`), so that the
    census-day profile stays in place.

    Within an age and sex, a non-agricultural worker at or past the statutory retirement age is
    `demography.exit_weight_past_statutory` times as likely to leave as the others (farmers and workers below
    that age), the weights normalised each month over the age-sex cell so that the cell's exits keep the
    profile's hazard: non-farm workers retire around the statutory age, farmers and re-employed retirees
    leave gradually. Leavers at or past the statutory age retire; younger ones become inactive. Each
    person's draw is their slot's uniform in the per-slot stream "labour_exits" (`simulator.rng.slot_uniforms`).
    """
    table = ctx.tables["labour_exit_monthly_by_cell"]
    min_age = int(ctx.tables["labour_peak_age"].min())
    # the statutory age in months by sex x 2 + (tertiary or not)
    limit = retirement_age_years(np.array([0, 0, 1, 1]), np.array([Edu.NONE, Edu.COLLEGE] * 2), ctx.params) * 12
    heavier = ctx.params["demography.exit_weight_past_statutory"]
    if use_kernels(persons.n):
        from simulator import kernels

        columns = (persons.age_years, persons.age_months, persons.sex, persons.edu, persons.sector)
        codes = (int(Edu.COLLEGE), SECTOR_INDEX["agriculture"], limit.astype(np.float64))
        key, bounds = state.draws.key("labour_exits"), exit_chance_bounds(table, heavier)
        in_force, classes, by_part, count, flagged = kernels.labour_exit_cells(
            persons.status, *columns, int(Status.EMPLOYED), int(Status.UNEMPLOYED), min_age, *codes, table.size,
            key, bounds,
        )  # fmt: skip
        if by_part.sum() == 0:
            return
        chances = _cell_chances(table, count, flagged, heavier)
        if (chances[count > 0] > bounds[count > 0, None]).any():  # 256 cells: the screening's premise, kept
            raise RuntimeError("labour-force exits: a chance exceeds its cell's bound (exit_chance_bounds)")
        leaving, past = kernels.labour_exits(in_force, classes, by_part, chances.ravel(), key)
    else:
        in_force, past, chance = _exit_chances(persons, table, min_age, limit, heavier)
        if in_force.size == 0:
            return
        leaving = state.draws.uniforms("labour_exits", in_force) < chance
        leaving, past = in_force[leaving], past[leaving]
    end_jobs(persons, leaving[past], state, Status.RETIRED)
    end_jobs(persons, leaving[~past], state, Status.INACTIVE)


def _exit_chances(
    persons: PersonStore, table: np.ndarray, min_age: int, limit: np.ndarray, heavier: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The persons in the labour force aged `min_age` or more, whether each is at or past the statutory age,
    and each one's chance of leaving this month (the reference of `simulator.kernels.labour_exit_cells` and
    `simulator.kernels.labour_exits`)."""
    status = persons.status
    in_force = status == Status.EMPLOYED
    in_force |= status == Status.UNEMPLOYED
    in_force &= persons.age_years >= min_age
    in_force = np.flatnonzero(in_force)
    sex = persons.sex[in_force]
    cell = persons.age_years[in_force].astype(np.int64) * 2 + sex
    group = sex.astype(np.int64) * 2 + (persons.edu[in_force] >= Edu.COLLEGE)
    past = persons.age_months[in_force] >= limit[group]
    flagged = past & (persons.sector[in_force] != SECTOR_INDEX["agriculture"])
    chances = _cell_chances(
        table, np.bincount(cell, minlength=table.size), np.bincount(cell[flagged], minlength=table.size), heavier
    )  # fmt: skip
    return in_force, past, chances.ravel()[cell * 2 + flagged]


def exit_chance_bounds(table: np.ndarray, heavier: float) -> np.ndarray:
    """By cell, a number at least as large as any chance of leaving `_cell_chances` can give the cell's
    persons, whatever the cell's counts: the chance is table x weight / the cell's mean weight (at most 1),
    with the weight 1 or `heavier` and so the mean between the two, hence at most table x max(1, heavier) /
    min(1, heavier); the factor 1 + 1e-9 covers the rounding of the division. 1 everywhere when that ratio
    is not a finite number (`heavier` not positive, infinite, NaN or subnormal): the kernels then screen
    nobody out."""
    ratio = max(1.0, heavier) / min(1.0, heavier) if heavier > 0 else math.inf
    if not math.isfinite(ratio):
        return np.ones(table.size)
    return np.minimum(table * ratio * (1.0 + 1e-9), 1.0)


def _cell_chances(table: np.ndarray, count: np.ndarray, flagged: np.ndarray, heavier: float) -> np.ndarray:
    """Chance of leaving by (cell, flagged): min(table x weight / the cell's mean weight, 1), weight 1 or
    `heavier`; `count` and `flagged` are the cells' persons and flagged persons."""
    weights = (count - flagged) + heavier * flagged
    per_cell = np.maximum(weights / np.maximum(count, 1), 1e-12)
    return np.minimum(np.stack([table * 1.0 / per_cell, table * heavier / per_cell], axis=1), 1.0)


PROCESS = Process(
    name="demography",
    stream=1,
    step=step,
    flows=("births", "deaths"),
    indicators=(
        Indicator("births", "persons", "flow", True, True, "live births"),
        Indicator("deaths", "persons", "flow", True, True, "deaths"),
    ),
    parameters=(
        "demography.mortality_doubling_years",
        "demography.mortality_infant_ratio",
        "demography.mortality_male_ratio",
        "demography.mortality_multiplier",
        "demography.fertility_multiplier",
        "demography.sex_ratio_at_birth",
        "demography.exit_weight_past_statutory",
        *employment_parameter_names(),
        "demography.retirement_age_men",
        "demography.retirement_age_women_cadre",
        "demography.retirement_age_women_worker",
    ),
    tables=tables,
    slot_streams={"deaths": 8, "labour_exits": 12},
)

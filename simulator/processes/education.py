"""Education: school progression, entry into higher education and graduation each July (ODD submodel 2).

Each July every student completes a school year. Those who finish their programme attain its level and
either go on to the next level or leave school for the labour market. Jilin's universities take a fixed
intake a year (`education.he_graduates_per_year`): Jilin's own senior-secondary leavers first, the rest
from the outside pool's leavers, who move to Jilin to study. Some of Jilin's leavers study in other
provinces and move there. Completions of higher education in Jilin are the year's graduates: they enter
the labour market with the GRADUATED event, which raises their chance of considering a move.
"""

from __future__ import annotations

import numpy as np

from simulator.codes import PROGRAMME_YEARS, Edu, Status, Tier
from simulator.geography import N_UNITS, OUTSIDE, UNITS
from simulator.people.store import EVENT_GRADUATED, PersonStore
from simulator.processes.base import Indicator, Process
from simulator.processes.migration import relocate
from simulator.world.context import Context
from simulator.world.flows import MonthFlows
from simulator.world.state import WorldState

GRADUATION_MONTH = 7
SCHOOL_START_AGE = 6
HE_LEVELS = (Edu.COLLEGE, Edu.BACHELOR, Edu.MASTER, Edu.PHD)


def step(
    persons: PersonStore, ctx: Context, state: WorldState, rng: np.random.Generator, flows: MonthFlows
) -> None:
    """Run the school year's end (July only)."""
    if state.calendar_month != GRADUATION_MONTH:
        return
    _start_school(persons)
    completed = _complete_year(persons)
    _progress(persons, ctx, state, rng, flows, completed)


def _start_school(persons: PersonStore) -> None:
    starters = np.flatnonzero((persons.status == Status.CHILD) & (persons.age_months >= SCHOOL_START_AGE * 12))
    _enrol(persons, starters, Edu.PRIMARY)


def _enrol(persons: PersonStore, idx: np.ndarray, level: int) -> None:
    persons.status[idx] = Status.STUDENT
    persons.enrolled[idx] = level
    persons.study_years_left[idx] = PROGRAMME_YEARS[level]


def _complete_year(persons: PersonStore) -> np.ndarray:
    students = np.flatnonzero(persons.status == Status.STUDENT)
    persons.study_years_left[students] -= 1
    done = students[persons.study_years_left[students] <= 0]
    persons.edu[done] = persons.enrolled[done]
    persons.enrolled[done] = 0
    return done


def _leave_school(persons: PersonStore, idx: np.ndarray) -> None:
    """Leavers of working age look for work; younger ones are inactive until they do."""
    of_age = persons.age_months[idx] >= 16 * 12
    persons.status[idx[of_age]] = Status.UNEMPLOYED
    persons.status[idx[~of_age]] = Status.INACTIVE


def _progress(
    persons: PersonStore,
    ctx: Context,
    state: WorldState,
    rng: np.random.Generator,
    flows: MonthFlows,
    done: np.ndarray,
) -> None:
    p = ctx.params.group("education")
    level = persons.edu[done]
    inside = persons.region[done] < N_UNITS
    u = rng.random(done.size)

    # compulsory and senior secondary schooling
    for finished, nxt, prob in (
        (Edu.PRIMARY, Edu.JUNIOR, p["primary_to_junior"]),
        (Edu.JUNIOR, Edu.SENIOR, p["junior_to_senior"]),
    ):
        here = level == finished
        _enrol(persons, done[here & (u < prob)], nxt)
        leavers = done[here & (u >= prob)]
        if finished == Edu.JUNIOR:  # levers' extra technical-school places
            technical = state.policy.technical_entrants(persons, leavers, ctx, state)
            _enrol(persons, technical, Edu.SENIOR)
            leavers = np.setdiff1d(leavers, technical, assume_unique=True)
        _leave_school(persons, leavers)

    # higher-education completions: graduates; some go on to postgraduate study in Jilin
    # (graduates of other provinces' universities are tracked too: they may come back to Jilin)
    he_done = np.isin(level, HE_LEVELS)
    all_graduates = done[he_done]
    graduates = done[he_done & inside]
    flows.graduates += np.bincount(persons.region[graduates], minlength=flows.graduates.size)
    persons.graduation_month[all_graduates] = state.month
    persons.graduated_inside[all_graduates] = inside[he_done]
    persons.events[all_graduates] |= EVENT_GRADUATED
    persons.human_capital[all_graduates] = 1.0
    continues = np.zeros(done.size, dtype=bool)
    for finished, nxt, prob in (
        (Edu.BACHELOR, Edu.MASTER, p["bachelor_to_master"]),
        (Edu.MASTER, Edu.PHD, p["master_to_phd"]),
    ):
        go_on = (level == finished) & inside & (u < prob)
        _enrol(persons, done[go_on], nxt)
        continues |= go_on
    _leave_school(persons, done[he_done & ~continues])

    # technical-school leavers are skilled workers and go to work
    technical = (level == Edu.SENIOR) & (persons.technical[done] > 0)
    persons.tier[done[technical]] = Tier.SKILLED
    persons.technical[done[technical]] = 0
    _leave_school(persons, done[technical])

    # other senior-secondary leavers: Jilin universities, universities elsewhere, or work
    seniors = (level == Edu.SENIOR) & ~technical
    to_jilin = done[seniors & inside & (u < p["senior_to_jilin_he"])]
    to_elsewhere = done[
        seniors
        & inside
        & (u >= p["senior_to_jilin_he"])
        & (u < p["senior_to_jilin_he"] + p["senior_to_outside_he"])
    ]
    outside_leavers = done[seniors & ~inside]
    # Jilin's universities: Jilin's own entrants up to their share of the places, and outside students in
    # the proportion synthesis assumes for the students of census day, so each cohort has the same share
    # from outside (`education.outside_origin_share_of_he_students`); Jilin entrants beyond their share of
    # the places study in other provinces
    capacity = int(round(p["he_graduates_per_year"] / ctx.scale))
    outside_share = p["outside_origin_share_of_he_students"]
    jilin_places = int(round(capacity * (1.0 - outside_share)))
    if to_jilin.size > jilin_places:
        surplus = rng.permutation(to_jilin)[jilin_places:]
        to_jilin = np.setdiff1d(to_jilin, surplus, assume_unique=True)
        to_elsewhere = np.union1d(to_elsewhere, surplus)
    # the outside places go to outside senior-secondary leavers of this year first, then to outside persons
    # aged 18-21 who left senior-secondary school earlier and are not studying
    earlier = np.flatnonzero((persons.region >= N_UNITS) & (persons.edu == Edu.SENIOR))
    age, status = persons.age_years[earlier], persons.status[earlier]
    earlier = earlier[(age >= 18) & (age <= 21) & (status >= Status.EMPLOYED) & (status <= Status.INACTIVE)]
    wanted = to_jilin.size * outside_share / max(1.0 - outside_share, 1e-9)
    open_places = min(capacity - to_jilin.size, int(wanted) + int(rng.random() < wanted % 1))
    from_outside = rng.permutation(outside_leavers)[:open_places]
    from_outside = np.concatenate([from_outside, rng.permutation(earlier)[: open_places - from_outside.size]])
    entrants = np.concatenate([to_jilin, from_outside])
    college = rng.random(entrants.size) < p["college_share_of_he_graduates"]
    _enrol(persons, entrants[college], Edu.COLLEGE)
    _enrol(persons, entrants[~college], Edu.BACHELOR)
    relocate(persons, entrants, _university_unit(ctx, rng, entrants.size), ctx, state, flows)
    _enrol(persons, to_elsewhere, Edu.BACHELOR)
    relocate(persons, to_elsewhere, _outside_region(ctx, rng, to_elsewhere.size), ctx, state, flows)
    # outside leavers who do not come to Jilin: study or work where they are
    rest = np.setdiff1d(outside_leavers, from_outside)
    studies = rng.random(rest.size) < p["senior_to_jilin_he"] + p["senior_to_outside_he"]
    _enrol(persons, rest[studies], Edu.BACHELOR)
    _leave_school(persons, rest[~studies])
    entered = np.concatenate([to_jilin, from_outside, to_elsewhere, rest[studies]])
    _leave_school(persons, np.setdiff1d(done[seniors], entered, assume_unique=True))


def _university_unit(ctx: Context, rng: np.random.Generator, count: int) -> np.ndarray:
    """Where new students study: Jilin's units in proportion to their universities' assumed capacity."""
    shares = np.array([ctx.params[f"education.he_capacity_share.{u}"] for u in UNITS])
    return rng.choice(N_UNITS, size=count, p=shares / shares.sum()).astype(np.int8)


def _outside_region(ctx: Context, rng: np.random.Generator, count: int) -> np.ndarray:
    shares = np.array([ctx.params[f"synthesis.diaspora_share.{r}"] for r in OUTSIDE])
    return (N_UNITS + rng.choice(len(OUTSIDE), size=count, p=shares / shares.sum())).astype(np.int8)


PROCESS = Process(
    name="education",
    stream=2,
    step=step,
    flows=("graduates",),
    indicators=(
        Indicator("graduates", "persons", "flow", True, False, "completions of higher education in Jilin"),
    ),
    parameters=(
        "education.he_graduates_per_year",
        "education.college_share_of_he_graduates",
        "education.primary_to_junior",
        "education.junior_to_senior",
        "education.senior_to_jilin_he",
        "education.senior_to_outside_he",
        "education.outside_origin_share_of_he_students",
        "education.bachelor_to_master",
        "education.master_to_phd",
        *(f"education.he_capacity_share.{u}" for u in UNITS),
    ),
)

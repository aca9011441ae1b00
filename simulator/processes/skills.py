"""Skills: learning on the job, training, certification and depreciation (ODD submodel 3).

Human capital grows with work and decays out of work. Employed workers in Jilin take firm-funded
vocational training at a yearly rate; policy levers add subsidised training places. Training raises human
capital; a skilled worker who takes a course passes its high-skill certification with a fixed chance, and a
worker with no tier passes a skill test (becoming a skilled worker) with another. Besides, skilled workers
are certified at a yearly rate that rises with human capital, workers with secondary or college education
and no tier become skilled workers at a yearly rate, and experienced employees with college education or
more and no tier obtain a professional-technical title at a yearly rate.
"""

from __future__ import annotations

import numpy as np

from simulator.arrays import CHUNK, use_kernels
from simulator.codes import SECTOR_INDEX, Edu, Status, Tier
from simulator.people.store import PersonStore
from simulator.processes.base import Indicator, Process, counter
from simulator.rng import sample_slots
from simulator.world.context import Context
from simulator.world.flows import MonthFlows
from simulator.world.state import WorldState

#: Youngest age of a promotion to a professional-technical title (a few years of experience after a degree).
PROMOTION_MIN_AGE = 25


def monthly(rate_per_year: float) -> float:
    """Monthly probability equivalent to a yearly probability."""
    return 1.0 - (1.0 - rate_per_year) ** (1.0 / 12.0)


def step(
    persons: PersonStore, ctx: Context, state: WorldState, rng: np.random.Generator, flows: MonthFlows
) -> None:
    """Learning, depreciation, training and tier changes of one month."""
    p = ctx.params.group("skills")
    status, h = persons.status, persons.human_capital
    learning = np.float32(p["learning_per_year"] / 12.0)
    keep = np.float32(1.0 - p["depreciation_per_year"] / 12.0)
    if use_kernels(persons.n):
        from simulator import kernels

        codes = int(Status.EMPLOYED), int(Status.UNEMPLOYED), int(Status.INACTIVE)
        kernels.learn_and_depreciate(h, status, *codes, learning, keep, np.float32(0.5))
    else:
        _learn_and_depreciate(h, status, learning, keep)
    _training_and_tiers(persons, ctx, state, rng, flows, p)


def _learn_and_depreciate(h: np.ndarray, status: np.ndarray, learning: np.float32, keep: np.float32) -> None:
    """Human capital `h` in place: + learning if employed, x keep (at least 0.5) if unemployed or inactive
    (the reference of the kernel)."""
    for start in range(0, h.size, CHUNK):  # in chunks of persons: the temporaries stay in cache
        part = slice(start, start + CHUNK)
        s, hc = status[part], h[part]
        hc += learning * (s == Status.EMPLOYED)
        idle = np.flatnonzero((s == Status.UNEMPLOYED) | (s == Status.INACTIVE))
        hc[idle] = np.maximum(hc[idle] * keep, np.float32(0.5))


def _training_and_tiers(
    persons: PersonStore,
    ctx: Context,
    state: WorldState,
    rng: np.random.Generator,
    flows: MonthFlows,
    p: dict[str, float],
) -> None:
    """Training courses, certification, entry into the skilled workforce and professional titles."""
    h = persons.human_capital

    # firm-funded training: employees of Jilin firms (employer >= 0) at a yearly rate (drawn by thinning)
    drawn = sample_slots(persons.n, monthly(p["training_rate_per_year"]), rng)
    trained = drawn[persons.employer[drawn] >= 0]
    subsidised = state.policy.subsidised_trainees(persons, ctx, state, flows)
    courses = np.concatenate([trained, subsidised])
    flows.training += np.bincount(persons.region[courses], minlength=flows.training.size)  # person-times
    # plan-attributable courses: those the levers fund (the plan's programmes), not firms' own training
    flows.training_subsidised += np.bincount(persons.region[subsidised], minlength=flows.training.size)
    trained = np.unique(courses)  # a person on two courses in a month gains as from one
    h[trained] += np.float32(p["training_gain"])

    # certification: skilled -> high-skill, at a yearly rate rising with human capital; a course taken this
    # month adds the chance of passing its certification
    if use_kernels(persons.n):
        from simulator import kernels

        skilled = kernels.employees_of_tier(persons.tier, persons.employer, int(Tier.SKILLED))
    else:
        skilled = np.flatnonzero(persons.tier == Tier.SKILLED)
        skilled = skilled[persons.employer[skilled] >= 0]
    mean_h = float(h[skilled].mean()) if skilled.size else 1.0
    chance = monthly(p["certification_per_year"]) * (h[skilled] / mean_h) ** p["certification_hc_elasticity"]
    chance = np.minimum(chance * state.policy.certification_multiplier(persons, skilled, ctx, state), 1.0)
    certified = skilled[rng.random(skilled.size) < chance]
    trained_skilled = trained[persons.tier[trained] == Tier.SKILLED]
    passed = trained_skilled[rng.random(trained_skilled.size) < p["certification_after_training"]]
    certified = np.union1d(certified, passed)
    persons.tier[certified] = Tier.HIGH_SKILL
    flows.certified_high_skill += np.bincount(persons.region[certified], minlength=flows.training.size)

    # entry into the skilled workforce: employees at a yearly rate, or by passing a course's skill test
    drawn = sample_slots(persons.n, monthly(p["skilled_entry_per_year"]), rng)
    drawn = np.union1d(
        drawn[persons.employer[drawn] >= 0], trained[rng.random(trained.size) < p["skilled_after_training"]]
    )
    edu = persons.edu[drawn]
    eligible = (persons.tier[drawn] == Tier.NONE) & (edu >= Edu.JUNIOR) & (edu <= Edu.COLLEGE)
    eligible &= persons.sector[drawn] != SECTOR_INDEX["agriculture"]
    persons.tier[drawn[eligible]] = Tier.SKILLED

    # professional-technical titles: experienced employees of Jilin firms with college education or more
    # and no tier are promoted at a yearly rate (title evaluation, 职称评审), besides new graduates' entry
    drawn = sample_slots(persons.n, monthly(p["professional_promotion_per_year"]), rng)
    drawn = drawn[(persons.employer[drawn] >= 0) & (persons.tier[drawn] == Tier.NONE)]
    promoted = drawn[(persons.edu[drawn] >= Edu.COLLEGE) & (persons.age_years[drawn] >= PROMOTION_MIN_AGE)]
    persons.tier[promoted] = Tier.PROFESSIONAL


PROCESS = Process(
    name="skills",
    stream=3,
    step=step,
    flows=("training", "training_subsidised", "certified_high_skill"),
    indicators=(
        Indicator(
            "training_person_times",
            "person-times",
            "flow",
            True,
            False,
            "vocational training courses taken, every course (firm-funded and subsidised; a person on two "
            "courses counts twice)",
            value=counter("training"),
        ),
        Indicator(
            "training_person_times_subsidised",
            "person-times",
            "flow",
            True,
            False,
            "courses funded by the scenario's levers (the plan's programmes); firm-funded courses not included",
            value=counter("training_subsidised"),
        ),
        Indicator("certified_high_skill", "persons", "flow", True, False, "skilled workers certified high-skill"),
    ),
    parameters=(
        "skills.learning_per_year",
        "skills.depreciation_per_year",
        "skills.training_rate_per_year",
        "skills.training_gain",
        "skills.skilled_entry_per_year",
        "skills.certification_per_year",
        "skills.certification_after_training",
        "skills.skilled_after_training",
        "skills.certification_hc_elasticity",
        "skills.professional_entry_bachelor",
        "skills.professional_promotion_per_year",
    ),
)

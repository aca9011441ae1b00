"""Skills: learning on the job, training, certification and depreciation (ODD submodel 3).

Human capital grows with work and decays out of work. Employed workers in Jilin take firm-funded
vocational training at a yearly rate; policy levers add subsidised training places. Training raises human
capital and, in that month, multiplies the chance that a skilled worker is certified high-skill. Workers
with secondary or college education and no tier become skilled workers at a yearly rate.
"""

from __future__ import annotations

import numpy as np

from simulator.codes import SECTOR_INDEX, Edu, Status, Tier
from simulator.flows import MonthFlows
from simulator.population import PersonStore
from simulator.rng import sample
from simulator.world import World


def monthly(rate_per_year: float) -> float:
    """Monthly probability equivalent to a yearly probability."""
    return 1.0 - (1.0 - rate_per_year) ** (1.0 / 12.0)


def step(persons: PersonStore, world: World, rng: np.random.Generator, flows: MonthFlows) -> None:
    """Learning, depreciation, training and tier changes of one month."""
    p = world.params.group("skills")
    status, h = persons.status, persons.human_capital
    h += np.float32(p["learning_per_year"] / 12.0) * (status == Status.EMPLOYED)
    idle = np.flatnonzero((status == Status.UNEMPLOYED) | (status == Status.INACTIVE))
    h[idle] = np.maximum(h[idle] * np.float32(1.0 - p["depreciation_per_year"] / 12.0), np.float32(0.5))

    inside_working = np.flatnonzero(persons.employer >= 0)  # employees of Jilin firms
    trained = sample(inside_working, monthly(p["training_rate_per_year"]), rng)
    if world.policy is not None:
        trained = np.union1d(trained, world.policy.subsidised_trainees(persons, world, rng))
    h[trained] += np.float32(p["training_gain"])
    flows.training += np.bincount(persons.region[trained], minlength=flows.training.size)

    # certification: skilled -> high-skill; training multiplies the chance in its month
    skilled = inside_working[persons.tier[inside_working] == Tier.SKILLED]
    mean_h = float(h[skilled].mean()) if skilled.size else 1.0
    chance = monthly(p["certification_per_year"]) * (h[skilled] / mean_h) ** p["certification_hc_elasticity"]
    was_trained = np.isin(skilled, trained, assume_unique=True)
    chance = np.where(was_trained, chance * p["certification_training_multiplier"], chance)
    certified = skilled[rng.random(skilled.size) < np.minimum(chance, 1.0)]
    persons.tier[certified] = Tier.HIGH_SKILL
    flows.certified_high_skill += np.bincount(persons.region[certified], minlength=flows.training.size)

    # entry into the skilled workforce (five times likelier in a month with training): draw first, then keep
    # the eligible, which gives each eligible worker exactly the stated chance
    base = monthly(p["skilled_entry_per_year"])
    drawn = np.union1d(sample(inside_working, base, rng), trained[rng.random(trained.size) < 4.0 * base])
    edu = persons.edu[drawn]
    eligible = (persons.tier[drawn] == Tier.NONE) & (edu >= Edu.JUNIOR) & (edu <= Edu.COLLEGE)
    eligible &= persons.sector[drawn] != SECTOR_INDEX["agriculture"]
    persons.tier[drawn[eligible]] = Tier.SKILLED

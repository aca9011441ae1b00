"""Policy: the levers of a scenario and the seams through which they act (ODD submodel 6).

A lever never edits outcomes. It acts only through the model's decision rules:
- `benefit_value_yuan`: the present value of benefits a person would get in each region, which enters
  the migration utility as income;
- `subsidised_trainees`: extra training places, which raise human capital and the chance of certification;
- `on_hire`: benefits granted when an eligible person takes a job;
- `adjust_firms`: changes to firms' labour demand and productivity (industrial parks and platforms);
- `pay`: each month, the benefits due are paid and every yuan is counted per lever.

The levers themselves are defined in `simulator.levers`; a scenario with no levers (the census-day rules,
whose effect is already in the calibrated behaviour) uses an empty `PolicySet`.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from simulator.codes import N_REGIONS, N_UNITS
from simulator.flows import MonthFlows
from simulator.population import PersonStore
from simulator.world import World


class Lever(Protocol):
    """What a lever may implement (all methods optional in practice; PolicySet checks with hasattr)."""

    name: str
    start_month: int
    end_month: int


class PolicySet:
    """The levers in force in a run, and the one place that calls them."""

    def __init__(self, levers: list | None = None) -> None:
        self.levers = list(levers or [])

    def active(self, world: World) -> list:
        """Levers in force this month."""
        return [lv for lv in self.levers if lv.start_month <= world.month <= lv.end_month]

    def benefit_value_yuan(self, persons: PersonStore, idx: np.ndarray, world: World) -> np.ndarray | float:
        """Present value (yuan) of the benefits persons `idx` would get in each region: shape (n, regions)."""
        total: np.ndarray | float = 0.0
        for lever in self.active(world):
            if hasattr(lever, "benefit_value_yuan"):
                total = total + lever.benefit_value_yuan(persons, idx, world)
        return total

    def subsidised_trainees(self, persons: PersonStore, world: World, rng: np.random.Generator) -> np.ndarray:
        """Persons trained this month on subsidised places."""
        chosen = [
            lv.subsidised_trainees(persons, world, rng)
            for lv in self.active(world)
            if hasattr(lv, "subsidised_trainees")
        ]
        return np.unique(np.concatenate(chosen)) if chosen else np.empty(0, dtype=np.int64)

    def on_hire(self, persons: PersonStore, hired: np.ndarray, world: World) -> None:
        """Let levers grant benefits to persons just hired."""
        for lever in self.active(world):
            if hasattr(lever, "on_hire"):
                lever.on_hire(persons, hired, world)

    def adjust_firms(self, world: World) -> None:
        """Let levers change firms' demand and productivity (called every month, before the labour market)."""
        for lever in self.levers:
            if hasattr(lever, "adjust_firms"):
                lever.adjust_firms(world)

    def pay(self, persons: PersonStore, world: World, flows: MonthFlows) -> None:
        """Pay the benefits due this month to persons living in Jilin and count them per lever."""
        due = np.flatnonzero(persons.benefit_months_left > 0)
        due = due[persons.region[due] < N_UNITS]
        lever_ids = persons.benefit_lever[due]
        for k, lever in enumerate(self.levers):
            mine = due[lever_ids == k]
            if mine.size:
                yuan = float(persons.benefit_yuan_month[mine].sum()) * world.scale
                flows.spending_yuan[lever.name] = flows.spending_yuan.get(lever.name, 0.0) + yuan
        persons.benefit_months_left[due] -= 1
        for lever in self.active(world):
            if hasattr(lever, "spend"):
                lever.spend(world, flows)

    @property
    def regions(self) -> int:
        """Number of regions benefit arrays cover."""
        return N_REGIONS


def step(persons: PersonStore, world: World, rng: np.random.Generator, flows: MonthFlows) -> None:
    """The policy process of the month: pay what is due."""
    if world.policy is not None:
        world.policy.pay(persons, world, flows)

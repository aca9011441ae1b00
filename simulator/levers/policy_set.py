"""The levers of a run and the one place that calls them, seam by seam (ODD submodel 6).

A lever never edits outcomes. It acts only through the model's decision rules, each reached through one
seam (`simulator.levers.seams`) and one method here:
- `benefit_value_yuan`: the value of the benefits a person holds (kept only while living in Jilin) and
  of those they could get in each region; it enters the migration utility as income;
- `outsider_penalty_reduction`: household-registration reform lowers Jilin's barrier for outsiders;
- `subsidised_trainees`: extra training courses (skills);
- `certification_multiplier`: higher certification chances (skills);
- `technical_entrants`: extra technical-school places (education);
- `on_hire`: benefits granted when an eligible person takes a job (labour market);
- `begin_month`: firms' demand and productivity (industrial parks) and talent classification;
- `pay`: the benefits due are paid monthly and every yuan is counted per lever.

Levers draw random numbers only from the policy stream (`rng`, set each month by `begin_month`), so the other
processes draw the same numbers with and without them (common random numbers).
"""

from __future__ import annotations

import numpy as np

from simulator.geography import N_REGIONS, N_UNITS
from simulator.levers.base import LeverBase
from simulator.levers.seams import (
    AdjustFirms,
    CertificationMultiplier,
    Classify,
    OnHire,
    PenaltyReduction,
    ProspectiveValue,
    Spend,
    SubsidisedTrainees,
    TechnicalEntrants,
)
from simulator.people.store import PersonStore
from simulator.world.context import Context
from simulator.world.flows import MonthFlows
from simulator.world.state import WorldState


class PolicySet:
    """The levers of a run, and the one place that calls them."""

    def __init__(self, levers: list[LeverBase] | None = None) -> None:
        self.levers = list(levers or [])
        self.rng = np.random.default_rng(0)

    def _active(self, state: WorldState, seam: type) -> list:
        return [lv for lv in self.levers if isinstance(lv, seam) and lv.active(state.month)]

    def _every(self, seam: type) -> list:
        return [lv for lv in self.levers if isinstance(lv, seam)]

    def begin_month(
        self, persons: PersonStore, ctx: Context, state: WorldState, flows: MonthFlows, rng: np.random.Generator
    ) -> None:
        """Set this month's random stream; let parks change firms and talent levers classify."""
        self.rng = rng
        for lever in self._every(AdjustFirms):
            lever.adjust_firms(ctx, state, flows)
        for lever in self._active(state, Classify):
            lever.classify(persons, ctx, state, rng)

    def benefit_value_yuan(
        self, persons: PersonStore, idx: np.ndarray, ctx: Context, state: WorldState
    ) -> np.ndarray | float:
        """Value (yuan) of the benefits persons `idx` would have in each region: shape (n, regions).

        Benefits held are paid only in Jilin, so their remaining amount counts at every unit; levers add
        the value of what a person could newly get there. 0.0 without levers.
        """
        terms = self.benefit_terms(persons, idx, ctx, state)
        return 0.0 if terms is None else benefit_rows(terms)

    def benefit_terms(
        self, persons: PersonStore, idx: np.ndarray, ctx: Context, state: WorldState
    ) -> list[tuple[np.ndarray, np.ndarray]] | None:
        """`benefit_value_yuan` as a sum of terms (yuan of each of persons `idx`, regions where it counts),
        the benefit held first (None without levers): see `benefit_rows` and `offered_benefits`."""
        if not self.levers:
            return None
        held = persons.benefit_months_left[idx] * persons.benefit_yuan_month[idx].astype(float)
        terms = [(held, np.arange(N_REGIONS) < N_UNITS)]
        for lever in self._active(state, ProspectiveValue):
            terms.append(lever.prospective_value(persons, idx, ctx, state))
        return terms

    def outsider_penalty_reduction(
        self, persons: PersonStore, idx: np.ndarray, ctx: Context, state: WorldState
    ) -> np.ndarray | float:
        """How much of the outsider penalty levers remove for persons `idx` (utility)."""
        total: np.ndarray | float = 0.0
        for lever in self._active(state, PenaltyReduction):
            total = total + lever.penalty_reduction(persons, idx, ctx, state)
        return total

    def subsidised_trainees(
        self, persons: PersonStore, ctx: Context, state: WorldState, flows: MonthFlows
    ) -> np.ndarray:
        """Persons trained this month by levers, once per course (a person may appear twice)."""
        chosen = [
            lv.subsidised_trainees(persons, ctx, state, self.rng, flows)
            for lv in self._active(state, SubsidisedTrainees)
        ]
        return np.concatenate(chosen) if chosen else np.empty(0, dtype=np.int64)

    def certification_multiplier(
        self, persons: PersonStore, idx: np.ndarray, ctx: Context, state: WorldState
    ) -> np.ndarray | float:
        """Multiplier of the certification chance of skilled workers `idx`."""
        total: np.ndarray | float = 1.0
        for lever in self._active(state, CertificationMultiplier):
            total = total * lever.certification_multiplier(persons, idx, ctx, state)
        return total

    def technical_entrants(
        self, persons: PersonStore, leavers: np.ndarray, ctx: Context, state: WorldState
    ) -> np.ndarray:
        """Junior-secondary leavers who take levers' technical-school places; marks them."""
        taken: list[np.ndarray] = []
        for lever in self._active(state, TechnicalEntrants):
            free = np.setdiff1d(leavers, np.concatenate(taken)) if taken else leavers
            chosen = lever.technical_entrants(persons, free, ctx, state, self.rng)
            persons.technical[chosen] = lever.index + 1
            taken.append(chosen)
        return np.concatenate(taken) if taken else np.empty(0, dtype=np.int64)

    def on_hire(self, persons: PersonStore, hired: np.ndarray, ctx: Context, state: WorldState) -> None:
        """Let levers grant benefits to persons just hired."""
        for lever in self._active(state, OnHire):
            lever.on_hire(persons, hired, ctx, state)

    def forfeit(self, persons: PersonStore, idx: np.ndarray, ctx: Context, state: WorldState) -> None:
        """Persons `idx` lose the benefits they hold (on leaving the province or dying); what would still
        have been paid is released from their levers' commitments."""
        holders = idx[persons.benefit_months_left[idx] > 0]
        if holders.size and self.levers:
            left = persons.benefit_months_left[holders] * persons.benefit_yuan_month[holders].astype(float)
            released = np.bincount(persons.benefit_lever[holders], weights=left, minlength=len(self.levers))
            for lever, yuan in zip(self.levers, released, strict=False):
                lever.release(float(yuan) * ctx.scale)
        persons.benefit_months_left[idx] = 0
        persons.benefit_lever[idx] = -1
        persons.benefit_yuan_month[idx] = 0.0

    def pay(self, persons: PersonStore, ctx: Context, state: WorldState, flows: MonthFlows) -> None:
        """Pay the monthly benefits due to persons living in Jilin; count them per lever."""
        if not self.levers:
            return
        due = np.flatnonzero(persons.benefit_months_left > 0)
        due = due[persons.region[due] < N_UNITS]
        amount = persons.benefit_yuan_month[due]
        persons.benefit_paid_yuan[due] += amount
        persons.benefit_months_left[due] -= 1
        paid = np.bincount(persons.benefit_lever[due], weights=amount, minlength=len(self.levers))
        for lever, yuan in zip(self.levers, paid, strict=False):
            real = float(yuan) * ctx.scale
            lever.release(real)
            lever.charge(flows, real)
        ended = due[persons.benefit_months_left[due] == 0]
        persons.benefit_lever[ended] = -1
        persons.benefit_yuan_month[ended] = 0.0
        for lever in self._every(Spend):
            lever.spend(persons, ctx, state, flows)


def benefit_rows(terms: list[tuple[np.ndarray, np.ndarray]], rows: np.ndarray | None = None) -> np.ndarray:
    """The benefit value (yuan) of `PolicySet.benefit_terms` in each region (columns), for the persons at
    positions `rows` of the terms (default: all), summed term by term in order."""
    pick = slice(None) if rows is None else rows
    value, where = terms[0]
    total = value[pick][:, None] * where[None, :]
    for value, where in terms[1:]:
        total = total + value[pick][:, None] * where[None, :]
    return total


def offered_benefits(terms: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Whether each person of `PolicySet.benefit_terms` has a benefit anywhere (benefits are not negative,
    so a row of `benefit_rows` is zero exactly where this is False)."""
    offered = np.zeros(terms[0][0].size, dtype=bool)
    for value, where in terms:
        if where.any():
            offered |= value != 0
    return offered

"""Levers that pay persons: talent classes, graduate and high-end subsidies, household registration."""

from __future__ import annotations

import numpy as np

import simulator.scenario.schema as schema
from simulator.codes import Edu, Tier
from simulator.geography import N_REGIONS, N_UNITS
from simulator.levers.base import DEGREE_KEY, LeverBase, unit_mask
from simulator.levers.seams import (
    Classify,
    OnHire,
    PenaltyReduction,
    ProspectiveValue,
    Spend,
)
from simulator.people.store import PersonStore, fresh_graduates
from simulator.world.context import Context
from simulator.world.flows import MonthFlows
from simulator.world.state import WorldState


class TalentClasses(LeverBase, Classify, ProspectiveValue):
    """Talent classification A-E with a monthly allowance (share of wage) while employed in Jilin."""

    config: schema.TalentClasses

    def classify(self, persons: PersonStore, ctx: Context, state: WorldState, rng: np.random.Generator) -> None:
        """Classify this month's share of the year's talents, best human capital first."""
        count = self.quota(self.config.classified_per_year / 12.0)
        if count == 0:
            return
        pool = np.flatnonzero(persons.tier >= Tier.HIGH_SKILL)
        pool = pool[(persons.employer[pool] >= 0) & (persons.benefit_lever[pool] < 0)]
        count = min(count, pool.size)
        if count == 0:
            return
        best = pool[np.argsort(-persons.human_capital[pool], kind="stable")[:count]]
        shares = self.config.class_shares_pct
        uplift = self.config.wage_uplift_pct
        cuts = np.cumsum(shares.values()) / 100.0
        rank = (np.arange(count) + 0.5) / count
        klass = np.searchsorted(cuts, rank)
        pct = uplift.values()[np.minimum(klass, 4)] / 100.0
        allowance = (persons.wage_yuan_month[best] * pct).astype(np.float32)
        months = self.config.months
        n = self.affordable_count(float(allowance.mean()) * months * self.scale, best.size)
        self.grant(persons, best[:n], allowance[:n], months)

    def prospective_value(
        self, persons: PersonStore, idx: np.ndarray, ctx: Context, state: WorldState
    ) -> tuple[np.ndarray, np.ndarray]:
        """Expected allowance of an eligible non-holder at any Jilin unit: the yearly chance of being
        classified (classified per year / census talent stock) times the mean allowance over its months."""
        eligible = (persons.tier[idx] >= Tier.HIGH_SKILL) & (persons.benefit_lever[idx] < 0)
        stock = ctx.data.province["high_skill_talent"] + ctx.data.province["professional_technical_talent"]
        chance = min(self.config.classified_per_year / stock, 1.0)
        shares, uplift = self.config.class_shares_pct.values(), self.config.wage_uplift_pct.values()
        mean_pct = float(shares @ uplift) / 100.0 / 100.0
        wage = state.regions.wage_level_yuan_month[:N_UNITS].mean()
        value = np.where(eligible, chance * mean_pct * wage * self.config.months, 0.0)
        return value, np.arange(N_REGIONS) < N_UNITS


class GraduateSubsidy(LeverBase, OnHire, ProspectiveValue):
    """Monthly living subsidy for graduates hired in eligible units within a year of graduating."""

    config: schema.GraduateSubsidy

    def __init__(self, config: schema.GraduateSubsidy, index: int, scale: int, last_month: int) -> None:
        super().__init__(config, index, scale, last_month)
        self.units = unit_mask(config.units)
        amounts = config.yuan_per_month
        self.by_level = np.zeros(len(Edu), dtype=np.float32)
        for level, key in DEGREE_KEY.items():
            self.by_level[level] = getattr(amounts, key)

    def _fresh(self, persons: PersonStore, idx: np.ndarray, state: WorldState) -> np.ndarray:
        return fresh_graduates(persons.graduation_month[idx], state.month)

    def on_hire(self, persons: PersonStore, hired: np.ndarray, ctx: Context, state: WorldState) -> None:
        """Grant the subsidy to eligible graduates just hired, within posts and budget."""
        eligible = hired[
            self._fresh(persons, hired, state)
            & self.units[persons.region[hired]]
            & (persons.benefit_lever[hired] < 0)
        ]
        eligible = eligible[self.by_level[persons.edu[eligible]] > 0]
        room = self.yearly_room(state.month, self.config.posts_per_year)
        eligible = eligible[: max(int(room / self.scale), 0)]
        amount = self.by_level[persons.edu[eligible]]
        n = self.affordable_count(
            float(amount.mean()) * self.config.months * self.scale if eligible.size else 0, eligible.size
        )
        self.grant(persons, eligible[:n], amount[:n], self.config.months)

    def prospective_value(
        self, persons: PersonStore, idx: np.ndarray, ctx: Context, state: WorldState
    ) -> tuple[np.ndarray, np.ndarray]:
        """Fresh graduates value the subsidy at every eligible unit."""
        value = np.where(
            self._fresh(persons, idx, state) & (persons.benefit_lever[idx] < 0),
            self.by_level[persons.edu[idx]] * self.config.months,
            0.0,
        )
        return value, self.units


class HighEndSubsidy(LeverBase, OnHire, ProspectiveValue, Spend):
    """One-off subsidy for professional-technical talent with a high degree hired in eligible units."""

    config: schema.HighEndSubsidy

    def __init__(self, config: schema.HighEndSubsidy, index: int, scale: int, last_month: int) -> None:
        super().__init__(config, index, scale, last_month)
        self.units = unit_mask(config.units)
        self.min_level = {"bachelor": Edu.BACHELOR, "master": Edu.MASTER, "phd": Edu.PHD}[config.min_education]
        self.recipients = np.empty(0, dtype=np.int64)
        self.pending = np.empty(0, dtype=np.int64)  # granted this month, paid by `spend`

    def _eligible(self, persons: PersonStore, idx: np.ndarray) -> np.ndarray:
        ok = (persons.tier[idx] == Tier.PROFESSIONAL) & (persons.edu[idx] >= self.min_level)
        return ok & ~np.isin(idx, self.recipients)

    def on_hire(self, persons: PersonStore, hired: np.ndarray, ctx: Context, state: WorldState) -> None:
        """Pay the one-off to eligible persons just hired in eligible units."""
        chosen = hired[self._eligible(persons, hired) & self.units[persons.region[hired]]]
        room = self.yearly_room(state.month, self.config.persons_per_year)
        chosen = chosen[: max(int(room / self.scale), 0)]
        chosen = chosen[: self.affordable_count(self.config.one_off_yuan * self.scale, chosen.size)]
        self.recipients = np.concatenate([self.recipients, chosen])
        self.pending = np.concatenate([self.pending, chosen])
        self.committed_yuan += self.config.one_off_yuan * chosen.size * self.scale
        self._year_count += chosen.size * self.scale

    def spend(self, persons: PersonStore, ctx: Context, state: WorldState, flows: MonthFlows) -> None:
        """Pay the one-offs granted this month."""
        self.release(self.config.one_off_yuan * self.pending.size * self.scale)
        self.pay_persons(persons, self.pending, self.config.one_off_yuan, flows)
        self.pending = self.pending[:0]

    def prospective_value(
        self, persons: PersonStore, idx: np.ndarray, ctx: Context, state: WorldState
    ) -> tuple[np.ndarray, np.ndarray]:
        """Eligible persons value the one-off at every eligible unit."""
        value = np.where(self._eligible(persons, idx), self.config.one_off_yuan, 0.0)
        return value, self.units


class HouseholdRegistration(LeverBase, PenaltyReduction):
    """Zero-threshold household registration: a smaller migration penalty of Jilin for outsiders."""

    config: schema.HouseholdRegistration

    def penalty_reduction(
        self, persons: PersonStore, idx: np.ndarray, ctx: Context, state: WorldState
    ) -> np.ndarray:
        """Utility removed from the outsider penalty of persons `idx`."""
        if self.config.eligible == "all":
            return np.full(idx.size, self.config.penalty_reduction)
        fresh = fresh_graduates(persons.graduation_month[idx], state.month)
        return np.where(fresh, self.config.penalty_reduction, 0.0)

"""Levers that build skills: vocational training, enterprise training funds, industry-education integration,
technical-school places."""

from __future__ import annotations

import numpy as np

import simulator.scenario.schema as schema
from simulator.codes import SECTOR_CLASS, Status, Tier
from simulator.dates import calendar_month
from simulator.geography import N_UNITS
from simulator.levers.base import LeverBase
from simulator.levers.seams import (
    CertificationMultiplier,
    Spend,
    SubsidisedTrainees,
    TechnicalEntrants,
)
from simulator.people.store import PersonStore
from simulator.rng import sample
from simulator.world.context import Context
from simulator.world.flows import MonthFlows
from simulator.world.state import WorldState


class VocationalTraining(LeverBase, SubsidisedTrainees):
    """Subsidised vocational training courses for workers in Jilin."""

    config: schema.VocationalTraining

    def subsidised_trainees(
        self, persons: PersonStore, ctx: Context, state: WorldState, rng: np.random.Generator, flows: MonthFlows
    ) -> np.ndarray:
        """Trainees of this month, drawn at random among the eligible, within the budget."""
        count = self.quota(self.config.trainees_per_year / 12.0)
        count = self.affordable_count(self.config.subsidy_yuan_per_trainee * self.scale, count)
        if count == 0:
            return np.empty(0, dtype=np.int64)
        if self.config.target == "skilled":
            pool = np.flatnonzero(persons.tier == Tier.SKILLED)
            pool = pool[np.isin(persons.status[pool], (Status.EMPLOYED, Status.UNEMPLOYED))]
        else:
            pool = np.flatnonzero(np.isin(persons.status, self._statuses()))
        age = persons.age_years[pool]
        pool = pool[(persons.region[pool] < N_UNITS) & (age >= 16) & (age < 60)]
        chosen = np.sort(rng.choice(pool, size=min(count, pool.size), replace=False))
        self.pay_persons(persons, chosen, self.config.subsidy_yuan_per_trainee, flows)
        return chosen

    def _statuses(self) -> tuple[int, ...]:
        return {
            "employed": (Status.EMPLOYED,),
            "unemployed": (Status.UNEMPLOYED,),
            "both": (Status.EMPLOYED, Status.UNEMPLOYED),
        }[self.config.target]


class EnterpriseTraining(LeverBase, SubsidisedTrainees):
    """Enterprise training funds: more firm-funded training in participating firms, mostly front-line."""

    config: schema.EnterpriseTraining

    def __init__(self, config: schema.EnterpriseTraining, index: int, scale: int, last_month: int) -> None:
        super().__init__(config, index, scale, last_month)
        self.participating: np.ndarray | None = None

    def subsidised_trainees(
        self, persons: PersonStore, ctx: Context, state: WorldState, rng: np.random.Generator, flows: MonthFlows
    ) -> np.ndarray:
        """Extra courses in participating firms: front-line workers first, at the configured share."""
        if self.participating is None:
            self.participating = rng.random(len(state.firms)) < self.config.firms_share_pct / 100.0
        base = 1.0 - (1.0 - ctx.params["skills.training_rate_per_year"]) ** (1 / 12)
        extra_rate = base * (self.config.training_rate_multiplier - 1.0)
        workers = np.flatnonzero(persons.employer >= 0)
        workers = workers[self.participating[persons.employer[workers]]]
        frontline = workers[persons.tier[workers] <= Tier.SKILLED]
        chosen_front = sample(frontline, extra_rate, rng)
        share = self.config.frontline_share_pct / 100.0
        others_wanted = int(round(chosen_front.size * (1.0 - share) / share)) if share < 1 else 0
        others = workers[persons.tier[workers] > Tier.SKILLED]
        chosen_other = rng.choice(others, size=min(others_wanted, others.size), replace=False)
        chosen = np.union1d(chosen_front, chosen_other)
        chosen = chosen[: self.affordable_count(self.config.yuan_per_trainee * self.scale, chosen.size)]
        self.pay_persons(persons, chosen, self.config.yuan_per_trainee, flows)
        return chosen


class IndustryEducation(LeverBase, SubsidisedTrainees, CertificationMultiplier):
    """Industry-education integration enterprises and apprenticeships."""

    config: schema.IndustryEducation

    def __init__(self, config: schema.IndustryEducation, index: int, scale: int, last_month: int) -> None:
        super().__init__(config, index, scale, last_month)
        self.flagged: np.ndarray | None = None

    def _flag(self, state: WorldState) -> np.ndarray:
        if self.flagged is None:
            sectors = state.firms.sector
            size = state.firms.target_employment.copy()
            industrial = SECTOR_CLASS[sectors] == 2
            order = np.argsort(-np.where(industrial, size, -1.0), kind="stable")
            order = order[industrial[order]]
            covered = self.config.enterprises * self.config.employees_per_enterprise / self.scale
            count = int(np.searchsorted(np.cumsum(size[order]), covered)) + 1 if covered > 0 else 0
            self.flagged = np.zeros(len(state.firms), dtype=bool)
            self.flagged[order[:count]] = True
            state.firms.industry_education |= self.flagged
        return self.flagged

    def subsidised_trainees(
        self, persons: PersonStore, ctx: Context, state: WorldState, rng: np.random.Generator, flows: MonthFlows
    ) -> np.ndarray:
        """Apprentices of this month: young workers of flagged firms, trained (and tested, see skills)."""
        flagged = self._flag(state)
        count = self.quota(self.config.apprentices_per_year / 12.0)
        count = self.affordable_count(self.config.subsidy_yuan_per_apprentice * self.scale, count)
        workers = np.flatnonzero(persons.employer >= 0)
        workers = workers[flagged[persons.employer[workers]]]
        young = workers[(persons.age_years[workers] <= 30) & (persons.tier[workers] <= Tier.SKILLED)]
        chosen = np.sort(rng.choice(young, size=min(count, young.size), replace=False))
        self.pay_persons(persons, chosen, self.config.subsidy_yuan_per_apprentice, flows)
        return chosen

    def certification_multiplier(
        self, persons: PersonStore, idx: np.ndarray, ctx: Context, state: WorldState
    ) -> np.ndarray:
        """Skilled workers of flagged firms are certified more often."""
        flagged = self._flag(state)
        return np.where(flagged[persons.employer[idx]], self.config.certification_multiplier, 1.0)


class TechnicalSchools(LeverBase, TechnicalEntrants, Spend):
    """Extra technical-school places for junior-secondary leavers; leavers of them are skilled workers."""

    config: schema.TechnicalSchools

    def technical_entrants(
        self, persons: PersonStore, leavers: np.ndarray, ctx: Context, state: WorldState, rng: np.random.Generator
    ) -> np.ndarray:
        """Junior-secondary leavers in Jilin who take the extra places this July (fractions carried)."""
        inside = leavers[persons.region[leavers] < N_UNITS]
        count = self.quota(self.config.extra_enrolment_per_year)
        count = self.affordable_count(self.config.cost_yuan_per_student_year * 3 * self.scale, count)
        chosen = np.sort(rng.choice(inside, size=min(count, inside.size), replace=False))
        self.committed_yuan += chosen.size * self.config.cost_yuan_per_student_year * 3 * self.scale
        return chosen

    def spend(self, persons: PersonStore, ctx: Context, state: WorldState, flows: MonthFlows) -> None:
        """Each July, pay a year of every technical-school student enrolled by the lever."""
        if calendar_month(state.month) != 7:
            return
        students = np.flatnonzero((persons.technical == self.index + 1) & (persons.status == Status.STUDENT))
        self.release(students.size * self.config.cost_yuan_per_student_year * self.scale)
        self.pay_persons(persons, students, self.config.cost_yuan_per_student_year, flows)

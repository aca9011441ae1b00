"""Persons the page follows, as Mesa agents: `Worker` and `Graduate` are views into the person store.

An agent holds only its slot index in `model.persons` (a `PersonStore`); every attribute is read from the
store's arrays when asked, so the agent always shows the person as the model has them now. The agents are
registered with the model by `mesa.Agent.__init__`, so `model.agents` and `model.agents_by_type[Graduate]`
(Mesa's AgentSet) see them. They do not act: the model's processes move every person, followed or not.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simulator import mesa_core
from simulator.codes import EDU_NAMES, SECTORS, Status, Tier
from simulator.geography import REGIONS
from simulator.processes import migration


class Worker(mesa_core.Agent):
    """A followed person, viewing slot `index` of the model's person store.

    Attributes:
        index: the person's slot in `model.persons` (stable for the whole run).
    """

    role = "worker"

    def __init__(self, model: mesa_core.Model, index: int) -> None:
        super().__init__(model)
        self.index = int(index)

    def _value(self, name: str) -> Any:
        return getattr(self.model.persons, name)[self.index].item()

    @property
    def age_years(self) -> int:
        """Age in completed years."""
        return int(self._value("age_months")) // 12

    @property
    def region(self) -> str:
        """Where the person lives: a unit of Jilin or an outside region (pinyin code)."""
        return REGIONS[int(self._value("region"))]

    @property
    def status(self) -> str:
        """Labour status: child, student, employed, unemployed, inactive, retired or dead."""
        return Status(self._value("status")).name.lower()

    @property
    def job(self) -> str:
        """The job: sector and employer when employed, else the labour status."""
        if self.status != "employed":
            return self.status
        employer = int(self._value("employer"))
        if employer < 0:  # the model keeps no firms outside the province
            return "employed outside Jilin"
        return f"{SECTORS[int(self._value('sector'))]} (firm {employer})"

    @property
    def education(self) -> str:
        """Highest level completed, and the level studied for while a student."""
        done = EDU_NAMES[int(self._value("edu"))]
        enrolled = int(self._value("enrolled"))
        return f"{done}, studying for {EDU_NAMES[enrolled]}" if enrolled else done

    @property
    def tier(self) -> str:
        """Talent tier: none, skilled, high_skill or professional."""
        return Tier(self._value("tier")).name.lower()

    @property
    def human_capital(self) -> float:
        """Skill index (1.0: a new worker with no experience)."""
        return float(self._value("human_capital"))

    @property
    def wage_yuan_month(self) -> float:
        """Monthly wage in yuan (0 if not employed)."""
        return float(self._value("wage_yuan_month"))

    def observe(self) -> dict[str, Any]:
        """What the page records of this person this month."""
        return {
            "id": self.unique_id,
            "person": self.index,
            "role": self.role,
            "date": self.model.date,
            "age": self.age_years,
            "region": self.region,
            "job": self.job,
            "education": self.education,
            "tier": self.tier,
            "human_capital": round(self.human_capital, 3),
            "wage_yuan_month": round(self.wage_yuan_month),
        }


class Graduate(Worker):
    """A followed graduate (or final-year student) of Jilin's universities, whose choice to stay or leave the
    page explains with the utilities of the migration choice."""

    role = "graduate"

    def utilities(self) -> np.ndarray:
        """Systematic utility of moving to each region (REGIONS order) for this person now, as the migration
        process computes it (`simulator.processes.migration.utilities`)."""
        model = self.model
        idx = np.array([self.index])
        return migration.utilities(model.persons, idx, model.context, model.state)[0].astype(float)

    def choice_probabilities(self) -> np.ndarray:
        """Probability of each destination if the person considers moving this month (logit of the
        utilities); the current region's entry is the chance of staying."""
        utility = self.utilities()
        weight = np.exp(utility - utility.max())
        return weight / weight.sum()

    def choice_inputs(self) -> dict[str, np.ndarray]:
        """What the utilities weigh, per region (REGIONS order), read from the model as the migration process
        reads it: the region's wage level (yuan a month), this person's probability of being employed there
        (for the person's age and education) and the policy benefits the person would get there (yuan, the
        scenario's levers)."""
        model = self.model
        idx = np.array([self.index])
        wage = np.asarray(model.state.regions.wage_level_yuan_month, dtype=float)
        employment = migration.employment_probability(model.persons, idx, model.state)[0].astype(float)
        benefit = model.state.policy.benefit_value_yuan(model.persons, idx, model.context, model.state)
        benefit = np.zeros(len(REGIONS)) if np.isscalar(benefit) else np.asarray(benefit, dtype=float)[0]
        return {"wage_yuan_month": wage, "employment_probability": employment, "benefit_yuan": benefit}

    @property
    def origin(self) -> str:
        """Where the person comes from (a unit or an outside region): the utilities add a tie to it."""
        return REGIONS[int(self._value("origin"))]

    def observe(self) -> dict[str, Any]:
        """The worker's record, plus the chance of staying if the person considers moving."""
        record = super().observe()
        alive = self.status != "dead"
        stay = float(self.choice_probabilities()[int(self._value("region"))]) if alive else float("nan")
        return {**record, "p_stay_if_considering": round(stay, 3)}

"""The page's model: `TalentFlowModel` built from the page's settings, with a sample of persons followed as
Mesa agents (`Worker`, `Graduate`) and the monthly records of those persons."""

from __future__ import annotations

from typing import Any

import numpy as np

from simulator.app.agents import Graduate, Worker
from simulator.app.settings import AppSettings
from simulator.codes import Edu, Status
from simulator.dates import month_to_date
from simulator.geography import N_UNITS
from simulator.inputs.parameters import load_parameters
from simulator.model import TalentFlowModel
from simulator.recording.recorder import INDICATOR_INDEX, OUTPUT_REGIONS

#: Persons followed of each group: recent graduates, final-year students, workers.
FOLLOWED_PER_GROUP = 4
#: Offset of the seed of the draw of followed persons (apart from every stream of the model).
FOLLOW_SEED_OFFSET = 7_919


class ClassroomModel(TalentFlowModel):
    """The model the page steps.

    Args:
        settings: the page's settings (`AppSettings`), or a Solara reactive holding them (Mesa passes the same
            object again on Reset, so the model is built from the settings of that moment).
        followed_per_group: persons followed in each group (recent graduates, final-year students, workers).
    """

    def __init__(self, settings: AppSettings | Any = None, followed_per_group: int = FOLLOWED_PER_GROUP) -> None:
        settings = getattr(settings, "value", settings) or AppSettings()
        scenario = settings.scenario()
        parameters = load_parameters().with_overrides(scenario.parameters)
        super().__init__(
            scale=settings.scale,
            seed=settings.seed,
            end=settings.end,
            parameters=parameters,
            levers=scenario.levers,
        )
        self.settings = settings
        self.scenario = scenario
        self.trace: list[dict[str, Any]] = []
        self._follow(followed_per_group)
        self.observe()

    def _follow(self, per_group: int) -> None:
        """Pick the followed persons (same seed, same persons) and register them as agents."""
        rng = np.random.default_rng([self.seed_value, FOLLOW_SEED_OFFSET])
        p = self.persons
        inside = p.region < N_UNITS
        recent = np.flatnonzero(inside & (p.graduation_month == -4))  # July 2020 graduates living in Jilin
        final_year = np.flatnonzero(
            inside & (p.status == Status.STUDENT) & (p.enrolled >= Edu.COLLEGE) & (p.study_years_left == 1)
        )
        workers = np.flatnonzero(
            inside & (p.status == Status.EMPLOYED) & (p.age_years >= 25) & (p.age_years <= 50)
        )
        for group, cls in ((recent, Graduate), (final_year, Graduate), (workers, Worker)):
            for index in rng.choice(group, size=min(per_group, group.size), replace=False):
                cls(self, int(index))

    @property
    def followed(self) -> list[Worker]:
        """The followed persons, graduates first."""
        return sorted(self.agents_by_type.get(Graduate, []), key=lambda a: a.unique_id) + sorted(
            self.agents_by_type.get(Worker, []), key=lambda a: a.unique_id
        )

    def observe(self) -> None:
        """Record the followed persons as they are at the start of the next month."""
        self.trace.extend(agent.observe() for agent in self.followed)

    def step(self) -> None:
        """Simulate one month, then record the followed persons."""
        super().step()
        self.observe()

    def series(self, indicator: str, region: str = "province") -> tuple[list[str], np.ndarray]:
        """Dates and values of an indicator over the months simulated so far (counts in real persons)."""
        months = self.month
        values = self.recorder.values[:months, INDICATOR_INDEX[indicator], OUTPUT_REGIONS.index(region)]
        return [month_to_date(m) for m in range(months)], values.copy()

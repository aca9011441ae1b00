"""The seams through which levers act: one Protocol per decision rule that a lever may change.

A lever declares the seams it implements by subclassing them (`class GraduateSubsidy(LeverBase, OnHire,
ProspectiveValue)`); each seam's method is abstract, so a lever that names a seam but misspells its method
cannot be built, and `LeverBase` refuses a public method that belongs to no seam it declares. The processes
reach the levers only through `simulator.levers.policy_set.PolicySet`, which calls each seam of the levers
active in the month.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Protocol, runtime_checkable

import numpy as np

from simulator.people.store import PersonStore
from simulator.world.context import Context
from simulator.world.flows import MonthFlows
from simulator.world.state import WorldState


@runtime_checkable
class ProspectiveValue(Protocol):
    """Migration utility: the value (yuan) of what a person could newly get in each region."""

    @abstractmethod
    def prospective_value(
        self, persons: PersonStore, idx: np.ndarray, ctx: Context, state: WorldState
    ) -> tuple[np.ndarray, np.ndarray]:
        """(yuan for each of persons `idx`, the regions where it can be had as a boolean mask): the value of
        person k in region d is yuan[k] x regions[d]."""


@runtime_checkable
class PenaltyReduction(Protocol):
    """Migration utility: how much of Jilin's outsider penalty is removed."""

    @abstractmethod
    def penalty_reduction(
        self, persons: PersonStore, idx: np.ndarray, ctx: Context, state: WorldState
    ) -> np.ndarray:
        """Utility removed for persons `idx`."""


@runtime_checkable
class SubsidisedTrainees(Protocol):
    """Skills: extra training courses."""

    @abstractmethod
    def subsidised_trainees(
        self, persons: PersonStore, ctx: Context, state: WorldState, rng: np.random.Generator, flows: MonthFlows
    ) -> np.ndarray:
        """Persons trained this month by the lever, once per course."""


@runtime_checkable
class CertificationMultiplier(Protocol):
    """Skills: higher certification chances."""

    @abstractmethod
    def certification_multiplier(
        self, persons: PersonStore, idx: np.ndarray, ctx: Context, state: WorldState
    ) -> np.ndarray:
        """Multiplier of the certification chance of skilled workers `idx`."""


@runtime_checkable
class TechnicalEntrants(Protocol):
    """Education: extra technical-school places for junior-secondary leavers."""

    @abstractmethod
    def technical_entrants(
        self, persons: PersonStore, leavers: np.ndarray, ctx: Context, state: WorldState, rng: np.random.Generator
    ) -> np.ndarray:
        """The leavers who take the lever's places."""


@runtime_checkable
class OnHire(Protocol):
    """Labour market: benefits granted when an eligible person takes a job."""

    @abstractmethod
    def on_hire(self, persons: PersonStore, hired: np.ndarray, ctx: Context, state: WorldState) -> None:
        """Grant to persons just hired."""


@runtime_checkable
class Classify(Protocol):
    """Start of the month: classification of talents (benefits granted to the classified)."""

    @abstractmethod
    def classify(self, persons: PersonStore, ctx: Context, state: WorldState, rng: np.random.Generator) -> None:
        """Classify this month's talents."""


@runtime_checkable
class AdjustFirms(Protocol):
    """Start of the month: firms' demand and productivity (called every month; the lever checks its dates)."""

    @abstractmethod
    def adjust_firms(self, ctx: Context, state: WorldState, flows: MonthFlows) -> None:
        """Change the firms of the state."""


@runtime_checkable
class Spend(Protocol):
    """Policy process: pay what the lever owes this month besides monthly benefits (every month)."""

    @abstractmethod
    def spend(self, persons: PersonStore, ctx: Context, state: WorldState, flows: MonthFlows) -> None:
        """Pay and count it."""


SEAMS: tuple[type, ...] = (
    ProspectiveValue,
    PenaltyReduction,
    SubsidisedTrainees,
    CertificationMultiplier,
    TechnicalEntrants,
    OnHire,
    Classify,
    AdjustFirms,
    Spend,
)

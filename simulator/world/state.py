"""The mutable state of a run besides the persons: the month, the firms, the regions' conditions, the
levers' accounts, and this month's per-slot random draws.

Firm state lives here once, as arrays indexed by firm (the persons' `employer`); the Mesa `Firm` and `City`
agents (`simulator.world.agents`) are views of these arrays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulator.dates import calendar_month, month_to_date
from simulator.geography import N_REGIONS
from simulator.rng import slot_key, slot_uniforms


@dataclass
class Firms:
    """Every firm as arrays (index = firm id = a person's `employer`).

    Attributes:
        unit: census unit (index in UNITS).
        sector: index in SECTORS.
        productivity: relative productivity (1 = the unit's average); scales the wage level.
        wage_level_yuan_month: wage of a worker of average human capital and senior-secondary education.
        target_employment: persons the firm wants to employ (simulated persons, not scaled).
        employment: persons employed, kept up to date at every hire and every job that ends.
        vacancies: open positions in this month's matching.
        wage_bill_yuan: monthly wage bill (set with the wages at the start of each month).
        in_park: the firm sits in an industrial park or platform created by a lever.
        industry_education: the firm is an industry-education integration enterprise.
        public_funds_yuan: public money received through levers (industrial parks), in yuan.
    """

    unit: np.ndarray
    sector: np.ndarray
    productivity: np.ndarray
    wage_level_yuan_month: np.ndarray
    target_employment: np.ndarray
    employment: np.ndarray
    vacancies: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    wage_bill_yuan: np.ndarray = field(default_factory=lambda: np.zeros(0))
    in_park: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    industry_education: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    public_funds_yuan: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def __post_init__(self) -> None:
        n = self.unit.size
        for name, dtype in (
            ("vacancies", np.int64),
            ("wage_bill_yuan", float),
            ("in_park", bool),
            ("industry_education", bool),
            ("public_funds_yuan", float),
        ):
            if getattr(self, name).size != n:
                setattr(self, name, np.zeros(n, dtype=dtype))

    def __len__(self) -> int:
        return int(self.unit.size)


@dataclass
class Regions:
    """Conditions of every region (REGIONS order).

    Attributes:
        wage_level_yuan_month: average monthly wage.
        amenity: amenity constant of the migration utility.
        unemployment_rate: unemployed / labour force (units: the labour market's; outside: the conditions').
        unemployment_by_age: (regions, 2) the rate at ages 16-24 and 25+ (units: the unit's rate times the
            province's relative rate of the age group; outside: the conditions').
        edu_relative_risk: (2 age groups, 2 education groups: below college, college or more) the province's
            unemployment rate of the group over its age group's rate (movers apply it everywhere).
        youth_ratio: Jilin's census-day unemployment rate at 16-24 over its average (the outside youth rate
            when the conditions give none is the average times this).
        youth_share: Jilin's census-day share of the labour force aged 16-24 (splits an outside average into
            youth and adult rates).
    """

    wage_level_yuan_month: np.ndarray
    amenity: np.ndarray
    unemployment_rate: np.ndarray
    unemployment_by_age: np.ndarray = field(default_factory=lambda: np.zeros((N_REGIONS, 2)))
    edu_relative_risk: np.ndarray = field(default_factory=lambda: np.ones((2, 2)))
    youth_ratio: float = 1.0
    youth_share: float = 0.0

    def __post_init__(self) -> None:
        for name in ("wage_level_yuan_month", "amenity", "unemployment_rate"):
            if getattr(self, name).shape != (N_REGIONS,):
                raise ValueError(f"Regions.{name} must have one value per region")


@dataclass
class SlotDraws:
    """The month's per-slot uniforms (one per person slot for deaths, labour-force exits and migration).

    Slot i's number depends only on (seed, stream, month, i) (`simulator.rng.slot_uniforms`): it is
    computed where it is needed, by numpy here or inside a compiled pass from `key`, so a process tested
    alone draws exactly as in a run and nothing is stored. `streams` maps a process's stream name to its key
    (declared by the process).
    """

    seed: int
    month: int
    streams: dict[str, int]

    def key(self, name: str) -> int:
        """The 64-bit key of stream `name` this month (`simulator.rng.slot_key`)."""
        return slot_key(self.seed, self.streams[name], self.month)

    def uniforms(self, name: str, slots: np.ndarray | int) -> np.ndarray:
        """The uniforms of `slots` (an index array, or n for slots 0..n-1) in stream `name`."""
        return slot_uniforms(self.key(name), slots)


@dataclass
class WorldState:
    """What changes during a run besides the persons.

    Attributes:
        month: model month being simulated (0 = 2020-11); after the last step, the month after it.
        firms: the firms (arrays).
        regions: the regions' conditions.
        policy: the scenario's levers and their accounts (`simulator.levers.PolicySet`).
        draws: this month's per-slot uniforms.
    """

    month: int
    firms: Firms
    regions: Regions
    policy: Any
    draws: SlotDraws

    @property
    def date(self) -> str:
        """Current month as YYYY-MM."""
        return month_to_date(self.month)

    @property
    def calendar_month(self) -> int:
        """Month of the year (1-12)."""
        return calendar_month(self.month)

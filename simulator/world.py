"""The world the processes act in: calendar, places, firms, parameters and the tables derived from them.

A process is a function `step(persons, world, rng, flows)`; everything it needs besides the persons and
its random stream is here, so a process can be tested alone on a small hand-made world.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulator.agents import City, Firm
from simulator.codes import N_REGIONS, N_UNITS, OUTSIDE
from simulator.data import CalibrationData, Parameters
from simulator.rng import slot_uniforms

CENSUS_YEAR, CENSUS_MONTH = 2020, 11
#: Relative wage by education level (senior secondary = 1): an assumption shared by wages and migration.
EDU_WAGE_PREMIUM = np.array([0.7, 0.75, 0.85, 1.0, 1.15, 1.35, 1.7, 2.0], dtype=np.float32)


def month_to_date(month: int) -> str:
    """Model month index (0 = 2020-11) as 'YYYY-MM'."""
    total = CENSUS_YEAR * 12 + CENSUS_MONTH - 1 + month
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def date_to_month(date: str) -> int:
    """'YYYY-MM' as model month index (0 = 2020-11). Raises ValueError if malformed."""
    year_s, sep, month_s = date.partition("-")
    if not sep or len(year_s) != 4 or len(month_s) != 2 or not (year_s.isdigit() and month_s.isdigit()):
        raise ValueError(f"not a YYYY-MM month: {date!r}")
    year, month = int(year_s), int(month_s)
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 01-12: {date!r}")
    return year * 12 + month - 1 - (CENSUS_YEAR * 12 + CENSUS_MONTH - 1)


def calendar_month(month: int) -> int:
    """Month of the year (1-12) of model month `month`."""
    return (CENSUS_MONTH - 1 + month) % 12 + 1


def haversine_km(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Great-circle distance in km between (lat, lon) degree arrays a (n, 2) and b (m, 2): shape (n, m)."""
    la, lo = np.radians(a[:, 0])[:, None], np.radians(a[:, 1])[:, None]
    lb, lob = np.radians(b[:, 0])[None, :], np.radians(b[:, 1])[None, :]
    h = np.sin((lb - la) / 2) ** 2 + np.cos(la) * np.cos(lb) * np.sin((lob - lo) / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(h))


def distance_matrix_km(data: CalibrationData, params: Parameters) -> np.ndarray:
    """Distances between all regions (km).

    Between units: great-circle distances of their centres. To an outside region with cities in DATA.md
    10 (the rest of the Northeast: Shenyang, Harbin; the East: Beijing ... Shenzhen): the mean of the
    distances to its cities (not the distance to their mean position, which for Shenyang and Harbin would
    lie next to Changchun). Central and West, which have no city there, use an assumed distance.
    """
    units = data.unit_lat_lon
    places = {
        r: data.places[data.places["outside_region"] == r][["lat", "lon"]].to_numpy(dtype=float) for r in OUTSIDE
    }
    dist = np.zeros((N_REGIONS, N_REGIONS))
    dist[:N_UNITS, :N_UNITS] = haversine_km(units, units)
    for k, region in enumerate(OUTSIDE):
        r = N_UNITS + k
        if len(places[region]):
            dist[:N_UNITS, r] = dist[r, :N_UNITS] = haversine_km(units, places[region]).mean(axis=1)
        else:
            dist[:N_UNITS, r] = dist[r, :N_UNITS] = params[f"migration.distance_km.{region}"]
    for i, a_region in enumerate(OUTSIDE):
        for j, b_region in enumerate(OUTSIDE):
            if i == j:
                continue
            a, b = places[a_region], places[b_region]
            if len(a) and len(b):
                d = haversine_km(a, b).mean()
            else:  # via Jilin: the larger of the two regions' distances from the province, as a floor
                d = max(dist[N_UNITS + i, :N_UNITS].mean(), dist[N_UNITS + j, :N_UNITS].mean())
            dist[N_UNITS + i, N_UNITS + j] = d
    return dist


@dataclass
class World:
    """Everything the processes share besides the persons."""

    params: Parameters
    data: CalibrationData
    scale: int
    cities: list[City]
    firms: list[Firm]
    distance_km: np.ndarray
    log_distance: np.ndarray = field(default_factory=lambda: np.zeros((15, 15)))  # log(1 + km / 100)
    month: int = 0
    seed: int = 0
    month_start_slots: int = 0  # persons.n at the start of the month (for the per-slot uniforms)
    prefetched: dict[str, Any] = field(default_factory=dict)  # process -> Future of its per-slot uniforms
    policy: Any = None  # a simulator.policy.PolicySet (typed loosely to keep imports one-way)
    mortality_monthly: np.ndarray = field(default_factory=lambda: np.zeros((105, 2), dtype=np.float32))
    mortality_monthly_by_cell: np.ndarray = field(default_factory=lambda: np.zeros(256, dtype=np.float32))
    fertility_monthly: np.ndarray = field(default_factory=lambda: np.zeros(105, dtype=np.float32))
    migration_hazard: np.ndarray = field(default_factory=lambda: np.zeros(128, dtype=np.float32))
    firm_employment: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # persons per firm
    firm_wage_bill_yuan: np.ndarray = field(default_factory=lambda: np.zeros(0))  # monthly, per firm

    def uniforms(self, process: str, n: int) -> np.ndarray:
        """One uniform per person slot for `process` this month (see `simulator.rng.slot_uniforms`)."""
        future = self.prefetched.pop(process, None)
        ahead = future.result() if future is not None else None
        return slot_uniforms(self.seed, process, self.month, self.month_start_slots, n, ahead)

    @property
    def date(self) -> str:
        """Current month as YYYY-MM."""
        return month_to_date(self.month)

    @property
    def calendar_month(self) -> int:
        """Month of the year (1-12)."""
        return calendar_month(self.month)

    def wage_level(self) -> np.ndarray:
        """Average monthly wage of every region (yuan), REGIONS order."""
        return np.array([c.wage_level_yuan_month for c in self.cities])

    def unemployment(self) -> np.ndarray:
        """Unemployment rate of every region, REGIONS order."""
        return np.array([c.unemployment_rate for c in self.cities])

    def amenity(self) -> np.ndarray:
        """Amenity constant of every region, REGIONS order."""
        return np.array([c.amenity for c in self.cities])

    def firm_arrays(self) -> dict[str, np.ndarray]:
        """Firm attributes as arrays indexed by firm index (the persons' `employer`)."""
        return {
            "unit": np.array([f.unit for f in self.firms], dtype=np.int64),
            "sector": np.array([f.sector for f in self.firms], dtype=np.int8),
            "wage_level": np.array([f.wage_level_yuan_month for f in self.firms], dtype=np.float32),
            "target": np.array([f.target_employment for f in self.firms], dtype=float),
        }

"""Mesa agents for places and employers: City (one per census unit and outside region) and Firm.

Persons are not Mesa agents (see `simulator.people.store`); the few hundred cities and firms are, so that the
model keeps Mesa's structure (agent sets, unique ids) where it costs nothing. Both are views: their
attributes read and write the arrays of the run's state (`simulator.world.state`), the one place that holds
them.
"""

from __future__ import annotations

from typing import Any

from simulator import mesa_core
from simulator.codes import SECTORS
from simulator.geography import N_UNITS, REGIONS


class City(mesa_core.Agent):
    """A census unit of Jilin or an outside region, viewing `model.state.regions` at index `region`.

    Attributes:
        region: index in REGIONS.
        lat_lon: (latitude, longitude) in degrees, None outside the province.
    """

    def __init__(self, model: mesa_core.Model, region: int, lat_lon: tuple[float, float] | None) -> None:
        super().__init__(model)
        self.region = region
        self.lat_lon = lat_lon

    @property
    def name(self) -> str:
        """Pinyin code of the place."""
        return REGIONS[self.region]

    @property
    def inside(self) -> bool:
        """Whether the place is a census unit of Jilin."""
        return self.region < N_UNITS

    @property
    def wage_level_yuan_month(self) -> float:
        """Average monthly wage of the place (urban non-private units)."""
        return float(self.model.state.regions.wage_level_yuan_month[self.region])

    @property
    def amenity(self) -> float:
        """Amenity constant in the migration utility."""
        return float(self.model.state.regions.amenity[self.region])

    @property
    def unemployment_rate(self) -> float:
        """Share of the labour force unemployed at the start of the month."""
        return float(self.model.state.regions.unemployment_rate[self.region])


class Firm(mesa_core.Agent):
    """An employer of one unit and one sector, viewing `model.state.firms` at index `index`."""

    FIELDS = (
        "unit",
        "sector",
        "productivity",
        "wage_level_yuan_month",
        "target_employment",
        "employment",
        "vacancies",
        "in_park",
        "industry_education",
        "public_funds_yuan",
    )

    def __init__(self, model: mesa_core.Model, index: int) -> None:
        super().__init__(model)
        self.index = index

    def __getattr__(self, name: str) -> Any:
        if name in Firm.FIELDS:
            return getattr(self.model.state.firms, name)[self.index].item()
        raise AttributeError(name)

    def __repr__(self) -> str:
        return (
            f"Firm({self.index}: {REGIONS[self.unit]}/{SECTORS[self.sector]}, employs {self.employment}, "
            f"wants {self.target_employment:.1f})"
        )

"""Mesa agents for places and employers: City (one per census unit and outside region) and Firm.

Persons are not Mesa agents (see `simulator.population`); the few hundred cities and firms are, so that
the model keeps Mesa's structure (agent sets, unique ids, the model's seeded RNG) where it costs nothing.
"""

from __future__ import annotations

import mesa

from simulator.codes import N_UNITS, REGIONS, SECTORS


class City(mesa.Agent):
    """A census unit of Jilin or an outside region: wage level, amenity and labour-market conditions.

    Attributes:
        region: index in REGIONS.
        wage_level_yuan_month: average monthly wage of the place (urban non-private units), grows each month.
        amenity: amenity constant in the migration utility (calibration/parameters.csv).
        unemployment_rate: share of the labour force unemployed, updated each month.
        lat_lon: (latitude, longitude) in degrees, for distances.
    """

    def __init__(
        self,
        model: mesa.Model,
        region: int,
        wage_level_yuan_month: float,
        amenity: float,
        unemployment_rate: float,
        lat_lon: tuple[float, float] | None,
    ) -> None:
        super().__init__(model)
        self.region = region
        self.wage_level_yuan_month = wage_level_yuan_month
        self.amenity = amenity
        self.unemployment_rate = unemployment_rate
        self.lat_lon = lat_lon

    @property
    def name(self) -> str:
        """Pinyin code of the place."""
        return REGIONS[self.region]

    @property
    def inside(self) -> bool:
        """Whether the place is a census unit of Jilin."""
        return self.region < N_UNITS


class Firm(mesa.Agent):
    """An employer of one unit and one sector.

    Attributes:
        unit: census unit (index in UNITS).
        sector: index in SECTORS.
        productivity: relative productivity (1 = the unit's average); scales the wage level.
        wage_level_yuan_month: wage of a worker of average human capital and senior-secondary education.
        target_employment: persons the firm wants to employ (simulated persons, not scaled).
        employment: persons employed at the start of the month.
        vacancies: open positions this month.
        in_park: whether the firm sits in an industrial park or platform created by a lever.
        public_funds_yuan: public money received through levers (industrial parks), in yuan.
        industry_education: whether the firm is an industry-education integration enterprise.
    """

    def __init__(
        self,
        model: mesa.Model,
        unit: int,
        sector: int,
        productivity: float,
        wage_level_yuan_month: float,
        target_employment: float,
    ) -> None:
        super().__init__(model)
        self.unit = unit
        self.sector = sector
        self.productivity = productivity
        self.wage_level_yuan_month = wage_level_yuan_month
        self.target_employment = target_employment
        self.employment = 0
        self.vacancies = 0
        self.in_park = False
        self.industry_education = False
        self.public_funds_yuan = 0.0

    def __repr__(self) -> str:
        return f"Firm({self.unique_id}: {REGIONS[self.unit]}/{SECTORS[self.sector]}, employs {self.employment})"

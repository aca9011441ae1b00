"""Recording: the indicators of each month for the province, each unit and each outside region (ODD submodel 7).

A stock is its value on the first day of the month; a flow is its total during the month. Counts are
multiplied by the population scale; rates and averages are not. For every region and month,
population(m+1) = population(m) + births(m) - deaths(m) + in_migrants(m) - out_migrants(m).
For the province, in- and out-migrants are the moves across the provincial border only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.arrays import bincount, use_kernels
from simulator.codes import N_SECTORS, SCHOOLING_YEARS, SECTORS, Edu, Status, Tier
from simulator.dates import calendar_month, month_to_date
from simulator.geography import N_REGIONS, N_UNITS, REGIONS
from simulator.people.store import PersonStore
from simulator.processes import flow_indicators
from simulator.processes.base import Indicator
from simulator.world.flows import AGE_FLOWS, AGE_GROUP_LOWS, N_AGE_GROUPS, MonthFlows, age_sex_cells_all
from simulator.world.state import WorldState

STOCK_INDICATORS: tuple[Indicator, ...] = (
    Indicator("population", "persons", "stock", True, True, "residents (outside: tracked persons only)"),
    Indicator("working_age_population", "persons", "stock", True, True, "residents aged 16-59"),
    Indicator(
        "graduates_retained",
        "persons",
        "stock",
        True,
        False,
        "this year's graduates of Jilin's universities (the last July's) living here, August to June; "
        "from 2021-08 (the synthetic July 2020 graduates are not counted)",
    ),
    Indicator(
        "graduate_retention_rate",
        "share",
        "rate",
        False,
        False,
        "graduates_retained / this year's Jilin graduates still alive, August to June; province only",
    ),
    Indicator(
        "graduates_retained_one_year",
        "persons",
        "stock",
        True,
        False,
        "a year's graduates of Jilin's universities living here one year on: recorded in July (its first day, "
        "before that July's graduation) for the previous July's graduates; from 2022-07",
    ),
    Indicator(
        "graduate_retention_rate_one_year",
        "share",
        "rate",
        False,
        False,
        "graduates_retained_one_year / that cohort's graduates still alive; province only",
    ),
    Indicator("employed", "persons", "stock", True, False, "employed persons"),
    *(Indicator(f"employed_{s}", "persons", "stock", True, False, f"employed in {s}") for s in SECTORS),
    Indicator("unemployment_rate", "share", "rate", False, False, "unemployed / (employed + unemployed)"),
    Indicator("mean_wage", "yuan/year", "rate", False, False, "mean wage of non-agricultural employees"),
    Indicator(
        "skilled_workers",
        "persons",
        "stock",
        True,
        False,
        "skilled workers including high-skill talent, in the labour force",
    ),
    Indicator("high_skill_talent", "persons", "stock", True, False, "high-skill talent in the labour force"),
    Indicator(
        "professional_technical_talent",
        "persons",
        "stock",
        True,
        False,
        "professional-technical talent in the labour force",
    ),
    Indicator("high_skill_share", "share", "rate", False, False, "high_skill_talent / skilled_workers"),
    Indicator(
        "avg_schooling_years_working_age",
        "years",
        "rate",
        False,
        False,
        "average years of schooling of residents aged 16-59 (students at the level attended)",
    ),
    Indicator(
        "tertiary_educated_share",
        "share",
        "rate",
        False,
        False,
        "share of residents with college education or more (students at the level attended)",
    ),
    Indicator(
        "training_person_times_to_date",
        "person-times",
        "total",
        True,
        False,
        "running total of training_person_times from 2021-01 to the end of this month (the plan counts "
        "2021-2025); not a monthly flow; province only",
    ),
    Indicator(
        "training_person_times_subsidised_to_date",
        "person-times",
        "total",
        True,
        False,
        "running total of training_person_times_subsidised (plan-attributable courses) from 2021-01 to the "
        "end of this month: what counts towards the plan's 1,050,000; province only",
    ),
    Indicator(
        "target_attainment_high_skill_talent",
        "share",
        "rate",
        False,
        False,
        "high_skill_talent / the plan's 2025 target (650,000); province only",
    ),
    Indicator(
        "target_attainment_high_skill_share",
        "share",
        "rate",
        False,
        False,
        "high_skill_share / the plan's 2025 target (30 %); province only",
    ),
    Indicator(
        "target_attainment_training",
        "share",
        "rate",
        False,
        False,
        "training_person_times_subsidised_to_date / the plan's 2021-2025 target (1,050,000): only courses the "
        "plan's programmes fund count; province only",
    ),
)
#: Every indicator: the stocks and rates recorded here, then the flows the processes declare.
INDICATORS: tuple[Indicator, ...] = STOCK_INDICATORS + flow_indicators()
#: The first graduation counted by the retention indicators: July 2021 (the July 2020 graduates of census day
#: are synthetic and not counted).
FIRST_COUNTED_COHORT = 8
#: First model month counted towards the plan's training target (2021-01).
PLAN_START_MONTH = 2
INDICATOR_INDEX = {ind.name: i for i, ind in enumerate(INDICATORS)}
FLOW_INDICATORS = flow_indicators()
#: Output regions: the province first, then the units, then the outside regions.
OUTPUT_REGIONS: tuple[str, ...] = ("province",) + REGIONS

N_STATUS, N_TIER, N_BAND, N_EDU = 7, 4, 3, 8


class Recorder:
    """Collects the indicators of every month into a preallocated array."""

    def __init__(self, months: int, scale: int, plan_targets: dict[str, float] | None = None) -> None:
        self.scale = scale
        self.plan_targets = plan_targets or {}
        self.training_since_2021 = 0.0
        self.subsidised_training_since_2021 = 0.0
        self.values = np.full((months, len(INDICATORS), len(OUTPUT_REGIONS)), np.nan)
        self.extra: dict[tuple[int, str, str], float] = {}  # (month, region, indicator) -> value (levers)
        # the age profile: persons by month x (region, sex, age group), unscaled (-1: month not recorded)
        cells = N_REGIONS * 2 * N_AGE_GROUPS
        self.age_population = np.full((months, cells), -1, dtype=np.int64)
        self.age_flows = {name: np.full((months, cells), -1, dtype=np.int64) for name in AGE_FLOWS}

    def _put(self, month: int, name: str, by_region: np.ndarray, province: float) -> None:
        row = self.values[month, INDICATOR_INDEX[name]]
        row[0] = province
        row[1:] = by_region

    def record_stocks(self, persons: PersonStore, state: WorldState, month: int) -> None:
        """Stocks on the first day of `month` (before that month's processes run)."""
        s = self.scale
        cube, ages = stock_counts(persons)
        self.age_population[month] = ages
        alive = cube[:, : Status.DEAD]
        population = alive.sum(axis=(1, 2, 3, 4))
        working_age = alive[:, :, :, 1].sum(axis=(1, 2, 3))
        employed = cube[:, Status.EMPLOYED].sum(axis=(1, 2, 3))
        unemployed = cube[:, Status.UNEMPLOYED].sum(axis=(1, 2, 3))
        labour = cube[:, Status.EMPLOYED] + cube[:, Status.UNEMPLOYED]  # region, tier, band, edu
        by_tier = labour.sum(axis=(2, 3))
        skilled = by_tier[:, Tier.SKILLED] + by_tier[:, Tier.HIGH_SKILL]
        schooling = (alive[:, :, :, 1].sum(axis=(1, 2)) * SCHOOLING_YEARS[None, :]).sum(axis=1)
        tertiary = alive[..., Edu.COLLEGE :].sum(axis=(1, 2, 3, 4))
        inside = slice(0, N_UNITS)

        def put_count(name: str, values: np.ndarray, outside: bool = False) -> None:
            shown = values if outside else np.where(np.arange(N_REGIONS) < N_UNITS, values, np.nan)
            self._put(month, name, shown * s, values[inside].sum() * s)

        def put_ratio(name: str, top: np.ndarray, bottom: np.ndarray) -> None:
            with np.errstate(invalid="ignore", divide="ignore"):
                ratio = np.where(bottom > 0, top / bottom, np.nan)
            ratio[N_UNITS:] = np.nan
            total = bottom[inside].sum()
            self._put(month, name, ratio, top[inside].sum() / total if total > 0 else np.nan)

        put_count("population", population, outside=True)
        put_count("working_age_population", working_age, outside=True)
        put_count("employed", employed)
        put_ratio("unemployment_rate", unemployed, employed + unemployed)
        put_count("skilled_workers", skilled)
        put_count("high_skill_talent", by_tier[:, Tier.HIGH_SKILL])
        put_count("professional_technical_talent", by_tier[:, Tier.PROFESSIONAL])
        put_ratio("high_skill_share", by_tier[:, Tier.HIGH_SKILL], skilled)
        put_ratio("avg_schooling_years_working_age", schooling, working_age)
        put_ratio("tertiary_educated_share", tertiary, population)
        self._attainment(
            month, "target_attainment_high_skill_talent", "high_skill_talent", "high_skill_talent", 1.0
        )
        self._attainment(
            month, "target_attainment_high_skill_share", "high_skill_share", "high_skill_share_pct", 100
        )

        # employees of Jilin firms by firm (kept by the labour market) and their wage bill (set_wages)
        firms = state.firms
        per_firm = firms.employment.astype(float)
        wages_firm = firms.wage_bill_yuan
        cell = firms.unit * N_SECTORS + firms.sector
        by_sector = np.bincount(cell, weights=per_firm, minlength=N_REGIONS * N_SECTORS).reshape(
            N_REGIONS, N_SECTORS
        )
        for k, sector in enumerate(SECTORS):
            put_count(f"employed_{sector}", by_sector[:, k])
        paid = firms.sector != 0  # non-agricultural
        wage_sum = np.bincount(firms.unit[paid], weights=wages_firm[paid], minlength=N_REGIONS)
        paid_count = np.bincount(firms.unit[paid], weights=per_firm[paid], minlength=N_REGIONS)
        put_ratio("mean_wage", wage_sum * 12.0, paid_count)

        # the last July's graduates of Jilin's universities; on the first day of a July, the cohort is a year old
        cohort = last_graduation_month(month - 1)
        if cohort >= FIRST_COUNTED_COHORT:
            retained, cohort_size = cohort_by_region(persons, cohort)
            suffix = "_one_year" if calendar_month(month) == 7 else ""
            put_count(f"graduates_retained{suffix}", retained)
            rate = retained[inside].sum() / cohort_size if cohort_size else np.nan
            self._put(month, f"graduate_retention_rate{suffix}", np.full(N_REGIONS, np.nan), rate)

    def record_flows(self, flows: MonthFlows, month: int) -> None:
        """Flows during `month`: every flow indicator the processes declare, then the plan's running totals."""
        s = self.scale
        mask_inside = np.arange(N_REGIONS) < N_UNITS
        for indicator in FLOW_INDICATORS:
            values, province = indicator.flow_value(flows)
            shown = values.astype(float) if indicator.outside else np.where(mask_inside, values, np.nan)
            self._put(month, indicator.name, shown * s, province * s)
        inside = slice(0, N_UNITS)
        if month >= PLAN_START_MONTH:
            self.training_since_2021 += float(flows.training[inside].sum()) * s
            self.subsidised_training_since_2021 += float(flows.training_subsidised[inside].sum()) * s
        nowhere = np.full(N_REGIONS, np.nan)
        self._put(month, "training_person_times_to_date", nowhere, self.training_since_2021)
        self._put(month, "training_person_times_subsidised_to_date", nowhere, self.subsidised_training_since_2021)
        self._attainment(
            month,
            "target_attainment_training",
            "training_person_times_subsidised_to_date",
            "training_person_times",
            1.0,
        )
        for lever, yuan in flows.spending_yuan.items():
            self.extra[(month, "province", f"policy_spending_yuan.{lever}")] = yuan
        for name in AGE_FLOWS:
            self.age_flows[name][month] = flows.by_age[name]

    def _attainment(self, month: int, name: str, source: str, target_key: str, target_unit: float) -> None:
        """Province value of `source` over the plan's target (converted by `target_unit`)."""
        target = self.plan_targets.get(target_key)
        value = self.values[month, INDICATOR_INDEX[source], 0]
        self._put(month, name, np.full(N_REGIONS, np.nan), value * target_unit / target if target else np.nan)

    def to_frame(self, scenario: str, replicate: int, seed: int) -> pd.DataFrame:
        """The tidy table: scenario, replicate, seed, scale, date, region, indicator, value."""
        months, n_ind, n_reg = self.values.shape
        m, i, r = np.meshgrid(np.arange(months), np.arange(n_ind), np.arange(n_reg), indexing="ij")
        values = self.values.ravel()
        keep = ~np.isnan(values)
        frame = pd.DataFrame(
            {
                "date": np.array([month_to_date(k) for k in range(months)])[m.ravel()[keep]],
                "region": np.array(OUTPUT_REGIONS)[r.ravel()[keep]],
                "indicator": np.array([ind.name for ind in INDICATORS])[i.ravel()[keep]],
                "value": values[keep],
            }
        )
        if self.extra:
            extra = pd.DataFrame(
                [(month_to_date(k[0]), k[1], k[2], v) for k, v in sorted(self.extra.items())],
                columns=["date", "region", "indicator", "value"],
            )
            frame = pd.concat([frame, extra], ignore_index=True)
        frame.insert(0, "scale", self.scale)
        frame.insert(0, "seed", seed)
        frame.insert(0, "replicate", replicate)
        frame.insert(0, "scenario", scenario)
        return frame

    def age_profile_frame(self, scenario: str, replicate: int, seed: int) -> pd.DataFrame:
        """The age profile as a tidy table: scenario, replicate, seed, scale, date, region, sex, age_low,
        age_high, indicator, value.

        Indicators: `population` (a stock, first day of the month), `deaths`, `in_migrants_interprovincial`
        and `out_migrants_interprovincial` (flows in the month; a unit's arrivals from and departures to
        other provinces). Regions: the province (the sum of the units), the units and the outside regions
        (tracked persons). Age groups are the census' (0, 1-4, 5-9, ..., 95-99, 100+; age_high empty for the
        last). Counts are multiplied by the scale.
        """
        tables = {"population": self.age_population, **self.age_flows}
        recorded = np.flatnonzero((self.age_population >= 0).all(axis=1))
        highs = [*(low - 1 for low in AGE_GROUP_LOWS[1:]), np.nan]
        frames = []
        for name, table in tables.items():
            done = recorded[(table[recorded] >= 0).all(axis=1)]
            cube = table[done].reshape(done.size, N_REGIONS, 2, N_AGE_GROUPS).astype(float) * self.scale
            province = cube[:, :N_UNITS].sum(axis=1, keepdims=True)
            cube = np.concatenate([province, cube], axis=1)
            m, r, x, g = np.meshgrid(
                np.arange(done.size),
                np.arange(len(OUTPUT_REGIONS)),
                np.arange(2),
                np.arange(N_AGE_GROUPS),
                indexing="ij",
            )
            frames.append(
                pd.DataFrame(
                    {
                        "date": np.array([month_to_date(int(k)) for k in done], dtype=object)[m.ravel()],
                        "region": np.array(OUTPUT_REGIONS)[r.ravel()],
                        "sex": np.array(["male", "female"])[x.ravel()],
                        "age_low": np.array(AGE_GROUP_LOWS)[g.ravel()],
                        "age_high": np.array(highs)[g.ravel()],
                        "indicator": name,
                        "value": cube.ravel(),
                    }
                )
            )
        frame = pd.concat(frames, ignore_index=True)
        frame.insert(0, "scale", self.scale)
        frame.insert(0, "seed", seed)
        frame.insert(0, "replicate", replicate)
        frame.insert(0, "scenario", scenario)
        return frame


def cohort_by_region(persons: PersonStore, cohort: int) -> tuple[np.ndarray, int]:
    """The living graduates of Jilin's universities (graduated_inside) whose last graduation was in model month
    `cohort`: their number by region (float) and in all. By a compiled pass (`simulator.kernels.cohort_by_region`)
    for large populations, else by numpy."""
    if use_kernels(persons.n):
        from simulator import kernels

        by_region = kernels.cohort_by_region(
            persons.graduation_month, persons.status, persons.graduated_inside, persons.region, cohort,
            int(Status.DEAD), N_REGIONS,
        )  # fmt: skip
        return by_region.astype(float), int(by_region.sum())
    grads = np.flatnonzero(persons.graduation_month == cohort)
    grads = grads[(persons.status[grads] != Status.DEAD) & (persons.graduated_inside[grads] == 1)]
    return np.bincount(persons.region[grads], minlength=N_REGIONS).astype(float), int(grads.size)


def stock_counts(persons: PersonStore) -> tuple[np.ndarray, np.ndarray]:
    """Persons by (region, status, tier, age band 0-15/16-59/60+, education: max(edu, enrolled)), as a float
    array of that shape, and the living by age-profile cell (`age_sex_cells_all`), as int64: by one compiled
    pass (`simulator.kernels.stock_counts`) for large populations, else by numpy."""
    shape = (N_REGIONS, N_STATUS, N_TIER, N_BAND, N_EDU)
    n_cells = N_REGIONS * 2 * N_AGE_GROUPS
    if use_kernels(persons.n):
        from simulator import kernels

        cube, ages = kernels.stock_counts(
            persons.region, persons.status, persons.tier, persons.age_years, persons.edu, persons.enrolled,
            persons.sex, np.array(shape, dtype=np.int64), int(Status.DEAD), N_AGE_GROUPS,
        )  # fmt: skip
        return cube.astype(float).reshape(shape), ages
    key = persons.region.astype(np.int16)
    for factor, part in ((N_STATUS, persons.status), (N_TIER, persons.tier)):
        key *= factor
        key += part
    key *= N_BAND
    key += persons.age_years >= 16
    key += persons.age_years >= 60
    key *= N_EDU
    key += np.maximum(persons.edu, persons.enrolled)
    cube = bincount(key, int(np.prod(shape))).reshape(shape)
    cells = age_sex_cells_all(persons.region, persons.sex, persons.age_years)
    cells[persons.status == Status.DEAD] = n_cells  # the dead in a bin of their own, left out
    return cube, bincount(cells, n_cells + 1)[:n_cells].astype(np.int64)


def last_graduation_month(month: int) -> int:
    """Model month of the most recent July at or before `month` (July 2020 is -4)."""
    return month - (calendar_month(month) - 7) % 12

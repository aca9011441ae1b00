"""Derive `calibration/targets.csv`, the figures the fit uses, from the other files in `calibration/`.

Run from the repository root: `python calibration/derive_targets.py` writes the file (atomically);
`python calibration/derive_targets.py --check` exits 1 if the committed file differs from what it would write.
The script reads only `calibration/*.csv` and is deterministic (no random numbers, fixed rounding), so the
committed file can be regenerated and compared (tests/test_targets.py does).

Every target is dated on or before census day (2020-11-01). The method of each kind of target is told in
calibration/SOURCES.md ("Targets") and in the `derivation` column of each row; in short:

- Life table. A Gompertz-Makeham hazard by single year of age and sex, of the model's shape
  (rate(x) = L * (exp(b (x - 60)) + MAKEHAM) for women, times `demography.mortality_male_ratio` for men, plus
  `demography.mortality_infant_ratio` * L at age 0), with two free numbers: the level L and the slope b
  (b = ln 2 / doubling time). They are solved so that (i) the 2020 census population by single age and sex
  has the 2019 number of deaths (186,200) and (ii) the cohorts aged 75 and over on the 2010 census day, who
  stay 75+ for the whole decade and move little, are as many ten years later (ages 85+ in 2020, 249,661) as
  the table lets survive.
- Cohort net migration. For each five-year cohort aged 0-4 ... 70-74 in 2010 the expected 2020 survivors
  under that table (single years, both sexes) are compared with the 2020 count of the same cohort:
  rate = (observed / expected) ** (1 / 10) - 1, the survival-adjusted compound yearly net migration rate.
  The 2010 table has no sex split, so the rates are for both sexes together; each cohort's 2010 sex mix is
  taken from its 2020 sexes reverse-survived. The tolerance adds to a floor (coverage differences between the
  censuses) how much the rate moves when the doubling time is set to either end of its range in
  `calibration/parameters.csv` with the level refitted to the deaths.
- Unit population change: compound yearly rate between the censuses (2020 boundaries).
- Births, deaths, graduates and census-day stocks: the figures as published, with stated tolerances.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import brentq

HERE = Path(__file__).resolve().parent
OUTPUT = "targets.csv"
OBSERVED_OUTPUT = "observed_census_record.csv"
OBSERVED_COLUMNS = ["region", "indicator", "date", "year", "value", "source", "target", "note"]
CENSUS_DAY = "2020-11-01"
CENSUS_2010_DAY = "2010-11-01"
YEARS_BETWEEN_CENSUSES = 10.0
MAX_AGE = 104  # single years 0..104; the census' open group 100+ is spread over 100-104 (as the model does)
AGES = np.arange(MAX_AGE + 1)
#: Makeham term of the model's mortality shape, relative to the Gompertz term at age 60 (shape constant of
#: simulator/processes/demography.py, not a figure of the world).
MAKEHAM = 0.002
#: Age from which the 2010 cohorts are taken to move little over the decade (they stay 75+ throughout).
OLD_AGE_FROM = 75
#: Floors of the cohort rate tolerances, per year (assumptions, stated in tolerance_basis).
COHORT_FLOOR = 0.002
COHORT_FLOOR_CHILDREN = 0.004
UNIT_FLOOR = 0.0015
COLUMNS = [
    "target",
    "kind",
    "region",
    "sex",
    "age_low",
    "age_high",
    "date",
    "value",
    "unit",
    "tolerance",
    "tolerance_basis",
    "weight",
    "source",
    "derivation",
]
UNITS_WITH_2010 = ("changchun", "baishan", "songyuan", "baicheng", "yanbian")
OTHER_UNITS = "jilin;siping;liaoyuan;tonghua;meihekou;changbaishan"


class TargetsError(ValueError):
    """An input file lacks a figure the targets need."""


# --- inputs ------------------------------------------------------------------------------------------------


def _csv(directory: Path, name: str) -> pd.DataFrame:
    path = directory / name
    if not path.is_file():
        raise TargetsError(f"{path}: missing (derive_targets.py needs it)")
    return pd.read_csv(path)


def _figure(frame: pd.DataFrame, key: str, column: str = "figure") -> float:
    rows = frame[frame[column] == key]
    if len(rows) != 1:
        raise TargetsError(f"figure {key!r} expected once (found {len(rows)})")
    return float(rows["value"].iloc[0])


def _parameter(frame: pd.DataFrame, name: str) -> tuple[float, float, float]:
    rows = frame[frame["name"] == name]
    if len(rows) != 1:
        raise TargetsError(f"parameters.csv: parameter {name!r} expected once (found {len(rows)})")
    row = rows.iloc[0]
    return float(row["value"]), float(row["low"]), float(row["high"])


def single_years(age_low: np.ndarray, age_high: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Spread age groups over single years 0..104, keeping every group total exactly.

    The method of the model's synthesis (simulator/synthesis/numerics.py `single_years`): a density linear
    between group midpoints, flat beyond the first and last, rescaled within each group to the group's total.
    """
    width = age_high - age_low + 1
    mid = (age_low + age_high) / 2.0
    density = np.interp(AGES, mid, counts / width)
    out = np.zeros(MAX_AGE + 1)
    for low, high, total in zip(age_low, age_high, counts, strict=True):
        cells = slice(int(low), int(high) + 1)
        mass = density[cells].sum()
        out[cells] = density[cells] * (total / mass) if mass > 0 else total / (high - low + 1)
    return out


def _groups(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    low = frame["age_low"].to_numpy(dtype=int)
    high = frame["age_high"].fillna(MAX_AGE).to_numpy(dtype=int)
    return low, high


@dataclass(frozen=True)
class Census:
    """The two censuses by single year of age: 2020 by sex (105 x 2), 2010 both sexes (105)."""

    sexes_2020: np.ndarray
    total_2010: np.ndarray
    groups_2020: pd.DataFrame
    groups_2010: pd.DataFrame


def read_census(directory: Path) -> Census:
    """Both census age tables spread to single years; the 2010 open group 85+ is spread like 2020's 85+."""
    g20 = _csv(directory, "age_sex_2020.csv")
    g10 = _csv(directory, "age_2010.csv")
    low, high = _groups(g20)
    sexes = np.column_stack([single_years(low, high, g20[s].to_numpy(dtype=float)) for s in ("male", "female")])
    low10, high10 = _groups(g10)
    counts10 = g10["total"].to_numpy(dtype=float)
    closed = high10 < MAX_AGE
    total10 = single_years(low10[closed], high10[closed], counts10[closed])
    open_from = int(low10[~closed][0])
    shape = sexes[open_from:].sum(axis=1)
    total10[open_from:] = counts10[~closed][0] * shape / shape.sum()
    return Census(sexes, total10, g20, g10)


# --- life table --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LifeTable:
    """Yearly death rates (hazards) by single age 0..104 and sex (columns male, female)."""

    level: float  # yearly death rate of women aged 60, less the Makeham term
    doubling_years: float
    infant_ratio: float
    male_ratio: float

    def hazard(self) -> np.ndarray:
        """Yearly hazard by age (rows 0..104) and sex (male, female)."""
        slope = math.log(2.0) / self.doubling_years
        shape = np.exp(slope * (AGES - 60.0)) + MAKEHAM
        shape[0] += self.infant_ratio
        return self.level * np.column_stack([shape * self.male_ratio, shape])


def fit_level(doubling: float, infant: float, male: float, population: np.ndarray, deaths: float) -> LifeTable:
    """The table of this shape whose deaths on `population` (by age and sex) equal `deaths`."""
    unit = LifeTable(1.0, doubling, infant, male)
    level = deaths / float((population * unit.hazard()).sum())
    return LifeTable(level, doubling, infant, male)


def survival_ten_years(table: LifeTable) -> np.ndarray:
    """Probability by single age on the first census day (rows) and sex of being alive ten years later.

    A person of completed age x is taken at exact age x + 0.5; the hazard is a step function of completed
    age (as in the model, which holds each age's rate for the year); ages past 104 keep the rate at 104.
    """
    hazard = table.hazard()
    steps = 1000
    t = (np.arange(steps) + 0.5) * YEARS_BETWEEN_CENSUSES / steps
    age = np.minimum(np.floor(AGES[:, None] + 0.5 + t[None, :]).astype(int), MAX_AGE)
    integral = hazard[age].sum(axis=1) * (YEARS_BETWEEN_CENSUSES / steps)  # (ages, sexes)
    return np.exp(-integral)


def expected_survivors(census: Census, table: LifeTable) -> np.ndarray:
    """Expected survivors in 2020 by 2010 single age (both sexes).

    The 2010 sex mix of each single-year cohort is unknown (the 2010 table has no sex split): it is taken
    from the cohort's 2020 men and women, each divided by their survival (reverse survival).
    """
    survive = survival_ten_years(table)
    ten = int(YEARS_BETWEEN_CENSUSES)
    later = np.zeros((MAX_AGE + 1, 2))
    later[: MAX_AGE + 1 - ten] = census.sexes_2020[ten:]
    later[MAX_AGE + 1 - ten :] = census.sexes_2020[MAX_AGE]  # oldest: the mix at 104
    backward = later / survive
    share = backward / backward.sum(axis=1, keepdims=True)
    return census.total_2010 * (share * survive).sum(axis=1)


def observed_old(census: Census) -> float:
    """Persons aged OLD_AGE_FROM + 10 and over in 2020 (survivors of the 2010 cohorts aged OLD_AGE_FROM+)."""
    return float(census.sexes_2020[OLD_AGE_FROM + 10 :].sum())


def fit_life_table(census: Census, deaths: float, infant: float, male: float) -> LifeTable:
    """Level and doubling time such that the deaths and the old cohorts' survivors are both reproduced."""
    target = observed_old(census)

    def gap(doubling: float) -> float:
        table = fit_level(doubling, infant, male, census.sexes_2020, deaths)
        return float(expected_survivors(census, table)[OLD_AGE_FROM:].sum()) - target

    doubling = brentq(gap, 3.0, 20.0, xtol=1e-10)
    return fit_level(doubling, infant, male, census.sexes_2020, deaths)


# --- targets -----------------------------------------------------------------------------------------------


def _row(**values: object) -> dict[str, object]:
    row = {c: "" for c in COLUMNS}
    row.update(values)
    return row


def cohort_rates(census: Census, table: LifeTable) -> list[tuple[int, int, float, float, float]]:
    """(2010 age_low, age_high, 2010 count, expected 2020 survivors, compound yearly net migration rate)."""
    expected = expected_survivors(census, table)
    observed = census.sexes_2020.sum(axis=1)
    out = []
    for low, high in zip(*_groups(census.groups_2010), strict=True):
        if high >= 75 or high == MAX_AGE:
            continue
        expect = float(expected[low : high + 1].sum())
        seen = float(observed[low + 10 : high + 11].sum())
        rate = (seen / expect) ** (1.0 / YEARS_BETWEEN_CENSUSES) - 1.0
        out.append((int(low), int(high), float(census.total_2010[low : high + 1].sum()), expect, rate))
    return out


def cohort_targets(census: Census, table: LifeTable, alternatives: list[LifeTable]) -> list[dict[str, object]]:
    """Survival-adjusted yearly net migration of the 2010 -> 2020 cohorts aged 0-4 ... 70-74 in 2010."""
    rows = []
    alt = [cohort_rates(census, a) for a in alternatives]
    for i, (low, high, count, expect, rate) in enumerate(cohort_rates(census, table)):
        spread = max(abs(a[i][4] - rate) for a in alt)
        children = low < 10
        floor = COHORT_FLOOR_CHILDREN if children else COHORT_FLOOR
        old = high >= 65
        note = (
            "2010 census coverage of young children is uncertain (assumed up to 4 % over ten years)"
            if children
            else "coverage differences between censuses (assumed up to 2 % over ten years)"
        )
        seen = census.sexes_2020.sum(axis=1)[low + 10 : high + 11].sum()
        rows.append(
            _row(
                target=f"cohort_net_migration_{low}_{high}_to_{low + 10}_{high + 10}",
                kind="cohort_net_migration_rate",
                region="province",
                sex="all",
                age_low=low + 10,
                age_high=high + 10,
                date=CENSUS_DAY,
                value=round(rate, 5),
                unit="per year",
                tolerance=round(floor + spread, 4),
                tolerance_basis=f"{floor} per year for {note} plus {spread:.4f}: the rate's shift when the "
                f"mortality doubling time is set to {alternatives[0].doubling_years:g} or "
                f"{alternatives[1].doubling_years:g} years (level refitted to the deaths)",
                weight=0.5 if children or old else 1.0,
                source="CY",
                derivation=f"cohort aged {low}-{high} on 2010-11-01 ({count:,.0f}) and {low + 10}-{high + 10} on "
                f"2020-11-01 ({seen:,.0f}); expected survivors {expect:,.0f} under the fitted life table "
                "(both sexes: the 2010 table has no sex split, so no sex-specific target is possible); "
                "rate = (observed / expected)^(1/10) - 1"
                + (
                    "; weight 0.5: old ages, where the rate also absorbs any misfit of the mortality level"
                    if old
                    else ""
                )
                + ("; weight 0.5: young children's coverage in 2010" if children else ""),
            )
        )
    return rows


def old_age_targets(census: Census, table: LifeTable) -> list[dict[str, object]]:
    """Ten-year survival of the oldest 2010 cohorts (the mortality level's anchor) as targets."""
    expected = expected_survivors(census, table)
    observed = census.sexes_2020.sum(axis=1)
    rows = []
    for low, high in ((75, 79), (80, 84), (85, MAX_AGE), (75, MAX_AGE)):
        count = float(census.total_2010[low : high + 1].sum())
        seen = float(observed[low + 10 :].sum() if high == MAX_AGE else observed[low + 10 : high + 11].sum())
        expect = float(expected[low : high + 1].sum())
        pooled = (low, high) == (75, MAX_AGE)
        label = f"{low}+" if high == MAX_AGE else f"{low}-{high}"
        label20 = f"{low + 10}+" if high == MAX_AGE else f"{low + 10}-{high + 10}"
        rows.append(
            _row(
                target=f"cohort_survival_{label.replace('+', '_plus').replace('-', '_')}",
                kind="cohort_survival",
                region="province",
                sex="all",
                age_low=low + 10,
                age_high="" if high == MAX_AGE else high + 10,
                date=CENSUS_DAY,
                value=round(seen / count, 5),
                unit="share surviving ten years",
                tolerance=round(max(0.02, abs(expect / count - seen / count)) + 0.01, 4),
                tolerance_basis="0.01 for census age misreporting at old ages plus the misfit of the fitted "
                "table at this age (at least 0.02)",
                weight=2.0 if pooled else 0.5,
                source="CY",
                derivation=f"persons aged {label} on 2010-11-01 ({count:,.0f}) and {label20} on 2020-11-01 "
                f"({seen:,.0f}); the fitted life table gives {expect / count:.4f}"
                + ("; the pooled 75+ cohort is what the life table's slope is solved to match" if pooled else ""),
            )
        )
    return rows


def life_table_rows(table: LifeTable, low: float, high: float) -> list[dict[str, object]]:
    """The fitted table's two numbers, recorded so the fit can start from them (weight 0: not moments)."""
    inside = low <= table.doubling_years <= high
    return [
        _row(
            target="life_table_doubling_years",
            kind="life_table",
            region="province",
            sex="all",
            date=CENSUS_DAY,
            value=round(table.doubling_years, 4),
            unit="years",
            tolerance=0,
            tolerance_basis="derived value (weight 0): not a moment",
            weight=0,
            source="CY; YB",
            derivation="doubling time of the Gompertz term solved so that the 2010 cohorts aged 75+ number "
            "as many in 2020 (85+) as the table lets survive, the level refitted to the 2019 deaths each time"
            + ("" if inside else f"; outside the parameter range [{low:g}, {high:g}] of parameters.csv"),
        ),
        _row(
            target="life_table_level_female_60",
            kind="life_table",
            region="province",
            sex="female",
            age_low=60,
            age_high=60,
            date=CENSUS_DAY,
            value=round(table.level * (1.0 + MAKEHAM), 6),
            unit="deaths per person-year",
            tolerance=0,
            tolerance_basis="derived value (weight 0): not a moment",
            weight=0,
            source="CY; YB",
            derivation="yearly death rate of women aged 60 in the fitted table (men: times "
            f"{table.male_ratio:g}); with it the 2020 census population has the 2019 deaths",
        ),
    ]


def unit_targets(directory: Path) -> list[dict[str, object]]:
    """Compound yearly population change 2010 -> 2020 of the units with a 2010 figure and the province."""
    units = _csv(directory, "units_2020.csv").set_index("unit")
    group = _csv(directory, "units_group_2010.csv")
    province = _csv(directory, "province_2020.csv")
    entries = [
        (u, float(units.at[u, "population_2010"]), float(units.at[u, "population"]), "CITY")
        for u in UNITS_WITH_2010
    ]
    row = group[group["units"] == OTHER_UNITS]
    if len(row) != 1:
        raise TargetsError(f"units_group_2010.csv: needs one row for {OTHER_UNITS}")
    entries.append(
        (OTHER_UNITS, float(row["population_2010"].iloc[0]), float(row["population_2020"].iloc[0]), "C1")
    )
    entries.append(("province", _figure(province, "population_2010"), _figure(province, "population"), "C1"))
    rows = []
    for region, before, after, source in entries:
        rate = (after / before) ** (1.0 / YEARS_BETWEEN_CENSUSES) - 1.0
        tolerance = UNIT_FLOOR + 0.1 * abs(rate)
        name = "other_six_units" if ";" in region else region
        rows.append(
            _row(
                target=f"population_change_{name}",
                kind="unit_population_change",
                region=region,
                sex="all",
                date=CENSUS_DAY,
                value=round(rate, 5),
                unit="per year",
                tolerance=round(tolerance, 5),
                tolerance_basis=f"{UNIT_FLOOR} per year (boundary and coverage differences between censuses) "
                "plus 10 % of the rate (the decade's average need not hold in every year)",
                weight=1.0,
                source=source,
                derivation=f"({after:,.0f} in 2020 / {before:,.0f} in 2010)^(1/10) - 1 on 2020 boundaries"
                + ("; the six units' sum (2010: province less the five known units)" if ";" in region else ""),
            )
        )
    return rows


def vital_targets(directory: Path, table: LifeTable, census: Census) -> list[dict[str, object]]:
    """Census-year births (sample and age 0) and the yearly deaths of 2018 and 2019."""
    province = _csv(directory, "province_2020.csv")
    vital = _csv(directory, "vital_statistics.csv").set_index("year")
    sample = _figure(province, "births_census_year_sample")
    fraction = _figure(province, "long_form_sample_fraction")
    age0 = float(_csv(directory, "age_sex_2020.csv").query("age_low == 0 and age_high == 0")["total"].iloc[0])
    births = sample / fraction
    infant_hazard = table.hazard()[0]
    sexes0 = census.sexes_2020[0]
    # a child born during the 12 months is on average half a year old on census day
    infant_deaths = float((sexes0 * (np.exp(infant_hazard * 0.5) - 1.0)).sum())
    rows = [
        _row(
            target="births_census_year",
            kind="births",
            region="province",
            sex="all",
            date=CENSUS_DAY,
            value=round(births),
            unit="persons per 12 months",
            tolerance=3000,
            tolerance_basis="the long-form sample is 'about 10 %' (1 point off the fraction is about 1,200 "
            "births) plus under-count of infants: about 2.5 %",
            weight=2.0,
            source="CY",
            derivation=f"births of the 12 months before census day (2019-11-01 to 2020-10-31) in the long-form "
            f"sample, {sample:,.0f}, divided by the sample fraction {fraction:g}; {births - age0:,.0f} more than "
            f"the {age0:,.0f} children aged 0 on census day: the fitted table's infant deaths explain about "
            f"{infant_deaths:,.0f}, the rest is under-count of infants and the sample fraction's uncertainty; "
            "simulated counterpart: births in the model's first 12 months (fertility held at its level)",
        ),
        _row(
            target="population_age_0",
            kind="stock",
            region="province",
            sex="all",
            age_low=0,
            age_high=0,
            date=CENSUS_DAY,
            value=round(age0),
            unit="persons",
            tolerance=3000,
            tolerance_basis="as births_census_year (same children, counted in the full count)",
            weight=1.0,
            source="CY",
            derivation="children aged 0 on census day (full count): the survivors of the census year's births; "
            "simulated counterpart: persons aged 0 twelve months after census day",
        ),
    ]
    deaths19, deaths18 = float(vital.at[2019, "deaths"]), float(vital.at[2018, "deaths"])
    for year in (2018, 2019):
        deaths = float(vital.at[year, "deaths"])
        rows.append(
            _row(
                target=f"deaths_{year}",
                kind="deaths",
                region="province",
                sex="all",
                date=f"{year}-12-31",
                value=round(deaths),
                unit="persons per year",
                tolerance=round(abs(deaths19 - deaths18) / 2),
                tolerance_basis="half the change from 2018 to 2019 (year-to-year variation)",
                weight=1.0 if year == 2019 else 0.0,
                source="YB",
                derivation="deaths in the calendar year (census-revised series); the life table reproduces 2019 "
                "on the 2020 age-sex structure; simulated counterpart: deaths in the model's first 12 months"
                + ("; weight 0: history for the naive trend, the fit uses 2019" if year == 2018 else ""),
            )
        )
        births_yb = float(vital.at[year, "births"])
        rows.append(
            _row(
                target=f"births_{year}",
                kind="births",
                region="province",
                sex="all",
                date=f"{year}-12-31",
                value=round(births_yb),
                unit="persons per year",
                tolerance=0,
                tolerance_basis="not fitted (weight 0)",
                weight=0.0,
                source="YB",
                derivation="births in the calendar year (census-revised series); weight 0: the census counts "
                f"{births:,.0f} births in the 12 months before census day, a quarter fewer, and the model's "
                "first year continues from census day, so the census count is the target",
            )
        )
    return rows


def graduate_targets(directory: Path) -> list[dict[str, object]]:
    """The DRC's 2019 graduate outflow from 20 Northeast universities (retention = 1 - outflow)."""
    grads = _csv(directory, "graduates.csv")
    outflow = _figure(grads, "ne_graduate_outflow_pct_2019") / 100.0
    relative = _figure(grads, "ne_graduate_outflow_rel_enrolment_pct_2019") / 100.0
    return [
        _row(
            target="graduate_retention_northeast_2019",
            kind="graduate_retention",
            region="province;northeast_other",
            sex="all",
            date="2019-12-31",
            value=round(1.0 - outflow, 4),
            unit="share of graduates",
            tolerance=0.10,
            tolerance_basis="20 Northeast universities (national recruitment) are not all of Jilin's "
            "universities: 10 points",
            weight=1.0,
            source="DRC",
            derivation=f"1 - {outflow:.4f}: share of 2019 graduates of 20 Northeast universities who stayed in "
            "the Northeast; simulated counterpart: share of a July's graduates of Jilin's universities living "
            "in Jilin or the rest of the Northeast the next 1 July",
        ),
        _row(
            target="graduate_outflow_relative_to_enrolment_2019",
            kind="graduate_outflow",
            region="province;northeast_other",
            sex="all",
            date="2019-12-31",
            value=round(relative, 4),
            unit="share of in-region enrolment",
            tolerance=0.10,
            tolerance_basis="as graduate_retention_northeast_2019, and our reading of the DRC's ratio: 10 points",
            weight=0.5,
            source="DRC",
            derivation="the same outflow relative to in-region enrolment as published; our reading: net loss "
            "(graduates leaving less students who had come from outside) per student enrolled; the 2020 "
            "figure of graduates taking jobs in Jilin (69,800) refers to the year 2020 and was published in "
            "2021, so it is not a target (its reference date is after census day)",
        ),
    ]


STOCKS = (
    ("employed", "employed", "PLAN"),
    ("employed_tertiary", "employed_tertiary", "PLAN"),
    ("working_age_16_59", "working_age_population", "PLAN"),
    ("high_skill_talent", "high_skill_talent", "PLAN"),
    ("professional_technical_talent", "professional_technical_talent", "PLAN"),
)


def stock_targets(directory: Path) -> list[dict[str, object]]:
    """Census-day stocks: consistency checks (synthesis reproduces them), weight 0 in the loss."""
    province = _csv(directory, "province_2020.csv")
    units = _csv(directory, "units_2020.csv")
    rows = []
    entries = [("population", "province", _figure(province, "population"), "C1")]
    entries += [
        ("population", str(u), float(p), "C1") for u, p in zip(units["unit"], units["population"], strict=True)
    ]
    entries += [(indicator, "province", _figure(province, key), source) for key, indicator, source in STOCKS]
    for indicator, region, value, source in entries:
        rows.append(
            _row(
                target=f"stock_{indicator}_{region}",
                kind="stock",
                region=region,
                sex="all",
                date=CENSUS_DAY,
                value=round(value),
                unit="persons",
                tolerance=round(0.005 * value),
                tolerance_basis="0.5 %: synthesis reproduces the census day exactly up to rounding at the scale",
                weight=0.0,
                source=source,
                derivation=f"indicator {indicator} on census day; a consistency check of the synthetic "
                "population (weight 0: synthesis sets it, the fit cannot move it)"
                + ("; PLAN states it as the 2020 state, taken as census day" if source == "PLAN" else ""),
            )
        )
    return rows


def build_targets(directory: Path = HERE) -> pd.DataFrame:
    """Every target, in a fixed order."""
    params = _csv(directory, "parameters.csv")
    deaths = float(_csv(directory, "vital_statistics.csv").set_index("year").at[2019, "deaths"])
    infant = _parameter(params, "demography.mortality_infant_ratio")[0]
    male = _parameter(params, "demography.mortality_male_ratio")[0]
    _, low, high = _parameter(params, "demography.mortality_doubling_years")
    census = read_census(directory)
    table = fit_life_table(census, deaths, infant, male)
    alternatives = [fit_level(d, infant, male, census.sexes_2020, deaths) for d in (low, high)]
    rows = (
        cohort_targets(census, table, alternatives)
        + old_age_targets(census, table)
        + life_table_rows(table, low, high)
        + unit_targets(directory)
        + vital_targets(directory, table, census)
        + graduate_targets(directory)
        + stock_targets(directory)
    )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if (frame["date"] > CENSUS_DAY).any():
        raise TargetsError("a target is dated after census day")
    return frame


def observed_record(directory: Path, targets: pd.DataFrame) -> pd.DataFrame:
    """The census record in the tidy columns of `talentsim validate`.

    Rows without `target` are figures in the model's indicators (population stocks, births and deaths): those
    before census day are the history of the naive forecasts, the census-day stocks are compared directly.
    Rows with `target` are the fitted targets (weight > 0, not stocks), compared with their simulated
    counterparts over the run's first year.
    """
    province = _csv(directory, "province_2020.csv")
    vital = _csv(directory, "vital_statistics.csv")
    units = _csv(directory, "units_2020.csv")
    group = _csv(directory, "units_group_2010.csv")
    rows: list[dict[str, object]] = []

    def add(region, indicator, value, source, date="", year="", target="", note=""):  # noqa: ANN001, ANN202
        text = str(int(value)) if float(value).is_integer() else repr(float(value))
        cells = [region, indicator, date, year, text, source, target, note]
        rows.append(dict(zip(OBSERVED_COLUMNS, cells, strict=True)))

    add("province", "population", round(_figure(province, "population_2010")), "C1", date=CENSUS_2010_DAY)
    for u, before in zip(units["unit"], units["population_2010"], strict=True):
        if pd.notna(before):
            add(
                str(u),
                "population",
                round(float(before)),
                "CITY",
                date=CENSUS_2010_DAY,
                note="derived: 2020 less the change",
            )
    add(OTHER_UNITS, "population", round(float(group["population_2010"].iloc[0])), "C1", date=CENSUS_2010_DAY)
    for r in vital.itertuples(index=False):
        add(
            "province",
            "population",
            int(r.year_end_population),
            "YB",
            date=f"{int(r.year)}-12-31",
            note="year-end",
        )
        add("province", "births", int(r.births), "YB", year=str(int(r.year)))
        add("province", "deaths", int(r.deaths), "YB", year=str(int(r.year)))
    births = targets.set_index("target").loc["births_census_year"]
    add("province", "births", int(births["value"]), "CY", date="2019-11/2020-10", note="long-form sample / 0.1")
    for row in targets[targets["kind"] == "stock"].itertuples(index=False):
        if row.target == "population_age_0" or row.target.startswith("stock_employed_tertiary"):
            continue  # no such indicator in the outputs (tertiary employment is split into sectors)
        indicator = row.target[len("stock_") : -len(row.region) - 1]
        add(row.region, indicator, int(row.value), row.source, date=row.date, note="census day")
    fitted = targets[(targets["weight"] > 0) & (targets["kind"] != "stock")]
    for row in fitted.itertuples(index=False):
        add(row.region, row.kind, row.value, row.source, date=row.date, target=row.target, note="fitting target")
    return pd.DataFrame(rows, columns=OBSERVED_COLUMNS)


def render(frame: pd.DataFrame) -> str:
    """The CSV text of the targets (LF line ends, minimal quoting)."""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Write calibration/targets.csv, or with --check compare it with the committed file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if targets.csv differs from the derivation")
    args = parser.parse_args(argv)
    try:
        targets = build_targets(HERE)
        texts = {OUTPUT: render(targets), OBSERVED_OUTPUT: render(observed_record(HERE, targets))}
    except TargetsError as exc:
        print(f"derive_targets: {exc}", file=sys.stderr)
        return 2
    if args.check:
        stale = [n for n, t in texts.items() if not (HERE / n).is_file() or (HERE / n).read_text("utf-8") != t]
        for name in texts:
            print(f"{HERE / name}: {'differs from the derivation' if name in stale else 'up to date'}")
        return 1 if stale else 0
    for name, text in texts.items():
        handle, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=HERE)
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(temp, HERE / name)
        print(f"wrote {HERE / name} ({text.count(chr(10)) - 1} rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

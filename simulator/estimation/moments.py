"""Simulated moments: the model's counterparts of the fitting targets (calibration/targets.csv).

The targets describe the decade before census day; the model starts on census day. Each moment is therefore
measured over the model's first `window_months` months (12 by default: 2020-11 to 2021-10 for flows, the
stocks of 2020-11 and 2021-11), on the assumption that the behaviour of the years before the census goes on
across census day (what a fitted baseline should do). By kind:

- `unit_population_change`: (P(end) / P(start)) ** (12 / months) - 1 of the region (or the sum of the regions
  joined by ";"), over `trend_window_months` when it is given (the fit compares the decade's trends with the
  whole projection, not only its first years).
- `births`, `deaths`: the flow summed over the window, times 12 / months (a yearly figure).
- `stock`: the indicator on the first date (census day); the target name is `stock_<indicator>_<region>`.
  `population_age_0` (a stock by age) is read from the age profile at the end of the window.
- `graduate_retention`: `graduate_retention_rate` of the province in the first December it is recorded (that
  July's graduates living in Jilin at the end of their graduation year, like the DRC's destinations). Only
  Jilin is recorded, not the rest of the Northeast, so this is a lower bound of the Northeast's retention.
- `cohort_net_migration_rate`: from the age profile (columns date, region, sex, age_low, age_high, indicator,
  value; indicators population, in_migrants_interprovincial, out_migrants_interprovincial, deaths): the
  yearly net rate of each five-year group g, r_g = (in - out) / mean population, is combined along the
  cohort's path. Over ten years a cohort starting in group a spends on average 2.5 years in a, 5 in a + 5 and
  2.5 in a + 10, so the rate of the path a -> a + 10 is exp(0.25 ln(1 + r_a) + 0.5 ln(1 + r_a+5)
  + 0.25 ln(1 + r_a+10)) - 1.
- `cohort_survival`: exp(-(2.5 m_a + 5 m_a+5 + 2.5 m_a+10)) with m_g = deaths / mean population of group g
  (the oldest recorded group stands for all older ones); the pooled 75+ cohort weights its groups by the
  model's census-day population at those ages.
- `life_table`, `graduate_outflow`: no counterpart in the outputs (NaN, with a note).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

WINDOW_MONTHS = 12
AGE_PROFILE_COLUMNS = ("date", "region", "sex", "age_low", "age_high", "indicator", "value")
GROUP_YEARS = 5


def _months_after(first: str, months: int) -> str:
    year, month = int(first[:4]), int(first[5:7])
    index = year * 12 + month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _series(indicators: pd.DataFrame, region: str, indicator: str) -> pd.Series:
    """Monthly values of an indicator for a region or a sum of regions joined by ';' (index: date)."""
    regions = region.split(";")
    rows = indicators[(indicators["indicator"] == indicator) & indicators["region"].isin(regions)]
    if rows.empty or rows["region"].nunique() != len(regions):
        return pd.Series(dtype=float)
    return rows.groupby("date")["value"].sum(min_count=1).sort_index()


def _window(indicators: pd.DataFrame, window_months: int) -> tuple[str, str, int]:
    """(first month, month after the window, months in the window) limited to the run's length."""
    dates = sorted(indicators["date"].unique())
    months = min(window_months, len(dates) - 1)
    if months < 1:
        raise ValueError("the run needs at least two months for moments")
    return dates[0], _months_after(dates[0], months), months


def population_change(indicators: pd.DataFrame, region: str, window_months: int = WINDOW_MONTHS) -> float:
    """Compound yearly rate of change of the population of `region` over the window."""
    first, end, months = _window(indicators, window_months)
    population = _series(indicators, region, "population")
    if first not in population.index or end not in population.index:
        return math.nan
    return float((population[end] / population[first]) ** (12.0 / months) - 1.0)


def yearly_flow(
    indicators: pd.DataFrame, region: str, indicator: str, window_months: int = WINDOW_MONTHS
) -> float:
    """A flow summed over the window, as a yearly figure."""
    first, end, months = _window(indicators, window_months)
    flow = _series(indicators, region, indicator)
    inside = flow[(flow.index >= first) & (flow.index < end)]
    if len(inside) != months:
        return math.nan
    return float(inside.sum() * 12.0 / months)


def graduate_retention(indicators: pd.DataFrame) -> float:
    """`graduate_retention_rate` of the province in the first December it is recorded (the share of that
    July's graduates of Jilin's universities living in Jilin at the end of their graduation year, the
    reference of the DRC's destinations); NaN if the run has none."""
    rate = _series(indicators, "province", "graduate_retention_rate")
    december = [d for d in rate.index if d.endswith("-12") and not np.isnan(rate[d])]
    return float(rate[december[0]]) if december else math.nan


def _group_rates(profile: pd.DataFrame, first: str, end: str, months: int) -> pd.DataFrame:
    """Yearly net inter-provincial migration rate and death rate by five-year group (index: age_low)."""
    rows = profile[profile["region"] == "province"]
    if "all" in set(rows["sex"]):
        rows = rows[rows["sex"] == "all"]
    else:
        rows = rows[rows["sex"].isin(["male", "female"])]
    rows = rows.assign(group=(rows["age_low"] // GROUP_YEARS) * GROUP_YEARS)
    stocks = rows[(rows["indicator"] == "population") & (rows["date"] >= first) & (rows["date"] <= end)]
    flows = rows[(rows["indicator"] != "population") & (rows["date"] >= first) & (rows["date"] < end)]
    mean_population = stocks.groupby(["group", "date"])["value"].sum().groupby("group").mean()
    flow = flows.groupby(["group", "indicator"])["value"].sum().unstack("indicator")
    flow = flow.reindex(columns=["in_migrants_interprovincial", "out_migrants_interprovincial", "deaths"])
    flow = flow.reindex(mean_population.index).fillna(0.0) * (12.0 / months)
    net = flow["in_migrants_interprovincial"] - flow["out_migrants_interprovincial"]
    return pd.DataFrame(
        {
            "net_rate": net / mean_population,
            "death_rate": flow["deaths"] / mean_population,
            "population": mean_population,
        }
    )


def _path(values: pd.Series, start: int) -> list[float] | None:
    """Values of groups start, start + 5, start + 10 (the oldest recorded group for older ones)."""
    oldest = int(values.index.max())
    picks = [min(start + k * GROUP_YEARS, oldest) for k in range(3)]
    if any(p not in values.index for p in picks):
        return None
    return [float(values[p]) for p in picks]


WEIGHTS = (0.25, 0.5, 0.25)  # share of the ten years spent in groups a, a + 5, a + 10


def cohort_net_migration(profile: pd.DataFrame, start_age: int, window_months: int = WINDOW_MONTHS) -> float:
    """Yearly net migration rate of the path from the group aged `start_age` to the one ten years older."""
    first, end, months = _profile_window(profile, window_months)
    rates = _path(_group_rates(profile, first, end, months)["net_rate"], start_age)
    if rates is None:
        return math.nan
    return float(math.exp(sum(w * math.log1p(r) for w, r in zip(WEIGHTS, rates, strict=True))) - 1.0)


def cohort_survival(profile: pd.DataFrame, start_ages: list[int], window_months: int = WINDOW_MONTHS) -> float:
    """Ten-year survival of the cohorts starting in the groups `start_ages` (pooled by their population)."""
    first, end, months = _profile_window(profile, window_months)
    groups = _group_rates(profile, first, end, months)
    survivals, weights = [], []
    for start in start_ages:
        rates = _path(groups["death_rate"], start)
        if rates is None or start not in groups.index:
            return math.nan
        survivals.append(math.exp(-10.0 * sum(w * m for w, m in zip(WEIGHTS, rates, strict=True))))
        weights.append(float(groups.at[start, "population"]))
    return float(np.average(survivals, weights=weights))


def _profile_window(profile: pd.DataFrame, window_months: int) -> tuple[str, str, int]:
    missing = [c for c in AGE_PROFILE_COLUMNS if c not in profile.columns]
    if missing:
        raise ValueError(f"age profile lacks columns {missing}")
    return _window(profile, window_months)


def _stock_on(profile: pd.DataFrame | None, date: str, age_low: int, age_high: int) -> float:
    if profile is None:
        return math.nan
    rows = profile[
        (profile["region"] == "province")
        & (profile["indicator"] == "population")
        & (profile["date"] == date)
        & (profile["age_low"] >= age_low)
        & (profile["age_high"] <= age_high)
    ]
    if "all" in set(rows["sex"]):
        rows = rows[rows["sex"] == "all"]
    return float(rows["value"].sum()) if not rows.empty else math.nan


def simulated_moments(
    targets: pd.DataFrame,
    indicators: pd.DataFrame,
    age_profile: pd.DataFrame | None = None,
    window_months: int = WINDOW_MONTHS,
    trend_window_months: int | None = None,
) -> pd.DataFrame:
    """The targets with two more columns: `simulated` (NaN where the outputs cannot give it) and `how`.

    Args:
        targets: rows of calibration/targets.csv (columns target, kind, region, age_low, age_high, ...).
        indicators: one run's tidy indicators (date YYYY-MM, region, indicator, value).
        age_profile: the run's age profile (see the module docstring), or None.
        window_months: months from census day over which flows and changes are measured.
        trend_window_months: months over which `unit_population_change` is measured (None: `window_months`):
            the units' decade trends may be compared with a longer stretch of the model than its first years.
    """
    first, end, months = _window(indicators, window_months)
    values, notes = [], []
    for row in targets.itertuples(index=False):
        trend = row.kind == "unit_population_change" and trend_window_months is not None
        window = trend_window_months if trend else window_months
        value, how = _moment(row, indicators, age_profile, window, end)
        values.append(value)
        notes.append(how)
    return targets.assign(simulated=values, how=notes)


def _moment(row, indicators, profile, window_months, end) -> tuple[float, str]:  # noqa: ANN001
    kind, region = row.kind, row.region
    window = f"first {window_months} months"
    if kind == "unit_population_change":
        return population_change(
            indicators, region, window_months
        ), f"population change over the {window}, per year"
    if kind in ("births", "deaths"):
        return yearly_flow(indicators, region, kind, window_months), f"{kind} in the {window}, per year"
    if kind == "stock" and row.target == "population_age_0":
        return _stock_on(profile, end, 0, 0), f"persons aged 0 at {end} (age profile)"
    if kind == "stock":
        indicator = row.target[len("stock_") : -len(region) - 1]
        series = _series(indicators, region, indicator)
        if series.empty:
            return math.nan, f"indicator {indicator} not in the outputs"
        return float(series.iloc[0]), f"{indicator} on census day"
    if kind == "graduate_retention":
        return (
            graduate_retention(indicators),
            (
                "graduate_retention_rate of Jilin in the first December recorded (a lower bound: leavers to the "
                "rest of the Northeast are not recorded)"
            ),
        )
    if kind in ("cohort_net_migration_rate", "cohort_survival"):
        if profile is None:
            return math.nan, "needs the age profile (not in the outputs)"
        start = int(row.age_low) - 10
        if kind == "cohort_net_migration_rate":
            return cohort_net_migration(
                profile, start, window_months
            ), f"path {start} -> {start + 10} from yearly group rates"
        starts = [75, 80, 85] if row.target.endswith("75_plus") else [start]
        return cohort_survival(profile, starts, window_months), "ten-year survival from yearly group death rates"
    return math.nan, f"no simulated counterpart for kind {kind}"

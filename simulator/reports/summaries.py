"""The numbers a report draws: means and 90 % bands over runs, yearly totals, unit changes, target attainment
and spending, all computed from the tidy indicator table (vectorised pandas, no loops over rows).

A run is one (scenario, sample, replicate); a band holds 90 % of a scenario's runs (5th to 95th percentile).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.reports.load import SPENDING_PREFIX, Target

RUN_KEYS = ["scenario", "sample", "replicate"]
LOW, HIGH = 0.05, 0.95


def _band(values: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Mean, 5th and 95th percentile and count of `value` over runs, per group `by`."""
    grouped = values.groupby(by, sort=False)["value"]
    out = grouped.agg(mean="mean", n="count")
    out["lo"] = grouped.quantile(LOW)
    out["hi"] = grouped.quantile(HIGH)
    return out.reset_index()


def select(frame: pd.DataFrame, indicator: str, region: str = "province") -> pd.DataFrame:
    """Rows of one indicator and region."""
    return frame[(frame["indicator"] == indicator) & (frame["region"] == region)]


def monthly(frame: pd.DataFrame, indicator: str, region: str = "province", factor: float = 1.0) -> pd.DataFrame:
    """Per scenario and month: mean, lo, hi and n of an indicator over runs (values times `factor`)."""
    rows = select(frame, indicator, region)
    rows = rows.assign(value=rows["value"] * factor)
    return _band(rows, ["scenario", "date"])


def yearly_totals(frame: pd.DataFrame, indicator: str, region: str = "province") -> pd.DataFrame:
    """Per scenario and calendar year: band over runs of each run's sum of a flow over the year's months."""
    rows = select(frame, indicator, region)
    rows = rows.assign(year=rows["date"].str[:4].astype(int))
    per_run = rows.groupby([*RUN_KEYS, "year"], sort=False)["value"].sum().reset_index()
    return _band(per_run, ["scenario", "year"])


def july_values(frame: pd.DataFrame, indicator: str, region: str = "province") -> pd.DataFrame:
    """Per scenario and year: band of an indicator's July value (graduates retained: the year's retention)."""
    rows = select(frame, indicator, region)
    rows = rows[rows["date"].str[5:] == "07"]
    rows = rows.assign(year=rows["date"].str[:4].astype(int))
    return _band(rows, ["scenario", "year"])


def unit_change(frame: pd.DataFrame, indicator: str, units: list[str], percent: bool) -> pd.DataFrame:
    """Per scenario, unit and month: band over runs of an indicator's change since the first month.

    Args:
        frame: the indicator table.
        indicator: a stock indicator reported for units.
        units: unit codes.
        percent: change in % of the first month's value if True, else the value itself.
    """
    rows = frame[(frame["indicator"] == indicator) & frame["region"].isin(units)]
    if not percent:
        return _band(rows, ["scenario", "region", "date"])
    first = rows["date"].min()
    base = rows[rows["date"] == first].set_index([*RUN_KEYS, "region"])["value"]
    keyed = rows.set_index([*RUN_KEYS, "region"])
    start = base.reindex(keyed.index).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.where(start > 0, 100.0 * (keyed["value"].to_numpy() / start - 1.0), np.nan)
    rows = keyed.reset_index().assign(value=change)
    return _band(rows, ["scenario", "region", "date"])


def cumulative_flow(frame: pd.DataFrame, indicator: str, units: list[str]) -> pd.DataFrame:
    """Per scenario and unit: band over runs of a flow summed over all months."""
    rows = frame[(frame["indicator"] == indicator) & frame["region"].isin(units)]
    per_run = rows.groupby([*RUN_KEYS, "region"], sort=False)["value"].sum().reset_index()
    return _band(per_run, ["scenario", "region"])


def target_month(frame: pd.DataFrame, plan_end: str) -> str:
    """The month targets are read at: the plan's end month, or the last month if the runs end before it."""
    last = str(frame["date"].max())
    return plan_end if last >= plan_end else last


def target_table(frame: pd.DataFrame, targets: list[Target], month: str) -> pd.DataFrame:
    """Per target and scenario at `month`: mean, lo, hi, n, attainment and the share of runs reaching it."""
    parts = []
    for target in targets:
        rows = select(frame, target.indicator)
        rows = rows[rows["date"] == month]
        band = _band(rows, ["scenario"])
        reached = (rows["value"] >= target.value).groupby(rows["scenario"], sort=False).mean()
        band["share_reaching"] = band["scenario"].map(reached).to_numpy()
        band["attainment"] = band["mean"] / target.value
        band["attainment_lo"] = band["lo"] / target.value
        band["attainment_hi"] = band["hi"] / target.value
        band.insert(0, "target", target.item)
        band.insert(1, "goal", target.value)
        parts.append(band)
    return pd.concat(parts, ignore_index=True)


def spending_by_year(frame: pd.DataFrame) -> pd.DataFrame:
    """Per scenario, lever and calendar year: mean over the scenario's runs of the lever's spending (yuan).

    A run without spending rows for a lever in a year spent nothing there, so the mean divides by every run
    of the scenario.
    """
    rows = frame[(frame["region"] == "province") & frame["indicator"].str.startswith(SPENDING_PREFIX)]
    if rows.empty:
        return pd.DataFrame(columns=["scenario", "lever", "year", "yuan"])
    runs = frame.drop_duplicates(RUN_KEYS).groupby("scenario", sort=False).size()
    rows = rows.assign(lever=rows["indicator"].str[len(SPENDING_PREFIX) :], year=rows["date"].str[:4].astype(int))
    total = rows.groupby(["scenario", "lever", "year"], sort=False)["value"].sum().reset_index()
    total["yuan"] = total["value"] / total["scenario"].map(runs).to_numpy()
    return total.drop(columns="value")

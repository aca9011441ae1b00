"""Monthly indicators of a store as yearly values per run: flows summed over the year's months; stocks,
rates and running totals (kind "total") as the value of the year's last recorded month (its first day:
December for a full year).

`policy_spending_yuan` (added here) is the total of every lever's `policy_spending_yuan.<lever>` in the
year, 0 for a run without spending. A lever's spending in a year without spending is 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.recording.recorder import INDICATORS

RUN = ["scenario", "sample", "replicate"]
KEY = [*RUN, "indicator", "region", "year"]
SPENDING_PREFIX = "policy_spending_yuan."
TOTAL_SPENDING = "policy_spending_yuan"
#: Indicators summed over a year; the others (stocks, rates, running totals) are read at its last month.
FLOWS = {ind.name for ind in INDICATORS if ind.kind == "flow"}


def is_flow(name: str) -> bool:
    """Whether an indicator is summed over a year (flows and every lever's spending)."""
    return name in FLOWS or name.startswith(SPENDING_PREFIX) or name == TOTAL_SPENDING


def yearly(indicators: pd.DataFrame, runs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Yearly values of every run: columns scenario, sample, replicate, indicator, region, year, value.

    Args:
        indicators: a store's indicator rows.
        runs: the store's finished runs (status 'ok'); lever spending is filled with 0 for those of them
            without spending in a year (default: the runs that have rows).
    """
    frame = indicators[[*RUN, "date", "region", "indicator", "value"]].copy()
    for column in ("scenario", "indicator", "region"):
        frame[column] = frame[column].astype("category")
    frame["year"] = frame["date"].str.slice(0, 4).astype(np.int64)
    flow = frame["indicator"].map(lambda n: is_flow(str(n))).astype(bool)
    sums = frame[flow].groupby(KEY, observed=True, sort=False)["value"].sum()
    ordered = frame[~flow].sort_values("date", kind="stable")
    last = ordered.groupby(KEY, observed=True, sort=False)["value"].last()
    out = pd.concat([sums, last]).reset_index()
    out = _with_spending(out, frame, runs)
    for column in ("scenario", "indicator", "region"):
        out[column] = out[column].astype(str)
    return out.sort_values(KEY, kind="stable").reset_index(drop=True)


def _with_spending(out: pd.DataFrame, frame: pd.DataFrame, runs: pd.DataFrame | None) -> pd.DataFrame:
    """Add the total spending and fill every lever's spending with 0 in the years it paid nothing."""
    years = frame[[*RUN, "year"]].drop_duplicates()
    if runs is not None:
        ok = runs.loc[runs["status"] == "ok", RUN]
        years = years.merge(ok, on=RUN, how="inner")
    levers = sorted({str(n) for n in frame["indicator"].unique() if str(n).startswith(SPENDING_PREFIX)})
    spend = out[out["indicator"].astype(str).str.startswith(SPENDING_PREFIX)]
    grid = years.merge(pd.DataFrame({"indicator": levers + [TOTAL_SPENDING]}), how="cross")
    grid["region"] = "province"
    total = spend.groupby([*RUN, "year"], observed=True)["value"].sum().rename("total").reset_index()
    lever_values = spend[[*RUN, "indicator", "year", "value"]].astype({"indicator": str, "scenario": str})
    grid = grid.astype({"scenario": str})
    grid = grid.merge(lever_values, on=[*RUN, "indicator", "year"], how="left")
    grid = grid.merge(total.astype({"scenario": str}), on=[*RUN, "year"], how="left")
    is_total = grid["indicator"] == TOTAL_SPENDING
    grid.loc[is_total, "value"] = grid.loc[is_total, "total"]
    grid["value"] = grid["value"].fillna(0.0)
    rest = out[~out["indicator"].astype(str).str.startswith(SPENDING_PREFIX)].astype({"scenario": str})
    rest = rest.astype({"indicator": str, "region": str})
    return pd.concat([rest, grid[KEY + ["value"]]], ignore_index=True)


def july_values(indicators: pd.DataFrame, indicator: str, region: str = "province") -> pd.DataFrame:
    """The July value of an indicator per run and year (columns scenario, sample, replicate, year, value)."""
    rows = indicators[
        (indicators["indicator"] == indicator)
        & (indicators["region"] == region)
        & indicators["date"].str.endswith("-07")
    ]
    out = rows[[*RUN, "date", "value"]].copy()
    out["year"] = out["date"].str.slice(0, 4).astype(np.int64)
    return out.drop(columns="date").astype({"scenario": str})

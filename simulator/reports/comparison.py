"""Paired differences and cost per outcome of a batch store against a baseline scenario, as `talentsim
compare` computes them (`simulator.experiments.compare.compare_store`).

Until the batch package is part of the code, `interim_compare` computes the same tables from the store's
indicators so the report can be built and tested; `compare` uses the batch package's function when present.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import stdtrit

from simulator.reports.load import SPENDING_PREFIX, ReportError, ReportInput

try:  # the batch package's own comparison, when installed
    from simulator.experiments.compare import compare_store as _compare_store
except ImportError:  # pragma: no cover - depends on which branches are merged
    _compare_store = None

#: Outcomes the interim comparison computes a cost for.
COST_OUTCOMES = ("high_skill_talent", "graduates_retained_one_year", "population")
#: Indicators summed over a year (flows); the others are read at the year's last month (stocks and rates).
FLOWS = ("net_migration_interprovincial", "net_migration_within_province")
PAIR_KEYS = ["sample", "replicate"]


def compare(data: ReportInput, baseline: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(differences, costs) of every scenario of a store against `baseline`, paired run by run."""
    function: Callable[..., tuple[pd.DataFrame, pd.DataFrame]] | None = _compare_store
    if function is not None:
        try:
            return function(Path(data.path), baseline)
        except ValueError as exc:  # the batch package's one-line errors about the store
            raise ReportError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
    return interim_compare(data, baseline)


def _yearly(frame: pd.DataFrame) -> pd.DataFrame:
    """Per run, indicator and year: the year's total of a flow or last-month value of a stock (province)."""
    rows = frame[frame["region"] == "province"]
    rows = rows.assign(year=rows["date"].str[:4].astype(int))
    keys = ["scenario", *PAIR_KEYS, "indicator", "year"]
    flows = rows["indicator"].isin(FLOWS) | rows["indicator"].str.startswith(SPENDING_PREFIX)
    summed = rows[flows].groupby(keys)["value"].sum()
    last = rows[~flows].sort_values("date").groupby(keys)["value"].last()
    return pd.concat([summed, last]).rename("value").reset_index()


def interim_compare(data: ReportInput, baseline: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The comparison computed from the store's indicators (used until the batch package is merged)."""
    yearly = _yearly(data.indicators)
    spending = yearly[yearly["indicator"].str.startswith(SPENDING_PREFIX)]
    spending = spending.groupby(["scenario", *PAIR_KEYS, "year"])["value"].sum().rename("spent")
    cumulative = spending.groupby(level=["scenario", *PAIR_KEYS]).cumsum()
    outcomes = yearly[~yearly["indicator"].str.startswith(SPENDING_PREFIX)]
    base = outcomes[outcomes["scenario"] == baseline].drop(columns="scenario")
    differences, costs = [], []
    for variant in (s for s in data.scenarios if s != baseline):
        mine = outcomes[outcomes["scenario"] == variant].drop(columns="scenario")
        pairs = mine.merge(base, on=[*PAIR_KEYS, "indicator", "year"], suffixes=("_v", "_b"))
        pairs["diff"] = pairs["value_v"] - pairs["value_b"]
        table = pairs.groupby(["sample", "indicator", "year"]).agg(
            n=("diff", "count"),
            variant_mean=("value_v", "mean"),
            baseline_mean=("value_b", "mean"),
            mean_diff=("diff", "mean"),
            sd=("diff", "std"),
        )
        table["se"] = table["sd"] / np.sqrt(table["n"])
        half = stdtrit(np.maximum(table["n"] - 1, 1), 0.95) * table["se"]
        table["lo90"], table["hi90"] = table["mean_diff"] - half, table["mean_diff"] + half
        table = table.drop(columns="sd").reset_index()
        table.insert(0, "variant", variant)
        table.insert(1, "baseline", baseline)
        table.insert(4, "region", "province")
        differences.append(table)
        costs.append(_costs(table, cumulative, variant, baseline))
    return pd.concat(differences, ignore_index=True), pd.concat(costs, ignore_index=True)


def _costs(table: pd.DataFrame, cumulative: pd.Series, variant: str, baseline: str) -> pd.DataFrame:
    """Extra spending up to each year over the extra outcome in that year, with a 90 % interval."""
    spent = cumulative.reset_index()
    own = spent[spent["scenario"] == variant].drop(columns="scenario")
    other = spent[spent["scenario"] == baseline].drop(columns="scenario")
    extra = own.merge(other, on=[*PAIR_KEYS, "year"], how="left", suffixes=("_v", "_b")).fillna(0.0)
    extra["extra"] = extra["spent_v"] - extra["spent_b"]
    extra = extra.groupby(["sample", "year"])["extra"].mean().rename("extra_spending_yuan_mean").reset_index()
    rows = table[table["indicator"].isin(COST_OUTCOMES)].merge(extra, on=["sample", "year"], how="left")
    rows["extra_spending_yuan_mean"] = rows["extra_spending_yuan_mean"].fillna(0.0)
    clear = rows["lo90"] > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        rows["yuan_per_unit_mean"] = np.where(clear, rows["extra_spending_yuan_mean"] / rows["mean_diff"], np.nan)
        rows["lo"] = np.where(clear, rows["extra_spending_yuan_mean"] / rows["hi90"], np.nan)
        rows["hi"] = np.where(clear, rows["extra_spending_yuan_mean"] / rows["lo90"], np.nan)
    out = rows.rename(columns={"indicator": "outcome", "mean_diff": "extra_outcome_mean"})
    out = out.drop(columns=["lo90", "hi90"]).rename(columns={"lo": "lo90", "hi": "hi90"})
    out["variant"] = variant
    columns = ["variant", "sample", "outcome", "year", "extra_outcome_mean", "extra_spending_yuan_mean"]
    return out[[*columns, "yuan_per_unit_mean", "lo90", "hi90"]]

"""Paired comparisons of the scenarios of a store with a baseline, and the cost per unit of outcome.

Differences: for every other scenario (and sample), indicator, region and year, the difference variant -
baseline of the yearly values (simulator.experiments.yearly) is taken replicate by replicate (replicate k
of both used the same seed: common random numbers), then averaged: n, the two means, the mean difference,
its standard error and a 90 % t interval over replicates. A scenario compared with an exact copy of
itself gives differences of exactly 0 and intervals of width 0.

Costs, for the plan's outcomes, at the end of each year, with the extra spending being the difference in
total policy spending (every lever, from census day to the end of the year):
- `graduates_retained`: the extra graduates retained, summed over the cohorts retained so far (each July's
  `graduates_retained_one_year`: last July's graduates of Jilin's universities still in Jilin a year later);
- `high_skill_talent`, `population`: the extra stock at the end of the year.
`yuan_per_unit_mean` is mean extra spending / mean extra outcome; its 90 % interval is Fieller's for a ratio
of paired means. Both are NaN where the mean extra outcome is not positive (the lever bought nothing to
divide by), and the interval is NaN where the extra outcome is not distinguishable from 0 at 90 % (the
interval would be unbounded) or there is a single replicate.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import stdtrit  # the t quantile; scipy.stats would take 2 s to import

from simulator.experiments.store import StoreContents, StoreError, read_store
from simulator.experiments.yearly import RUN, TOTAL_SPENDING, july_values, yearly

DIFFERENCE_COLUMNS = [
    "variant", "baseline", "sample", "indicator", "region", "year", "n",
    "variant_mean", "baseline_mean", "mean_diff", "se", "lo90", "hi90",
]  # fmt: skip
COST_COLUMNS = [
    "variant", "sample", "outcome", "year", "extra_outcome_mean", "extra_spending_yuan_mean",
    "yuan_per_unit_mean", "lo90", "hi90",
]  # fmt: skip
OUTCOMES = ("graduates_retained", "high_skill_talent", "population")
#: The July indicator the `graduates_retained` outcome adds up: a cohort still in Jilin one year on.
RETAINED_ONE_YEAR = "graduates_retained_one_year"
LEVEL = 0.90


def compare_store(store: Path, baseline: str, paired: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(differences, costs) of every scenario of `store` against `baseline` (see the module docstring).

    Args:
        store: a store written by `talentsim batch`.
        baseline: the name of one of its scenarios.
        paired: difference replicate by replicate (the default); False treats the two scenarios' runs as
            independent samples (Welch), to show what pairing gains.

    Raises:
        StoreError: not a store, or `baseline` is not one of its scenarios.
    """
    contents = read_store(store)
    return compare_contents(contents, baseline, paired)


def compare_contents(
    contents: StoreContents, baseline: str, paired: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`compare_store` on a store already read."""
    ok = contents.runs[contents.runs["status"] == "ok"]
    names = list(contents.meta.get("scenarios") or sorted(ok["scenario"].unique()))
    if baseline not in names:
        raise StoreError(
            f"{contents.path}: --baseline: no scenario named {baseline!r} in the store "
            f"(scenarios: {', '.join(names)})"
        )
    if baseline not in set(ok["scenario"]):
        raise StoreError(f"{contents.path}: --baseline: scenario {baseline!r} has no finished run in the store")
    values = yearly(contents.indicators, ok)
    variants = [n for n in names if n != baseline and n in set(ok["scenario"])]
    differences = _differences(values, baseline, variants, paired)
    costs = _costs(contents.indicators, values, baseline, variants)
    return differences, costs


def _t(n: np.ndarray | pd.Series, df: np.ndarray | pd.Series | None = None) -> np.ndarray:
    """The two-sided t quantile of LEVEL for `df` degrees of freedom (default n - 1; NaN below 1)."""
    dof = np.asarray(n - 1 if df is None else df, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(dof >= 1, stdtrit(np.maximum(dof, 1), 0.5 + LEVEL / 2), np.nan)


def _differences(values: pd.DataFrame, baseline: str, variants: list[str], paired: bool) -> pd.DataFrame:
    keys = ["sample", "indicator", "region", "year"]
    base = values[values["scenario"] == baseline].drop(columns="scenario")
    parts = []
    for variant in variants:
        other = values[values["scenario"] == variant].drop(columns="scenario")
        if paired:
            both = other.merge(base, on=[*keys, "replicate"], suffixes=("_v", "_b"))
            both["diff"] = both["value_v"] - both["value_b"]
            g = both.groupby(keys, sort=True)
            table = g.agg(
                n=("diff", "size"),
                variant_mean=("value_v", "mean"),
                baseline_mean=("value_b", "mean"),
                mean_diff=("diff", "mean"),
                sd=("diff", "std"),
            ).reset_index()
            table["se"] = table["sd"] / np.sqrt(table["n"])
            t = _t(table["n"])
        else:
            gv = other.groupby(keys)["value"].agg(["size", "mean", "var"])
            gb = base.groupby(keys)["value"].agg(["size", "mean", "var"])
            joined = gv.reset_index().merge(gb.reset_index(), on=keys, suffixes=("_v", "_b"))
            table = joined[keys].copy()
            table["n"] = np.minimum(joined["size_v"], joined["size_b"])
            table["variant_mean"], table["baseline_mean"] = joined["mean_v"], joined["mean_b"]
            table["mean_diff"] = joined["mean_v"] - joined["mean_b"]
            a, b = joined["var_v"] / joined["size_v"], joined["var_b"] / joined["size_b"]
            table["se"] = np.sqrt(a + b)
            with np.errstate(invalid="ignore", divide="ignore"):
                welch = (a + b) ** 2 / (a**2 / (joined["size_v"] - 1) + b**2 / (joined["size_b"] - 1))
            t = _t(table["n"], welch.fillna(np.minimum(joined["size_v"], joined["size_b"]) - 1))
        table["lo90"] = table["mean_diff"] - t * table["se"]
        table["hi90"] = table["mean_diff"] + t * table["se"]
        table["variant"], table["baseline"] = variant, baseline
        parts.append(table)
    if not parts:
        return pd.DataFrame(columns=DIFFERENCE_COLUMNS)
    out = pd.concat(parts, ignore_index=True)[DIFFERENCE_COLUMNS]
    return out.astype({"sample": "int64", "year": "int64", "n": "int64"})


def _outcome_per_run(indicators: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """Per run and year: cumulative spending and each outcome (columns RUN, year, spending, outcomes)."""
    province = values[values["region"] == "province"]
    spend = province[province["indicator"] == TOTAL_SPENDING][[*RUN, "year", "value"]]
    spend = spend.sort_values([*RUN, "year"])
    spend["spending"] = spend.groupby(RUN)["value"].cumsum()
    table = spend.drop(columns="value")
    for name in ("high_skill_talent", "population"):
        stock = province[province["indicator"] == name][[*RUN, "year", "value"]].rename(columns={"value": name})
        table = table.merge(stock, on=[*RUN, "year"], how="left")
    retained = july_values(indicators, RETAINED_ONE_YEAR)
    table = table.merge(retained.rename(columns={"value": "july"}), on=[*RUN, "year"], how="left")
    table["july"] = table["july"].fillna(0.0)
    table["graduates_retained"] = table.sort_values([*RUN, "year"]).groupby(RUN)["july"].cumsum()
    return table.drop(columns="july")


def fieller(spend: np.ndarray, outcome: np.ndarray) -> tuple[float, float]:
    """Fieller's 90 % interval of mean(spend) / mean(outcome) for paired samples; NaN if unbounded."""
    n = len(spend)
    if n < 2:
        return np.nan, np.nan
    ms, mo = spend.mean(), outcome.mean()
    cov = np.cov(spend, outcome, ddof=1) / n
    t = float(_t(np.array(n)))
    a = mo**2 - t**2 * cov[1, 1]
    b = -2.0 * (ms * mo - t**2 * cov[0, 1])
    c = ms**2 - t**2 * cov[0, 0]
    disc = b * b - 4 * a * c
    if a <= 0 or disc < 0:
        return np.nan, np.nan
    root = np.sqrt(disc)
    return (-b - root) / (2 * a), (-b + root) / (2 * a)


def _costs(indicators: pd.DataFrame, values: pd.DataFrame, baseline: str, variants: list[str]) -> pd.DataFrame:
    per_run = _outcome_per_run(indicators, values)
    base = per_run[per_run["scenario"] == baseline].drop(columns="scenario")
    rows = []
    for variant in variants:
        other = per_run[per_run["scenario"] == variant].drop(columns="scenario")
        both = other.merge(base, on=["sample", "replicate", "year"], suffixes=("_v", "_b"))
        extra_spend = both["spending_v"] - both["spending_b"]
        for outcome in OUTCOMES:
            extra = both[f"{outcome}_v"] - both[f"{outcome}_b"]
            frame = pd.DataFrame({"sample": both["sample"], "year": both["year"], "s": extra_spend, "o": extra})
            for (sample, year), group in frame.groupby(["sample", "year"], sort=True):
                s, o = group["s"].to_numpy(float), group["o"].to_numpy(float)
                mean_o, mean_s = o.mean(), s.mean()
                positive = mean_o > 0
                low, high = fieller(s, o) if positive else (np.nan, np.nan)
                rows.append(
                    (
                        variant,
                        sample,
                        outcome,
                        year,
                        mean_o,
                        mean_s,
                        mean_s / mean_o if positive else np.nan,
                        low,
                        high,
                    )
                )
    out = pd.DataFrame(rows, columns=COST_COLUMNS)
    return out.astype({"sample": "int64", "year": "int64"})


# --- the readable table ---

SHOWN = (
    ("population", "{:,.0f}"),
    ("net_migration_interprovincial", "{:,.0f}"),
    ("graduates_retained", "{:,.0f}"),
    ("graduates_retained_one_year", "{:,.0f}"),
    ("high_skill_talent", "{:,.0f}"),
    ("employed", "{:,.0f}"),
    ("unemployment_rate", "{:.4f}"),
    (TOTAL_SPENDING, "{:,.0f}"),
)
MAX_SAMPLES_SHOWN = 5


def format_tables(differences: pd.DataFrame, costs: pd.DataFrame) -> str:
    """The main province indicators and the costs of the last year, per variant (and sample), as text."""
    if differences.empty:
        return "no variant with finished runs to compare"
    year = int(differences["year"].max())
    lines = []
    shown = differences[(differences["region"] == "province") & (differences["year"] == year)]
    samples = sorted(shown["sample"].unique())
    for variant in dict.fromkeys(shown["variant"]):
        for sample in samples[:MAX_SAMPLES_SHOWN]:
            part = shown[(shown["variant"] == variant) & (shown["sample"] == sample)].set_index("indicator")
            if part.empty:
                continue
            label = f"{variant} - {part['baseline'].iloc[0]}" + (f", sample {sample}" if sample >= 0 else "")
            n = int(part["n"].max())
            lines.append(f"{label}: province, {year} (n = {n} paired replicates)")
            lines.append(f"  {'indicator':32s}{'baseline':>16s}{'difference':>16s}{'90% interval':>30s}")
            for name, fmt in SHOWN:
                if name not in part.index:
                    continue
                r = part.loc[name]
                interval = f"[{_fmt(fmt, r['lo90'])}, {_fmt(fmt, r['hi90'])}]"
                level, diff = _fmt(fmt, r["baseline_mean"]), _fmt(fmt, r["mean_diff"])
                lines.append(f"  {name:32s}{level:>16s}{diff:>16s}{interval:>30s}")
            c = costs[(costs["variant"] == variant) & (costs["sample"] == sample) & (costs["year"] == year)]
            for _, r in c.iterrows():
                per = _fmt("{:,.0f}", r["yuan_per_unit_mean"])
                interval = f"[{_fmt('{:,.0f}', r['lo90'])}, {_fmt('{:,.0f}', r['hi90'])}]"
                lines.append(f"  yuan per extra {r['outcome']:17s}{per:>16s}{'':>16s}{interval:>30s}")
            lines.append("")
        if len(samples) > MAX_SAMPLES_SHOWN:
            lines.append(f"  ... and {len(samples) - MAX_SAMPLES_SHOWN} more samples in the written table")
    lines.append("n/a: no positive extra outcome, or an interval that is unbounded at 90 %")
    return "\n".join(lines).rstrip()


def _fmt(fmt: str, value: float) -> str:
    return "n/a" if pd.isna(value) else fmt.format(value)

"""Sensitivity indices of an indicator to the sampled settings of a store (SALib).

The output of a sample is the indicator's yearly value (simulator.experiments.yearly: flows summed over
the year, stocks and rates at its end) in a region and year, averaged over the sample's replicates, for each
scenario. Morris designs give mu, mu* (the mean absolute elementary effect, in the indicator's unit per
move over the setting's range, as SALib computes it without scaling), sigma and the 95 % bootstrap interval
of mu*; settings are ranked by mu*. Sobol designs give the first-order index S1 and the total index ST with
their 95 % bootstrap intervals; settings are ranked by ST.
"""

from __future__ import annotations

import difflib
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.experiments.sampling import problem
from simulator.experiments.store import StoreContents, StoreError, read_store
from simulator.experiments.yearly import yearly

METHODS = ("morris", "sobol")
BOOTSTRAP_SEED = 20201101


def sensitivity_store(
    store: Path, indicator: str, region: str = "province", year: int | None = None
) -> pd.DataFrame:
    """The indices of every sampled setting for `indicator`, per scenario, ranked (see the module docstring).

    Columns: scenario, rank, parameter, then mu, mu_star, sigma, mu_star_conf (morris) or S1, S1_conf, ST,
    ST_conf (sobol), then method, indicator, region, year, samples, replicates.

    Raises:
        StoreError: not a store, a store without a Sobol or Morris design, an unknown indicator, region or
            year, or samples without finished runs.
    """
    return sensitivity_contents(read_store(store), indicator, region, year)


def sensitivity_contents(contents: StoreContents, indicator: str, region: str, year: int | None) -> pd.DataFrame:
    """`sensitivity_store` on a store already read."""
    where = contents.path
    design = contents.meta.get("samples")
    if not design or design.get("method") not in METHODS:
        method = design.get("method") if design else "none"
        raise StoreError(
            f"{where}: sensitivity needs samples drawn with method sobol or morris (this store: {method})"
        )
    ok = contents.runs[contents.runs["status"] == "ok"]
    rows = contents.indicators
    names = set(rows["indicator"].unique())
    if indicator not in names:
        close = difflib.get_close_matches(indicator, sorted(names), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise StoreError(f"{where}: --indicator: no indicator {indicator!r} in the store{hint}")
    chosen = rows[rows["indicator"] == indicator]
    regions = sorted(chosen["region"].unique())
    if region not in regions:
        raise StoreError(
            f"{where}: --region: {indicator} has no region {region!r} (regions: {', '.join(regions)})"
        )
    values = yearly(chosen[chosen["region"] == region], ok)
    values = values[values["indicator"] == indicator]
    years = sorted(int(y) for y in values["year"].unique())
    year = years[-1] if year is None else year
    if year not in years:
        raise StoreError(f"{where}: --year: expected one of {years[0]}-{years[-1]} (got {year})")
    values = values[values["year"] == year]
    settings = list(design["parameters"])
    bounds = [tuple(design["parameters"][s]) for s in settings]
    x = contents.samples.pivot(index="sample", columns="parameter", values="value")[settings].sort_index()
    parts = []
    for scenario in contents.meta.get("scenarios", sorted(values["scenario"].unique())):
        mine = values[values["scenario"] == scenario]
        per_sample = mine.groupby("sample")["value"].mean()
        missing = x.index.difference(per_sample.index)
        if len(missing):
            raise StoreError(
                f"{where}: {len(missing)} of {len(x)} samples of {scenario!r} have no finished run "
                "(resume the batch first)"
            )
        y = per_sample.loc[x.index].to_numpy(float)
        table = _indices(design, settings, bounds, x.to_numpy(float), y)
        table.insert(0, "scenario", scenario)
        table["method"], table["indicator"], table["region"], table["year"] = (
            design["method"],
            indicator,
            region,
            year,
        )
        table["samples"] = len(x)
        table["replicates"] = int(mine.groupby("sample")["replicate"].nunique().min())
        parts.append(table)
    return pd.concat(parts, ignore_index=True)


def _indices(design: dict, settings: list[str], bounds: list[tuple], x: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    spec = problem(settings, bounds)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if design["method"] == "morris":
            from SALib.analyze import morris

            found = morris.analyze(spec, x, y, num_levels=int(design.get("levels") or 4), seed=BOOTSTRAP_SEED)
            table = pd.DataFrame(
                {
                    "parameter": settings,
                    "mu": found["mu"],
                    "mu_star": found["mu_star"],
                    "sigma": found["sigma"],
                    "mu_star_conf": found["mu_star_conf"],
                }
            )
            order = "mu_star"
        else:
            from SALib.analyze import sobol

            found = sobol.analyze(spec, y, calc_second_order=False, seed=BOOTSTRAP_SEED)
            table = pd.DataFrame(
                {
                    "parameter": settings,
                    "S1": found["S1"],
                    "S1_conf": found["S1_conf"],
                    "ST": found["ST"],
                    "ST_conf": found["ST_conf"],
                }
            )
            order = "ST"
    table = table.sort_values(order, ascending=False, kind="stable").reset_index(drop=True)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table


def format_table(table: pd.DataFrame) -> str:
    """The ranking of each scenario as text."""
    lines = []
    for scenario, part in table.groupby("scenario", sort=False):
        first = part.iloc[0]
        lines.append(
            f"{scenario}: {first['method']} indices of {first['indicator']} ({first['region']}, {first['year']}), "
            f"{first['samples']} samples x {first['replicates']} replicates"
        )
        if first["method"] == "morris":
            lines.append(f"  {'rank':>4s}  {'setting':60s}{'mu*':>14s}{'95% conf':>12s}{'mu':>14s}{'sigma':>14s}")
            for _, r in part.iterrows():
                lines.append(
                    f"  {r['rank']:>4d}  {r['parameter'][:59]:60s}{r['mu_star']:>14.4g}{r['mu_star_conf']:>12.3g}"
                    f"{r['mu']:>14.4g}{r['sigma']:>14.4g}"
                )
        else:
            lines.append(
                f"  {'rank':>4s}  {'setting':60s}{'ST':>10s}{'95% conf':>10s}{'S1':>10s}{'95% conf':>10s}"
            )
            for _, r in part.iterrows():
                lines.append(
                    f"  {r['rank']:>4d}  {r['parameter'][:59]:60s}{r['ST']:>10.3f}{r['ST_conf']:>10.3f}"
                    f"{r['S1']:>10.3f}{r['S1_conf']:>10.3f}"
                )
        lines.append("")
    return "\n".join(lines).rstrip()

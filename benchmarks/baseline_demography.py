"""The fitted baseline as a demographer reads it: vital events, migration by age, units, employment profile.

Not a test: it runs `scenarios/baseline.toml` for several seeds and prints, as mean [min, max] over the seeds,
- the first year's (2020-11 to 2021-10) births, deaths and net inter-provincial migration, and 2025's;
- net inter-provincial migration by five-year age group and sex as a yearly rate (first year, and the
  five-year average), beside the 2010 -> 2020 census cohorts' survival-adjusted yearly rates
  (calibration/targets.csv, kind `cohort_net_migration_rate`, placed at the age group the cohort reached);
- every unit's yearly population change over the first two years and over five years, beside its 2010 -> 2020
  rate (targets `population_change_*`);
- the employment rate of the residents by five-year group and sex on census day and at 2025-12.

    .venv/bin/python benchmarks/baseline_demography.py [--scale 100] [--seeds 1 2 3] [--end 2025-12]
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.codes import Status
from simulator.geography import N_UNITS, UNITS
from simulator.run import build_model, spec_for
from simulator.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
GROUPS = range(15, 80, 5)


def employment_profile(model) -> dict[tuple[str, int], float]:
    """Employed share of the living residents of Jilin by (sex, five-year group from 15 to 75+)."""
    persons = model.persons
    inside = (persons.region < N_UNITS) & (persons.status != Status.DEAD)
    age = persons.age_years.astype(int)
    employed = persons.status == Status.EMPLOYED
    out = {}
    for code, sex in ((0, "men"), (1, "women")):
        for low in GROUPS:
            high = low + 5 if low < 75 else 200
            group = inside & (persons.sex == code) & (age >= low) & (age < high)
            out[(sex, low)] = np.count_nonzero(group & employed) / max(group.sum(), 1)
    return out


def one_run(args: tuple[int, int, str]) -> dict:
    """Run the baseline with one seed; return its indicators, age profile and two employment profiles."""
    scale, seed, end = args
    spec = spec_for(load_scenario(ROOT / "scenarios" / "baseline.toml"), scale=scale, seed=seed, end=end)
    model = build_model(spec)
    before = employment_profile(model)
    model.run()
    after = employment_profile(model)
    frame = model.recorder.to_frame("baseline", replicate=0, seed=seed)
    ages = model.recorder.age_profile_frame("baseline", replicate=0, seed=seed)
    return {"seed": seed, "frame": frame, "ages": ages, "before": before, "after": after}


def spread(values: list[float], fmt: str = "{:,.0f}") -> str:
    """mean [min, max] of `values`."""
    return f"{fmt.format(np.mean(values))} [{fmt.format(min(values))}, {fmt.format(max(values))}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--end", default="2025-12")
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()
    with ProcessPoolExecutor(options.workers) as pool:
        runs = list(pool.map(one_run, [(options.scale, s, options.end) for s in options.seeds]))
    targets = pd.read_csv(ROOT / "calibration" / "targets.csv").set_index("target")
    print(f"baseline, scale {options.scale}, seeds {options.seeds}: mean [min, max] over the seeds\n")

    def province(run: dict, indicator: str) -> pd.Series:
        f = run["frame"]
        return f[(f["region"] == "province") & (f["indicator"] == indicator)].set_index("date")["value"]

    print("vital events and migration (persons)")
    for label, low, high in (
        ("first year 2020-11..2021-10", "2020-11", "2021-10"),
        ("2025", "2025-01", "2025-12"),
    ):
        for indicator in ("births", "deaths", "net_migration_interprovincial"):
            values = [float(province(r, indicator).loc[low:high].sum()) for r in runs]
            print(f"  {label:28s} {indicator:32s} {spread(values)}")
    print(
        f"  census-year births (target) {targets.loc['births_census_year', 'value']:,.0f}; "
        f"2019 deaths (target) {targets.loc['deaths_2019', 'value']:,.0f}"
    )

    print("\nnet inter-provincial migration by age group (yearly rate, both sexes; men | women in the first year)")
    cohort = targets[targets["kind"] == "cohort_net_migration_rate"].set_index("age_low")["value"]
    print(
        f"  {'age':>7s} {'first year':>24s} {'five-year mean':>24s} {'men':>8s} {'women':>8s} "
        f"{'on the path':>12s} {'census 2010-20':>15s}"
    )
    rates: dict[int, float] = {}
    rows = []
    for low in range(0, 80, 5):
        first, five, men, women = [], [], [], []
        for r in runs:
            a = r["ages"]
            a = a[(a["region"] == "province") & (a["age_low"] == low)]
            pop = a[a["indicator"] == "population"].groupby("date")["value"].sum()
            net = (
                a[a["indicator"] == "in_migrants_interprovincial"]
                .groupby("date")["value"]
                .sum()
                .sub(
                    a[a["indicator"] == "out_migrants_interprovincial"].groupby("date")["value"].sum(),
                    fill_value=0,
                )
            )
            first.append(net.loc["2020-11":"2021-10"].sum() / pop.loc["2020-11"])
            years = len(pop) / 12
            five.append(net.sum() / pop.mean() / years)
            for sex, out in (("male", men), ("female", women)):
                s = a[a["sex"] == sex]
                p = s[s["indicator"] == "population"].set_index("date")["value"]
                n = (
                    s[s["indicator"] == "in_migrants_interprovincial"].set_index("date")["value"]
                    - s[s["indicator"] == "out_migrants_interprovincial"].set_index("date")["value"]
                )
                out.append(n.loc["2020-11":"2021-10"].sum() / p.loc["2020-11"])
        rates[low] = float(np.mean(five))
        rows.append((low, first, five, men, women))
    for low, first, five, men, women in rows:
        # a cohort reaching `low` in 2020 spent the decade in groups low-10 .. low: the model's rate on that
        # path weighs the five-year mean rates of those groups 1/2, 1, 1/2
        path = ""
        if low >= 10:
            path = f"{(0.5 * rates[low - 10] + rates[low - 5] + 0.5 * rates[low]) / 2:+.4f}"
        census = f"{cohort[low]:+.4f}" if low in cohort.index else ""
        print(
            f"  {low:3d}-{low + 4:<3d} {spread(first, '{:+.4f}'):>24s} {spread(five, '{:+.4f}'):>24s} "
            f"{np.mean(men):+8.4f} {np.mean(women):+8.4f} {path:>12s} {census:>15s}"
        )

    print("\nunits: yearly population change (2 years, 5 years) and the 2010-2020 rate")
    unit_targets = targets[targets["kind"] == "unit_population_change"]
    decade = {row["region"]: row["value"] for _, row in unit_targets.iterrows()}
    for unit in (*UNITS, "province"):
        two, five, change = [], [], []
        for r in runs:
            f = r["frame"]
            pop = f[(f["region"] == unit) & (f["indicator"] == "population")].set_index("date")["value"]
            two.append((pop["2022-11"] / pop["2020-11"]) ** 0.5 - 1)
            last = pop.index[-1]
            months = len(pop) - 1
            five.append((pop[last] / pop["2020-11"]) ** (12 / months) - 1)
            change.append(pop[last] - pop["2020-11"])
        target = f"{decade[unit]:+.4f}" if unit in decade else ""
        print(
            f"  {unit:14s} {spread(two, '{:+.4f}'):>26s} {spread(five, '{:+.4f}'):>26s} {target:>8s}   "
            f"to {options.end}: {spread(change, '{:+,.0f}')}"
        )
    six = decade.get("jilin;siping;liaoyuan;tonghua;meihekou;changbaishan")
    if six is not None:
        print(f"  (the other six units together: 2010-2020 {six:+.4f})")

    print(f"\nemployment rate of residents by age and sex: census day -> {options.end}")
    for sex in ("men", "women"):
        cells = []
        for low in GROUPS:
            b = np.mean([r["before"][(sex, low)] for r in runs])
            a = np.mean([r["after"][(sex, low)] for r in runs])
            cells.append(f"{low}{'+' if low == 75 else ''}:{b:.2f}->{a:.2f}")
        print(f"  {sex:6s} " + "  ".join(cells))
    employed = [province(r, "employed") for r in runs]
    kept = [float(e.iloc[-1] / e.iloc[0]) for e in employed]
    start = np.mean([e.iloc[0] for e in employed])
    print(f"  employed {start:,.0f} on census day; kept at the end: {spread(kept, '{:.3f}')}")
    rate = [province(r, "unemployment_rate") for r in runs]
    print(
        "  province unemployment rate: census day "
        + spread([float(x.iloc[0]) for x in rate], "{:.3f}")
        + ", a year on "
        + spread([float(x.loc["2021-11"]) for x in rate], "{:.3f}")
        + ", at the end "
        + spread([float(x.iloc[-1]) for x in rate], "{:.3f}")
    )


if __name__ == "__main__":
    main()

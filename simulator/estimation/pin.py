"""The pinned baseline: a small run's key indicators kept in tests/baseline_pinned.csv, so that a change of the
model's behaviour shows up as a failing test until it is accepted on purpose.

    python -m simulator.estimation.pin            # compare a fresh run with the pinned file, print changes
    python -m simulator.estimation.pin --update   # the same, then rewrite the file with the fresh values

The run: the model's rules with no lever, at scale 200, seed 20201101, 2020-11 to 2022-12 (the test suite's
shared run, tests/conftest.py). The key
figures: the province's stocks on 2020-11, 2021-11 and 2022-11 and its flows over the two years from census
day, and the units' populations on 2022-11. Each has a tolerance: 3 % for counts (about three standard
deviations of the run's own sampling noise at this scale, so a refactoring that only reshuffles random
draws passes while a change of behaviour does not) and 0.005 for rates and shares.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.atomic import write_atomically
from simulator.geography import UNITS

PINNED_FILE = Path(__file__).resolve().parent.parent.parent / "tests" / "baseline_pinned.csv"
SCALE, SEED, END = 200, 20201101, "2022-12"
STOCKS = (
    "population",
    "working_age_population",
    "employed",
    "unemployment_rate",
    "skilled_workers",
    "high_skill_talent",
    "high_skill_share",
    "professional_technical_talent",
    "tertiary_educated_share",
)
FLOWS = ("births", "deaths", "net_migration_interprovincial", "graduates", "training_person_times")
STOCK_DATES = ("2020-11", "2021-11", "2022-11")
FLOW_YEARS = (("2020-11", "2021-10"), ("2021-11", "2022-10"))
RATES = {"unemployment_rate", "high_skill_share", "tertiary_educated_share"}
COUNT_TOLERANCE = 0.03
RATE_TOLERANCE = 0.005
COLUMNS = ["key", "region", "indicator", "period", "value", "tolerance", "kind"]


def key_figures(indicators: pd.DataFrame) -> pd.DataFrame:
    """The pinned figures of a run's tidy indicators (columns key, region, indicator, period, value,
    tolerance, kind: `relative` or `absolute`)."""
    rows = []
    table = indicators.set_index(["region", "indicator", "date"])["value"]

    def add(region: str, indicator: str, period: str, value: float) -> None:
        rate = indicator in RATES
        rows.append(
            (
                f"{region}/{indicator}/{period}",
                region,
                indicator,
                period,
                float(value),
                RATE_TOLERANCE if rate else COUNT_TOLERANCE,
                "absolute" if rate else "relative",
            )
        )

    for indicator in STOCKS:
        for date in STOCK_DATES:
            add("province", indicator, date, table[("province", indicator, date)])
    for indicator in FLOWS:
        series = table.loc[("province", indicator)]
        for first, last in FLOW_YEARS:
            add("province", indicator, f"{first}/{last}", series.loc[first:last].sum())
    for unit in UNITS:
        add(unit, "population", STOCK_DATES[-1], table[(unit, "population", STOCK_DATES[-1])])
    return pd.DataFrame(rows, columns=COLUMNS)


def compare(pinned: pd.DataFrame, fresh: pd.DataFrame) -> pd.DataFrame:
    """Pinned and fresh values side by side with whether each is within its pinned tolerance."""
    merged = pinned.merge(fresh[["key", "value"]], on="key", how="outer", suffixes=("_pinned", "_fresh"))
    gap = merged["value_fresh"] - merged["value_pinned"]
    relative = gap / merged["value_pinned"].abs().where(merged["value_pinned"] != 0, 1.0)
    merged["change"] = np.where(merged["kind"] == "relative", relative, gap)
    merged["within"] = merged["change"].abs() <= merged["tolerance"]
    merged.loc[merged["value_pinned"].isna() | merged["value_fresh"].isna(), "within"] = False
    return merged


def fresh_figures() -> pd.DataFrame:
    """The key figures of a fresh pinned run."""
    from simulator.inputs.calibration import load_calibration
    from simulator.inputs.parameters import load_parameters
    from simulator.model import TalentFlowModel

    model = TalentFlowModel(scale=SCALE, seed=SEED, end=END, parameters=load_parameters(), data=load_calibration())
    model.run()
    return key_figures(model.recorder.to_frame("baseline", replicate=0, seed=SEED))


def describe(comparison: pd.DataFrame) -> str:
    """The figures that changed, one line each."""
    lines = []
    for row in comparison.itertuples(index=False):
        if row.value_pinned == row.value_fresh:
            continue
        sign = "" if row.within else "  OUTSIDE TOLERANCE"
        change = f"{row.change:+.2%}" if row.kind == "relative" else f"{row.change:+.4f}"
        lines.append(f"{row.key}: {row.value_pinned:,.6g} -> {row.value_fresh:,.6g} ({change}){sign}")
    return "\n".join(lines) if lines else "no pinned figure changed"


def write(frame: pd.DataFrame, path: Path = PINNED_FILE) -> None:
    """Write the pinned file atomically."""
    write_atomically(path, frame.to_csv(index=False, float_format="%.10g"))


def main(argv: list[str] | None = None) -> int:
    """Compare a fresh run with the pinned figures; with --update, pin the fresh ones."""
    parser = argparse.ArgumentParser(description="Compare (or --update) the pinned baseline figures.")
    parser.add_argument("--update", action="store_true", help="rewrite tests/baseline_pinned.csv")
    args = parser.parse_args(argv)
    fresh = fresh_figures()
    if PINNED_FILE.is_file():
        comparison = compare(pd.read_csv(PINNED_FILE), fresh)
        print(describe(comparison))
        outside = int((~comparison["within"]).sum())
    else:
        print(f"{PINNED_FILE} does not exist yet")
        outside = len(fresh)
    if args.update:
        write(fresh)
        print(f"wrote {PINNED_FILE} ({len(fresh)} figures)")
        return 0
    return 1 if outside else 0


if __name__ == "__main__":
    sys.exit(main())

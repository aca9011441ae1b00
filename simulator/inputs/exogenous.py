"""Exogenous conditions: observed series outside the model that a scenario may set.

Wages and unemployment outside Jilin, Jilin's wage level and national shocks (the 2022 lockdowns of
Changchun and Jilin City) for 2019-2024, from `calibration/exogenous_conditions.csv` (calibration/SOURCES.md
§11). These are **scenario inputs, never fitting targets**: every row of the file says `use =
scenario_input`, and the loader refuses a file that says otherwise.

The file holds what the sources give (observed, or derived in the source). The yearly wage of each outside
region of the model is built here, with a `method` column saying how each cell was obtained:

- a province's missing year is its nearest observed year moved by the national growth of the average wage of
  urban non-private units (`wage_np` of `china`) between the two years;
- the rest of the Northeast (`northeast_other`: Liaoning and Heilongjiang) and the East (Beijing, Tianjin,
  Shanghai, Jiangsu, Zhejiang, Shandong, Guangdong: the provinces of the file whose `outside_region` is `east`)
  keep the NBS regional average of 2020 as their level (the level the model starts from,
  `outside_wages_2020.csv`) and move with the mean growth since 2020 of their provinces;
- Central and the West, with no province in the file, move with the national growth.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.geography import OUTSIDE
from simulator.inputs.files import CALIBRATION_DIR, DataError

EXOGENOUS_FILE = "exogenous_conditions.csv"
COLUMNS = [
    "series",
    "region",
    "outside_region",
    "period_start",
    "period_end",
    "value",
    "unit",
    "method",
    "use",
    "source",
    "note",
]
METHODS = {"observed", "derived"}
#: The youth unemployment series changed method in December 2023; the two parts cannot be spliced.
YOUTH_OLD, YOUTH_NEW, YOUTH_BREAK = (
    "youth_unemployment_rate_16_24_old_method",
    "youth_unemployment_rate_16_24",
    pd.Timestamp("2023-12-01"),
)
NATIONAL_WAGE = ("wage_np", "china")
REGION_AVERAGE = "wage_np_region_average"
ANCHOR_YEAR = 2020


def _fail(path: Path, line: int, message: str) -> DataError:
    return DataError(f"{path}: line {line}: {message}")


def _check(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"{path}: missing columns {missing} (has {list(frame.columns)})")
    frame = frame.copy()
    frame["outside_region"] = frame["outside_region"].fillna("")
    frame["note"] = frame["note"].fillna("")
    for column in ("series", "region", "unit", "method", "use", "source"):
        empty = frame[column].isna() | (frame[column].astype(str).str.strip() == "")
        if empty.any():
            raise _fail(path, int(frame.index[empty][0]) + 2, f"{column} is empty")
    for column in ("period_start", "period_end"):
        parsed = pd.to_datetime(frame[column], format="%Y-%m-%d", errors="coerce")
        if parsed.isna().any():
            i = int(frame.index[parsed.isna()][0])
            raise _fail(path, i + 2, f"{column}: expected a date YYYY-MM-DD (got {frame.at[i, column]!r})")
        frame[column] = parsed
    value = pd.to_numeric(frame["value"], errors="coerce")
    bad = value.isna() | ~np.isfinite(value)
    if bad.any():
        i = int(frame.index[bad][0])
        raise _fail(path, i + 2, f"value: expected a number (got {frame.at[i, 'value']!r})")
    frame["value"] = value.astype(float)
    for i, row in frame.iterrows():
        line = int(i) + 2
        if row["use"] != "scenario_input":
            raise _fail(
                path,
                line,
                f"use must be scenario_input (exogenous conditions are never fitting targets; got {row['use']!r})",
            )
        if row["method"] not in METHODS:
            raise _fail(path, line, f"method must be one of {sorted(METHODS)} (got {row['method']!r})")
        if row["period_end"] < row["period_start"]:
            raise _fail(path, line, "period_end is before period_start")
        if row["outside_region"] and row["outside_region"] not in OUTSIDE:
            raise _fail(
                path, line, f"outside_region must be one of {list(OUTSIDE)} (got {row['outside_region']!r})"
            )
        if row["unit"] == "pct" and not 0.0 <= row["value"] <= 100.0:
            raise _fail(path, line, f"a percentage must lie in [0, 100] (got {row['value']})")
        if row["unit"] == "intensity" and not 0.0 <= row["value"] <= 1.0:
            raise _fail(path, line, f"a shock intensity must lie in [0, 1] (got {row['value']})")
        if row["unit"] == "yuan/year" and row["value"] <= 0:
            raise _fail(path, line, f"a wage must be positive (got {row['value']})")
        if row["series"] == YOUTH_OLD and row["period_end"] >= YOUTH_BREAK:
            raise _fail(path, line, "the old-method youth series ends before 2023-12 (method break)")
        if row["series"] == YOUTH_NEW and row["period_start"] < YOUTH_BREAK:
            raise _fail(path, line, "the new-method youth series starts in 2023-12 (method break)")
    duplicated = frame.duplicated(["series", "region", "period_start"])
    if duplicated.any():
        raise _fail(path, int(frame.index[duplicated][0]) + 2, "series, region and period_start given twice")
    return frame


@dataclass(frozen=True)
class ExogenousConditions:
    """The checked table of exogenous conditions with helpers that turn it into model inputs."""

    table: pd.DataFrame
    path: Path

    def series(self, name: str, region: str = "china") -> pd.DataFrame:
        """Rows of one series and region, by period start."""
        rows = self.table[(self.table["series"] == name) & (self.table["region"] == region)]
        return rows.sort_values("period_start").reset_index(drop=True)

    def yearly(self, name: str, region: str = "china") -> dict[int, float]:
        """{year: value} of the calendar-year rows of a series."""
        rows = self.series(name, region)
        whole = (rows["period_start"].dt.strftime("%m-%d") == "01-01") & (
            rows["period_end"].dt.strftime("%m-%d") == "12-31"
        )
        whole &= rows["period_start"].dt.year == rows["period_end"].dt.year
        return {int(r.period_start.year): float(r.value) for r in rows[whole].itertuples()}

    def monthly(self, name: str, region: str, months: list[str]) -> np.ndarray:
        """The value in force in each month YYYY-MM: the shortest row covering the month's first day (a
        monthly figure before a yearly one); NaN where none does."""
        rows = self.series(name, region)
        out = np.full(len(months), np.nan)
        length = (rows["period_end"] - rows["period_start"]).dt.days.to_numpy()
        for k, month in enumerate(months):
            day = pd.Timestamp(f"{month}-01")
            covering = ((rows["period_start"] <= day) & (rows["period_end"] >= day)).to_numpy()
            if covering.any():
                out[k] = float(rows["value"].to_numpy()[covering][np.argmin(length[covering])])
        return out

    def mobility_shock(self, region: str, months: list[str]) -> np.ndarray:
        """Share of each month YYYY-MM under a mobility shock in `region`, weighted by the shock's intensity
        (0: none; 1: moves suppressed the whole month)."""
        rows = self.series("mobility_shock", region)
        out = np.zeros(len(months))
        for k, month in enumerate(months):
            first = pd.Timestamp(f"{month}-01")
            last = first + pd.offsets.MonthEnd(0)
            days = np.zeros(last.day)
            for r in rows.itertuples():
                start, end = max(r.period_start, first), min(r.period_end, last)
                if start <= end:
                    days[start.day - 1 : end.day] = np.maximum(days[start.day - 1 : end.day], r.value)
            out[k] = days.mean()
        return out

    def province_wages(self, province: str, years: range) -> pd.DataFrame:
        """Yearly wage (urban non-private units) of a province, `china` or `province` (Jilin), with missing
        years moved from the nearest observed year by the national growth; columns year, value, method."""
        national = self.yearly(*NATIONAL_WAGE)
        observed = self.yearly("wage_np", province)
        rows_file = self.series("wage_np", province)
        kind = {int(r.period_start.year): str(r.method) for r in rows_file.itertuples()}
        if not observed:
            raise DataError(f"{self.path}: no wage_np rows for {province!r}")
        rows = []
        for year in years:
            if year in observed:
                rows.append((year, observed[year], kind[year]))
                continue
            base = min(observed, key=lambda y: (abs(y - year), y))
            if year not in national or base not in national:
                raise DataError(f"{self.path}: wage_np of china needed for {base} and {year}")
            value = observed[base] * national[year] / national[base]
            rows.append((year, value, f"interpolated: {base} value x national growth {base}-{year}"))
        return pd.DataFrame(rows, columns=["year", "value", "method"])

    def outside_wages(self, years: range = range(2019, 2025)) -> pd.DataFrame:
        """Yearly average wage of each outside region of the model (yuan/year), with the method of each cell.

        Columns: region, year, wage_yuan_year, method.
        """
        anchors = self.table[self.table["series"] == REGION_AVERAGE]
        national = self.yearly(*NATIONAL_WAGE)
        out = []
        for region in OUTSIDE:
            anchor = anchors[
                (anchors["outside_region"] == region) & (anchors["period_start"].dt.year == ANCHOR_YEAR)
            ]
            if len(anchor) != 1:
                raise DataError(f"{self.path}: needs one {REGION_AVERAGE} row of {ANCHOR_YEAR} for {region}")
            level = float(anchor["value"].iloc[0])
            members = sorted(
                set(
                    self.table.loc[
                        (self.table["series"] == "wage_np") & (self.table["outside_region"] == region), "region"
                    ]
                )
            )
            filled = {
                p: self.province_wages(p, range(min(years[0], ANCHOR_YEAR), max(years[-1], ANCHOR_YEAR) + 1))
                for p in members
            }
            for year in years:
                if members:
                    growth = [
                        float(
                            f.loc[f["year"] == year, "value"].iloc[0]
                            / f.loc[f["year"] == ANCHOR_YEAR, "value"].iloc[0]
                        )
                        for f in filled.values()
                    ]
                    observed = sum(
                        (f.loc[f["year"] == year, "method"].iloc[0] in METHODS) for f in filled.values()
                    )
                    value = level * float(np.mean(growth))
                    method = (
                        f"NBS-W {ANCHOR_YEAR} level x mean growth since {ANCHOR_YEAR} of {', '.join(members)} "
                        f"({observed} of {len(members)} in the sources for {year}, others by national growth)"
                    )
                else:
                    value = level * national[year] / national[ANCHOR_YEAR]
                    method = (
                        f"NBS-W {ANCHOR_YEAR} level x national growth (no province of this region in the file)"
                    )
                if year == ANCHOR_YEAR:
                    method = f"observed (NBS-W {ANCHOR_YEAR})"
                out.append((region, year, round(value, 1), method))
        return pd.DataFrame(out, columns=["region", "year", "wage_yuan_year", "method"])

    def outside_unemployment(self, years: range = range(2019, 2025)) -> pd.DataFrame:
        """Yearly unemployment rate (share) of every outside region: the national yearly mean of the urban
        surveyed rate (no regional series exists in the file). Columns: region, year, rate, method."""
        mean = self.yearly("unemployment_rate_mean", "china")
        missing = [y for y in years if y not in mean]
        if missing:
            raise DataError(f"{self.path}: unemployment_rate_mean of china missing for {missing}")
        return pd.DataFrame(
            [(r, y, mean[y] / 100.0, "national yearly mean (no regional series)") for r in OUTSIDE for y in years],
            columns=["region", "year", "rate", "method"],
        )


def load_exogenous(directory: Path = CALIBRATION_DIR, name: str = EXOGENOUS_FILE) -> ExogenousConditions:
    """Read and check the exogenous conditions; raise `DataError` (one line naming the file) on a problem."""
    path = Path(directory) / name
    try:
        frame = pd.read_csv(path, dtype={"period_start": str, "period_end": str})
    except FileNotFoundError:
        raise DataError(f"{path}: file is missing") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot be read as CSV ({str(exc).splitlines()[0]})") from None
    return ExogenousConditions(_check(frame, path), path)


__all__ = ["EXOGENOUS_FILE", "ExogenousConditions", "load_exogenous"]

"""`talentsim validate RUN_OR_STORE --observed FILE.csv`: a run (or a batch) against observed figures.

The observed table is tidy: columns `region`, `indicator`, `date` (YYYY-MM, YYYY-MM-DD or an interval of
months YYYY-MM/YYYY-MM) or `year`, and `value`; optional `source`, `target`. Each row is matched with the run:

- a **stock** (first day of the month in the outputs): a month -> its first day; a day -> the first day of the
  month on or after it (so 2021-12-31, a year-end, is read on 2022-01); a year -> the year-end (the first
  day of the next year);
- a **flow**: a month -> the month's total; a year -> the sum of its 12 months; an interval -> the sum of
  its months (a day date is refused for a flow); cumulative flows (`..._since_...`) -> the last month's value;
- a **rate**: a month -> its value; a year -> the mean of its 12 months;
- a row with a `target` (a row of calibration/targets.csv, dated before census day) -> its simulated
  counterpart over the run's first 12 months (simulator.estimation.moments);
- a row the run does not cover (before census day or after the run's end) is listed, not compared; the
  pre-census rows of the history file (default: calibration/observed_census_record.csv) feed the naive
  forecasts.

Two naive forecasts use only pre-census figures: the **compound trend** (the 2010-2020 census-to-census
yearly rate of the region's population carried on from the last observation: for a population, from census
day; for births and deaths, from the last yearly figure) and the **linear trend** (the change between the
last two pre-census observations other than census day, per year, carried on from the last observation: for
the province's population the 2018-2019 year-end populations from census day; for a unit's population the
census-to-census change; for births and deaths the 2018-2019 change).

For a batch store the simulated value is the mean over replicates, with the 5th and 95th percentiles.
Errors: absolute (simulated - observed), relative (over |observed|) and the mean absolute percentage error
(MAPE) over the compared rows that are counts (rates near zero make percentages meaningless: their absolute
errors are listed instead). The table is printed and written to --out (default RUN_OR_STORE/validation.csv).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.atomic import write_atomically
from simulator.estimation import moments
from simulator.geography import REGIONS
from simulator.inputs.files import CALIBRATION_DIR

CENSUS_DAY = pd.Timestamp("2020-11-01")
CENSUS_MONTH = "2020-11"
HISTORY_FILE = CALIBRATION_DIR / "observed_census_record.csv"
OUTPUT_NAME = "validation.csv"
OUTPUT_COLUMNS = [
    "target",
    "region",
    "indicator",
    "period",
    "rule",
    "observed",
    "simulated",
    "simulated_p05",
    "simulated_p95",
    "replicates",
    "abs_error",
    "rel_error",
    "naive_compound",
    "naive_compound_rel_error",
    "naive_linear",
    "naive_linear_rel_error",
    "status",
    "source",
]
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INTERVAL = re.compile(r"^(\d{4}-\d{2})/(\d{4}-\d{2})$")
KNOWN_REGIONS = {"province", *REGIONS}


class ValidationError(ValueError):
    """Bad input to `talentsim validate`; the message is one line naming the file or option."""


# --- reading -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Simulated:
    """The run's (or each replicate's) indicators and age profiles."""

    replicates: list[pd.DataFrame]
    profiles: list[pd.DataFrame | None]
    kind: str  # "run" or "store"


def _read_parquet(path: Path, what: str) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise ValidationError(f"{path}: cannot read the {what} ({str(exc).splitlines()[0]})") from None


def read_simulated(path: Path, scenario: str | None = None) -> Simulated:
    """A run folder (indicators.parquet + manifest.json) or a batch store (store.json, runs.parquet and the
    Parquet dataset indicators/)."""
    path = Path(path)
    if (path / "store.json").is_file():
        return _read_store(path, scenario)
    if (path / "indicators.parquet").is_file() and (path / "manifest.json").is_file():
        frame = _read_parquet(path / "indicators.parquet", "indicators")
        profile = (
            _read_parquet(path / "age_profile.parquet", "age profile")
            if (path / "age_profile.parquet").is_file()
            else None
        )
        if scenario is not None and set(frame.get("scenario", [])) != {scenario}:
            raise ValidationError(f"{path}: --scenario {scenario}: the run is of {sorted(set(frame['scenario']))}")
        return Simulated([_check_indicators(frame, path)], [profile], "run")
    raise ValidationError(
        f"{path}: not a run folder (indicators.parquet and manifest.json) nor a batch store (store.json)"
    )


def _check_indicators(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    missing = [c for c in ("date", "region", "indicator", "value") if c not in frame.columns]
    if missing:
        raise ValidationError(f"{path}: the indicators lack columns {missing}")
    return frame


def _read_store(path: Path, scenario: str | None) -> Simulated:
    try:
        json.loads((path / "store.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidationError(f"{path / 'store.json'}: cannot be read ({exc})") from None
    if not (path / "indicators").exists():
        raise ValidationError(f"{path}: a batch store needs its indicators/ dataset")
    frame = _check_indicators(_read_parquet(path / "indicators", "indicators dataset"), path)
    if "scenario" in frame.columns:
        names = sorted(set(frame["scenario"].astype(str)))
        if scenario is None and len(names) > 1:
            raise ValidationError(f"{path}: holds scenarios {names}: choose one with --scenario")
        if scenario is not None:
            if scenario not in names:
                raise ValidationError(f"{path}: --scenario {scenario!r} is not in the store (has {names})")
            frame = frame[frame["scenario"].astype(str) == scenario]
    keys = [c for c in ("run", "run_id", "sample", "replicate", "seed") if c in frame.columns]
    groups = [g for _, g in frame.groupby(keys, sort=True)] if keys else [frame]
    profiles: list[pd.DataFrame | None] = [None] * len(groups)
    if (path / "age_profile").exists():
        profile = _read_parquet(path / "age_profile", "age profile dataset")
        if keys and all(k in profile.columns for k in keys):
            by_key = dict(list(profile.groupby(keys, sort=True)))
            profiles = [by_key.get(key) for key, _ in frame.groupby(keys, sort=True)]
    return Simulated(groups, profiles, "store")


def read_observed(path: Path) -> pd.DataFrame:
    """The observed table, checked: one line naming the file, line and column on the first problem."""
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise ValidationError(f"--observed {path}: file not found") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ValidationError(f"--observed {path}: cannot be read as CSV ({str(exc).splitlines()[0]})") from None
    missing = [c for c in ("region", "indicator", "value") if c not in frame.columns]
    if "date" not in frame.columns and "year" not in frame.columns:
        missing.append("date or year")
    if missing:
        raise ValidationError(f"{path}: missing columns {missing} (has {list(frame.columns)})")
    for column in ("date", "year", "source", "target"):
        if column not in frame.columns:
            frame[column] = ""
    from simulator.recording.recorder import INDICATORS

    kinds = {i.name: i.kind for i in INDICATORS}
    targets = _targets()
    periods, values = [], []
    for i, row in frame.iterrows():
        line = f"{path}: line {int(i) + 2}"
        if row["region"] not in KNOWN_REGIONS and not set(row["region"].split(";")) <= KNOWN_REGIONS:
            raise ValidationError(f"{line}: region {row['region']!r} is not province, a unit or an outside region")
        try:
            value = float(row["value"])
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise ValidationError(f"{line}: value: expected a number (got {row['value']!r})")
        values.append(value)
        if row["target"]:
            if row["target"] not in targets.index:
                raise ValidationError(f"{line}: target {row['target']!r} is not in calibration/targets.csv")
        elif row["indicator"] not in kinds:
            raise ValidationError(
                f"{line}: indicator {row['indicator']!r} is not an output indicator of the model"
            )
        periods.append(_period(row, kinds.get(row["indicator"], "flow"), line))
    frame["value"] = values
    frame["period"] = periods
    return frame


def _targets() -> pd.DataFrame:
    return pd.read_csv(CALIBRATION_DIR / "targets.csv", dtype={"date": str}).set_index("target")


def _period(row: pd.Series, kind: str, line: str) -> str:
    """The row's period as text: YYYY-MM (a stock's first day or one month) or YYYY-MM/YYYY-MM (months)."""
    date, year = row["date"].strip(), row["year"].strip()
    if bool(date) == bool(year):
        raise ValidationError(f"{line}: give either date or year (got date {date!r}, year {year!r})")
    if year:
        if not re.fullmatch(r"\d{4}", year):
            raise ValidationError(f"{line}: year: expected YYYY (got {year!r})")
        if kind == "stock":
            return f"{int(year) + 1}-01"
        return f"{year}-01/{year}-12"
    if MONTH.match(date):
        return date
    match = INTERVAL.match(date)
    if match and MONTH.match(match.group(1)) and MONTH.match(match.group(2)) and match.group(1) <= match.group(2):
        return date
    if DAY.match(date):
        try:
            day = pd.Timestamp(date)
        except ValueError:
            day = None
        if day is not None:
            if kind == "flow" and not row["target"]:
                raise ValidationError(f"{line}: date {date!r}: a flow takes a year, a month or YYYY-MM/YYYY-MM")
            first = day if day.day == 1 else day + pd.offsets.MonthBegin(1)
            return first.strftime("%Y-%m")
    raise ValidationError(f"{line}: date: expected YYYY-MM, YYYY-MM-DD or YYYY-MM/YYYY-MM (got {date!r})")


# --- matching ------------------------------------------------------------------------------------------------


def _months(period: str) -> list[str]:
    if "/" not in period:
        return [period]
    start, end = period.split("/")
    return [d.strftime("%Y-%m") for d in pd.period_range(start, end, freq="M").to_timestamp()]


def _direct(frame: pd.DataFrame, region: str, indicator: str, kind: str, period: str) -> tuple[float, str]:
    """The run's value for one observed row, and the rule used; NaN if the run does not cover it."""
    series = moments._series(frame, region, indicator)  # noqa: SLF001 (shared helper of the package)
    months = _months(period)
    if series.empty:
        return math.nan, "indicator not in the run"
    if any(m not in series.index for m in months):
        return math.nan, "not covered by the run"
    values = series[months]
    if kind == "stock" or (kind == "rate" and len(months) == 1):
        return float(values.iloc[-1]), "stock on the first day of the month" if kind == "stock" else "month"
    if "_since_" in indicator:
        return float(values.iloc[-1]), "cumulative: last month"
    if kind == "rate":
        return float(values.mean()), "mean of the months"
    return float(values.sum()), "sum of the months"


def _kind(indicator: str) -> str:
    from simulator.recording.recorder import INDICATORS

    return {i.name: i.kind for i in INDICATORS}.get(indicator, "moment")


# --- naive forecasts -----------------------------------------------------------------------------------------


def _mid(period: str) -> float:
    """Decimal year of the middle of a period (a stock: its first day)."""
    months = _months(period)
    first = pd.Timestamp(f"{months[0]}-01")
    if "/" not in period and len(months) == 1:
        return first.year + (first.day_of_year - 1) / 365.25
    last = pd.Timestamp(f"{months[-1]}-01") + pd.offsets.MonthEnd(0) + pd.Timedelta(days=1)
    middle = first + (last - first) / 2
    return middle.year + (middle.day_of_year - 1) / 365.25


def _years(period: str) -> float:
    return len(_months(period)) / 12.0 if "/" in period else 1.0 / 12.0


@dataclass(frozen=True)
class History:
    """Pre-census observations: {(region, indicator): [(mid-year, value per year or stock, period)]}."""

    points: dict[tuple[str, str], list[tuple[float, float]]]

    def population(self, region: str) -> list[tuple[float, float]]:
        """(decimal year, persons) of a region's population, or of a group of regions joined by ';'."""
        parts = region.split(";")
        series = [self.points.get((r, "population"), []) for r in parts]
        if len(parts) == 1:
            return series[0]
        # a group: the times all its parts have
        common = set.intersection(*(set(t for t, _ in s) for s in series)) if all(series) else set()
        return sorted((t, sum(v for s in series for tt, v in s if tt == t)) for t in common)


def read_history(path: Path) -> History:
    """The pre-census rows (no target, period on or before census day) of an observed-format file."""
    frame = read_observed(path)
    points: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for row in frame.itertuples(index=False):
        if row.target or _months(row.period)[-1] > CENSUS_MONTH:
            continue
        kind = _kind(row.indicator)
        value = row.value / _years(row.period) if kind == "flow" else row.value
        points.setdefault((row.region, row.indicator), []).append((_mid(row.period), value))
    return History({k: sorted(v) for k, v in points.items()})


def naive_forecasts(history: History, region: str, indicator: str, period: str) -> tuple[float, float]:
    """(compound trend, linear trend) for a population stock or a births/deaths flow; NaN otherwise."""
    population = history.population(region if indicator == "population" else "province")
    census = [(t, v) for t, v in population if abs(t - _mid(CENSUS_MONTH)) < 1e-6]
    first = [(t, v) for t, v in population if t < 2011]
    if not census or not first:
        return math.nan, math.nan
    t_census, p_census = census[0]
    growth = (p_census / first[0][1]) ** (1.0 / (t_census - first[0][0])) - 1.0
    target_time = _mid(period)
    if indicator == "population":
        compound = p_census * (1.0 + growth) ** (target_time - t_census)
        between = [(t, v) for t, v in population if first[0][0] < t < t_census]
        pair = between[-2:] if len(between) >= 2 else [first[0], census[0]]
        slope = (pair[1][1] - pair[0][1]) / (pair[1][0] - pair[0][0])
        return compound, p_census + slope * (target_time - t_census)
    if indicator in ("births", "deaths"):
        points = history.points.get((region, indicator), [])
        if not points:
            return math.nan, math.nan
        t_last, last = points[-1]
        years = _years(period)
        compound = last * (1.0 + growth) ** (target_time - t_last) * years
        calendar = [(t, v) for t, v in points if abs((t % 1) - 0.5) < 0.01]  # calendar years (mid-July)
        if len(calendar) < 2:
            return compound, math.nan
        slope = (calendar[-1][1] - calendar[-2][1]) / (calendar[-1][0] - calendar[-2][0])
        return compound, (last + slope * (target_time - t_last)) * years
    return math.nan, math.nan


# --- the comparison ------------------------------------------------------------------------------------------


def compare(simulated: Simulated, observed: pd.DataFrame, history: History) -> pd.DataFrame:
    """One output row per observed row (columns OUTPUT_COLUMNS)."""
    targets = _targets()
    start = min(str(r["date"].min()) for r in simulated.replicates)
    first_window = f"{start}/{moments._months_after(start, 11)}"  # noqa: SLF001
    rows = []
    for row in observed.itertuples(index=False):
        sims, rule = [], ""
        if row.target:
            target = targets.loc[[row.target]].reset_index()
            for frame, profile in zip(simulated.replicates, simulated.profiles, strict=True):
                out = moments.simulated_moments(target, frame, profile).iloc[0]
                sims.append(float(out["simulated"]))
                rule = f"moment: {out['how']}"
            forecast_period = first_window
        else:
            kind = _kind(row.indicator)
            for frame in simulated.replicates:
                value, rule = _direct(frame, row.region, row.indicator, kind, row.period)
                sims.append(value)
            forecast_period = row.period
        values = np.array(sims, dtype=float)
        finite = values[np.isfinite(values)]
        mean = float(finite.mean()) if finite.size else math.nan
        low, high = (
            (float(np.percentile(finite, 5)), float(np.percentile(finite, 95)))
            if finite.size > 1
            else (mean, mean)
        )
        compound, linear = (
            naive_forecasts(history, row.region, row.indicator, forecast_period)
            if row.indicator in ("population", "births", "deaths")
            else (math.nan, math.nan)
        )
        if row.target and row.indicator == "population":
            compound, linear = math.nan, math.nan
        status = "compared" if finite.size else rule
        if not row.target and _months(row.period)[0] < start:
            status, rule = "before the run (history)", "not compared"
            compound = linear = math.nan
        observed_value = float(row.value)
        scale = abs(observed_value) if observed_value else math.nan
        rows.append(
            {
                "target": row.target,
                "region": row.region,
                "indicator": row.indicator,
                "period": forecast_period if row.target else row.period,
                "rule": rule,
                "observed": observed_value,
                "simulated": mean,
                "simulated_p05": low,
                "simulated_p95": high,
                "replicates": int(finite.size),
                "abs_error": mean - observed_value,
                "rel_error": (mean - observed_value) / scale,
                "naive_compound": compound,
                "naive_compound_rel_error": (compound - observed_value) / scale,
                "naive_linear": linear,
                "naive_linear_rel_error": (linear - observed_value) / scale,
                "status": status,
                "source": row.source,
            }
        )
    return pd.DataFrame(rows, columns=OUTPUT_COLUMNS)


def mape(table: pd.DataFrame) -> dict[str, tuple[float, int]]:
    """Mean absolute percentage error of the model and of each naive forecast over compared count rows."""
    counts = table[(table["status"] == "compared") & (table["observed"].abs() >= 1.0)]
    out = {}
    for name, column in (
        ("model", "rel_error"),
        ("naive compound trend", "naive_compound_rel_error"),
        ("naive linear trend", "naive_linear_rel_error"),
    ):
        errors = counts[column].dropna().abs()
        out[name] = (float(errors.mean() * 100.0) if len(errors) else math.nan, int(len(errors)))
    return out


def render(table: pd.DataFrame, kind: str) -> str:
    """The comparison as a text table with the MAPE lines."""

    def fmt(x: float) -> str:
        if not isinstance(x, float) or math.isnan(x):
            return "-"
        return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.4f}"

    def pct(x: float) -> str:
        return "-" if math.isnan(x) else f"{x:+.1%}"

    lines = [
        f"{'region':14s} {'indicator / target':44s} {'period':15s} {'observed':>12s} {'simulated':>12s} "
        + (f"{'90% interval':>23s} " if kind == "store" else "")
        + f"{'rel err':>8s} {'compound':>12s} {'rel err':>8s} {'linear':>12s} {'rel err':>8s}  status"
    ]
    for r in table.itertuples(index=False):
        name = (r.target or r.indicator)[:44]
        region = r.region if ";" not in r.region else r.region.split(";")[0] + "+"
        interval = f"{fmt(r.simulated_p05):>11s}-{fmt(r.simulated_p95):<11s} " if kind == "store" else ""
        lines.append(
            f"{region[:14]:14s} {name:44s} {r.period:15s} {fmt(r.observed):>12s} {fmt(r.simulated):>12s} "
            + interval
            + f"{pct(r.rel_error):>8s} {fmt(r.naive_compound):>12s} {pct(r.naive_compound_rel_error):>8s} "
            f"{fmt(r.naive_linear):>12s} {pct(r.naive_linear_rel_error):>8s}  {r.status}"
        )
    for name, (value, n) in mape(table).items():
        shown = "-" if math.isnan(value) else f"{value:.2f} %"
        lines.append(f"MAPE {name:22s} {shown:>10s} over {n} compared counts")
    return "\n".join(lines)


def _write(table: pd.DataFrame, out: Path) -> None:
    """Write atomically; never over a file that is not an earlier validation table."""
    if out.is_dir():
        raise ValidationError(f"--out {out}: is a folder")
    if out.exists():
        try:
            header = out.read_text(encoding="utf-8").splitlines()[0]
        except (OSError, UnicodeDecodeError, IndexError):
            header = ""
        if header != ",".join(OUTPUT_COLUMNS):
            raise ValidationError(f"--out {out}: exists and is not a validation table; not replacing it")
    if not out.parent.is_dir():
        raise ValidationError(f"--out {out}: folder {out.parent} does not exist")
    write_atomically(out, table.to_csv(index=False, lineterminator="\n"))


def validate_command(
    source: Path, observed: Path, out: Path | None = None, scenario: str | None = None, history: Path | None = None
) -> int:
    """`talentsim validate`: print the comparison and write it to `out` (default SOURCE/validation.csv)."""
    simulated = read_simulated(Path(source), scenario)
    table = compare(simulated, read_observed(Path(observed)), read_history(Path(history or HISTORY_FILE)))
    destination = Path(out) if out is not None else Path(source) / OUTPUT_NAME
    print(
        f"talentsim validate: {source} ({simulated.kind}, {len(simulated.replicates)} replicate(s)) "
        f"against {observed}"
    )
    print(render(table, simulated.kind))
    _write(table, destination)
    print(f"wrote {destination}")
    return 0

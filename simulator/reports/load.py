"""Reading what a report shows: a run folder written by `talentsim run` or a batch store written by
`talentsim batch`, plus the unit names, coordinates and plan targets from calibration/.

A run folder holds indicators.parquet and manifest.json. A batch store holds store.json, an indicators/
Parquet dataset (one file per run), runs.parquet and scenarios/<name>.json. Both become one `ReportInput`
whose indicator table has the columns scenario, sample, replicate, seed, scale, date, region, indicator,
value (sample -1 where runs were not sampled).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from simulator.geography import UNITS
from simulator.inputs import CALIBRATION_DIR
from simulator.recording.output import is_run_folder

#: Columns of the indicator table a report reads.
COLUMNS = ("scenario", "sample", "replicate", "seed", "scale", "date", "region", "indicator", "value")
#: Indicators a report shows (plus every policy_spending_yuan.<lever>).
SHOWN = (
    "population",
    "working_age_population",
    "net_migration_interprovincial",
    "net_migration_within_province",
    "graduates_retained_one_year",
    "high_skill_talent",
    "high_skill_share",
    "training_person_times_to_date",
    "training_person_times_subsidised_to_date",
)
#: Earlier names of shown indicators (outputs written before they were renamed): old -> new.
RENAMED = {"training_person_times_since_2021": "training_person_times_to_date"}
SPENDING_PREFIX = "policy_spending_yuan."
#: The `kind` of a batch store's store.json.
STORE_KIND = "talentsim experiment store"
#: Key of the run record in the Parquet metadata of a store's run file.
RUN_METADATA_KEY = b"talentsim.run"
#: The plan's targets a report follows: item in policy_instruments.csv -> (indicator, factor to its unit).
TARGET_ITEMS: dict[str, tuple[str, float]] = {
    "high_skill_talent": ("high_skill_talent", 1.0),
    "high_skill_share_pct": ("high_skill_share", 0.01),
    # the plan counts the courses its programmes fund, not firms' own training (README, indicators)
    "training_person_times": ("training_person_times_subsidised_to_date", 1.0),
}
#: The month the plan's 2025 targets refer to (the end of the 14th five-year plan).
PLAN_END = "2025-12"


class ReportError(ValueError):
    """Bad input to `talentsim report`: the message is one line naming the path or option."""


@dataclass
class ReportInput:
    """What a report shows: the indicators of one run or of a store, and where they come from.

    Attributes:
        kind: "run" or "store".
        path: the run folder or store.
        indicators: province and unit rows of the shown indicators (columns `COLUMNS`).
        scenarios: scenario names in the order of the input.
        manifest: the run's manifest.json (a run) or store.json (a store).
        runs: runs.parquet of a store (None for a run).
        scenario_files: scenarios/<name>.json of a store, by name.
        run_record: the record a store keeps in its first run file's metadata (empty if none).
    """

    kind: str
    path: Path
    indicators: pd.DataFrame
    scenarios: list[str]
    manifest: dict[str, Any]
    runs: pd.DataFrame | None = None
    scenario_files: dict[str, dict[str, Any]] = field(default_factory=dict)
    run_record: dict[str, Any] = field(default_factory=dict)

    @property
    def months(self) -> tuple[str, str]:
        """First and last month of the indicators (YYYY-MM)."""
        dates = self.indicators["date"]
        return str(dates.min()), str(dates.max())

    @property
    def n_runs(self) -> int:
        """Runs whose indicators are present."""
        return int(self.indicators[["scenario", "sample", "replicate"]].drop_duplicates().shape[0])


@dataclass(frozen=True)
class Target:
    """One of the plan's 2025 targets, in the unit of the indicator it is read against."""

    item: str
    indicator: str
    value: float


def is_run(path: Path) -> bool:
    """True if `path` is a run folder written by `talentsim run`."""
    return is_run_folder(path) and (path / "indicators.parquet").is_file()


def is_store(path: Path) -> bool:
    """True if `path` is a batch store written by `talentsim batch`."""
    return (path / "store.json").is_file() and (path / "indicators").is_dir()


def load_input(path: Path | str) -> ReportInput:
    """Read a run folder or a batch store; raise `ReportError` if `path` is neither."""
    path = Path(path)
    if is_store(path):
        return _load_store(path)
    if is_run(path):
        return _load_run(path)
    if not path.exists():
        raise ReportError(f"{path}: no such file or folder (expected a run folder or a batch store)")
    raise ReportError(
        f"{path}: not a talentsim run folder (manifest.json + indicators.parquet) "
        "nor a batch store (store.json + indicators/)"
    )


def _json(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportError(f"{path}: unreadable ({type(exc).__name__}: {str(exc).splitlines()[0]})") from None
    if not isinstance(value, dict):
        raise ReportError(f"{path}: expected a JSON object")
    return value


def _parquet(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    try:
        return pd.read_parquet(path, columns=columns)
    except Exception as exc:  # pyarrow raises many kinds; all mean the same to the user
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ReportError(f"{path}: unreadable Parquet ({first})") from None


def _shown_rows(path: Path) -> pd.DataFrame:
    """The rows a report shows, read with a filter so the rest never becomes a DataFrame: the shown indicators
    (and their earlier names) and every lever's spending, for the province and the units."""
    names = sorted({*SHOWN, *RENAMED, "graduates_retained"})
    indicator = pc.field("indicator")
    wanted = indicator.isin(names) | pc.starts_with(indicator, SPENDING_PREFIX)
    try:
        dataset = ds.dataset(path, format="parquet")
        if "region" in dataset.schema.names:
            wanted = wanted & pc.field("region").isin(["province", *UNITS])
        return dataset.to_table(filter=wanted).to_pandas()
    except Exception as exc:  # pyarrow raises many kinds; all mean the same to the user
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ReportError(f"{path}: unreadable Parquet ({first})") from None


def _tidy(frame: pd.DataFrame, where: Path) -> pd.DataFrame:
    """Keep the shown indicators of the province and units, with every column of `COLUMNS`."""
    if "sample" not in frame.columns:
        frame = frame.assign(sample=-1)
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ReportError(f"{where}: indicator table lacks column(s) {', '.join(missing)}")
    frame = _renamed(frame)
    indicator = frame["indicator"].astype(str)
    keep = indicator.isin(SHOWN) | indicator.str.startswith(SPENDING_PREFIX)
    frame = frame.loc[keep & (frame["region"].astype(str) != ""), list(COLUMNS)].copy()
    for column in ("scenario", "date", "region", "indicator"):
        frame[column] = frame[column].astype(str)
    for column in ("sample", "replicate", "seed", "scale"):
        frame[column] = frame[column].astype("int64")
    frame["value"] = frame["value"].astype(float)
    if frame.empty:
        raise ReportError(f"{where}: no indicator rows to report")
    return frame.reset_index(drop=True)


def _renamed(frame: pd.DataFrame) -> pd.DataFrame:
    """Outputs of earlier versions under today's names: renamed indicators, and the July rows of the old
    graduates_retained (a cohort one year on) as graduates_retained_one_year."""
    indicator = frame["indicator"].astype(str)
    if "graduates_retained_one_year" not in set(indicator):
        july = (indicator == "graduates_retained") & (frame["date"].astype(str).str[5:] == "07")
        frame = frame.assign(indicator=indicator.where(~july, "graduates_retained_one_year"))
    return frame.assign(indicator=frame["indicator"].astype(str).replace(RENAMED))


def _load_run(path: Path) -> ReportInput:
    manifest = _json(path / "manifest.json")
    frame = _tidy(_shown_rows(path / "indicators.parquet"), path / "indicators.parquet")
    return ReportInput("run", path, frame, list(dict.fromkeys(frame["scenario"])), manifest)


def _load_store(path: Path) -> ReportInput:
    manifest = _json(path / "store.json")
    if manifest.get("kind", STORE_KIND) != STORE_KIND:
        raise ReportError(f"{path / 'store.json'}: not a talentsim store (kind {manifest.get('kind')!r})")
    if not any((path / "indicators").rglob("*.parquet")):
        raise ReportError(f"{path}: the store has no finished run (indicators/ is empty)")
    frame = _tidy(_shown_rows(path / "indicators"), path / "indicators")
    runs = _parquet(path / "runs.parquet") if (path / "runs.parquet").is_file() else None
    listed = manifest.get("scenarios") if isinstance(manifest.get("scenarios"), list) else []
    ran = list(runs["scenario"].astype(str)) if runs is not None and "scenario" in runs else []
    order = [str(s) for s in listed] + ran
    scenarios = [s for s in dict.fromkeys([*order, *frame["scenario"]]) if s in set(frame["scenario"])]
    files = {p.stem: _json(p) for p in sorted((path / "scenarios").glob("*.json"))}
    return ReportInput("store", path, frame, scenarios, manifest, runs, files, _run_record(path))


def _run_record(store: Path) -> dict[str, Any]:
    """The run record a store writes into a run file's Parquet metadata (key talentsim.run), if any."""
    for file in sorted((store / "indicators").glob("*.parquet"))[:1]:
        try:
            metadata = pq.read_schema(file).metadata or {}
            record = json.loads(metadata.get(RUN_METADATA_KEY, b"{}"))
        except (OSError, ValueError, pa.ArrowInvalid):
            return {}
        return record if isinstance(record, dict) else {}
    return {}


def load_units(directory: Path = CALIBRATION_DIR) -> pd.DataFrame:
    """The 11 units: code (index), name_zh, name_en, census-day population, lat, lon."""
    path = directory / "units_2020.csv"
    try:
        table = pd.read_csv(path, usecols=["unit", "name_zh", "name_en", "population", "lat", "lon"])
    except (OSError, ValueError) as exc:
        raise ReportError(f"{path}: unreadable ({str(exc).splitlines()[0]})") from None
    return table.set_index("unit")


def load_targets(directory: Path = CALIBRATION_DIR) -> list[Target]:
    """The plan's 2025 targets that the indicators measure, from policy_instruments.csv (plan_targets_2025)."""
    path = directory / "policy_instruments.csv"
    try:
        table = pd.read_csv(path, usecols=["instrument", "item", "value"])
    except (OSError, ValueError) as exc:
        raise ReportError(f"{path}: unreadable ({str(exc).splitlines()[0]})") from None
    rows = table[table["instrument"] == "plan_targets_2025"].set_index("item")["value"]
    targets = []
    for item, (indicator, factor) in TARGET_ITEMS.items():
        if item not in rows.index:
            raise ReportError(f"{path}: plan_targets_2025 needs a row {item}")
        targets.append(Target(item, indicator, float(rows[item]) * factor))
    return targets


def load_calibration_hashes(directory: Path = CALIBRATION_DIR) -> dict[str, str]:
    """SHA-256 (first 16 hex digits) of every calibration/*.csv as it is now: the same digest a run's
    manifest records as `data_file_hashes`."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:16] for p in sorted(directory.glob("*.csv"))}

"""The store of a batch: one folder holding every finished run of an experiment.

Layout (`STORE/`):
- `store.json`: experiment name, experiment hash (`Experiment.hash()`: the resolved scenarios, settings and
  samples, so editing a comment does not make another experiment but editing a lever does), code version
  and creation time. It is how a folder is recognised as a store, and of which experiment.
- `experiment.toml`: a copy of the experiment file.
- `scenarios/<name>.json`: each scenario as resolved, with `run` set to the experiment's scale and end and
  replicate 0's seed (`talentsim run` of that file repeats replicate 0; `--seed` picks another replicate);
  with samples also `scenarios/<name>.sample-<k>.json`, the scenario with sample k's values.
- `samples.parquet` (sampled experiments only): sample, parameter, value.
- `indicators/`: one Parquet file per finished run (scenario, sample, replicate, seed, scale, date, region,
  indicator, value; `sample` is -1 without samples), read in one call with
  `pandas.read_parquet(STORE / "indicators")`. Each is written to a hidden temporary file and renamed
  when complete, so a run's rows are there whole or not at all. The file also carries the run's record.
- `runs.parquet`: one row per run that finished or failed (scenario, sample, replicate, seed, status
  'ok'|'failed', error, scenario_hash, code_version, wall_seconds, peak_memory_mb), rewritten atomically
  after each run. On resume it is rebuilt from the run files, so a kill between the two writes loses
  nothing.

Only the process that started the batch writes here; workers return their results to it.
"""

from __future__ import annotations

import datetime
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from simulator.atomic import new_file_mode, write_atomically
from simulator.provenance import code_version

STORE_FILE = "store.json"
STORE_KIND = "talentsim experiment store"
RUN_METADATA_KEY = b"talentsim.run"
INDICATOR_SCHEMA = pa.schema(
    [
        ("scenario", pa.string()),
        ("sample", pa.int64()),
        ("replicate", pa.int64()),
        ("seed", pa.int64()),
        ("scale", pa.int64()),
        ("date", pa.string()),
        ("region", pa.string()),
        ("indicator", pa.string()),
        ("value", pa.float64()),
    ]
)
RUNS_SCHEMA = pa.schema(
    [
        ("scenario", pa.string()),
        ("sample", pa.int64()),
        ("replicate", pa.int64()),
        ("seed", pa.int64()),
        ("status", pa.string()),
        ("error", pa.string()),
        ("scenario_hash", pa.string()),
        ("code_version", pa.string()),
        ("wall_seconds", pa.float64()),
        ("peak_memory_mb", pa.float64()),
    ]
)
RUN_KEY = ["scenario", "sample", "replicate"]


class StoreError(ValueError):
    """A store cannot be used as asked (not a store, another experiment, ...). The message is one line."""


@dataclass
class StoreContents:
    """What `read_store` returns.

    Attributes:
        path: the store folder.
        meta: store.json.
        indicators: every finished run's rows (INDICATOR_SCHEMA columns).
        runs: the run table (RUNS_SCHEMA columns), sorted by scenario, sample, replicate.
        samples: sample, parameter, value; None when the experiment has no samples.
    """

    path: Path
    meta: dict[str, Any]
    indicators: pd.DataFrame
    runs: pd.DataFrame
    samples: pd.DataFrame | None

    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)


def run_file_name(scenario: str, sample: int, replicate: int) -> str:
    """File name of a run's indicators inside `indicators/`."""
    return f"{scenario}__s{sample}__r{replicate}.parquet"


def atomic_write(path: Path, write: Any) -> None:
    """Call write(temporary path) and rename the result to `path` (a hidden temporary file beside it)."""
    write_atomically(path, write)


def read_meta(path: Path) -> dict[str, Any] | None:
    """store.json of `path`, or None if `path` is not a talentsim store."""
    try:
        meta = json.loads((path / STORE_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return meta if isinstance(meta, dict) and meta.get("kind") == STORE_KIND else None


def _describe_existing(path: Path) -> str:
    if not path.is_dir():
        return "exists and is not a folder"
    if not any(path.iterdir()):
        return "exists (an empty folder this command did not make)"
    return "exists and is not a talentsim store (no store.json)"


class Store:
    """A store opened by a batch for writing (see `open_store`)."""

    def __init__(self, path: Path, meta: dict[str, Any]) -> None:
        self.path = path
        self.meta = meta
        self.runs = _empty_runs()

    # --- writing ---

    def add_ok(self, frame: pd.DataFrame, record: dict[str, Any]) -> None:
        """Write a finished run's rows (atomically) and its record."""
        table = pa.Table.from_pandas(
            _indicator_frame(frame, record["sample"]), schema=INDICATOR_SCHEMA, preserve_index=False
        )
        table = table.replace_schema_metadata({RUN_METADATA_KEY: json.dumps(record).encode("utf-8")})
        target = (
            self.path / "indicators" / run_file_name(record["scenario"], record["sample"], record["replicate"])
        )
        atomic_write(target, lambda tmp: pq.write_table(table, tmp))
        self._record(record)

    def add_failed(self, record: dict[str, Any]) -> None:
        """Record a failed run (no rows)."""
        self._record(record)

    def _record(self, record: dict[str, Any]) -> None:
        row = pd.DataFrame([{c: record.get(c) for c in RUNS_SCHEMA.names}])
        keep = ~_key_match(self.runs, record)
        self.runs = pd.concat([self.runs[keep], row.astype(self.runs.dtypes.to_dict())], ignore_index=True)
        self.write_runs()

    def write_runs(self) -> None:
        """Rewrite runs.parquet (atomically), sorted by run."""
        runs = self.runs.sort_values(RUN_KEY, kind="stable").reset_index(drop=True)
        table = pa.Table.from_pandas(runs, schema=RUNS_SCHEMA, preserve_index=False)
        atomic_write(self.path / "runs.parquet", lambda tmp: pq.write_table(table, tmp))

    # --- reading back what is there (resume) ---

    def load_runs(self) -> None:
        """Rebuild the run table from runs.parquet and the run files: a run is finished if its file is there
        (the file's own record counts, so a kill between writing it and runs.parquet loses nothing); failed
        runs are kept from runs.parquet; stale temporary files of an interrupted batch are removed."""
        for stale in list(self.path.glob(".*.tmp")) + list((self.path / "indicators").glob(".*.tmp")):
            stale.unlink(missing_ok=True)
        try:
            previous = pq.read_table(self.path / "runs.parquet").to_pandas()
        except (OSError, pa.ArrowInvalid):
            previous = _empty_runs()
        records = []
        for file in sorted((self.path / "indicators").glob("*.parquet")):
            try:
                metadata = pq.read_schema(file).metadata or {}
                records.append(json.loads(metadata[RUN_METADATA_KEY]))
            except (OSError, KeyError, pa.ArrowInvalid, json.JSONDecodeError):
                raise StoreError(
                    f"{file}: damaged run file in the store; remove it to run that run again"
                ) from None
        finished = pd.DataFrame(records, columns=RUNS_SCHEMA.names) if records else _empty_runs()
        failed = previous[previous["status"] == "failed"]
        if len(finished):
            failed = failed[~failed.set_index(RUN_KEY).index.isin(finished.set_index(RUN_KEY).index)]
        self.runs = pd.concat([finished.astype(_empty_runs().dtypes.to_dict()), failed], ignore_index=True)
        self.write_runs()

    def finished(self) -> set[tuple[str, int, int]]:
        """Keys (scenario, sample, replicate) of the runs with their rows in the store."""
        ok = self.runs[self.runs["status"] == "ok"]
        return set(zip(ok["scenario"], ok["sample"].astype(int), ok["replicate"].astype(int), strict=True))


def _key_match(runs: pd.DataFrame, record: dict[str, Any]) -> pd.Series:
    return (
        (runs["scenario"] == record["scenario"])
        & (runs["sample"] == record["sample"])
        & (runs["replicate"] == record["replicate"])
    )


def _empty_runs() -> pd.DataFrame:
    return RUNS_SCHEMA.empty_table().to_pandas()


def _indicator_frame(frame: pd.DataFrame, sample: int) -> pd.DataFrame:
    out = frame.copy()
    out.insert(1, "sample", int(sample))
    return out[INDICATOR_SCHEMA.names]


def check_store(out: Path, experiment: Any, resume: bool) -> tuple[dict[str, Any] | None, list[str]]:
    """Whether a batch of `experiment` may write into `out`, without writing anything.

    Returns:
        store.json of the existing store (None if `out` does not exist) and notes to show the user.

    Raises:
        StoreError: `out` exists and is not a store of this experiment, or is one and `resume` is False.
    """
    out = Path(out)
    if not (out.exists() or out.is_symlink()):
        return None, []
    digest, version = experiment.hash(), code_version()
    meta = read_meta(out) if out.is_dir() else None
    if meta is None:
        raise StoreError(f"{out}: {_describe_existing(out)}; not writing into it (choose another --out)")
    if meta.get("experiment_hash") != digest:
        raise StoreError(
            f"{out}: holds experiment {meta.get('experiment')!r} from another experiment file (other "
            "scenarios, samples or settings); not mixing them (choose another --out)"
        )
    same_code = meta.get("code_version") == version
    if not resume:
        why = "" if same_code else f" written by code version {meta.get('code_version')} (this is {version});"
        raise StoreError(
            f"{out}: already holds experiment {experiment.name!r};{why} add --resume to run only what is "
            "missing, or choose another --out"
        )
    notes = []
    if not same_code:
        notes.append(
            f"note: {out} was started by code version {meta.get('code_version')}; this is {version} "
            "(each run records its own code version in runs.parquet)"
        )
    return meta, notes


def open_store(out: Path, experiment: Any, resume: bool) -> tuple[Store, list[str]]:
    """Open `out` for a batch of `experiment`: create it (whole, by renaming a folder made beside it), or
    reopen it with `resume` (see `check_store` for what is refused).

    Returns:
        The store and notes to show the user.
    """
    out = Path(out)
    existing, notes = check_store(out, experiment, resume)
    if existing is not None:
        store = Store(out, existing)
        store.load_runs()
        return store, notes
    meta = {
        "kind": STORE_KIND,
        "experiment": experiment.name,
        "experiment_hash": experiment.hash(),
        "code_version": code_version(),
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "scenarios": [s.name for s in experiment.scenarios],
        "replicates": experiment.replicates,
        "seed": experiment.seed,
        "scale": experiment.scale,
        "end": experiment.end,
        "samples": None
        if experiment.design is None
        else {"method": experiment.method, "n": experiment.n, "levels": experiment.levels,
              "parameters": {s.name: list(b) for s, b in zip(experiment.settings, experiment.bounds, strict=True)},
              "count": len(experiment.design)},
    }  # fmt: skip
    _create(out, experiment, meta)
    store = Store(out, meta)
    return store, notes


def _create(out: Path, experiment: Any, meta: dict[str, Any]) -> None:
    """Make the store folder whole in a temporary folder beside `out`, then rename it."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        staging.chmod(new_file_mode(directory=True))
        (staging / "indicators").mkdir()
        (staging / "scenarios").mkdir()
        (staging / "experiment.toml").write_bytes(experiment.text)
        for scenario in experiment.scenarios:
            for sample in experiment.samples:
                variant = experiment.variant(scenario, sample)
                name = f"{scenario.name}.json" if sample < 0 else f"{scenario.name}.sample-{sample}.json"
                resolved = variant.resolved()
                resolved["run"] = {
                    "scale": experiment.scale,
                    "seed": experiment.run_seed(0),
                    "end": experiment.end,
                }
                (staging / "scenarios" / name).write_text(json.dumps(resolved, indent=2, sort_keys=True) + "\n")
            if experiment.design is not None:
                resolved = scenario.resolved()
                resolved["run"] = {
                    "scale": experiment.scale,
                    "seed": experiment.run_seed(0),
                    "end": experiment.end,
                }
                (staging / "scenarios" / f"{scenario.name}.json").write_text(
                    json.dumps(resolved, indent=2, sort_keys=True) + "\n"
                )
        samples = experiment.samples_frame()
        if samples is not None:
            samples.to_parquet(staging / "samples.parquet", index=False)
        pq.write_table(RUNS_SCHEMA.empty_table(), staging / "runs.parquet")
        (staging / STORE_FILE).write_text(json.dumps(meta, indent=2) + "\n")
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def read_store(store: Path) -> StoreContents:
    """Everything in a store: indicators, runs, samples (None without samples) and store.json.

    Raises:
        StoreError: `store` is not a talentsim store.
    """
    store = Path(store)
    meta = read_meta(store) if store.is_dir() else None
    if meta is None:
        what = "no such folder" if not store.exists() else _describe_existing(store)
        raise StoreError(f"{store}: not a talentsim store ({what})")
    files = sorted((store / "indicators").glob("*.parquet"))
    if files:
        indicators = pq.read_table(store / "indicators", schema=INDICATOR_SCHEMA).to_pandas()
    else:
        indicators = INDICATOR_SCHEMA.empty_table().to_pandas()
    try:
        runs = pq.read_table(store / "runs.parquet").to_pandas()
    except (OSError, pa.ArrowInvalid):
        runs = _empty_runs()
    runs = runs.sort_values(RUN_KEY, kind="stable").reset_index(drop=True)
    samples_file = store / "samples.parquet"
    samples = pd.read_parquet(samples_file) if samples_file.exists() else None
    return StoreContents(path=store, meta=meta, indicators=indicators, runs=runs, samples=samples)

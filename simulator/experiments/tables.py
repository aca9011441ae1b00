"""Writing result tables (`--out FILE` of compare and sensitivity): CSV or Parquet by the file's suffix,
atomically, replacing an existing file only if it is a table of the same kind written by talentsim."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from simulator.experiments.store import StoreError, atomic_write

SUFFIXES = (".csv", ".parquet")
KIND_KEY = b"talentsim.table"


def check_target(path: Path, kind: str, columns: list[str] | None) -> None:
    """Raise StoreError unless a `kind` table with `columns` may be written at `path` (columns None: check
    only the name, before the table is made)."""
    if path.suffix not in SUFFIXES:
        raise StoreError(f"{path}: --out: expected a file name ending in .csv or .parquet")
    if path.is_dir():
        raise StoreError(f"{path}: --out: is a folder, not a file")
    if columns is not None and path.exists() and not _is_own(path, kind, columns):
        raise StoreError(f"{path}: --out: exists and is not a {kind} table written by talentsim; not replacing it")


def _is_own(path: Path, kind: str, columns: list[str]) -> bool:
    try:
        if path.suffix == ".parquet":
            return (pq.read_schema(path).metadata or {}).get(KIND_KEY) == kind.encode()
        with open(path, newline="", encoding="utf-8") as f:
            return next(csv.reader(f), None) == columns
    except (OSError, UnicodeDecodeError, pa.ArrowInvalid, csv.Error):
        return False


def write_table(frame: pd.DataFrame, path: Path, kind: str) -> None:
    """Write `frame` to `path` (.csv or .parquet), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".parquet":
        table = pa.Table.from_pandas(frame, preserve_index=False)
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), KIND_KEY: kind.encode()})
        atomic_write(path, lambda tmp: pq.write_table(table, tmp))
    else:
        atomic_write(path, lambda tmp: frame.to_csv(tmp, index=False))

"""Reading calibration files: CSV with a `source` column, numbers checked, every problem one line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

CALIBRATION_DIR = Path(__file__).resolve().parent.parent.parent / "calibration"


class DataError(ValueError):
    """A calibration data file is missing, malformed or inconsistent."""


def read_csv(directory: Path, name: str, columns: list[str]) -> pd.DataFrame:
    """Read `directory/name`, requiring `columns` (and a source on every row if "source" is one of them)."""
    path = directory / name
    try:
        frame = pd.read_csv(path)
    except FileNotFoundError:
        raise DataError(f"{path}: calibration file is missing") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot be read as CSV ({exc})") from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"{path}: missing columns {missing} (has {list(frame.columns)})")
    if "source" in columns and frame["source"].isna().any():
        row = int(frame.index[frame["source"].isna()][0]) + 2
        raise DataError(f"{path}: line {row} has no source")
    return frame


def numeric(frame: pd.DataFrame, column: str, path: Path, allow_missing: bool = False) -> np.ndarray:
    """A column as floats; a cell that is not a number is a DataError naming the line."""
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() & (frame[column].notna() | (not allow_missing))
    if bad.any():
        row = int(frame.index[bad][0]) + 2
        raise DataError(f"{path}: line {row}, column {column}: not a number (got {frame[column][bad].iloc[0]!r})")
    return values.to_numpy(dtype=float)


def figures(directory: Path, name: str) -> dict[str, float]:
    """A file of (figure, value, source) rows as {figure: value}."""
    frame = read_csv(directory, name, ["figure", "value", "source"])
    values = numeric(frame, "value", directory / name)
    return dict(zip(frame["figure"], values, strict=True))


def close(a: float, b: float, tolerance: float) -> bool:
    """Whether a is within a relative `tolerance` of b."""
    return abs(a - b) <= tolerance * max(abs(b), 1.0)

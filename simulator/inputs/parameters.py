"""The model's parameters: `calibration/parameters.csv`, every row checked, overrides checked against ranges.

Each row has a value inside [low, high], a unit, a basis (`data`, `statutory`, `derived`, `assumption`,
`provisional`, `fitted`) and a source. Which rows must exist is declared by the code that reads them (each
process, synthesis and the levers list their parameters; `simulator.model.required_parameters` collects
them): a missing row and a row nobody reads are both errors, one line each, naming the file and the row.
"""

from __future__ import annotations

import csv
import difflib
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simulator.inputs.files import CALIBRATION_DIR, DataError

PARAMETERS_FILE = "parameters.csv"
COLUMNS = ["name", "value", "low", "high", "unit", "basis", "source", "meaning"]
BASES = ("data", "statutory", "derived", "assumption", "provisional", "fitted")


class ParameterError(DataError):
    """A parameter value (from the file or an override) is unknown, missing or out of range."""


@dataclass(frozen=True)
class Parameter:
    """One behavioural or structural parameter with its plausible range and where it comes from."""

    name: str
    value: float
    low: float
    high: float
    unit: str
    basis: str
    source: str
    meaning: str

    def check(self, value: object, where: str) -> float:
        """`value` as a float if it is a finite number inside [low, high]; else ParameterError at `where`."""
        if isinstance(value, bool) or not isinstance(value, int | float | np.number):
            raise ParameterError(f"{where}: expected a number (got {value!r})")
        number = float(value)
        if not (math.isfinite(number) and self.low <= number <= self.high):
            raise ParameterError(
                f"{where}: expected a value in [{_num(self.low)}, {_num(self.high)}] (got {value!r})"
            )
        return number


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


class Parameters:
    """The model's parameters from `calibration/parameters.csv`, with optional overrides.

    Access by full name: `params["migration.hazard.age_20_24"]`. Overrides may only name known parameters
    and must lie within their stated range (ParameterError otherwise).
    """

    def __init__(self, table: dict[str, Parameter], overrides: Mapping[str, float] | None = None) -> None:
        self.table = table
        self.values = {name: p.value for name, p in table.items()}
        for name, value in (overrides or {}).items():
            if name not in table:
                close = difflib.get_close_matches(name, list(table), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise ParameterError(f"parameter {name!r}: unknown parameter{hint}")
            self.values[name] = table[name].check(value, f"parameter {name}")

    def __getitem__(self, name: str) -> float:
        return self.values[name]

    def __contains__(self, name: str) -> bool:
        return name in self.values

    def group(self, prefix: str) -> dict[str, float]:
        """All parameters named `prefix.<key>`, as {key: value}."""
        cut = len(prefix) + 1
        return {n[cut:]: v for n, v in self.values.items() if n.startswith(prefix + ".")}

    def overrides(self) -> dict[str, float]:
        """The values that differ from the file's."""
        return {n: v for n, v in self.values.items() if v != self.table[n].value}

    def with_overrides(self, overrides: Mapping[str, float]) -> Parameters:
        """A copy with some values replaced (checked against their ranges)."""
        return Parameters(self.table, {**self.overrides(), **overrides})


NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) of every non-blank data line of the CSV file, with exact line numbers."""
    try:
        handle = path.open(encoding="utf-8", newline="")
    except FileNotFoundError:
        raise ParameterError(f"{path}: calibration file is missing") from None
    except OSError as exc:
        raise ParameterError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    with handle:
        try:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise ParameterError(f"{path}: is empty (expected the columns {', '.join(COLUMNS)})")
            header = [h.strip() for h in header]
            missing = [c for c in COLUMNS if c not in header]
            if missing:
                raise ParameterError(f"{path}: missing columns {missing} (has {header})")
            for cells in reader:
                if not any(c.strip() for c in cells):
                    continue
                line = reader.line_num
                if len(cells) != len(header):
                    raise ParameterError(f"{path}: line {line}: {len(cells)} fields, expected {len(header)}")
                yield line, dict(zip(header, (c.strip() for c in cells), strict=True))
        except UnicodeDecodeError as exc:
            raise ParameterError(f"{path}: is not UTF-8 text ({exc.reason})") from None
        except csv.Error as exc:
            raise ParameterError(f"{path}: cannot be read as CSV ({exc})") from None


def load_parameters(directory: Path = CALIBRATION_DIR, required: Iterable[str] | None = None) -> Parameters:
    """Read `parameters.csv`; every problem is a one-line ParameterError naming the file and line.

    Args:
        directory: the calibration folder.
        required: the names the model reads; if given, an unknown or a missing row is an error.
    """
    path = directory / PARAMETERS_FILE
    table: dict[str, Parameter] = {}
    for line_number, row in _rows(path):
        line = f"{path}: line {line_number}"
        key = row["name"]
        if not key:
            raise ParameterError(f"{line}: empty parameter name")
        numbers = {}
        for column in ("value", "low", "high"):
            cell = row[column]
            if not cell:
                raise ParameterError(f"{line}: {key}: {column} is empty (expected a number)")
            if not NUMBER.match(cell):
                raise ParameterError(f"{line}: {key}: {column} is not a number (got {cell!r})")
            numbers[column] = float(cell)
        value, low, high = numbers["value"], numbers["low"], numbers["high"]
        if key in table:
            raise ParameterError(f"{line}: parameter {key} appears twice")
        if low > high:
            raise ParameterError(f"{line}: {key}: low {_num(low)} is above high {_num(high)}")
        if not low <= value <= high:
            raise ParameterError(f"{line}: {key} = {_num(value)} lies outside [{_num(low)}, {_num(high)}]")
        if row["basis"] not in BASES:
            raise ParameterError(f"{line}: {key}: basis must be one of {', '.join(BASES)} (got {row['basis']!r})")
        for column in ("unit", "source", "meaning"):
            if not row[column]:
                raise ParameterError(f"{line}: {key}: {column} is empty")
        table[key] = Parameter(key, value, low, high, row["unit"], row["basis"], row["source"], row["meaning"])
    if required is not None:
        check_rows(table, set(required), path)
    return Parameters(table)


def check_rows(table: Mapping[str, Parameter], required: set[str], path: Path | str) -> None:
    """Every row is read by the model, and every name it reads has a row (ParameterError otherwise).

    Unknown rows are reported first: a misspelt name shows as both, and its spelling is the mistake.
    """
    missing = sorted(required - set(table))
    unknown = sorted(set(table) - required)
    if unknown:
        close = difflib.get_close_matches(unknown[0], missing or sorted(required), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ParameterError(f"{path}: parameter {unknown[0]} is unknown: no part of the model reads it{hint}")
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise ParameterError(f"{path}: parameter {missing[0]} is missing{more}; the model reads it")

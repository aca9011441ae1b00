"""Calibration data: loaded and checked on load; a malformed file is a DataError naming the file."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from simulator.geography import OUTSIDE, UNITS
from simulator.inputs.calibration import load_calibration
from simulator.inputs.files import CALIBRATION_DIR, DataError
from simulator.inputs.parameters import ParameterError, Parameters, load_parameters


def test_calibration_loads_and_is_consistent(calibration):
    p = calibration.province
    assert calibration.unit_population.shape == (len(UNITS),)
    assert calibration.unit_population.sum() == p["population"] == 24_073_453
    assert calibration.age_sex_2020.total.sum() == p["population"]
    np.testing.assert_array_equal(
        calibration.age_sex_2020.male + calibration.age_sex_2020.female, calibration.age_sex_2020.total
    )
    assert calibration.fertility_shares.total.sum() == pytest.approx(100.0, abs=0.01)
    assert calibration.outside_wage_yuan_year.shape == (len(OUTSIDE),)
    assert calibration.unit_lat_lon.shape == (len(UNITS), 2)
    assert set(calibration.file_hashes) == {p.name for p in CALIBRATION_DIR.glob("*.csv")}


def test_every_calibration_file_has_a_source_column():
    for path in CALIBRATION_DIR.glob("*.csv"):
        with path.open(encoding="utf-8") as f:
            header = next(csv.reader(f))
        assert "source" in header, path.name


def test_parameters_load_within_their_ranges(parameters):
    assert parameters.table
    for name, p in parameters.table.items():
        assert p.low <= parameters[name] <= p.high, name
        assert p.source, name


def test_parameter_overrides(parameters):
    name = next(iter(parameters.table))
    p = parameters.table[name]
    changed = parameters.with_overrides({name: p.high})
    assert changed[name] == p.high
    assert parameters[name] == p.value  # the original is untouched
    with pytest.raises(ParameterError, match="unknown parameter"):
        Parameters(parameters.table, {"no.such.parameter": 1.0})
    with pytest.raises(ParameterError, match=r"expected a value in"):
        parameters.with_overrides({name: p.high + abs(p.high) + 1.0})  # overrides obey the ranges too


def test_parameter_group(parameters):
    group = parameters.group("migration")
    assert group
    for key, value in group.items():
        assert parameters[f"migration.{key}"] == value


# --- corrupted copies of calibration/ ---


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


def _set(path: Path, row: int, column: str, value: str) -> None:
    """Set a cell of data row `row` (0 = first row after the header)."""
    rows = _rows(path)
    rows[row + 1][rows[0].index(column)] = value
    _write(path, rows)


def _drop_column(path: Path, column: str) -> None:
    rows = _rows(path)
    k = rows[0].index(column)
    _write(path, [r[:k] + r[k + 1 :] for r in rows])


@pytest.fixture
def calibration_copy(tmp_path: Path) -> Path:
    target = tmp_path / "calibration"
    shutil.copytree(CALIBRATION_DIR, target)
    return target


def test_unmodified_copy_loads(calibration_copy):
    data = load_calibration(calibration_copy)
    assert data.unit_population.sum() == 24_073_453
    load_parameters(calibration_copy)


CORRUPTIONS: dict[str, tuple[str, Callable[[Path], None], str]] = {
    # id: (file, corruption, a word the message must contain besides the file name)
    "units_do_not_sum_to_province": (
        "units_2020.csv",
        lambda p: _set(p, 0, "population", "9066907"),
        "sum",
    ),
    "non_numeric_unit_population": (
        "units_2020.csv",
        lambda p: _set(p, 2, "population", "many"),
        "number",
    ),
    "non_numeric_age_total": (
        "age_sex_2020.csv",
        lambda p: _set(p, 3, "male", "12x"),
        "number",
    ),
    "non_numeric_province_figure": (
        "province_2020.csv",
        lambda p: _set(p, 0, "value", "twenty-four million"),
        "number",
    ),
    "missing_column": (
        "units_2020.csv",
        lambda p: _drop_column(p, "lat"),
        "lat",
    ),
    "missing_source_column": (
        "vital_statistics.csv",
        lambda p: _drop_column(p, "source"),
        "source",
    ),
    "row_without_source": (
        "age_sex_2020.csv",
        lambda p: _set(p, 5, "source", ""),
        "source",
    ),
    "unit_age_shares_not_100": (
        "unit_age_shares_2020.csv",
        lambda p: _set(p, 0, "share_0_14_pct", "22.14"),
        "100",
    ),
    "fertility_shares_not_100": (
        "fertility_age_shares_2020.csv",
        lambda p: _set(p, 2, "share_pct", "39.90"),
        "100",
    ),
    "male_plus_female_not_total": (
        "age_sex_2020.csv",
        lambda p: _set(p, 4, "male", "546208"),
        "male",
    ),
    "missing_file": (
        "places.csv",
        lambda p: p.unlink(),
        "missing",
    ),
}


@pytest.mark.parametrize("case", sorted(CORRUPTIONS))
def test_corrupted_calibration_file_is_a_data_error(calibration_copy, case):
    name, corrupt, word = CORRUPTIONS[case]
    corrupt(calibration_copy / name)
    with pytest.raises(DataError) as info:
        load_calibration(calibration_copy)
    message = str(info.value)
    assert name in message
    assert word in message
    assert "\n" not in message


PARAMETER_CORRUPTIONS: dict[str, tuple[Callable[[Path], None], str]] = {
    "value_above_high": (lambda p: _set(p, 0, "value", "99"), "outside"),
    "value_below_low": (lambda p: _set(p, 1, "value", "-1"), "outside"),
    "non_numeric_value": (lambda p: _set(p, 0, "value", "forty-five"), "number"),
    "row_without_source": (lambda p: _set(p, 2, "source", ""), "source"),
    "missing_column": (lambda p: _drop_column(p, "high"), "high"),
    "duplicate_name": (lambda p: _set(p, 1, "name", _rows(p)[1][0]), "twice"),
}


@pytest.mark.parametrize("case", sorted(PARAMETER_CORRUPTIONS))
def test_corrupted_parameters_file_is_a_data_error(calibration_copy, case):
    corrupt, word = PARAMETER_CORRUPTIONS[case]
    corrupt(calibration_copy / "parameters.csv")
    with pytest.raises(DataError) as info:
        load_parameters(calibration_copy)
    assert "parameters.csv" in str(info.value)
    assert word in str(info.value)

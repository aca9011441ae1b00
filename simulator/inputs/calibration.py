"""Calibration data: the figures of the world, loaded from `calibration/` and checked on load.

Every figure the model uses from the world lives in a CSV file under `calibration/` with a `source` column.
This module reads those files, checks that they are well formed and internally consistent (the 11 units sum
to the province, the age-sex table sums to its totals, shares sum to 100), and hands the model plain numpy
arrays. A malformed file raises `DataError` naming the file and what is wrong.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.geography import OUTSIDE, UNITS, UNITS_ZH
from simulator.inputs.files import CALIBRATION_DIR, DataError, close, figures, numeric, read_csv


@dataclass(frozen=True)
class AgeTable:
    """Persons by age group: lower and upper ages (upper inclusive; the last group is open)."""

    age_low: np.ndarray
    age_high: np.ndarray
    total: np.ndarray
    male: np.ndarray | None = None
    female: np.ndarray | None = None


@dataclass(frozen=True)
class CalibrationData:
    """Every figure of the world the model uses, as loaded from `calibration/`."""

    province: dict[str, float]
    age_sex_2020: AgeTable
    age_2010: AgeTable
    unit_population: np.ndarray  # persons, in UNITS order
    unit_lat_lon: np.ndarray  # degrees, shape (11, 2)
    unit_age_shares: dict[str, tuple[float, float, float]]  # unit -> (0-14, 15-59, 60+) in %
    vital: pd.DataFrame
    fertility_shares: AgeTable  # share of births by mother's age group, in %
    unit_wage_ratio: np.ndarray  # 2021 city wage / province wage, UNITS order (nan where unknown)
    outside_wage_yuan_year: np.ndarray  # 2020, OUTSIDE order
    outside_population: np.ndarray  # census day 2020, persons, OUTSIDE order
    graduates: dict[str, float]
    places: pd.DataFrame
    plan_targets: dict[
        str, float
    ]  # the plan's 2025 targets (policy_instruments.csv, instrument plan_targets_2025)
    file_hashes: dict[str, str]


def _age_table(directory: Path, name: str, with_sex: bool) -> AgeTable:
    path = directory / name
    cols = ["age_low", "age_high", "total"] + (["male", "female"] if with_sex else []) + ["source"]
    frame = read_csv(directory, name, cols)
    low = numeric(frame, "age_low", path).astype(int)
    high_raw = numeric(frame, "age_high", path, allow_missing=True)
    if np.isnan(high_raw[:-1]).any():
        raise DataError(f"{path}: only the last age group may be open (empty age_high)")
    high = np.where(np.isnan(high_raw), 104, high_raw).astype(int)
    if (low[1:] != high[:-1] + 1).any() or low[0] != 0 and name.startswith("age"):
        raise DataError(f"{path}: age groups must be contiguous and start at 0")
    total = numeric(frame, "total", path)
    if not with_sex:
        return AgeTable(low, high, total)
    male, female = numeric(frame, "male", path), numeric(frame, "female", path)
    bad = np.flatnonzero(male + female != total)
    if bad.size:
        raise DataError(f"{path}: line {bad[0] + 2}: male + female != total")
    return AgeTable(low, high, total, male, female)


def _hash_files(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:16] for p in sorted(directory.glob("*.csv"))}


def load_calibration(directory: Path = CALIBRATION_DIR) -> CalibrationData:
    """Load and check every calibration file; raise `DataError` on the first problem."""
    province = figures(directory, "province_2020.csv")
    for key in ("population", "male", "female", "employed", "employed_tertiary", "working_age_16_59"):
        if key not in province:
            raise DataError(f"{directory / 'province_2020.csv'}: figure {key} is missing")
    if province["male"] + province["female"] != province["population"]:
        raise DataError(f"{directory / 'province_2020.csv'}: male + female != population")

    age_sex = _age_table(directory, "age_sex_2020.csv", with_sex=True)
    if age_sex.total.sum() != province["population"]:
        raise DataError(
            f"{directory / 'age_sex_2020.csv'}: ages sum to {age_sex.total.sum():.0f}, "
            f"not the population {province['population']:.0f}"
        )
    age_2010 = _age_table(directory, "age_2010.csv", with_sex=False)
    if age_2010.total.sum() != province.get("population_2010", age_2010.total.sum()):
        raise DataError(f"{directory / 'age_2010.csv'}: ages do not sum to population_2010")

    units_path = directory / "units_2020.csv"
    units = read_csv(directory, "units_2020.csv", ["unit", "name_zh", "population", "lat", "lon", "source"])
    if tuple(units["unit"]) != UNITS:
        raise DataError(f"{units_path}: units must be {list(UNITS)} in that order (got {list(units['unit'])})")
    names = [UNITS_ZH[u] for u in UNITS]
    if list(units["name_zh"]) != names:
        raise DataError(
            f"{units_path}: name_zh must be {names} (simulator/geography.py; got {list(units['name_zh'])})"
        )
    unit_population = numeric(units, "population", units_path)
    if unit_population.sum() != province["population"]:
        raise DataError(
            f"{units_path}: the 11 units sum to {unit_population.sum():.0f}, "
            f"not the province total {province['population']:.0f}"
        )
    lat_lon = np.column_stack([numeric(units, "lat", units_path), numeric(units, "lon", units_path)])

    shares_path = directory / "unit_age_shares_2020.csv"
    shares = read_csv(
        directory,
        "unit_age_shares_2020.csv",
        ["unit", "share_0_14_pct", "share_15_59_pct", "share_60_plus_pct", "source"],
    )
    unit_age_shares: dict[str, tuple[float, float, float]] = {}
    for _, row in shares.iterrows():
        triple = tuple(float(row[c]) for c in ("share_0_14_pct", "share_15_59_pct", "share_60_plus_pct"))
        if any(math.isnan(x) for x in triple):
            continue
        if row["unit"] not in UNITS:
            raise DataError(f"{shares_path}: unknown unit {row['unit']!r}")
        if not close(sum(triple), 100.0, 0.001):
            raise DataError(f"{shares_path}: shares of {row['unit']} sum to {sum(triple):.2f}, not 100")
        unit_age_shares[str(row["unit"])] = triple  # type: ignore[assignment]

    vital = read_csv(
        directory, "vital_statistics.csv", ["year", "year_end_population", "births", "deaths", "source"]
    )
    fert_path = directory / "fertility_age_shares_2020.csv"
    fert = read_csv(directory, "fertility_age_shares_2020.csv", ["age_low", "age_high", "share_pct", "source"])
    fert_share = numeric(fert, "share_pct", fert_path)
    if not close(fert_share.sum(), 100.0, 0.002):
        raise DataError(f"{fert_path}: shares sum to {fert_share.sum():.2f}, not 100")
    fertility = AgeTable(
        numeric(fert, "age_low", fert_path).astype(int),
        numeric(fert, "age_high", fert_path).astype(int),
        fert_share,
    )

    wages_path = directory / "city_wages_2021.csv"
    wages = read_csv(directory, "city_wages_2021.csv", ["unit", "wage_yuan_year", "source"])
    wage_by_unit = dict(zip(wages["unit"], numeric(wages, "wage_yuan_year", wages_path), strict=True))
    if "province" not in wage_by_unit:
        raise DataError(f"{wages_path}: needs a row for 'province'")
    ratio = np.array([wage_by_unit.get(u, np.nan) / wage_by_unit["province"] for u in UNITS])

    outside_path = directory / "outside_wages_2020.csv"
    outside = read_csv(directory, "outside_wages_2020.csv", ["area", "kind", "wage_yuan_year", "source"])
    regions = outside[outside["kind"] == "region"]
    by_region = dict(zip(regions["area"], numeric(regions, "wage_yuan_year", outside_path), strict=True))
    region_of = {"northeast_other": "northeast", "east": "east", "central": "central", "west": "west"}
    try:
        outside_wage = np.array([by_region[region_of[r]] for r in OUTSIDE])
    except KeyError as exc:
        raise DataError(f"{outside_path}: missing regional wage {exc}") from None

    population_path = directory / "outside_population_2020.csv"
    populations = read_csv(directory, "outside_population_2020.csv", ["region", "population", "source"])
    if tuple(populations["region"]) != OUTSIDE:
        raise DataError(f"{population_path}: regions must be {list(OUTSIDE)} in that order")
    outside_population = numeric(populations, "population", population_path)
    if (outside_population <= 0).any():
        raise DataError(f"{population_path}: populations must be positive")

    instruments = read_csv(
        directory, "policy_instruments.csv", ["instrument", "item", "value", "unit", "start", "source"]
    )
    plan = instruments[instruments["instrument"] == "plan_targets_2025"]
    plan_values = numeric(plan, "value", directory / "policy_instruments.csv")
    plan_targets = dict(zip(plan["item"], plan_values, strict=True))
    for key in ("high_skill_talent", "high_skill_share_pct", "training_person_times"):
        if key not in plan_targets:
            raise DataError(f"{directory / 'policy_instruments.csv'}: plan_targets_2025 needs a row {key}")

    return CalibrationData(
        province=province,
        age_sex_2020=age_sex,
        age_2010=age_2010,
        unit_population=unit_population,
        unit_lat_lon=lat_lon,
        unit_age_shares=unit_age_shares,
        vital=vital,
        fertility_shares=fertility,
        unit_wage_ratio=ratio,
        outside_wage_yuan_year=outside_wage,
        outside_population=outside_population,
        graduates=figures(directory, "graduates.csv"),
        places=read_csv(directory, "places.csv", ["place", "lat", "lon", "outside_region", "source"]),
        plan_targets=plan_targets,
        file_hashes=_hash_files(directory),
    )

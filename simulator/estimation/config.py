"""The configuration of `talentsim calibrate` (a TOML file such as calibration/calibrate.toml), checked strictly.

Every key is validated; a problem is one line naming the file and the key. The fitted parameters must be
rows of calibration/parameters.csv with bounds inside their stated ranges; the targets must be rows of the
targets file dated on or before census day (2020-11-01) with a positive weight.
"""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from simulator.dates import date_to_month
from simulator.inputs.files import CALIBRATION_DIR, DataError
from simulator.inputs.parameters import Parameters

CENSUS_DAY = "2020-11-01"


class CalibrationConfigError(DataError):
    """A calibration configuration that cannot be used (one line naming the file and key)."""


class Strict(BaseModel):
    """Unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")


class Budget(Strict):
    """Settings a `[quick]` table may override."""

    scale: int | None = Field(None, ge=1, le=100_000)
    replicates: int | None = Field(None, ge=1, le=100)
    end: str | None = None
    window_months: int | None = Field(None, ge=1, le=120)
    trend_window_months: int | None = Field(None, ge=1, le=120)
    global_points: int | None = Field(None, ge=0, le=100_000)
    local_evaluations: int | None = Field(None, ge=0, le=100_000)
    workers: int | None = Field(None, ge=1, le=64)
    parameters: list[str] | None = Field(None, min_length=1)


class TargetSelection(Strict):
    """Which rows of the targets file the fit uses."""

    file: str = "targets.csv"
    use: list[str] = Field(default_factory=lambda: ["*"], min_length=1)


class ConsistencyItem(Strict):
    """A moment of the model against its own census day."""

    name: str = Field(pattern=r"^[a-z0-9_]{1,64}$")
    kind: str = Field(pattern=r"^unemployment_rate_after$")
    value: float
    tolerance: float = Field(gt=0)
    weight: float = Field(ge=0)
    months: int = Field(12, ge=1, le=120)


class CalibrationConfig(Strict):
    """The whole configuration."""

    seed: int = Field(ge=0, le=2**32 - 1)
    scale: int = Field(ge=1, le=100_000)
    replicates: int = Field(ge=1, le=100)
    end: str
    window_months: int = Field(12, ge=1, le=120)
    trend_window_months: int | None = Field(None, ge=1, le=120)
    workers: int = Field(2, ge=1, le=64)
    global_points: int = Field(ge=0, le=100_000)
    local_evaluations: int = Field(ge=0, le=100_000)
    finite_difference_step: float = Field(0.04, gt=0, le=0.5)
    write_parameters: bool = True
    quick: Budget = Field(default_factory=Budget)
    targets: TargetSelection = Field(default_factory=TargetSelection)
    consistency: list[ConsistencyItem] = Field(default_factory=list)
    parameters: dict[str, list[float]] = Field(min_length=1)

    @field_validator("end")
    @classmethod
    def _end(cls, value: str) -> str:
        try:
            ok = date_to_month(value) >= 1
        except ValueError:
            ok = False
        if not ok:
            raise ValueError(f"expected a month YYYY-MM from 2020-12 on (got {value!r})")
        return value

    def effective(self, quick: bool) -> CalibrationConfig:
        """The configuration with the `[quick]` overrides applied when `quick`."""
        if not quick:
            return self
        changes = {k: v for k, v in self.quick.model_dump().items() if v is not None and k != "parameters"}
        if self.quick.parameters is not None:
            unknown = [n for n in self.quick.parameters if n not in self.parameters]
            if unknown:
                raise CalibrationConfigError(f"quick.parameters: {unknown[0]} is not one of the fitted parameters")
            changes["parameters"] = {n: self.parameters[n] for n in self.quick.parameters}
        merged = self.model_copy(update=changes)
        CalibrationConfig._end(merged.end)
        return merged


def load_config(path: Path) -> CalibrationConfig:
    """Read and validate a calibration configuration."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CalibrationConfigError(f"{path}: no such calibration configuration") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CalibrationConfigError(f"{path}: cannot be read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise CalibrationConfigError(f"{path}: not valid TOML ({exc})") from None
    try:
        return CalibrationConfig.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "(top level)"
        message = error["msg"].replace("Value error, ", "")
        raise CalibrationConfigError(f"{path}: {where}: {message} (got {error.get('input')!r})") from None


def fitted_bounds(config: CalibrationConfig, params: Parameters, path: Path) -> tuple[list[str], list, list]:
    """Names and bounds of the fitted parameters, checked against calibration/parameters.csv."""
    names, low, high = [], [], []
    for name, bounds in config.parameters.items():
        where = f"{path}: parameters.{name}"
        if name not in params.table:
            raise CalibrationConfigError(f"{where}: not a row of calibration/parameters.csv")
        if len(bounds) != 2 or not bounds[0] < bounds[1]:
            raise CalibrationConfigError(f"{where}: expected [low, high] with low < high (got {bounds!r})")
        row = params.table[name]
        if bounds[0] < row.low or bounds[1] > row.high:
            raise CalibrationConfigError(
                f"{where}: bounds {bounds!r} must lie within the parameter's range [{row.low:g}, {row.high:g}]"
            )
        names.append(name)
        low.append(float(bounds[0]))
        high.append(float(bounds[1]))
    return names, low, high


def select_targets(config: CalibrationConfig, path: Path) -> pd.DataFrame:
    """The rows of the targets file matching `targets.use`, each dated on or before census day and weighted."""
    file = CALIBRATION_DIR / config.targets.file
    try:
        table = pd.read_csv(file, dtype={"date": str})
    except FileNotFoundError:
        raise CalibrationConfigError(f"{path}: targets.file: {file} does not exist") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise CalibrationConfigError(f"{path}: targets.file: {file} cannot be read ({exc})") from None
    needed = {"target", "kind", "region", "date", "value", "tolerance", "weight"}
    if not needed <= set(table.columns):
        raise CalibrationConfigError(f"{file}: needs the columns {sorted(needed)}")
    chosen = table[[any(fnmatch.fnmatch(t, p) for p in config.targets.use) for t in table["target"]]]
    for pattern in config.targets.use:
        if not any(fnmatch.fnmatch(t, pattern) for t in table["target"]):
            raise CalibrationConfigError(f"{path}: targets.use: {pattern!r} matches no target of {file}")
    late = chosen[chosen["date"].astype(str) > CENSUS_DAY]
    if not late.empty:
        row = late.iloc[0]
        raise CalibrationConfigError(
            f"{file}: target {row['target']} is dated {row['date']}, after census day ({CENSUS_DAY}): "
            "only figures dated on or before it may be fitted"
        )
    chosen = chosen[chosen["weight"] > 0].reset_index(drop=True)
    if chosen.empty:
        raise CalibrationConfigError(f"{path}: targets.use: no selected target has a positive weight")
    return chosen


def describe(config: CalibrationConfig) -> dict[str, Any]:
    """The configuration as a JSON-able dict (for the report's manifest)."""
    return config.model_dump(mode="json")

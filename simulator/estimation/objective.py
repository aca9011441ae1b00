"""The objective of the fit: simulated moments of a candidate parameter vector, averaged over replicates with
common random numbers, against the targets.

A candidate is a point of the unit cube, one coordinate per fitted parameter (0 = its lower bound, 1 = its
upper bound). For each replicate seed the baseline rules (census-day levers, no exogenous conditions) are
simulated from census day to `end` at `scale`, and the moments are computed from the run's indicators and
age profile by `simulator.estimation.moments` (the targets of calibration/targets.csv) and by
`consistency_moments` (the model against its own census day). Every candidate uses the same seeds, so two
candidates differ only through their parameters (common random numbers), which smooths the objective.

The residual of target k is sqrt(w_k) (mean over replicates of the simulated value - observed) / tolerance_k;
the loss is the sum of squared residuals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulator.estimation.moments import simulated_moments
from simulator.inputs.calibration import CalibrationData
from simulator.inputs.parameters import Parameters
from simulator.model import TalentFlowModel
from simulator.scenario.schema import Levers


@dataclass(frozen=True)
class Consistency:
    """A moment of the model against its own census day (not a figure of the world).

    Attributes:
        name: the moment's name in the report.
        kind: `unemployment_rate_after` (the province's unemployment rate `months` after census day minus
            the census-day rate).
        value: the target (0: unchanged).
        tolerance: the tolerance of the residual.
        weight: its weight in the loss.
        months: months after census day.
    """

    name: str
    kind: str
    value: float
    tolerance: float
    weight: float
    months: int = 12


@dataclass(frozen=True)
class FitSetup:
    """Everything a worker needs to simulate the moments of a candidate.

    Attributes:
        names: the fitted parameters, in order.
        low, high: their bounds.
        scale: residents per simulated person.
        end: last simulated month.
        window_months: months over which flows and changes are measured (moments).
        trend_window_months: months over which the units' population changes are measured (None: the
            window).
        seeds: one seed per replicate (common to every candidate).
        targets: the rows of calibration/targets.csv the fit uses.
        consistency: moments of the model against its own census day.
        levers: the baseline's levers.
        parameters: the parameter table the candidates override.
        data: the calibration data.
    """

    names: tuple[str, ...]
    low: np.ndarray
    high: np.ndarray
    scale: int
    end: str
    window_months: int
    seeds: tuple[int, ...]
    targets: pd.DataFrame
    consistency: tuple[Consistency, ...]
    levers: Levers
    parameters: Parameters
    data: CalibrationData
    fixed: dict[str, float] = field(default_factory=dict)
    trend_window_months: int | None = None

    @property
    def moment_names(self) -> list[str]:
        """Names of every moment, targets first."""
        return [*self.targets["target"], *(c.name for c in self.consistency)]

    @property
    def observed(self) -> np.ndarray:
        """Observed (target) values."""
        return np.concatenate([self.targets["value"].to_numpy(float), [c.value for c in self.consistency]])

    @property
    def tolerance(self) -> np.ndarray:
        """Tolerances."""
        return np.concatenate([self.targets["tolerance"].to_numpy(float), [c.tolerance for c in self.consistency]])

    @property
    def weight(self) -> np.ndarray:
        """Weights in the loss."""
        return np.concatenate([self.targets["weight"].to_numpy(float), [c.weight for c in self.consistency]])

    def values(self, unit: np.ndarray) -> dict[str, float]:
        """Parameter values of a point of the unit cube (clipped into it)."""
        point = np.clip(np.asarray(unit, dtype=float), 0.0, 1.0)
        values = self.low + point * (self.high - self.low)
        return {**self.fixed, **{n: float(v) for n, v in zip(self.names, values, strict=True)}}


def run_moments(setup: FitSetup, values: dict[str, float], seed: int) -> np.ndarray:
    """Simulated moments of one replicate (NaN where a moment has no counterpart)."""
    model = TalentFlowModel(
        scale=setup.scale,
        seed=seed,
        end=setup.end,
        parameters=setup.parameters.with_overrides(values),
        levers=setup.levers,
        data=setup.data,
    )
    model.run()
    indicators = model.recorder.to_frame("fit", replicate=0, seed=seed)
    regions = {r for value in setup.targets["region"] for r in str(value).split(";")}
    indicators = indicators[indicators["region"].isin(regions) & indicators["indicator"].isin(MOMENT_INDICATORS)]
    profile = _province_profile(
        model.recorder.age_profile_frame("fit", replicate=0, seed=seed), setup.window_months
    )
    simulated = simulated_moments(
        setup.targets, indicators, profile, setup.window_months, setup.trend_window_months
    )["simulated"]
    extra = [consistency_moment(c, indicators, model.params) for c in setup.consistency]
    return np.concatenate([simulated.to_numpy(float), extra])


#: The indicators the moments read.
MOMENT_INDICATORS = ("population", "births", "deaths", "graduate_retention_rate", "unemployment_rate")


def _province_profile(profile: pd.DataFrame, window_months: int) -> pd.DataFrame:
    """The province's rows of the age profile within the moments' window, both sexes summed (sex "all"):
    what the moments read, small enough to be grouped quickly."""
    dates = sorted(profile["date"].unique())[: window_months + 1]
    rows = profile[(profile["region"] == "province") & profile["date"].isin(dates)]
    keys = ["date", "region", "age_low", "age_high", "indicator"]
    summed = rows.groupby(keys, dropna=False, as_index=False)["value"].sum()
    return summed.assign(sex="all")


def consistency_moment(item: Consistency, indicators: pd.DataFrame, params: Parameters) -> float:
    """The simulated value of a consistency moment."""
    if item.kind == "unemployment_rate_after":
        rate = indicators[(indicators["region"] == "province") & (indicators["indicator"] == "unemployment_rate")]
        rate = rate.sort_values("date")["value"].to_numpy()
        if rate.size <= item.months:
            return math.nan
        return float(rate[item.months] - rate[0])
    raise ValueError(f"unknown consistency moment kind {item.kind!r}")


def residuals(setup: FitSetup, simulated: np.ndarray) -> np.ndarray:
    """Weighted standardised residuals of the mean over replicates (rows: replicates); NaN moments count 0."""
    if simulated.ndim == 2:
        finite = np.isfinite(simulated)
        mean = np.where(finite, simulated, 0.0).sum(axis=0) / np.where(
            finite.any(axis=0), finite.sum(axis=0), np.nan
        )
    else:
        mean = simulated
    r = np.sqrt(setup.weight) * (mean - setup.observed) / setup.tolerance
    return np.where(np.isfinite(r), r, 0.0)


def loss(setup: FitSetup, simulated: np.ndarray) -> float:
    """Sum of squared weighted residuals."""
    return float(np.sum(residuals(setup, simulated) ** 2))


def format_value(value: float) -> str:
    """A fitted value as written into parameters.csv and the report: five significant digits."""
    return f"{value:.5g}"

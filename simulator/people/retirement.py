"""Statutory retirement ages (国发〔1978〕104号, in force on census day)."""

from __future__ import annotations

import numpy as np

from simulator.codes import Edu
from simulator.inputs.parameters import Parameters


def retirement_age_years(sex: np.ndarray, edu: np.ndarray, params: Parameters) -> np.ndarray:
    """Statutory retirement age: men 60; women 55 with tertiary education (cadre posts), else 50."""
    women = np.where(
        edu >= Edu.COLLEGE,
        params["demography.retirement_age_women_cadre"],
        params["demography.retirement_age_women_worker"],
    )
    return np.where(sex == 0, params["demography.retirement_age_men"], women)

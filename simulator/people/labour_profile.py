"""The census-day labour profile: employment and unemployment rates by age and sex, and the exit hazards
that keep that profile in place.

The census gives only totals (14,564,000 employed; registered unemployment near 3.3 %). The shape by age
and sex is an assumption (`synthesis.employment_rate.<sex>_<band>`: the share of the persons of a five-year
band who are not in school that is employed; `synthesis.unemployment_relative.<band>`: the relative
unemployment rate of a band). Synthesis scales each profile by ONE common factor to the census totals, so
the census-day rates keep the assumed shape (no weighted sampling that inflates rare groups).

Exits from the labour force past the age at which the employment profile peaks are hazards derived from
the same profile: in a population whose cohorts follow the census-day cross-section, the share of a cohort
in the labour force falls from age a to a + 1 by L(a + 1) / L(a), so the yearly exit hazard is
1 - L(a + 1) / L(a) (`exit_hazard_table`). Applied with no migration and no shock, it keeps the age-sex
employment profile near census day (tests/test_labour_profile.py checks it over five years).
"""

from __future__ import annotations

import numpy as np

from simulator.inputs.parameters import Parameters

MAX_AGE = 104
AGES = np.arange(MAX_AGE + 1)
#: Lower ages of the five-year bands of the employment profile (the last is open).
EMPLOYMENT_BAND_LOWS = (16, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80)
EMPLOYMENT_BAND_NAMES = (
    "16_19",
    "20_24",
    "25_29",
    "30_34",
    "35_39",
    "40_44",
    "45_49",
    "50_54",
    "55_59",
    "60_64",
    "65_69",
    "70_74",
    "75_79",
    "80_plus",
)
SEXES = ("men", "women")
#: Bands of the relative unemployment profile (nobody is counted unemployed from 60 on).
UNEMPLOYMENT_BAND_LOWS = (16, 20, 25, 30, 40, 50, 60)
UNEMPLOYMENT_BAND_NAMES = ("16_19", "20_24", "25_29", "30_39", "40_49", "50_59")
#: Age groups of the unemployment rates that movers compare (NBS: youth 16-24, the rest 25+).
YOUTH_MAX_AGE = 24


def employment_parameter_names() -> tuple[str, ...]:
    """The rows of calibration/parameters.csv holding the employment profile."""
    return tuple(f"synthesis.employment_rate.{s}_{b}" for s in SEXES for b in EMPLOYMENT_BAND_NAMES)


def unemployment_parameter_names() -> tuple[str, ...]:
    """The rows holding the relative unemployment profile."""
    return tuple(f"synthesis.unemployment_relative.age_{b}" for b in UNEMPLOYMENT_BAND_NAMES)


def employment_band(age: np.ndarray) -> np.ndarray:
    """Index of the employment band of each age (-1 below 16)."""
    return np.digitize(age, EMPLOYMENT_BAND_LOWS) - 1


def unemployment_band(age: np.ndarray) -> np.ndarray:
    """Index of the unemployment band of each age (-1 below 16, len(bands) from 60 on)."""
    return np.digitize(age, UNEMPLOYMENT_BAND_LOWS) - 1


def employment_rates(params: Parameters) -> np.ndarray:
    """The assumed employment rates of non-students, (bands, 2 sexes), before the common scaling."""
    return np.array([[params[f"synthesis.employment_rate.{s}_{b}"] for s in SEXES] for b in EMPLOYMENT_BAND_NAMES])


def unemployment_relative(params: Parameters) -> np.ndarray:
    """Relative unemployment rate of each unemployment band, and 0 from 60 on (bands + 1 values)."""
    values = [params[f"synthesis.unemployment_relative.age_{b}"] for b in UNEMPLOYMENT_BAND_NAMES]
    return np.array([*values, 0.0])


def single_year_rates(params: Parameters) -> np.ndarray:
    """The employment profile at single ages 0..104 and both sexes: linear between band midpoints (the open
    band's midpoint taken at 85), flat beyond the first and last midpoints, 0 below 16."""
    rates = employment_rates(params)
    mids = np.array([*(low + 2.0 for low in EMPLOYMENT_BAND_LOWS[:-1]), 85.0])
    mids[0] = 17.5  # 16-19
    out = np.column_stack([np.interp(AGES, mids, rates[:, s]) for s in (0, 1)])
    out[AGES < 16] = 0.0
    return out


def peak_age(params: Parameters) -> np.ndarray:
    """For each sex, the single age at which the interpolated employment profile is highest."""
    return single_year_rates(params).argmax(axis=0)


def exit_hazard_table(params: Parameters) -> np.ndarray:
    """Yearly hazard of leaving the labour force for good by single age (0..104) and sex.

    1 - L(a + 1) / L(a) from the peak age of the profile on, where L is the single-year employment profile
    (unemployment is small and flat at those ages, so the labour force follows employment); 0 before the
    peak and wherever the profile does not fall.
    """
    rates = single_year_rates(params)
    hazard = np.zeros_like(rates)
    peak = peak_age(params)
    for s in (0, 1):
        current, following = rates[:-1, s], rates[1:, s]
        with np.errstate(divide="ignore", invalid="ignore"):
            fall = np.where(current > 0, 1.0 - following / current, 0.0)
        fall[: peak[s]] = 0.0
        hazard[:-1, s] = np.clip(fall, 0.0, 1.0)
    hazard[-1] = 1.0
    return hazard

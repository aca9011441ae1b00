"""Exogenous conditions month by month: the outside regions' wages and unemployment and the mobility shocks
of a scenario's `[conditions]` (`simulator.scenario.schema.Conditions`), as arrays the processes read.

Without conditions the census-day conditions hold: outside wages are the 2020 regional averages growing
at `labour.wage_growth_per_year` (compounded monthly, as Jilin's), outside unemployment is
`labour.outside_unemployment_rate`, and nothing suppresses moves. A yearly row sets a region's value from
January of its year (flat within the year) until a later row; after a region's last wage row its wage
grows again at the model's rate.
"""

from __future__ import annotations

import numpy as np

from simulator.dates import date_to_month, month_to_date
from simulator.geography import N_UNITS, OUTSIDE, UNITS
from simulator.inputs.calibration import CalibrationData
from simulator.inputs.parameters import Parameters

N_OUTSIDE = len(OUTSIDE)


def _year(month: int) -> int:
    return int(month_to_date(month)[:4])


def _calendar(month: int) -> int:
    return int(month_to_date(month)[5:7])


def condition_tables(conditions: object, params: Parameters, data: CalibrationData, months: int) -> dict:
    """Monthly arrays of the conditions, for `Context.tables`.

    Returns:
        `outside_wage_yuan_month` (months x outside regions): the wage in force after the month's growth;
        `outside_unemployment_rate` (months x outside regions): the average rate;
        `outside_youth_unemployment_rate` (months x outside regions): the rate at ages 16-24, NaN where the
        scenario gives none (the model then uses the average times the census-day youth ratio);
        `mobility_multiplier` (months x units): multiplier of moves from and to each unit (1: no shock).
    """
    growth = (1.0 + params["labour.wage_growth_per_year"]) ** (1.0 / 12.0)
    base = data.outside_wage_yuan_year / 12.0
    wage = np.array([base * growth ** (m + 1) for m in range(months)])
    unemployment = np.full((months, N_OUTSIDE), params["labour.outside_unemployment_rate"])
    youth = np.full((months, N_OUTSIDE), np.nan)
    shock = np.ones((months, N_UNITS))
    rows = list(getattr(conditions, "outside", []) or [])
    shocks = list(getattr(conditions, "mobility_shock", []) or [])
    years = np.array([_year(m) for m in range(months)])
    for k, region in enumerate(OUTSIDE):
        # a region's own row overrides an "all" row of the same year
        by_year: dict[int, dict[str, float]] = {}
        for row in sorted(rows, key=lambda r: (r.year, r.region != "all")):
            if row.region not in (region, "all"):
                continue
            values = by_year.setdefault(row.year, {})
            for key in ("wage_yuan_year", "unemployment_rate", "youth_unemployment_rate"):
                value = getattr(row, key)
                if value is not None:
                    values[key] = float(value)
        for key, target in (("unemployment_rate", unemployment), ("youth_unemployment_rate", youth)):
            for year in sorted(y for y, v in by_year.items() if key in v):
                target[years >= year, k] = by_year[year][key]
        wage_years = np.array(sorted(y for y, v in by_year.items() if "wage_yuan_year" in v))
        for m in range(months):
            earlier = wage_years[wage_years <= years[m]]
            if earlier.size == 0:
                continue  # census-day conditions, growing
            year = int(earlier[-1])
            level = by_year[year]["wage_yuan_year"] / 12.0
            wage[m, k] = (
                level * growth ** ((years[m] - year - 1) * 12 + _calendar(m)) if years[m] > year else level
            )
    for item in shocks:
        first = _month_index(item.start)
        last = _month_index(item.end or item.start)
        for unit in item.units:
            shock[max(first, 0) : min(last + 1, months), UNITS.index(unit)] *= item.multiplier
    return {
        "outside_wage_yuan_month": wage,
        "outside_unemployment_rate": unemployment,
        "outside_youth_unemployment_rate": youth,
        "mobility_multiplier": shock,
    }


def _month_index(date: str) -> int:
    return date_to_month(date)

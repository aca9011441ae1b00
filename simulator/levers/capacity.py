"""Levers that create capacity: industrial parks and platforms (jobs and productivity in a unit and sector)."""

from __future__ import annotations

import numpy as np

import simulator.scenario.schema as schema
from simulator.codes import SECTOR_INDEX
from simulator.geography import UNITS
from simulator.levers.base import LeverBase
from simulator.levers.seams import (
    AdjustFirms,
)
from simulator.world.context import Context
from simulator.world.flows import MonthFlows
from simulator.world.state import WorldState


class IndustrialPark(LeverBase, AdjustFirms):
    """An industrial park: more jobs and higher productivity for one unit and sector, ramped up."""

    config: schema.IndustrialPark

    def adjust_firms(self, ctx: Context, state: WorldState, flows: MonthFlows) -> None:
        """During the ramp-up, add a share of the jobs and of the productivity gain each month."""
        done = state.month - self.start_month
        if not 0 <= done < self.config.ramp_months or state.month > self.end_month:
            return
        unit, sector = UNITS.index(self.config.unit), SECTOR_INDEX[self.config.sector]
        firms = state.firms
        ids = np.flatnonzero((firms.unit == unit) & (firms.sector == sector))
        cost = self.config.cost_yuan / self.config.ramp_months
        if not ids.size or not self.affordable(cost):
            return
        size = np.maximum(firms.target_employment[ids], 1.0)
        share = size / size.sum()
        jobs = self.config.jobs / self.scale / self.config.ramp_months
        step = (1.0 + self.config.productivity_gain_pct / 100.0) ** (1.0 / self.config.ramp_months)
        before = _unit_wage_index(state, unit)
        firms.public_funds_yuan[ids] += cost * share
        firms.target_employment[ids] += jobs * share
        firms.productivity[ids] *= step
        firms.wage_level_yuan_month[ids] *= step
        firms.in_park[ids] = True
        state.regions.wage_level_yuan_month[unit] *= _unit_wage_index(state, unit) / before
        self.charge(flows, cost)


def _unit_wage_index(state: WorldState, unit: int) -> float:
    """Employment-weighted mean productivity of a unit's firms."""
    firms = state.firms
    mine = firms.unit == unit
    weight = firms.target_employment[mine]
    return float(np.dot(weight, firms.productivity[mine]) / max(weight.sum(), 1e-9))

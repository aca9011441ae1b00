"""What a process declares, in one place: its name, its random streams, the flow counters it keeps, the
indicators computed from them, the parameters it reads and the tables it derives once.

The schedule (`simulator.processes.SCHEDULE`) is the list of these declarations in their monthly order; the
random streams, the month's flow counters, the recorded flow indicators and the parameter check of
`calibration/parameters.csv` are all built from it, so adding a process means writing its module and
adding it to the schedule.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from simulator.geography import N_REGIONS, N_UNITS
from simulator.inputs.calibration import CalibrationData
from simulator.inputs.parameters import Parameters
from simulator.people.store import PersonStore
from simulator.world.context import Context
from simulator.world.flows import MonthFlows
from simulator.world.state import WorldState

Step = Callable[[PersonStore, Context, WorldState, np.random.Generator, MonthFlows], None]
Tables = Callable[[Parameters, CalibrationData], Mapping[str, np.ndarray]]
#: A flow indicator's values from the month's flows: (values by region, province value), unscaled.
FlowValue = Callable[[MonthFlows], tuple[np.ndarray, float]]


@dataclass(frozen=True)
class Indicator:
    """An output indicator: its unit, whether it is a stock, a flow or a rate, and whether it scales with N.

    Attributes:
        name: stable output name.
        unit: persons, person-times, share, years, yuan/year, ...
        kind: "stock" (first day of the month), "flow" (total in the month) or "rate".
        scaled: counts are multiplied by the population scale.
        outside: also reported for the outside regions.
        meaning: one line for the docs.
        value: for a flow indicator declared by a process, how to compute it from the month's flows
            (default: the flow counter of the same name, the province being the sum over the units).
    """

    name: str
    unit: str
    kind: str
    scaled: bool
    outside: bool
    meaning: str
    value: FlowValue | None = field(default=None, compare=False)

    def flow_value(self, flows: MonthFlows) -> tuple[np.ndarray, float]:
        """(values by region, province value) of this flow indicator in a month."""
        if self.value is not None:
            return self.value(flows)
        values = getattr(flows, self.name)
        return values, float(values[:N_UNITS].sum())


def counter(name: str) -> FlowValue:
    """The flow counter `name` as an indicator value (province: the sum over the units)."""

    def value(flows: MonthFlows) -> tuple[np.ndarray, float]:
        values = getattr(flows, name)
        return values, float(values[:N_UNITS].sum())

    return value


@dataclass(frozen=True)
class Process:
    """A submodel of the ODD, as the schedule sees it.

    Attributes:
        name: the process's name (ODD section, timings).
        stream: key of its monthly random stream (never renumber: it changes results).
        step: `step(persons, context, state, rng, flows)`, one month of the process.
        flows: names of the flow counters it adds to (persons by region).
        indicators: the flow indicators computed from its counters.
        parameters: names of the rows of calibration/parameters.csv it reads.
        tables: computes, once per run, tables it reads from `context.tables`.
        slot_streams: per-slot uniform streams it draws from `state.draws`: name -> key (never renumber).
    """

    name: str
    stream: int
    step: Step
    flows: tuple[str, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    parameters: tuple[str, ...] = ()
    tables: Tables | None = None
    slot_streams: Mapping[str, int] = field(default_factory=dict)


def zeros_by_region() -> np.ndarray:
    """A float array over REGIONS, for indicators that are not reported outside."""
    return np.zeros(N_REGIONS)

"""Policy: the month's payments of the scenario's levers (ODD submodel 6).

The levers themselves (`simulator.levers`) act through the seams of the other processes; this process pays
the monthly benefits due and what levers owe besides (school years, one-off grants), counting every yuan
by lever in the month's `spending_yuan`.
"""

from __future__ import annotations

import numpy as np

from simulator.people.store import PersonStore
from simulator.processes.base import Process
from simulator.world.context import Context
from simulator.world.flows import MonthFlows
from simulator.world.state import WorldState


def step(
    persons: PersonStore, ctx: Context, state: WorldState, rng: np.random.Generator, flows: MonthFlows
) -> None:
    """The policy process of the month: pay what is due."""
    state.policy.pay(persons, ctx, state, flows)


PROCESS = Process(name="policy", stream=6, step=step)

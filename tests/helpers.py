"""Helpers for running one process alone, exactly as the model runs it within a month."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from simulator.people.store import PersonStore
from simulator.processes import flow_names, slot_streams
from simulator.processes.base import Process
from simulator.rng import stream
from simulator.world.flows import MonthFlows
from simulator.world.state import SlotDraws


def new_flows() -> MonthFlows:
    """Empty flow counters of a month (every counter the processes declare)."""
    return MonthFlows(flow_names())


def step_alone(
    process: Process,
    persons: PersonStore,
    model,
    seed: int = 1,
    month: int | None = None,
    flows: MonthFlows | None = None,
) -> MonthFlows:
    """Run `process` for one month on `persons` with `model`'s context and state, drawing as the model would
    with `seed` (the month's per-slot uniforms and the process's stream). Returns the month's flows."""
    ctx, state = model.context, model.state
    month = state.month if month is None else month
    state.month = month
    state.draws = SlotDraws(seed, month, slot_streams())
    flows = flows if flows is not None else new_flows()
    process.step(persons, ctx, state, stream(seed, process.stream, month), flows)
    return flows


def process_rng(seed: int, process: Process, month: int) -> np.random.Generator:
    """The random stream `process` gets in `month` of a run seeded `seed`."""
    return stream(seed, process.stream, month)


def with_params(model, **values: float):
    """`model` with some parameter values replaced, even outside their plausible ranges (a rule's extremes,
    such as a zeroed probability): the frozen context is rebuilt around new parameters."""
    params = model.context.params.with_overrides({})
    params.values.update(values)
    model.context = replace(model.context, params=params)
    return model

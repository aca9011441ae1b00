"""The processes of a month, one module each (ODD submodels 1-6), and the schedule that orders them.

`SCHEDULE` is the only list of processes: the model steps through it in order, and the random streams, the
month's flow counters, the recorded flow indicators and the parameter check are built from the processes'
declarations (`simulator.processes.base.Process`).
"""

from __future__ import annotations

from simulator.processes import demography, education, labour_market, migration, policy, skills
from simulator.processes.base import Indicator, Process
from simulator.rng import FIRMS_STREAM, RETIRED_STREAMS, SYNTHESIS_STREAM

#: The processes of a month, in their order (docs/ODD.md, section 3).
SCHEDULE: tuple[Process, ...] = (
    demography.PROCESS,
    education.PROCESS,
    skills.PROCESS,
    labour_market.PROCESS,
    migration.PROCESS,
    policy.PROCESS,
)


def flow_names() -> tuple[str, ...]:
    """Every flow counter the processes keep."""
    return tuple(name for process in SCHEDULE for name in process.flows)


def flow_indicators() -> tuple[Indicator, ...]:
    """Every flow indicator the processes declare, in schedule order."""
    return tuple(ind for process in SCHEDULE for ind in process.indicators)


def slot_streams() -> dict[str, int]:
    """Per-slot uniform streams of every process, by name."""
    return {name: keys for process in SCHEDULE for name, keys in process.slot_streams.items()}


def _check_streams() -> None:
    keys = [p.stream for p in SCHEDULE] + [k for p in SCHEDULE for k in p.slot_streams.values()]
    keys += [SYNTHESIS_STREAM, FIRMS_STREAM, *RETIRED_STREAMS]
    if len(keys) != len(set(keys)):
        raise RuntimeError(f"two streams share a key (or reuse a retired one): {sorted(keys)}")


_check_streams()

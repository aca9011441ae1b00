"""The processes of a month, one module each (ODD submodels 1-6), and the schedule that orders them.

`SCHEDULE` is the only list of processes: the model steps through it in order, and the random streams, the
month's flow counters, the recorded flow indicators and the parameter check are built from the processes'
declarations (`simulator.processes.base.Process`).
"""

from __future__ import annotations

from simulator.processes import demography, education, labour_market, migration, policy, skills
from simulator.processes.base import Indicator, Process

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


def slot_streams() -> dict[str, tuple[int, int]]:
    """Per-slot uniform streams of every process, by name."""
    return {name: keys for process in SCHEDULE for name, keys in process.slot_streams.items()}


def _check_streams() -> None:
    keys = [p.stream for p in SCHEDULE] + [k for p in SCHEDULE for pair in p.slot_streams.values() for k in pair]
    if len(keys) != len(set(keys)):
        raise RuntimeError(f"two processes share a random stream: {sorted(keys)}")


_check_streams()

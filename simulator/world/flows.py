"""Monthly flow accounts: every process adds the persons it moved between states to these counters.

The counters are those the processes declare (`simulator.processes.base.Process.flows`); counts are of
simulated persons (not multiplied by the scale), by region (REGIONS order); `simulator.recording` scales
them. Spending is kept apart, in real yuan, by lever.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from simulator.geography import N_REGIONS, N_UNITS

#: The counters of moves between regions (kept by `add_moves`).
MOVE_FLOWS = ("in_within", "out_within", "in_inter", "out_inter")


class MonthFlows:
    """Flows of one month by region: `flows.births` is an int64 array over REGIONS."""

    def __init__(self, names: Iterable[str]) -> None:
        self.counts: dict[str, np.ndarray] = {name: np.zeros(N_REGIONS, dtype=np.int64) for name in names}
        self.spending_yuan: dict[str, float] = {}  # lever -> yuan (already real persons)

    def __getattr__(self, name: str) -> np.ndarray:
        counts = self.__dict__.get("counts")
        if counts is not None and name in counts:
            return counts[name]
        raise AttributeError(f"no flow counter {name!r}: declare it in the process's `flows`")

    def __setattr__(self, name: str, value: object) -> None:
        counts = self.__dict__.get("counts")
        if counts is not None and name in counts:
            counts[name][...] = value  # `flows.births += x` writes into the counter
            return
        super().__setattr__(name, value)

    def add_moves(self, source: np.ndarray, destination: np.ndarray) -> None:
        """Count moves of persons from `source` to `destination` regions (arrays of region codes)."""
        moved = source != destination
        source, destination = source[moved], destination[moved]
        crossing = (source < N_UNITS) != (destination < N_UNITS)
        for mask, incoming, outgoing in (
            (crossing, self.in_inter, self.out_inter),
            (~crossing, self.in_within, self.out_within),
        ):
            outgoing += np.bincount(source[mask], minlength=N_REGIONS)
            incoming += np.bincount(destination[mask], minlength=N_REGIONS)

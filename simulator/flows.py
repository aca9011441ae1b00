"""Monthly flow accounts: every process adds the persons it moved between states to these counters.

Counts are of simulated persons (not multiplied by the scale); `simulator.recording` scales them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulator.codes import N_REGIONS, N_UNITS


def _zeros() -> np.ndarray:
    return np.zeros(N_REGIONS, dtype=np.int64)


@dataclass
class MonthFlows:
    """Flows of one month by region (REGIONS order)."""

    births: np.ndarray = field(default_factory=_zeros)
    deaths: np.ndarray = field(default_factory=_zeros)
    in_within: np.ndarray = field(default_factory=_zeros)  # arrivals from another unit of Jilin
    out_within: np.ndarray = field(default_factory=_zeros)  # departures to another unit of Jilin
    in_inter: np.ndarray = field(default_factory=_zeros)  # arrivals across the provincial border
    out_inter: np.ndarray = field(default_factory=_zeros)  # departures across the provincial border
    graduates: np.ndarray = field(default_factory=_zeros)  # completions of higher education
    training: np.ndarray = field(default_factory=_zeros)  # vocational training courses taken
    certified_high_skill: np.ndarray = field(default_factory=_zeros)
    spending_yuan: dict[str, float] = field(default_factory=dict)  # lever -> yuan (already real persons)

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

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
#: Lower ages of the age groups of the age profile: 0, 1-4, 5-9, ..., 95-99, 100+ (the census' groups).
AGE_GROUP_LOWS = (0, 1, *range(5, 101, 5))
N_AGE_GROUPS = len(AGE_GROUP_LOWS)
#: Age group of each single age 0..127 (ages past 100 in the open group).
AGE_GROUP_OF_AGE = (np.searchsorted(np.array(AGE_GROUP_LOWS), np.arange(128), side="right") - 1).astype(np.int64)
#: Flows recorded by region, sex and age group (the age profile): deaths and moves across the border.
AGE_FLOWS = ("deaths", "in_migrants_interprovincial", "out_migrants_interprovincial")


def age_sex_cells_all(region: np.ndarray, sex: np.ndarray, age_years: np.ndarray) -> np.ndarray:
    """`age_sex_cells` for whole person columns (ages 0..127), as int16 computed in place: no int64 array and
    no table look-up per person. The age group is age // 5 + (age > 0), at most the open group (the census'
    groups 0, 1-4, 5-9, ..., 100+); tests check it against AGE_GROUP_OF_AGE."""
    cells = (age_years // np.int8(5)).astype(np.int16)
    cells += age_years > 0
    np.minimum(cells, N_AGE_GROUPS - 1, out=cells)
    key = region.astype(np.int16)
    key *= 2
    key += sex
    key *= N_AGE_GROUPS
    key += cells
    return key


def age_sex_cells(region: np.ndarray, sex: np.ndarray, age_years: np.ndarray) -> np.ndarray:
    """Cell of the age profile of each person: (region x 2 + sex) x N_AGE_GROUPS + age group."""
    group = AGE_GROUP_OF_AGE[age_years.astype(np.int64)]
    return (region.astype(np.int64) * 2 + sex) * N_AGE_GROUPS + group


class MonthFlows:
    """Flows of one month by region: `flows.births` is an int64 array over REGIONS."""

    def __init__(self, names: Iterable[str]) -> None:
        self.counts: dict[str, np.ndarray] = {name: np.zeros(N_REGIONS, dtype=np.int64) for name in names}
        self.spending_yuan: dict[str, float] = {}  # lever -> yuan (already real persons)
        #: the age profile's flows: name -> persons by (region, sex, age group), flattened
        self.by_age: dict[str, np.ndarray] = {
            name: np.zeros(N_REGIONS * 2 * N_AGE_GROUPS, dtype=np.int64) for name in AGE_FLOWS
        }

    def add_by_age(self, name: str, region: np.ndarray, sex: np.ndarray, age_years: np.ndarray) -> None:
        """Count persons in the age-profile flow `name` by their region, sex and age."""
        cells = age_sex_cells(region, sex, age_years)
        self.by_age[name] += np.bincount(cells, minlength=self.by_age[name].size)

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

    def add_moves(
        self,
        source: np.ndarray,
        destination: np.ndarray,
        sex: np.ndarray | None = None,
        age_years: np.ndarray | None = None,
    ) -> None:
        """Count moves of persons from `source` to `destination` regions (arrays of region codes); with the
        movers' `sex` and `age_years`, moves across the provincial border enter the age profile too."""
        moved = source != destination
        source, destination = source[moved], destination[moved]
        crossing = (source < N_UNITS) != (destination < N_UNITS)
        if sex is not None and age_years is not None:
            sex, age_years = sex[moved][crossing], age_years[moved][crossing]
            self.add_by_age("out_migrants_interprovincial", source[crossing], sex, age_years)
            self.add_by_age("in_migrants_interprovincial", destination[crossing], sex, age_years)
        for mask, incoming, outgoing in (
            (crossing, self.in_inter, self.out_inter),
            (~crossing, self.in_within, self.out_within),
        ):
            outgoing += np.bincount(source[mask], minlength=N_REGIONS)
            incoming += np.bincount(destination[mask], minlength=N_REGIONS)

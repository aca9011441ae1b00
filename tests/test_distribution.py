"""The replicate comparison behind benchmarks/same_distribution.py: equal distributions pass, a shift fails."""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.experiments.distribution import compare_replicates


def _replicates(rng: np.random.Generator, shift: float = 0.0, common: np.ndarray | None = None) -> pd.DataFrame:
    """Two indicators x five years x 20 replicates; `common` adds a per-replicate value shared by versions."""
    rows = []
    for indicator in ("employed", "net_migration"):
        for year in range(2021, 2026):
            for replicate in range(20):
                value = 100.0 + rng.normal(0.0, 1.0) + (0.0 if common is None else common[replicate])
                value += shift if (indicator, year) == ("net_migration", 2025) else 0.0
                rows.append(("baseline", indicator, year, replicate, value))
    rows.append(("baseline", "population", 2020, 0, 5.0))  # census day: the same in every replicate
    rows.append(("baseline", "population", 2020, 1, 5.0))
    return pd.DataFrame(rows, columns=["scenario", "indicator", "year", "replicate", "value"])


def test_the_same_distribution_passes_and_a_shift_of_one_cell_fails():
    rng = np.random.default_rng(3)
    same = compare_replicates(_replicates(rng), _replicates(rng))
    assert len(same) == 11 and not same["differs"].any()
    shifted = compare_replicates(_replicates(rng), _replicates(rng, shift=3.0))
    assert shifted["differs"].sum() == 1
    assert shifted.loc[shifted["differs"], ["indicator", "year"]].values.tolist() == [["net_migration", 2025]]


def test_shared_seeds_are_compared_in_pairs_which_sees_a_shift_lost_in_their_spread():
    """Replicates that share most of their randomness (same seeds, common random numbers) differ little
    within a pair: a shift far below the spread between replicates is still found."""
    rng = np.random.default_rng(4)
    common = rng.normal(0.0, 50.0, size=20)
    a = _replicates(rng, common=common)
    b = _replicates(rng, shift=3.0, common=common)
    table = compare_replicates(a, b)
    assert table["paired"].all()
    assert table.loc[table["differs"], "indicator"].tolist() == ["net_migration"]
    unpaired = compare_replicates(a, b.assign(replicate=b["replicate"] + 100))
    assert not unpaired["paired"].any() and not unpaired["differs"].any()


def test_constant_values_must_be_equal():
    rng = np.random.default_rng(5)
    a, b = _replicates(rng), _replicates(rng)
    b.loc[b["indicator"] == "population", "value"] = 6.0
    table = compare_replicates(a, b)
    assert table.loc[table["indicator"] == "population", "differs"].item()

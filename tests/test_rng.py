"""Random streams: one seed per run, an independent stream per process and month (common random numbers)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.processes import SCHEDULE, slot_streams
from simulator.rng import FIRMS_STREAM, SYNTHESIS_STREAM, sample, stream

PROCESSES = {p.name: p.stream for p in SCHEDULE} | {"synthesis": SYNTHESIS_STREAM, "firms": FIRMS_STREAM}
PROCESSES |= {f"{name}_{i}": key for name, keys in slot_streams().items() for i, key in enumerate(keys)}


def draws(seed: int, process: str, month: int = -1) -> np.ndarray:
    return stream(seed, PROCESSES[process], month).random(100)


def test_identical_arguments_give_identical_draws():
    for process in PROCESSES:
        for month in (-1, 0, 7, 61):
            np.testing.assert_array_equal(draws(5, process, month), draws(5, process, month))


def test_streams_differ_by_process_month_and_seed():
    seen = {}
    for seed in (0, 1):
        for process in PROCESSES:
            for month in (-1, 0, 1, 12):
                key = draws(seed, process, month)[:4].tobytes()
                assert key not in seen, f"{(seed, process, month)} repeats {seen.get(key)}"
                seen[key] = (seed, process, month)


def test_a_stream_does_not_depend_on_other_streams_use():
    migration, demography = PROCESSES["migration"], PROCESSES["demography"]
    first = stream(3, migration, 4).random(10)
    noisy = stream(3, demography, 4)
    noisy.random(1_000_000)  # another process drawing a lot in the same month
    stream(3, migration, 3).random(1_000)
    np.testing.assert_array_equal(stream(3, migration, 4).random(10), first)


def test_every_stream_key_is_used_once():
    keys = list(PROCESSES.values())
    assert len(keys) == len(set(keys)) == 12


def test_sample_draws_a_sorted_subset_at_the_given_rate():
    rng = np.random.default_rng(0)
    idx = np.arange(10, 200_010)
    chosen = sample(idx, 0.1, rng)
    assert np.all(np.diff(chosen) > 0)
    assert np.all(np.isin(chosen, idx))
    assert chosen.size == pytest.approx(20_000, abs=5 * np.sqrt(20_000 * 0.9))
    assert sample(idx, 0.0, rng).size == 0
    assert sample(idx, 1.0, rng).size == idx.size
    assert sample(idx[:0], 0.5, rng).size == 0


def test_slot_uniforms_drawn_into_a_reused_buffer_are_the_same_numbers():
    from simulator.rng import slot_room, slot_uniforms, slot_uniforms_start

    fresh = slot_uniforms(5, (8, 9), 3, 2000, 2010)
    old = slot_uniforms_start(5, (8, 9), 2, 2000).base  # last month's buffer, handed back
    again = slot_uniforms(5, (8, 9), 3, 2000, 2010, slot_uniforms_start(5, (8, 9), 3, 2000, old))
    assert np.shares_memory(again, old)
    np.testing.assert_array_equal(again, fresh)
    small = np.empty(2000 + slot_room(2000) - 1, dtype=np.float32)  # too small: not used
    assert not np.shares_memory(slot_uniforms_start(5, (8, 9), 3, 2000, small), small)


def test_sample_slots_chooses_each_slot_independently_at_the_rate():
    """Geometric gaps between chosen slots: sorted, distinct, in range; each slot's frequency is the rate
    (chi-square over bins of slots) and the count has the binomial variance."""
    from scipy import stats

    from simulator.rng import sample_slots

    n, p, reps = 10_000, 0.01, 400
    rng = np.random.default_rng(12)
    hits = np.zeros(n)
    counts = []
    for _ in range(reps):
        chosen = sample_slots(n, p, rng)
        assert (np.diff(chosen) > 0).all() and chosen.min() >= 0 and chosen.max() < n
        hits[chosen] += 1
        counts.append(chosen.size)
    by_bin = hits.reshape(50, -1).sum(axis=1)  # 50 bins of 200 slots: 800 expected each
    assert stats.chisquare(by_bin).pvalue > 0.001
    assert abs(np.mean(counts) - n * p) < 4 * np.sqrt(n * p * (1 - p) / reps)
    assert 0.7 < np.var(counts) / (n * p * (1 - p)) < 1.3
    assert sample_slots(n, 0.0, rng).size == 0 and sample_slots(0, 0.5, rng).size == 0
    np.testing.assert_array_equal(sample_slots(5, 1.0, rng), np.arange(5))
    assert 0 < sample_slots(3, 0.9, rng).size <= 3  # more than one batch of gaps may be needed

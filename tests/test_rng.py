"""Random streams: one seed per run, an independent stream per process and month (common random numbers)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator import rng as rng_module
from simulator.processes import SCHEDULE, slot_streams
from simulator.rng import FIRMS_STREAM, RETIRED_STREAMS, SYNTHESIS_STREAM, sample, slot_key, slot_uniforms, stream

PROCESSES = {p.name: p.stream for p in SCHEDULE} | {"synthesis": SYNTHESIS_STREAM, "firms": FIRMS_STREAM}
PROCESSES |= {f"{name}_slots": key for name, key in slot_streams().items()}


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
    assert len(keys) == len(set(keys)) == 11
    assert not set(keys) & set(RETIRED_STREAMS)


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


def _splitmix64(key: int, i: int) -> float:
    """Output i of SplitMix64 started at `key`, its top 24 bits over 2**24: in Python integers, from the
    published algorithm (Steele, Lea & Flood 2014)."""
    mask = (1 << 64) - 1
    z = (key + (i + 1) * 0x9E3779B97F4A7C15) & mask
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
    return ((z ^ (z >> 31)) >> 40) / 2**24


def test_slot_uniforms_are_splitmix64_outputs_of_the_slot_whatever_the_order():
    key = slot_key(5, 8, 3)
    assert key == slot_key(5, 8, 3) != slot_key(5, 8, 4) != slot_key(5, 10, 3)
    slots = np.array([0, 1, 2, 999, 2**31 + 7, 30_000_000])
    expected = np.array([_splitmix64(key, int(i)) for i in slots], dtype=np.float32)
    np.testing.assert_array_equal(slot_uniforms(key, slots), expected)
    every = slot_uniforms(key, 1000)
    np.testing.assert_array_equal(every[[0, 1, 2, 999]], expected[:4])
    np.testing.assert_array_equal(slot_uniforms(key, slots[::-1]), expected[::-1])
    assert every.dtype == np.float32 and every.min() >= 0.0 and every.max() < 1.0


def test_slot_uniforms_of_a_range_agree_with_the_listed_slots_across_chunks():
    """The range path (chunk offsets added to kept multiples of gamma) gives the listed-slot path's numbers,
    at chunk edges and for keys near 2**64, where the sums wrap around."""
    chunk = rng_module.SLOT_CHUNK
    for key in (slot_key(5, 8, 3), 2**64 - 1, 2**64 - 0x9E3779B97F4A7C15, 0):
        n = 2 * chunk + 3
        every = slot_uniforms(key, n)
        np.testing.assert_array_equal(every, slot_uniforms(key, np.arange(n)))
        edges = np.array([0, chunk - 1, chunk, chunk + 1, n - 1])
        expected = np.array([_splitmix64(key, int(i)) for i in edges], dtype=np.float32)
        np.testing.assert_array_equal(every[edges], expected)


def test_slot_uniforms_are_uniform_and_independent_between_slots_months_and_streams():
    """Kolmogorov-Smirnov against U(0, 1); no correlation between neighbouring slots, between the same slots
    in two months or in the two streams of a month; the pairs (slot, next slot) fill a 20 x 20 grid evenly."""
    from scipy import stats

    n = 200_000
    deaths = slot_uniforms(slot_key(1, 8, 0), n).astype(float)
    assert stats.kstest(deaths, "uniform").pvalue > 1e-3
    for other in (
        deaths[1:],
        slot_uniforms(slot_key(1, 8, 1), n).astype(float),
        slot_uniforms(slot_key(1, 10, 0), n).astype(float),
        slot_uniforms(slot_key(2, 8, 0), n).astype(float),
    ):
        m = min(other.size, n - 1)
        assert abs(np.corrcoef(deaths[:m], other[:m])[0, 1]) < 5 / np.sqrt(m)
    cells = np.floor(deaths[:-1] * 20).astype(int) * 20 + np.floor(deaths[1:] * 20).astype(int)
    counts = np.bincount(cells, minlength=400)
    assert stats.chisquare(counts).pvalue > 1e-3


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

"""Random streams: one seed per run, an independent stream per process and month.

`numpy.random.SeedSequence(seed, spawn_key=(process, month))` gives each process a stream of its own in
each month. The draws a process makes in month m therefore do not depend on how many draws any other
process made, nor on what happened in earlier months: two scenarios run with the same seed use the same
numbers wherever their rules agree (common random numbers), and a run gives the same numbers alone, in a
pool of processes or on a cluster.
"""

from __future__ import annotations

import numpy as np

#: Streams that belong to no process (the processes declare theirs: `simulator.processes.base.Process`).
#: Never renumber a stream: it changes results.
SYNTHESIS_STREAM = 0
FIRMS_STREAM = 7
#: Keys of streams that are no longer drawn (until 2026-11 the per-slot numbers of the slots added during a
#: month): never reuse them.
RETIRED_STREAMS = (9, 11)


def stream(seed: int, key: int, month: int = -1) -> np.random.Generator:
    """The generator of stream `key` in model month `month` (-1 for initialisation) of a run seeded `seed`."""
    return np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=(key, month + 1)))


#: SplitMix64 (Steele, Lea & Flood 2014, "Fast splittable pseudorandom number generators", OOPSLA): the
#: increment of its state ("golden gamma") and the multipliers of its output function.
SPLITMIX_GAMMA = 0x9E3779B97F4A7C15
SPLITMIX_M1 = 0xBF58476D1CE4E5B9
SPLITMIX_M2 = 0x94D049BB133111EB
#: Slots whose uniforms the numpy path computes at a time: its two uint64 work arrays (1 MiB) stay in cache
#: (2.3 ms for 300,000 slots, against 6.7 ms in chunks of a million).
SLOT_CHUNK = 1 << 16
#: (j + 1) x gamma modulo 2**64 for the slots j of a chunk: the whole-range path adds the chunk's offset to
#: these (one operation instead of three; with the conversion through int64, 1.8 -> 1.1 ms for 306,000 slots).
_GAMMA_MULTIPLES = np.arange(1, SLOT_CHUNK + 1, dtype=np.uint64) * np.uint64(SPLITMIX_GAMMA)
_GAMMA_MULTIPLES.flags.writeable = False


def slot_key(seed: int, key: int, month: int) -> int:
    """The 64-bit key of per-slot stream `key` in model month `month` of a run seeded `seed`: the first
    64-bit word of SeedSequence(entropy=seed, spawn_key=(key, month + 1)) (as `stream`'s generator)."""
    words = np.random.SeedSequence(entropy=seed, spawn_key=(key, month + 1)).generate_state(1, np.uint64)
    return int(words[0])


def slot_uniforms(key: int, slots: np.ndarray | int) -> np.ndarray:
    """The float32 uniform in [0, 1) of each slot of `slots` (an integer array, or n for slots 0..n-1) in the
    per-slot stream keyed `key` (`slot_key`).

    Slot i's number is output i of SplitMix64 started at `key`: mix(key + (i + 1) x gamma), its top 24 bits
    over 2**24 (as numpy's float32 uniforms). It depends only on the key and the slot, so it can be computed
    for any slots in any order, by numpy here or inside a compiled pass (`simulator.kernels.slot_uniform`,
    the same numbers): a slot's number is the same in two scenarios, whatever else they draw, and nothing
    is stored. SplitMix64 passes the BigCrush battery of statistical tests.
    """
    key = int(key)  # a Python integer: the chunk offsets below are reduced modulo 2**64
    whole = np.ndim(slots) == 0  # slots 0..n-1
    n = int(slots) if whole else np.asarray(slots).size
    if n < 0:
        raise ValueError(f"slot_uniforms: a negative number of slots ({n})")
    idx = None if whole else np.asarray(slots)
    out = np.empty(n, dtype=np.float32)
    base, gamma = np.uint64(key), np.uint64(SPLITMIX_GAMMA)
    m1, m2 = np.uint64(SPLITMIX_M1), np.uint64(SPLITMIX_M2)
    z = np.empty(min(n, SLOT_CHUNK), dtype=np.uint64)
    shifted = np.empty_like(z)
    for start in range(0, n, SLOT_CHUNK):
        size = min(SLOT_CHUNK, n - start)
        w, t = z[:size], shifted[:size]
        if idx is None:  # key + (start + j + 1) x gamma = (key + start x gamma) + (j + 1) x gamma, modulo 2**64
            np.add(_GAMMA_MULTIPLES[:size], np.uint64((key + start * SPLITMIX_GAMMA) % 2**64), out=w)
        else:
            np.add(idx[start : start + size], 1, out=w, casting="unsafe")
            w *= gamma
            w += base
        for shift, multiplier in ((30, m1), (27, m2)):
            np.right_shift(w, np.uint64(shift), out=t)
            w ^= t
            w *= multiplier
        np.right_shift(w, np.uint64(31), out=t)
        w ^= t
        w >>= np.uint64(40)
        out[start : start + size] = w.view(np.int64)  # below 2**24: exact in float32
    out *= np.float32(2.0**-24)
    return out


def sample(idx: np.ndarray, probability: float, rng: np.random.Generator) -> np.ndarray:
    """Each of `idx` independently with `probability`, drawn fast: a binomial count, then that many at random.

    Equivalent in distribution to `idx[rng.random(idx.size) < probability]`, but costs O(count) draws
    instead of one per candidate. Returns sorted indices.
    """
    count = rng.binomial(idx.size, min(max(probability, 0.0), 1.0)) if idx.size else 0
    return np.sort(rng.choice(idx, size=count, replace=False)) if count else idx[:0]


def sample_slots(n: int, probability: float, rng: np.random.Generator) -> np.ndarray:
    """Each of the slots 0..n-1 independently with a small `probability` (sorted indices).

    Used for thinning: draw slots at the largest probability any person can have, then keep the eligible
    (and accept with their own probability over the largest). Each eligible person is then chosen with
    exactly their probability, without a pass over all persons.

    Drawn as the gaps between chosen slots, which are geometric (trials up to and including the next
    success of independent Bernoulli trials): O(count) draws and no hashing. Until 2026-11 a binomial
    count and then that many distinct slots were drawn (the same distribution, other numbers); that took
    three times as long (about 60 against 20 ms a month at scale 1, six calls).
    """
    p = min(max(float(probability), 0.0), 1.0)
    if n <= 0 or p == 0.0:
        return np.empty(0, dtype=np.int64)
    if p == 1.0:
        return np.arange(n, dtype=np.int64)
    expected = n * p
    batch = int(expected + 6.0 * np.sqrt(expected) + 16)  # almost always enough in one batch
    parts = []
    last = -1
    while last < n:
        positions = last + np.cumsum(rng.geometric(p, size=batch))
        parts.append(positions)
        last = int(positions[-1])
    chosen = np.concatenate(parts) if len(parts) > 1 else parts[0]
    return chosen[: np.searchsorted(chosen, n)]

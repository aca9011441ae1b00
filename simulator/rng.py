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


def stream(seed: int, key: int, month: int = -1) -> np.random.Generator:
    """The generator of stream `key` in model month `month` (-1 for initialisation) of a run seeded `seed`."""
    return np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=(key, month + 1)))


def slot_uniforms_start(
    seed: int, keys: tuple[int, int], month: int, n_start: int, buffer: np.ndarray | None = None
) -> np.ndarray:
    """One float32 uniform for each of the `n_start` slots that exist at the start of `month`.

    The array's buffer has room for the slots a month may add (`slot_room`), so that `slot_uniforms` can
    append their numbers without copying the month's numbers (a copy costs as much as drawing at scale 1).
    `buffer`, if given and large enough (a float32 array that is not a view), is used as that buffer: the
    run loop hands back the buffers of a finished month, whose memory is already mapped (fresh memory costs
    more to touch the first time than drawing into it). The numbers do not depend on the buffer.
    """
    size = n_start + slot_room(n_start)
    if buffer is None or not (buffer.base is None and buffer.dtype == np.float32 and buffer.size >= size):
        buffer = np.empty(size, dtype=np.float32)
    stream(seed, keys[0], month).random(dtype=np.float32, out=buffer[:n_start])
    return buffer[:n_start]


def slot_room(n_start: int) -> int:
    """Spare room after the start-of-month slots in a buffer of per-slot uniforms: 1/128 of them (the
    month's births and arrivals are about 1/2000), at least 1,024."""
    return max(1024, n_start // 128)


def slot_uniforms(
    seed: int, keys: tuple[int, int], month: int, n_start: int, n: int, prefetched: np.ndarray | None = None
) -> np.ndarray:
    """One uniform per person slot in `month` for the per-slot streams `keys` = (slots at the start of the
    month, slots added during it): the first stream's numbers may have been drawn ahead (`prefetched`). The
    numbers depend only on (seed, keys, month, n_start, n), so they are the same whether or not they were
    prefetched, and the same for a slot in two scenarios."""
    first = prefetched if prefetched is not None else slot_uniforms_start(seed, keys, month, n_start)
    if n <= n_start:
        return first[:n]
    added = stream(seed, keys[1], month)
    base = first.base
    if isinstance(base, np.ndarray) and base.dtype == np.float32 and base.ndim == 1 and base.size >= n:
        # the buffer `slot_uniforms_start` made, with room for the added slots: fill them in place
        both = base[:n]
        added.random(dtype=np.float32, out=both[n_start:])
        return both
    return np.concatenate([first, added.random(n - n_start, dtype=np.float32)])


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

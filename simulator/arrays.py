"""Array helpers for the person store's large arrays."""

from __future__ import annotations

import numpy as np

#: Elements per chunk: small enough that bincount's conversion of each chunk to intp stays in cache.
CHUNK = 1 << 18


def bincount(values: np.ndarray, minlength: int, weights: np.ndarray | None = None) -> np.ndarray:
    """`np.bincount` over a long array of small non-negative integers, in chunks (about twice as fast on
    tens of millions of int8/int16 values, which numpy would first copy whole into an int64 array).
    Returns float64 counts (or weighted sums) of length `minlength`."""
    out = np.zeros(minlength)
    for start in range(0, values.size, CHUNK):
        part = slice(start, start + CHUNK)
        out += np.bincount(values[part], weights=None if weights is None else weights[part], minlength=minlength)
    return out

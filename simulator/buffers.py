"""Work buffers kept between calls: memory a process gets fresh from the system is slow to touch the first
time, so large buffers used every month are allocated once."""

from __future__ import annotations

import numpy as np

#: Buffers kept between calls by `scratch`, by name.
_SCRATCH: dict[str, np.ndarray] = {}


def scratch(name: str, size: int, dtype: np.dtype | type) -> np.ndarray:
    """A work buffer of `size` elements of `dtype` (contents undefined), kept between calls under `name`.

    Memory that a process gets fresh from the system is slow to touch the first time (0.2-1.3 s a GiB on
    this machine, against 0.06 s to write it again), and numpy returns large arrays to the system when they
    are freed: a buffer of the person slots' size allocated every month pays that again each month. A
    scratch buffer pays it once. The buffer is reused by the next call with the same name, so a caller
    must copy out what it keeps (`simulator.kernels` copies its lists out when it joins them); only the
    pages actually written stay resident. Not for use from two threads at once under the same name.
    """
    dtype = np.dtype(dtype)
    kept = _SCRATCH.get(name)
    if kept is None or kept.dtype != dtype or kept.size < size:
        kept = np.empty(max(size, int(1.02 * (kept.size if kept is not None else 0))), dtype=dtype)
        _SCRATCH[name] = kept
    return kept[:size]

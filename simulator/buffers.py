"""Work buffers kept between calls: memory a process gets fresh from the system is slow to touch the first
time, so large buffers used every month are allocated once."""

from __future__ import annotations

import threading

import numpy as np

#: Buffers kept between calls by `scratch`: by thread, then by name (two models stepped in two threads of one
#: process, as the page's sessions or a threaded cluster may do, do not share buffers).
_KEPT = threading.local()


def scratch(name: str, size: int, dtype: np.dtype | type) -> np.ndarray:
    """A work buffer of `size` elements of `dtype` (contents undefined), kept between calls under `name`.

    Memory that a process gets fresh from the system is slow to touch the first time (0.2-1.3 s a GiB on
    this machine, against 0.06 s to write it again), and numpy returns large arrays to the system when they
    are freed: a buffer of the person slots' size allocated every month pays that again each month. A
    scratch buffer pays it once. The buffer is reused by the next call with the same name, so a caller
    must copy out what it keeps (`simulator.kernels` copies its lists out when it joins them); only the
    pages actually written stay resident. Each thread has buffers of its own (freed when it ends).
    """
    dtype = np.dtype(dtype)
    buffers: dict[str, np.ndarray] = _KEPT.__dict__.setdefault("buffers", {})
    kept = buffers.get(name)
    if kept is None or kept.dtype != dtype or kept.size < size:
        kept = np.empty(max(size, int(1.02 * (kept.size if kept is not None else 0))), dtype=dtype)
        buffers[name] = kept
    return kept[:size]

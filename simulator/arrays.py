"""Array helpers for the person store's large arrays."""

from __future__ import annotations

import functools
import importlib.util
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

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


#: Elements from which `apply_in_chunks` splits the work between two threads.
THREADED_MIN_ELEMENTS = 1_000_000
#: Elements `apply_in_chunks` hands to its function at a time (128 KiB of float32: they stay in cache
#: between the function's steps).
APPLY_CHUNK = 1 << 15


def apply_in_chunks(function: Callable[[np.ndarray], None], values: np.ndarray) -> None:
    """Call `function` (which changes its argument in place, element by element) on consecutive chunks of
    `values`; from THREADED_MIN_ELEMENTS elements the two halves in two threads. numpy releases the
    interpreter lock in its loops, and each element's result does not depend on where the array is cut
    (tests/test_arrays.py), so the values are those of `function(values)`. The wages' human-capital factor
    (log, multiply, exp over 14.5 million float32 at scale 1) took about 90 ms so, against 125 ms as three
    whole-array passes."""

    def in_chunks(part: np.ndarray) -> None:
        for start in range(0, part.size, APPLY_CHUNK):
            function(part[start : start + APPLY_CHUNK])

    if values.size < THREADED_MIN_ELEMENTS:
        in_chunks(values)
        return
    middle = values.size // 2
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="talentsim-ufunc") as pool:
        for done in [pool.submit(in_chunks, half) for half in (values[:middle], values[middle:])]:
            done.result()


def kernel_min_slots() -> int:
    """Person slots from which the compiled kernels (`simulator.kernels`) replace numpy: 1,000,000, or the
    environment variable TALENTSIM_KERNEL_MIN_SLOTS (0: always, as the equivalence checks use it)."""
    return int(os.environ.get("TALENTSIM_KERNEL_MIN_SLOTS", 1_000_000))


def use_kernels(n_slots: int) -> bool:
    """Whether a pass over `n_slots` person slots should use `simulator.kernels`: from `kernel_min_slots()`
    on, when numba is installed and TALENTSIM_NO_KERNELS is not set."""
    if n_slots < kernel_min_slots() or os.environ.get("TALENTSIM_NO_KERNELS"):
        return False
    return _numba_installed()


@functools.cache
def _numba_installed() -> bool:
    return importlib.util.find_spec("numba") is not None


def warm_kernels(n_slots: int) -> None:
    """If a run of about `n_slots` person slots will use the kernels (`use_kernels`): import them and start
    numba's parallel runtime in a background thread, which synthesis then hides. That takes about 1.2 s on
    this machine: 0.5 s to import numba and the kernels, 0.65 s for the first parallel call."""
    if use_kernels(n_slots):
        threading.Thread(target=_warm_kernels, name="talentsim-kernels", daemon=True).start()


def _warm_kernels() -> None:
    try:
        from simulator import kernels

        kernels.warm_up()
    except Exception:  # noqa: BLE001 - only a head start: the run meets any such error itself, in the open
        pass

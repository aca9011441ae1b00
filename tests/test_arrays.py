"""Array helpers: chunked bincount, and ufuncs applied in two threads give numpy's values to the bit."""

from __future__ import annotations

import numpy as np
import pytest

from simulator import arrays, buffers


def _factor(values: np.ndarray) -> None:
    """The wages' human-capital factor: log, times 0.6, exp, in place."""
    np.log(values, out=values)
    values *= np.float32(0.6)
    np.exp(values, out=values)


@pytest.mark.parametrize("function", [lambda v: np.log(v, out=v), lambda v: np.exp(v, out=v), _factor])
def test_chunked_threaded_function_equals_numpy_to_the_bit(function):
    values = (np.random.default_rng(1).random(arrays.THREADED_MIN_ELEMENTS + 12_345) * 3 + 0.25).astype(np.float32)
    original, expected = values.copy(), values.copy()
    function(expected)  # the whole array at once
    arrays.apply_in_chunks(function, values)
    assert not np.array_equal(expected, original)
    np.testing.assert_array_equal(values.view(np.int32), expected.view(np.int32))
    small = np.array([1.0, 2.0], dtype=np.float32)
    arrays.apply_in_chunks(function, small)
    whole = np.array([1.0, 2.0], dtype=np.float32)
    function(whole)
    np.testing.assert_array_equal(small, whole)


def test_chunked_bincount_equals_numpy():
    values = np.random.default_rng(2).integers(0, 50, size=3 * arrays.CHUNK + 7).astype(np.int8)
    weights = np.random.default_rng(3).random(values.size)
    np.testing.assert_array_equal(arrays.bincount(values, 60), np.bincount(values, minlength=60))
    np.testing.assert_allclose(arrays.bincount(values, 60, weights), np.bincount(values, weights, 60))


def test_scratch_buffers_are_kept_by_name_and_grown_when_too_small():
    first = buffers.scratch("test.a", 100, np.int64)
    first[:] = 7
    again = buffers.scratch("test.a", 50, np.int64)
    assert again.size == 50 and np.shares_memory(first, again) and (again == 7).all()
    other = buffers.scratch("test.b", 50, np.int64)
    assert not np.shares_memory(first, other)
    larger = buffers.scratch("test.a", 1000, np.int64)
    assert larger.size == 1000 and not np.shares_memory(first, larger)
    assert buffers.scratch("test.a", 10, np.float32).dtype == np.float32


def test_scratch_buffers_are_kept_per_thread():
    import threading

    here = buffers.scratch("test.thread", 10, np.int64)
    there = []
    thread = threading.Thread(target=lambda: there.append(buffers.scratch("test.thread", 10, np.int64)))
    thread.start()
    thread.join()
    assert not np.shares_memory(here, there[0])
    assert np.shares_memory(here, buffers.scratch("test.thread", 10, np.int64))

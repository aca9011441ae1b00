"""What runs in a worker process: one run, the shared months of a branch, or a run continued from them.

Each worker process loads the calibration data and parameter table once and keeps them for every run it
makes. A task never raises for a run's own failure: it returns the run's record with status 'failed' and
the error, so one failing run does not stop the others.
"""

from __future__ import annotations

import ctypes
import os
import resource
import threading
import time
import traceback
from dataclasses import dataclass
from typing import Any

import pandas as pd

from simulator.experiments.spec import scenario_hash
from simulator.inputs.calibration import CalibrationData, load_calibration
from simulator.inputs.parameters import Parameters, load_parameters
from simulator.provenance import code_version
from simulator.run import RunSpec, run_spec, state_at

_INPUTS: dict[str, Any] = {}
#: glibc's mallopt parameters M_TRIM_THRESHOLD and M_MMAP_THRESHOLD.
TRIM_THRESHOLD, MMAP_THRESHOLD = -1, -3
MEMORY_POLL_SECONDS = 0.05


def inputs() -> tuple[CalibrationData, Parameters]:
    """The calibration data and parameter table, loaded once per process (which also tunes its allocator)."""
    if not _INPUTS:
        tune_allocator()
        _INPUTS["data"], _INPUTS["parameters"] = load_calibration(), load_parameters()
    return _INPUTS["data"], _INPUTS["parameters"]


def tune_allocator() -> bool:
    """Undo Dask's `MALLOC_TRIM_THRESHOLD_=65536` in this process (glibc only; False elsewhere).

    A Dask nanny starts its worker processes with that variable, which fixes glibc's thresholds so that
    every large array freed goes back to the system and the next one is mapped (and zeroed) again; a run
    makes many large temporary arrays a month, and takes about twice as long (measured: 4.4 s instead of
    2.4 s at scale 100). The thresholds are set to what glibc adapts to by itself in a plain process: arrays
    up to 32 MB from the heap, up to 64 MB of free heap kept.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(MMAP_THRESHOLD, 32 * 2**20)) and bool(libc.mallopt(TRIM_THRESHOLD, 64 * 2**20))
    except (OSError, AttributeError):
        return False


def warm_up() -> str:
    """Load what every run needs (called on every worker when a batch starts); returns the code version."""
    inputs()
    return code_version()


@dataclass
class Outcome:
    """A run's result as returned to the client: its rows (None if it failed), its record, and why it was
    made from census day although it was to continue from shared months (empty otherwise)."""

    frame: pd.DataFrame | None
    record: dict[str, Any]
    unbranched: str = ""


@dataclass
class Failed:
    """The shared months of a branch failed: every run continued from them fails with this error."""

    error: str


class _PeakMemory:
    """Peak resident memory of this process while the block runs, polled by a thread (MB)."""

    def __enter__(self) -> _PeakMemory:
        self.peak = _rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()
        return self

    def _poll(self) -> None:
        while not self._stop.wait(MEMORY_POLL_SECONDS):
            self.peak = max(self.peak, _rss_mb())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _error_text(exc: BaseException) -> str:
    where = traceback.extract_tb(exc.__traceback__)
    last = f" (at {os.path.basename(where[-1].filename)}:{where[-1].lineno})" if where else ""
    return " ".join(f"{type(exc).__name__}: {exc}{last}".split())


def record_of(spec: RunSpec, status: str, error: str = "", wall: float = 0.0, peak: float = 0.0) -> dict[str, Any]:
    """The runs.parquet row of a run."""
    return {
        "scenario": spec.scenario.name,
        "sample": int(spec.sample),
        "replicate": int(spec.replicate),
        "seed": int(spec.seed),
        "status": status,
        "error": error,
        "scenario_hash": scenario_hash(spec.scenario),
        "code_version": code_version(),
        "wall_seconds": round(wall, 3),
        "peak_memory_mb": round(peak, 1),
    }


def run(spec: RunSpec, start: bytes | Failed | None = None) -> Outcome:
    """Run `spec` (from census day, or continued from the state `start`) and return its outcome. If the
    shared months failed (`start` is Failed), the run is made from census day (same rows), so that its own
    error, if any, is what is recorded."""
    if isinstance(start, Failed):
        outcome = run(spec, None)
        outcome.unbranched = start.error
        return outcome
    started = time.perf_counter()
    with _PeakMemory() as memory:
        try:
            data, parameters = inputs()
            frame, _ = run_spec(spec, data=data, parameters=parameters, start_blob=start)
        except Exception as exc:  # a failing run is recorded, not raised
            return Outcome(None, record_of(spec, "failed", _error_text(exc), time.perf_counter() - started))
    return Outcome(frame, record_of(spec, "ok", "", time.perf_counter() - started, memory.peak))


def shared_months(spec: RunSpec, month: int) -> bytes | Failed:
    """The state of `spec`'s model at the start of model month `month`, or why it could not be made."""
    try:
        data, parameters = inputs()
        return state_at(spec, month, data=data, parameters=parameters)
    except Exception as exc:
        return Failed(_error_text(exc))

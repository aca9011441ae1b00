"""Running a batch on Dask: an embedded LocalCluster (one single-threaded worker process per core by
default) or an existing cluster (`--scheduler tcp://HOST:PORT`).

Worker processes stay alive for the whole batch and load the calibration data once. Each run is a task
whose result (the run's rows and record) comes back to this process, which alone writes the store, as soon
as the run finishes. Branches (simulator.experiments.branching) are a task making the shared state and one
task per run continuing from it; the state stays on the workers. A progress bar on standard error shows
runs done, failed and the time left. Ctrl-C cancels what is running and leaves the finished runs in the
store; `--resume` runs the rest.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from simulator.experiments import branching, worker
from simulator.experiments.spec import Experiment, scenario_hash
from simulator.experiments.store import Store
from simulator.run import RunSpec


@dataclass
class BatchResult:
    """How a batch went."""

    total: int
    skipped: int
    ok: int = 0
    failed: int = 0
    interrupted: bool = False
    seconds: float = 0.0
    first_error: str = ""
    branches: int = 0
    shared_months: int = 0
    unbranched: str = ""
    copies: int = 0
    workers: int = 0
    notes: list[str] = field(default_factory=list)


class Progress:
    """Runs done, failed and the time left, on standard error (a bar on a terminal, else a line now and then)."""

    def __init__(self, total: int, stream: TextIO | None = None, quiet: bool = False) -> None:
        self.total, self.done, self.failed = total, 0, 0
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.interactive = self.stream.isatty()
        self.started = time.perf_counter()
        self.last_line = 0.0

    def update(self, ok: bool) -> None:
        """Count a finished run and redraw."""
        self.done += 1
        self.failed += 0 if ok else 1
        self.show()

    def text(self) -> str:
        """The progress line."""
        elapsed = time.perf_counter() - self.started
        left = elapsed / self.done * (self.total - self.done) if self.done else float("nan")
        eta = _clock(left) if self.done else "--:--"
        return f"{self.done}/{self.total} runs, {self.failed} failed, {_clock(elapsed)} elapsed, {eta} left"

    def show(self) -> None:
        """Draw the bar (terminal) or print a line every 10 % or 30 s (log)."""
        if self.quiet or self.total == 0:
            return
        if self.interactive:
            width = 30
            filled = int(width * self.done / self.total)
            self.stream.write(f"\r  [{'#' * filled}{'.' * (width - filled)}] {self.text()}   ")
            if self.done == self.total:
                self.stream.write("\n")
        else:
            now = time.perf_counter()
            step = max(self.total // 10, 1)
            if self.done % step == 0 or self.done == self.total or now - self.last_line > 30:
                self.stream.write(f"  {self.text()}\n")
                self.last_line = now
        self.stream.flush()

    def close(self) -> None:
        """End the bar's line if it is unfinished."""
        if self.interactive and not self.quiet and 0 < self.done < self.total:
            self.stream.write("\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


def default_workers() -> int:
    """One worker process per core available to this process."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:
        return max(os.cpu_count() or 1, 1)


def kernel_threads(workers: int, cores: int) -> int:
    """Threads of the compiled kernels (numba) in each of `workers` worker processes sharing `cores` cores:
    the cores divided among the workers, at least one.

    Each worker would otherwise start a thread per core for every kernel, and the workers' threads would
    contend for the cores: a batch of four scale-10 runs on two workers took 71 s wall (130 CPU seconds)
    so, against 50 s (88 CPU seconds) with one thread per worker. The kernels' results do not depend on
    their number of threads (`simulator.kernels`), so neither do the batch's."""
    return max(1, cores // max(workers, 1))


def connect(workers: int | None, scheduler: str | None, processes: bool = True) -> tuple[Any, Any]:
    """A Dask client: of an existing scheduler, or of a new LocalCluster with `workers` processes.

    The worker processes of a new cluster get NUMBA_NUM_THREADS = `kernel_threads` (unless this process's
    environment sets it). An existing cluster's workers keep their own settings.

    Returns:
        (client, cluster or None).
    """
    from distributed import Client, LocalCluster

    for name in ("distributed", "tornado", "asyncio"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    if scheduler is not None:
        return Client(scheduler, timeout="20s"), None
    # the worker processes ignore Ctrl-C (they inherit it being ignored while they start): this process
    # handles it, cancels what runs and closes the cluster, which ends them
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main_thread else None
    n_workers = workers or default_workers()
    settings: dict[str, Any] = {}
    if processes:  # the workers' environment (a Nanny starts each worker process with it)
        threads = os.environ.get("NUMBA_NUM_THREADS") or str(kernel_threads(n_workers, default_workers()))
        settings["env"] = {"NUMBA_NUM_THREADS": threads}
    try:
        cluster = LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=None,
            # the scheduler serves its health and metrics pages even without a dashboard, by default on
            # port 8787, warning over several lines when another cluster holds it: any free loopback port
            scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
            memory_limit=0,
            silence_logs=logging.CRITICAL,
            **settings,
        )
    finally:
        if main_thread:
            signal.signal(signal.SIGINT, previous)
    return Client(cluster), cluster


def run_batch(
    experiment: Experiment,
    store: Store,
    client: Any,
    *,
    progress: Progress | None = None,
    log: TextIO | None = None,
) -> BatchResult:
    """Run every run of `experiment` that `store` lacks on `client`'s cluster; write each into the store.

    Returns:
        Counts of what was run; `interrupted` is set (and nothing raised) on Ctrl-C.
    """
    from distributed import as_completed

    started = time.perf_counter()
    runs = experiment.runs()
    finished = store.finished()
    todo = [r for r in runs if (r.scenario.name, r.sample, r.replicate) not in finished]
    result = BatchResult(total=len(runs), skipped=len(runs) - len(todo))
    groups = identical_runs(todo)
    twins = {id(group[0]): group for group in groups}
    branches, alone = branching.plan([group[0] for group in groups], experiment.branch)
    result.branches = len(branches)
    result.shared_months = sum(b.month * (len(b.runs) - 1) for b in branches)
    result.copies = len(todo) - len(groups)
    progress = progress or Progress(len(todo))
    progress.total = len(todo)
    if not todo:
        return result
    client.run(worker.warm_up)
    progress.started = time.perf_counter()  # the time left counts runs, not the workers' start-up
    tag = uuid.uuid4().hex[:8]
    futures: dict[Any, RunSpec] = {}
    shared: dict[Any, list[Any]] = {}  # shared-state future -> its runs' futures not yet done
    state_of: dict[Any, Any] = {}
    for n, branch in enumerate(branches):
        state = client.submit(
            worker.shared_months, branch.runs[0], branch.month, key=f"shared-{tag}-{n}", pure=False, priority=10
        )
        shared[state] = []
        for spec in branch.runs:
            future = client.submit(worker.run, spec, state, key=f"run-{tag}-{_name(spec)}", pure=False)
            futures[future] = spec
            shared[state].append(future)
            state_of[future] = state
    for spec in alone:
        futures[client.submit(worker.run, spec, None, key=f"run-{tag}-{_name(spec)}", pure=False)] = spec
    progress.show()
    interrupts = _Interrupts()
    try:
        with interrupts:
            for future in as_completed(list(futures)):
                spec = futures.pop(future)
                outcome = _outcome(future, spec)
                result.unbranched = result.unbranched or outcome.unbranched
                for twin in twins[id(spec)]:
                    record = {**outcome.record, "sample": int(twin.sample), "replicate": int(twin.replicate)}
                    with interrupts.writing_store():
                        if outcome.frame is not None:
                            store.add_ok(outcome.frame, record)
                            result.ok += 1
                        else:
                            store.add_failed(record)
                            result.failed += 1
                            result.first_error = result.first_error or f"{_name(twin)}: {record['error']}"
                    progress.update(outcome.frame is not None)
                future.release()
                state = state_of.pop(future, None)
                if state is not None:
                    shared[state].remove(future)
                    if not shared[state]:
                        state.release()
                        del shared[state]
    except KeyboardInterrupt:
        result.interrupted = True
        client.cancel(list(futures) + list(shared))
    finally:
        progress.close()
    result.seconds = time.perf_counter() - started
    return result


class _Interrupts:
    """Ctrl-C (or `kill`, SIGTERM) during a batch: raised as KeyboardInterrupt at once, except while a
    finished run is being written to the store (then right after), so that a run's file and its row go
    together."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.writing = False
        self.pending = False
        self.previous: dict[int, Any] = {}

    def __enter__(self) -> _Interrupts:
        if threading.current_thread() is threading.main_thread():
            self.previous = {s: signal.signal(s, self._handle) for s in self.SIGNALS}
        return self

    def __exit__(self, *exc: object) -> None:
        for number, handler in self.previous.items():
            signal.signal(number, handler)

    def _handle(self, signum: int, frame: Any) -> None:
        if self.writing:
            self.pending = True
        else:
            raise KeyboardInterrupt

    @contextlib.contextmanager
    def writing_store(self) -> Iterator[None]:
        """Hold Ctrl-C back while the block runs."""
        self.writing = True
        try:
            yield
        finally:
            self.writing = False
        if self.pending:
            raise KeyboardInterrupt


def identical_runs(runs: list[RunSpec]) -> list[list[RunSpec]]:
    """Runs grouped with those that are the same run under another sample number (a scenario without the
    sampled lever runs unchanged in every sample); each group is made once, its first run standing for all."""
    groups: dict[tuple, list[RunSpec]] = {}
    for spec in runs:
        key = (
            scenario_hash(spec.scenario),
            spec.seed,
            spec.scale,
            spec.end,
            tuple(sorted(spec.parameters.items())),
        )
        groups.setdefault(key, []).append(spec)
    return list(groups.values())


def _outcome(future: Any, spec: RunSpec) -> worker.Outcome:
    """The outcome of a finished task; a task that died (its worker killed, cancelled) is a failed run."""
    try:
        return future.result()
    except Exception as exc:
        error = " ".join(f"{type(exc).__name__}: {exc}".split()) or type(exc).__name__
        return worker.Outcome(None, worker.record_of(spec, "failed", f"task failed: {error}"))


def _name(spec: RunSpec) -> str:
    sample = f"-s{spec.sample}" if spec.sample >= 0 else ""
    return f"{spec.scenario.name}{sample}-r{spec.replicate}"


def describe_target(workers: int | None, scheduler: str | None, client: Any) -> str:
    """Where the runs go, in words."""
    if scheduler is not None:
        count = len(client.scheduler_info().get("workers", {}))
        return f"the Dask scheduler at {scheduler} ({count} worker{'s' if count != 1 else ''})"
    count = workers or default_workers()
    return f"{count} local worker process{'es' if count != 1 else ''}"

"""Writing results: a run's folder is written whole or not at all, and never over what is not talentsim's.

`claim_output` checks a destination before any simulation: it must not exist, or be an earlier run's folder
(recognised by its manifest, holding only files talentsim writes); its parent must be writable; and no
other process may be writing it at the same time (an exclusive lock on a file beside it, which the system
releases when the process ends, however it ends). `write_run` writes the files into a temporary folder next
to the destination and swaps it in with one atomic exchange; just before, it checks the destination again,
and if anything foreign appeared there during the run it leaves the destination alone and keeps the new
run beside it. A run that fails or is interrupted leaves the destination as it was.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from simulator import __version__

#: The `kind` written into every run's manifest.json: how a folder is recognised as a talentsim run.
RUN_KIND = "talentsim-run"
#: Files a run folder may hold (what `talentsim run`, `report` and `validate` write into it).
RUN_FILES = frozenset(
    {
        "indicators.parquet",
        "indicators.csv",
        "manifest.json",
        "age_profile.parquet",
        "report.html",
        "validation.csv",
    }
)


class OutputError(OSError):
    """An output destination that cannot be used; the message is one line."""


class WrittenThenInterrupted(KeyboardInterrupt):
    """An interrupt that arrived once the outputs were complete: they are in place."""

    def __init__(self, destination: Path) -> None:
        super().__init__(str(destination))
        self.destination = destination


def git_commit() -> str | None:
    """The commit of the working tree the package runs from, or None outside git."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None


def resolve_out(path: str | Path) -> Path:
    """A user's --out as an absolute, normalised path (`~` expanded, `..` resolved lexically)."""
    text = str(path)
    if not text.strip():
        raise OutputError("--out: empty path; name a folder")
    return Path(os.path.abspath(os.path.expanduser(text)))


def is_run_folder(path: Path, kind: str = RUN_KIND) -> bool:
    """Whether `path` is a folder written by `talentsim run` (or by the command whose manifest `kind` is given)."""
    manifest = path / "manifest.json"
    try:
        content = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(content, dict):
        return False
    if kind != RUN_KIND:
        return content.get("kind") == kind
    # earlier versions wrote no `kind`; their manifests have these keys
    return content.get("kind") == RUN_KIND or {"package_version", "data_file_hashes", "scenario"} <= set(content)


def foreign_content(
    destination: Path, allowed: frozenset[str], what: str = "run", kind: str = RUN_KIND
) -> str | None:
    """Why `destination` may not be replaced (None if it may: absent, or a talentsim folder of its own files)."""
    shown = str(destination)
    try:
        if destination.is_symlink():
            return f"--out {shown}: is a symbolic link; talentsim will not replace it"
        if not destination.exists():
            return None
        if not destination.is_dir():
            return f"--out {shown}: exists and is not a folder; talentsim will not replace it"
        if not is_run_folder(destination, kind):
            return (
                f"--out {shown}: exists and is not a talentsim {what} folder (no talentsim manifest.json); "
                "name a new folder"
            )
        foreign = sorted(p.name for p in destination.iterdir() if p.name not in allowed)
    except OSError as exc:
        return f"--out {shown}: cannot be read ({exc.strerror or exc})"
    if foreign:
        listed = ", ".join(foreign[:3])
        return f"--out {shown}: holds files talentsim did not write ({listed}); it will not replace it"
    return None


class OutputClaim:
    """A destination checked and locked for one run; `release()` it (or use `with`)."""

    def __init__(self, destination: Path, lock: Path, handle: int, created: list[Path]) -> None:
        self.destination = destination
        self.lock = lock
        self._handle = handle
        self._created = created  # parent folders the claim made, outermost last

    def release(self) -> None:
        """Unlock, remove the lock file, and remove the parent folders the claim made if they stayed empty."""
        if self._handle < 0:
            return
        self.lock.unlink(missing_ok=True)
        os.close(self._handle)  # closing releases the lock
        self._handle = -1
        for folder in self._created:
            try:
                folder.rmdir()
            except OSError:
                break  # not empty: something was written there

    def __enter__(self) -> OutputClaim:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _make_parents(parent: Path) -> list[Path]:
    missing = []
    for folder in [parent, *parent.parents]:
        if folder.exists():
            break
        missing.append(folder)
    parent.mkdir(parents=True, exist_ok=True)
    return missing  # innermost first


def claim_output(
    destination: str | Path, allowed: frozenset[str] = RUN_FILES, what: str = "run", kind: str = RUN_KIND
) -> OutputClaim:
    """Check that `destination` may receive a run's files and lock it against concurrent runs.

    Raises:
        OutputError: the destination is a file, a link, a folder talentsim did not write, holds foreign files,
            is the current folder, cannot be written, or another process is writing it.
    """
    destination = resolve_out(destination)
    shown = str(destination)
    cwd = Path.cwd().resolve()
    if destination == cwd or destination in cwd.parents:
        raise OutputError(f"--out {shown}: is the current folder or contains it; name a new folder")
    problem = foreign_content(destination, allowed, what, kind)
    if problem:
        raise OutputError(problem)
    parent = destination.parent
    created: list[Path] = []
    try:
        created = _make_parents(parent)
        probe = Path(tempfile.mkdtemp(prefix=f".{destination.name}.probe.", dir=parent))
        probe.rmdir()
    except OSError as exc:
        for folder in created:
            try:
                folder.rmdir()
            except OSError:
                break
        raise OutputError(f"--out {shown}: cannot write into {parent} ({exc.strerror or exc})") from None
    lock = parent / f".{destination.name}.lock"
    while True:
        handle = os.open(lock, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            raise OutputError(
                f"--out {shown}: another talentsim process is writing it (lock {lock}); wait for it or name "
                "another folder"
            ) from None
        try:
            same = os.fstat(handle).st_ino == os.stat(lock).st_ino
        except FileNotFoundError:
            same = False
        if same:  # not a lock file another process removed between our open and our lock: ours
            os.ftruncate(handle, 0)
            os.write(handle, str(os.getpid()).encode())
            return OutputClaim(destination, lock, handle, created)
        os.close(handle)


@contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while the destination is swapped, so it is never left half done."""
    signals = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


_libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
RENAME_EXCHANGE = 2
AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one atomic step (Linux renameat2); False where the system cannot."""
    function = getattr(_libc, "renameat2", None)
    if function is None:
        return False
    result = function(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    return result == 0


def _aside(destination: Path) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    candidate = destination.with_name(f"{destination.name}-{stamp}")
    k = 1
    while candidate.exists():
        k += 1
        candidate = destination.with_name(f"{destination.name}-{stamp}-{k}")
    return candidate


def write_run(
    destination: Path,
    indicators: pd.DataFrame,
    manifest: dict[str, Any],
    tables: dict[str, pd.DataFrame] | None = None,
    allowed: frozenset[str] = RUN_FILES,
) -> Path:
    """Write indicators.parquet, indicators.csv, manifest.json (and any extra `tables` as Parquet) into
    `destination`, atomically: a previous run there is replaced whole, or left as it was on failure.

    Returns:
        Where the run was written: `destination`, or a new folder beside it if something foreign appeared
        at `destination` during the run (then the destination is left untouched and a line on standard
        error says so).
    """
    destination = resolve_out(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.", dir=destination.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(staging, 0o777 & ~umask)  # as an ordinary new folder, not mkdtemp's private 0700
    try:
        indicators.to_parquet(staging / "indicators.parquet", index=False)
        indicators.to_csv(staging / "indicators.csv", index=False)
        for name, table in (tables or {}).items():
            table.to_parquet(staging / f"{name}.parquet", index=False)
        manifest = {"kind": RUN_KIND, **manifest, "package_version": __version__, "git_commit": git_commit()}
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    swapped: Path | None = None
    try:
        with _interrupts_deferred():
            swapped = _swap_in(staging, destination, allowed)
        return swapped
    except KeyboardInterrupt:
        if swapped is not None:  # an interrupt held during the swap, delivered after it
            raise WrittenThenInterrupted(swapped) from None
        raise
    finally:
        if staging.exists() and staging != swapped:
            shutil.rmtree(staging, ignore_errors=True)


def _swap_in(staging: Path, destination: Path, allowed: frozenset[str]) -> Path:
    """Put the finished `staging` folder at `destination` (or beside it, if the destination turned foreign)."""
    target = destination
    if foreign_content(destination, allowed) is not None:  # changed while the run went on
        target = _aside(destination)
        print(
            f"talentsim: {destination} changed during the run and was left alone; the run is in {target}",
            file=sys.stderr,
        )
    if target.exists() and _exchange(staging, target):
        old: Path | None = staging  # now holds the previous run
    elif target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
        old.rmdir()
        target.rename(old)
        staging.rename(target)
    else:
        staging.rename(target)
        old = None
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
        if old.exists():
            print(f"talentsim: could not remove the previous run, kept in {old}", file=sys.stderr)
    return target

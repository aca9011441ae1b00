"""Writing results: a run's folder is written whole or not at all, and never over what is not talentsim's.

`claim_output` checks a destination before any simulation: it must not exist, or be an earlier run's folder
(recognised by its manifest, holding only files talentsim writes); its parent must be writable; and no
other run may be writing it at the same time (a lock file beside it). `write_run` writes the files into a
temporary folder next to the destination, which then replaces the destination in one rename; a run that
fails or is interrupted leaves the destination as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from simulator import __version__

#: The `kind` written into every run's manifest.json: how a folder is recognised as a talentsim run.
RUN_KIND = "talentsim-run"
#: Files a run folder may hold (what `talentsim run` and `talentsim report` write into it).
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


class OutputClaim:
    """A destination checked and locked for one run; release it with `release()` (or use `with`)."""

    def __init__(self, destination: Path, lock: Path) -> None:
        self.destination = destination
        self.lock = lock

    def release(self) -> None:
        """Remove the lock."""
        self.lock.unlink(missing_ok=True)

    def __enter__(self) -> OutputClaim:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def claim_output(
    destination: str | Path, allowed: frozenset[str] = RUN_FILES, what: str = "run", kind: str = RUN_KIND
) -> OutputClaim:
    """Check that `destination` may receive a run's files and lock it against concurrent runs.

    Raises:
        OutputError: the destination is a file, a folder talentsim did not write, holds foreign files, cannot
            be written, or another run is writing it.
    """
    destination = Path(destination)
    shown = str(destination)
    if destination.is_symlink() or (destination.exists() and not destination.is_dir()):
        raise OutputError(f"--out {shown}: exists and is not a folder; talentsim will not replace it")
    if destination.exists():
        if destination.resolve() == Path.cwd().resolve() or destination.resolve() in Path.cwd().resolve().parents:
            raise OutputError(f"--out {shown}: is the current folder or contains it; name a new folder")
        if not is_run_folder(destination, kind):
            raise OutputError(
                f"--out {shown}: exists and is not a talentsim {what} folder (no talentsim manifest.json); "
                "name a new folder"
            )
        foreign = sorted(p.name for p in destination.iterdir() if p.name not in allowed)
        if foreign:
            raise OutputError(
                f"--out {shown}: holds files talentsim did not write ({', '.join(foreign[:3])}); "
                "talentsim will not replace it"
            )
    parent = destination.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        probe = Path(tempfile.mkdtemp(prefix=f".{destination.name}.probe.", dir=parent))
        probe.rmdir()
    except OSError as exc:
        raise OutputError(f"--out {shown}: cannot write into {parent} ({exc.strerror or exc})") from None
    lock = parent / f".{destination.name}.lock"
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                owner = int(lock.read_text().strip() or 0)
            except (OSError, ValueError):
                owner = 0
            if owner and _pid_alive(owner):
                raise OutputError(
                    f"--out {shown}: another talentsim process (pid {owner}) is writing it; wait for it or "
                    "name another folder"
                ) from None
            lock.unlink(missing_ok=True)  # left by a process that no longer runs
            continue
        with os.fdopen(fd, "w") as handle:
            handle.write(str(os.getpid()))
        return OutputClaim(destination, lock)
    raise OutputError(f"--out {shown}: could not lock it ({lock})")


def write_run(
    destination: Path,
    indicators: pd.DataFrame,
    manifest: dict[str, Any],
    tables: dict[str, pd.DataFrame] | None = None,
) -> Path:
    """Write indicators.parquet, indicators.csv, manifest.json (and any extra `tables` as Parquet) into
    `destination`, atomically: a previous run there is replaced whole, or left as it was on failure."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.", dir=destination.parent))
    try:
        indicators.to_parquet(staging / "indicators.parquet", index=False)
        indicators.to_csv(staging / "indicators.csv", index=False)
        for name, table in (tables or {}).items():
            table.to_parquet(staging / f"{name}.parquet", index=False)
        manifest = {"kind": RUN_KIND, **manifest, "package_version": __version__, "git_commit": git_commit()}
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n")
        if destination.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{destination.name}.old.", dir=destination.parent))
            old.rmdir()
            destination.rename(old)
            staging.rename(destination)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return destination

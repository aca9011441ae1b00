"""The code version recorded with results: the package version, the git commit and whether the simulator's
code or calibration data differ from that commit."""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path

from simulator import __version__

ROOT = Path(__file__).resolve().parent.parent


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """`<version>+g<commit>` (`-dirty` when simulator/ or calibration/ have uncommitted changes), or the
    package version alone outside git. Computed once per process."""
    commit = _git("rev-parse", "--short=12", "HEAD")
    if not commit:
        return __version__
    dirty = _git("status", "--porcelain", "--", "simulator", "calibration")
    return f"{__version__}+g{commit}{'-dirty' if dirty else ''}"

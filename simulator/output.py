"""Writing results: a run's folder is written whole or not at all.

Files go into a temporary folder next to the destination, which replaces the destination in one rename
when everything is written; a run that fails leaves the destination as it was.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from simulator import __version__


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


def write_run(destination: Path, indicators: pd.DataFrame, manifest: dict[str, Any]) -> Path:
    """Write indicators.parquet, indicators.csv and manifest.json into `destination`, atomically."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.", dir=destination.parent))
    try:
        indicators.to_parquet(staging / "indicators.parquet", index=False)
        indicators.to_csv(staging / "indicators.csv", index=False)
        manifest = {**manifest, "package_version": __version__, "git_commit": git_commit()}
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n")
        if destination.exists():
            old = destination.with_name(f".{destination.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            destination.rename(old)
            staging.rename(destination)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return destination

"""Writing a run: the three files, written whole or not at all."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from simulator import __version__
from simulator.recording.output import write_run

FILES = ["indicators.csv", "indicators.parquet", "manifest.json"]


def frame(value: float = 1.5) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "scenario": ["t", "t"],
            "replicate": [0, 0],
            "seed": [3, 3],
            "scale": [100, 100],
            "date": ["2020-11", "2020-12"],
            "region": ["province", "changchun"],
            "indicator": ["population", "births"],
            "value": [value, 2.0],
        }
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_write_run_writes_the_three_files(tmp_path):
    destination = tmp_path / "outputs" / "demo"  # parent does not exist yet
    result = write_run(destination, frame(), {"seed": 3, "scale": 100})
    assert result == destination
    assert sorted(p.name for p in destination.iterdir()) == FILES
    pd.testing.assert_frame_equal(pd.read_csv(destination / "indicators.csv"), frame())
    pd.testing.assert_frame_equal(pd.read_parquet(destination / "indicators.parquet"), frame())
    manifest = json.loads((destination / "manifest.json").read_text())
    assert manifest["seed"] == 3 and manifest["scale"] == 100
    assert manifest["package_version"] == __version__
    assert "git_commit" in manifest
    assert sorted(p.name for p in destination.parent.iterdir()) == ["demo"]  # no staging folder left


def test_write_run_replaces_a_previous_run_whole(tmp_path):
    destination = tmp_path / "demo"
    destination.mkdir()
    (destination / "stale.txt").write_text("from an older run")
    write_run(destination, frame(7.0), {"seed": 1})
    assert sorted(p.name for p in destination.iterdir()) == FILES
    assert pd.read_parquet(destination / "indicators.parquet")["value"].iloc[0] == 7.0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo"]  # neither staging nor .old left


@pytest.mark.parametrize("failing", ["to_csv", "to_parquet"])
def test_failure_midway_leaves_a_previous_run_untouched(tmp_path, monkeypatch, failing):
    destination = tmp_path / "demo"
    write_run(destination, frame(1.0), {"seed": 1})
    before = snapshot(destination)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, failing, broken)
    with pytest.raises(OSError, match="disk full"):
        write_run(destination, frame(2.0), {"seed": 2})
    assert snapshot(destination) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo"]


@pytest.mark.parametrize("failing", ["to_csv", "to_parquet"])
def test_failure_midway_creates_no_folder(tmp_path, monkeypatch, failing):
    destination = tmp_path / "demo"

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, failing, broken)
    with pytest.raises(OSError):
        write_run(destination, frame(), {"seed": 2})
    assert not destination.exists()
    assert list(tmp_path.iterdir()) == []


def test_interrupt_while_writing_leaves_nothing(tmp_path, monkeypatch):
    destination = tmp_path / "demo"

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_csv", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_run(destination, frame(), {"seed": 2})
    assert list(tmp_path.iterdir()) == []

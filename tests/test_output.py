"""Writing a run: the three files, written whole or not at all."""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from pathlib import Path

import pandas as pd
import pytest

from simulator import __version__
from simulator.recording.output import OutputError, claim_output, resolve_out, write_run

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
    write_run(destination, frame(1.0), {"seed": 1}, tables={"age_profile": frame(3.0)})
    write_run(destination, frame(7.0), {"seed": 1})
    assert sorted(p.name for p in destination.iterdir()) == FILES  # the older run's extra table is gone too
    assert pd.read_parquet(destination / "indicators.parquet")["value"].iloc[0] == 7.0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo"]  # neither staging nor old folder left


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


# --- claiming a destination: checked again before the swap; one owner at a time ---


def _claim_and_hold(args: tuple[str, object]) -> bool:
    from simulator.recording.output import OutputError, claim_output

    destination, barrier = args
    barrier.wait()
    try:
        claim = claim_output(destination)
    except OutputError:
        return False
    time.sleep(0.5)
    claim.release()
    return True


def test_of_many_processes_claiming_at_once_exactly_one_wins(tmp_path):
    with multiprocessing.Manager() as manager:
        for trial in range(3):
            barrier = manager.Barrier(6)
            with multiprocessing.Pool(6) as pool:
                won = pool.map(_claim_and_hold, [(str(tmp_path / f"run{trial}"), barrier)] * 6)
            assert sum(won) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # locks removed


def test_files_added_during_a_run_are_kept_and_the_run_goes_beside_them(tmp_path, capsys):
    destination = tmp_path / "demo"
    write_run(destination, frame(1.0), {"seed": 1})
    with claim_output(destination):
        (destination / "figure.png").write_bytes(b"mine")  # the user saves a figure while the run goes on
        written = write_run(destination, frame(2.0), {"seed": 2})
    assert written != destination and written.name.startswith("demo-")
    assert (destination / "figure.png").read_bytes() == b"mine"
    assert pd.read_parquet(destination / "indicators.parquet")["value"].iloc[0] == 1.0  # untouched
    assert pd.read_parquet(written / "indicators.parquet")["value"].iloc[0] == 2.0
    assert "left alone" in capsys.readouterr().err


def test_a_replaced_run_keeps_ordinary_permissions(tmp_path):
    destination = tmp_path / "demo"
    write_run(destination, frame(), {"seed": 1})
    umask = os.umask(0)
    os.umask(umask)
    assert destination.stat().st_mode & 0o777 == 0o777 & ~umask


def test_claims_refuse_links_and_release_the_folders_they_made(tmp_path):
    target = tmp_path / "real"
    target.mkdir()
    (tmp_path / "link").symlink_to(target)
    with pytest.raises(OutputError, match="symbolic link"):
        claim_output(tmp_path / "link")
    claim = claim_output(tmp_path / "new" / "deeper" / "run")
    assert (tmp_path / "new" / "deeper").is_dir()
    claim.release()  # nothing was written: the folders the claim made go too
    assert not (tmp_path / "new").exists()


def test_out_paths_are_normalised(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_out("~/x") == tmp_path / "x"
    (tmp_path / "existing").mkdir()
    (tmp_path / "existing" / "notes.txt").write_text("keep")
    with pytest.raises(OutputError, match="not a talentsim run folder"):
        claim_output(tmp_path / "existing" / "new" / "..")

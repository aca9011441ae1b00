"""Saved model states: a run saved at a month and continued gives the rows of the uninterrupted run; a state
continues under another scenario only where the levers agree; state files are checked and never run code."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import pandas as pd
import pytest

from simulator import state
from simulator.cli import main
from simulator.run import run_spec, spec_for, state_at
from simulator.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
BASELINE = load_scenario(ROOT / "scenarios" / "baseline.toml")
ENACTED = load_scenario(ROOT / "scenarios" / "enacted.toml")
TRAINING = load_scenario(ROOT / "scenarios" / "training.toml")
SUBSIDY = load_scenario(ROOT / "scenarios" / "graduate_subsidy.toml")
RUN = ["--scale", "3000", "--seed", "5", "--end", "2021-10", "--quiet"]


def rows(folder: Path) -> pd.DataFrame:
    return pd.read_parquet(folder / "indicators.parquet")


def test_a_run_saved_and_continued_equals_the_uninterrupted_run(tmp_path, capsys):
    whole, first, second = tmp_path / "whole", tmp_path / "first", tmp_path / "second"
    burn = tmp_path / "burn-in.state"
    assert main(["run", "enacted", *RUN, "--out", str(whole)]) == 0
    assert (
        main(["run", "enacted", *RUN, "--out", str(first), "--save-state", "2021-06", "--state-file", str(burn)])
        == 0
    )
    assert burn.is_file() and state.peek_header(burn)["month"] == "2021-06"
    # the continued run takes seed, scale and end from the state
    assert main(["run", "enacted", "--quiet", "--out", str(second), "--from-state", str(burn)]) == 0
    pd.testing.assert_frame_equal(rows(whole), rows(first))
    pd.testing.assert_frame_equal(rows(whole), rows(second))
    manifest = (second / "manifest.json").read_text()
    assert '"continued_from_state"' in manifest and '"2021-06"' in manifest
    capsys.readouterr()


def test_a_state_of_the_baseline_continues_as_a_scenario_whose_levers_start_later():
    # the training scenario differs from the baseline from 2021-01 on: a state saved then serves both
    spec = spec_for(BASELINE, scale=3000, seed=8, end="2021-09")
    blob = state_at(spec, 2)  # 2021-01
    other = spec_for(TRAINING, scale=3000, seed=8, end="2021-09")
    branched, manifest = run_spec(other, start_blob=blob)
    alone, _ = run_spec(other)
    pd.testing.assert_frame_equal(alone, branched)
    again, _ = run_spec(spec, start_blob=blob)
    pd.testing.assert_frame_equal(run_spec(spec)[0], again)
    assert manifest["continued_from_state"]["month"] == "2021-01"


def test_a_state_does_not_continue_a_scenario_whose_levers_differ_before_its_month():
    spec = spec_for(BASELINE, scale=3000, seed=8, end="2021-09")
    blob = state_at(spec, 9)  # 2021-08: the graduate subsidy began in 2021-07
    with pytest.raises(state.StateError, match="province_graduate_subsidy.*from 2021-07.*differs"):
        run_spec(spec_for(SUBSIDY, scale=3000, seed=8, end="2021-09"), start_blob=blob)
    with pytest.raises(state.StateError, match="exogenous conditions differ"):  # enacted has conditions
        run_spec(spec_for(ENACTED, scale=3000, seed=8, end="2021-09"), start_blob=state_at(spec, 1))
    with pytest.raises(state.StateError, match="seed 8, this run has seed 9"):
        run_spec(spec.with_(seed=9), start_blob=blob)
    with pytest.raises(state.StateError, match="other parameter values"):
        run_spec(spec.with_(parameters={"migration.beta_income": 2.0}), start_blob=blob)


class Boom:
    def __reduce__(self):
        return (os.system, ("touch hacked",))


class Reach:
    def __reduce__(self):
        return (getattr, (object, "__subclasses__"))


def test_a_state_file_cannot_make_the_program_call_anything(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    spec = spec_for(BASELINE, scale=3000, seed=8, end="2021-02")
    header = json.dumps(state.read_header(state_at(spec, 1), "x")[0]).encode()
    for payload, refused in ((Boom(), "refers to posix.system"), (Reach(), "is not a model method")):
        evil = state.MAGIC + len(header).to_bytes(8, "little") + header + pickle.dumps(payload)
        (tmp_path / "evil.state").write_bytes(evil)
        with pytest.raises(state.StateError, match=refused):
            run_spec(spec.with_(start_state=str(tmp_path / "evil.state")))
    assert not (tmp_path / "hacked").exists()


def test_bad_state_options_are_one_line_and_exit_2_with_nothing_written(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("my notes")
    cases = [
        (["--save-state", "2021-03"], "go together"),
        (["--state-file", "s.state"], "go together"),
        (
            ["--save-state", "2022-01", "--state-file", "s.state"],
            "--save-state: expected a month from 2020-11 to 2021-10",
        ),
        (["--save-state", "2021-13", "--state-file", "s.state"], "expected a month YYYY-MM"),
        (
            ["--save-state", "2021-03", "--state-file", "notes.txt"],
            "notes.txt: exists and is not a talentsim model state",
        ),
        (["--from-state", "nowhere.state"], "nowhere.state: no such state file"),
        (["--from-state", "notes.txt"], "notes.txt: not a talentsim model state"),
    ]
    for options, expected in cases:
        code = main(["run", "baseline", *RUN, "--out", str(tmp_path / "out"), *options])
        err = capsys.readouterr().err
        assert code == 2, options
        assert err.count("\n") == 1 and expected in err, (options, err)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"], options
    assert (tmp_path / "notes.txt").read_text() == "my notes"


def test_a_state_of_another_format_is_refused_with_its_format_named():
    """A state written before the per-slot streams of 2026-11 (format 1) would continue under other numbers."""
    header = json.dumps({"format": 1, "month": "2021-06"}).encode()
    blob = state.MAGIC + len(header).to_bytes(8, "little") + header + pickle.dumps(None)
    expected = f"old.state: model state of format 1, .* reads format {state.FORMAT}"
    with pytest.raises(state.StateError, match=expected):
        state.read_header(blob, "old.state")
    assert state.FORMAT == 2

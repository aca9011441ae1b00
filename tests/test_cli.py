"""The `talentsim run` command: outputs, reproducibility, and one-line errors without output."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from simulator.cli import main

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.toml"
COLUMNS = ["scenario", "replicate", "seed", "scale", "date", "region", "indicator", "value"]
QUICK = ["--scale", "500", "--end", "2021-09", "--quiet"]


@pytest.fixture(autouse=True)
def _work_in_tmp(tmp_path, monkeypatch):
    """Run every command from an empty folder so that a default `outputs/` could never touch the repo."""
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    """Three quick runs of the baseline: seed 11 twice, seed 12 once."""
    base = tmp_path_factory.mktemp("runs")
    out = {}
    for label, seed in (("a", 11), ("b", 11), ("c", 12)):
        out[label] = base / label
        assert main(["run", str(BASELINE), "--seed", str(seed), "--out", str(out[label]), *QUICK]) == 0
    return out


def test_run_writes_indicators_and_manifest(runs):
    folder = runs["a"]
    assert sorted(p.name for p in folder.iterdir()) == [
        "age_profile.parquet",
        "indicators.csv",
        "indicators.parquet",
        "manifest.json",
    ]
    frame = pd.read_csv(folder / "indicators.csv")
    profile = pd.read_parquet(folder / "age_profile.parquet")
    assert set(profile["indicator"]) == {
        "population",
        "deaths",
        "in_migrants_interprovincial",
        "out_migrants_interprovincial",
    }
    # the province's population in the age profile is the indicator's, age group by age group
    census = profile[(profile["date"] == "2020-11") & (profile["region"] == "province")]
    census = census[census["indicator"] == "population"]
    assert (
        census["value"].sum()
        == frame[
            (frame["date"] == "2020-11") & (frame["region"] == "province") & (frame["indicator"] == "population")
        ]["value"].iloc[0]
    )
    frame = pd.read_csv(folder / "indicators.csv")
    assert list(frame.columns) == COLUMNS
    assert frame["date"].min() == "2020-11" and frame["date"].max() == "2021-09"
    assert set(frame["scale"]) == {500} and set(frame["seed"]) == {11} and set(frame["scenario"]) == {"baseline"}
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["seed"] == 11 and manifest["scale"] == 500 and manifest["end"] == "2021-09"
    assert manifest["scenario"]["name"] == "baseline"
    for key in ("package_version", "git_commit", "data_file_hashes", "timings_seconds"):
        assert key in manifest
    assert "parameters.csv" in manifest["data_file_hashes"]
    # nothing besides the run's folder was created next to it
    assert sorted(p.name for p in folder.parent.iterdir()) == ["a", "b", "c"]


def test_same_seed_gives_identical_files(runs):
    a, b = runs["a"], runs["b"]
    assert (a / "indicators.csv").read_bytes() == (b / "indicators.csv").read_bytes()
    pd.testing.assert_frame_equal(
        pd.read_parquet(a / "indicators.parquet"), pd.read_parquet(b / "indicators.parquet")
    )


def test_another_seed_gives_different_values(runs):
    a = pd.read_parquet(runs["a"] / "indicators.parquet")
    c = pd.read_parquet(runs["c"] / "indicators.parquet")
    keys = ["date", "region", "indicator"]
    merged = a.merge(c, on=keys, suffixes=("_a", "_c"))
    assert len(merged) > 0.9 * len(a)
    later = merged[merged["date"] > "2020-11"]
    differ = later["value_a"] != later["value_c"]
    assert differ.sum() > 0.1 * len(later)
    # and the flows of the run differ, not only census-day sampling
    flows = later[later["indicator"].isin(["births", "deaths", "in_migrants", "out_migrants"])]
    assert (flows["value_a"] != flows["value_c"]).any()


def test_parquet_and_csv_hold_the_same_table(runs):
    from_csv = pd.read_csv(runs["a"] / "indicators.csv")
    from_parquet = pd.read_parquet(runs["a"] / "indicators.parquet")
    assert len(from_csv) == len(from_parquet)
    assert list(from_csv.columns) == list(from_parquet.columns) == COLUMNS
    pd.testing.assert_series_equal(from_csv["value"], from_parquet["value"], check_exact=False, rtol=1e-12)


def test_summary_table_is_printed(tmp_path, capsys):
    code, out, _ = run(
        capsys, "run", BASELINE, "--scale", "2000", "--end", "2020-12", "--quiet", "--out", tmp_path / "o"
    )
    assert code == 0
    assert "population" in out and "2020-11" in out and "2020-12" in out
    assert "wrote" in out


def test_scenario_defaults_and_default_output_folder(tmp_path, capsys):
    scenario = tmp_path / "quick.toml"
    scenario.write_text('name = "quick"\n[run]\nscale = 2000\nseed = 4\nend = "2020-12"\n')
    code, _, _ = run(capsys, "run", scenario, "--quiet")
    assert code == 0
    folder = Path("outputs") / "quick"  # relative to the working folder
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["scale"] == 2000 and manifest["seed"] == 4 and manifest["end"] == "2020-12"


# --- errors: one line on stderr, exit status 2, no traceback, no output folder ---


def _files(tmp_path: Path) -> dict[str, Path]:
    files = tmp_path / "scenarios"
    files.mkdir()
    contents: dict[str, bytes] = {
        "bad_utf8.toml": b'name = "caf\xe9"\n\xff\xfe\n',
        "not_toml.toml": b"this is not { toml at all ]\n",
        "empty.toml": b"",
        "unknown_key.toml": b'name = "x"\ncolour = "blue"\n',
        "unknown_parameter.toml": b'name = "x"\n[parameters]\nmigration.no_such_thing = 1.0\n',
        "out_of_range.toml": b'name = "x"\n[parameters]\n"migration.beta_income" = 50.0\n',
        "slash_name.toml": b'name = "../evil"\n',
        "bad_run_scale.toml": b'name = "x"\n[run]\nscale = 0\n',
    }
    for name, data in contents.items():
        (files / name).write_bytes(data)
    (files / "a_directory.toml").mkdir()
    return {name: files / name for name in [*contents, "a_directory.toml"]}


ERROR_CASES: dict[str, tuple[list[str], str]] = {
    # id: (arguments after `run`, with {file} for a scenario file or BASELINE; text the message must contain)
    "missing_scenario": (["{missing}"], "no_such.toml"),
    "directory_as_scenario": (["{a_directory.toml}"], "a_directory.toml"),
    "invalid_utf8": (["{bad_utf8.toml}"], "bad_utf8.toml"),
    "not_toml": (["{not_toml.toml}"], "not_toml.toml"),
    "empty_file": (["{empty.toml}"], "empty.toml"),
    "unknown_option": (["{baseline}", "--bogus"], "--bogus"),
    "scale_0": (["{baseline}", "--scale", "0"], "--scale"),
    "scale_negative": (["{baseline}", "--scale", "-3"], "--scale"),
    "scale_fraction": (["{baseline}", "--scale", "1.5"], "--scale"),
    "scale_text": (["{baseline}", "--scale", "abc"], "--scale"),
    "end_month_13": (["{baseline}", "--end", "2021-13"], "--end"),
    "end_census_month": (["{baseline}", "--end", "2020-11"], "--end"),
    "end_before_census": (["{baseline}", "--end", "2020-10"], "--end"),
    "end_short_year": (["{baseline}", "--end", "21-01"], "--end"),
    "end_text": (["{baseline}", "--end", "abc"], "--end"),
    "unknown_top_level_key": (["{unknown_key.toml}"], "colour"),
    "unknown_parameter": (["{unknown_parameter.toml}"], "no_such_thing"),
    "parameter_out_of_range": (["{out_of_range.toml}"], "beta_income"),
    "name_with_slash": (["{slash_name.toml}"], "name"),
    "scenario_scale_0": (["{bad_run_scale.toml}"], "scale"),
    "seed_negative": (["{baseline}", "--seed", "-1"], "--seed"),
    "no_scenario": ([], "scenario"),
}


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_bad_input_is_one_line_exit_2_and_no_output(case, tmp_path, capsys):
    files = _files(tmp_path)
    files["missing"] = tmp_path / "no_such.toml"
    files["baseline"] = BASELINE
    args, expected = ERROR_CASES[case]
    resolved = [str(files[a[1:-1]]) if a.startswith("{") else a for a in args]
    parent = tmp_path / "results"
    parent.mkdir()
    out = parent / "run"
    code, _, err = run(capsys, "run", *resolved, "--out", out)
    assert code == 2
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1 and lines[0].strip(), err
    assert "Traceback" not in err
    assert expected in err
    assert not out.exists()
    assert list(parent.iterdir()) == []  # no staging folder (.run.*) either
    assert not Path("outputs").exists()


def test_no_command_is_a_usage_error(capsys):
    code, _, err = run(capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1


# --- output safety: --out never destroys what talentsim did not write, refused before simulating ---


def _refused(capsys, out: Path, *extra: str) -> str:
    code, stdout, err = run(
        capsys, "run", BASELINE, "--scale", "5000", "--end", "2020-12", "--quiet", "--out", out
    )
    assert code == 2, err
    assert len(err.strip("\n").split("\n")) == 1 and "Traceback" not in err
    assert "talentsim:" not in stdout  # refused before the run started (nothing printed about simulating)
    return err


def test_out_that_is_a_file_is_refused_and_kept(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("keep")
    assert "not a folder" in _refused(capsys, notes)
    assert notes.read_text() == "keep"


def test_out_that_is_a_foreign_folder_is_refused_and_kept(tmp_path, capsys):
    thesis = tmp_path / "thesis"
    thesis.mkdir()
    (thesis / "ch1.tex").write_text("chapter")
    assert "not a talentsim run folder" in _refused(capsys, thesis)
    assert (thesis / "ch1.tex").read_text() == "chapter"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cwd", "thesis"]


def test_out_dot_is_refused(capsys):
    (Path.cwd() / "mine.txt").write_text("x")
    _refused(capsys, Path("."))
    assert (Path.cwd() / "mine.txt").exists()


def test_out_in_an_unwritable_place_is_refused():
    # /proc refuses new entries even to root
    code = main(
        ["run", str(BASELINE), "--scale", "5000", "--end", "2020-12", "--quiet", "--out", "/proc/talentsim-x"]
    )
    assert code == 2


def test_a_run_folder_with_foreign_files_is_refused(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", str(BASELINE), "--scale", "5000", "--end", "2020-12", "--quiet", "--out", str(out)]) == 0
    (out / "my_analysis.ipynb").write_text("{}")
    capsys.readouterr()
    assert "did not write" in _refused(capsys, out)
    assert (out / "my_analysis.ipynb").exists()


def test_an_earlier_run_is_replaced(tmp_path, capsys):
    out = tmp_path / "run"
    common = ["run", str(BASELINE), "--scale", "5000", "--end", "2020-12", "--quiet", "--out", str(out)]
    assert main([*common, "--seed", "1"]) == 0
    assert main([*common, "--seed", "2"]) == 0
    assert json.loads((out / "manifest.json").read_text())["seed"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cwd", "run"]  # no lock, staging or old folder left


def test_a_folder_being_written_by_another_run_is_refused(tmp_path, capsys):
    from simulator.recording.output import claim_output

    out = tmp_path / "run"
    with claim_output(out):  # another run holds it
        assert "another talentsim process" in _refused(capsys, out)
    # a lock file left behind by a process that was killed holds no lock: it does not block
    (tmp_path / ".run.lock").write_text("1")
    assert main(["run", str(BASELINE), "--scale", "5000", "--end", "2020-12", "--quiet", "--out", str(out)]) == 0
    assert not (tmp_path / ".run.lock").exists()


def test_two_concurrent_runs_cannot_both_write_the_default_folder(tmp_path):
    from simulator.recording.output import claim_output

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "simulator", "run", str(BASELINE), "--scale", "5000", "--end", "2020-12"]
    with claim_output(tmp_path / "outputs" / "baseline"):  # a run of this process is writing the default folder
        second = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert second.returncode == 2 and "another talentsim process" in second.stderr
    assert len(second.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "outputs").exists()  # the claim made outputs/ and, with nothing written, removed it


def test_scale_above_the_schema_range_is_refused(tmp_path, capsys):
    code, _, err = run(capsys, "run", BASELINE, "--scale", "100000000", "--out", tmp_path / "big")
    assert code == 2 and "--scale" in err and "100000" in err
    assert not (tmp_path / "big").exists()


def test_the_command_and_the_schema_share_the_scale_and_seed_ranges():
    from simulator.cli import MAX_SCALE, MAX_SEED
    from simulator.scenario import schema

    assert schema.bounds(schema.RunSettings.model_fields["scale"]) == (1, MAX_SCALE)
    assert schema.bounds(schema.RunSettings.model_fields["seed"]) == (0, MAX_SEED)


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("talentsim ")


def test_a_scenario_can_be_named(tmp_path, capsys):
    code, out, err = run(
        capsys, "run", "baseline", "--scale", "5000", "--end", "2020-12", "--quiet", "--out", tmp_path / "b"
    )
    assert code == 0, err
    assert json.loads((tmp_path / "b" / "manifest.json").read_text())["scenario"]["name"] == "baseline"
    code, _, err = run(capsys, "run", "baselin", "--out", tmp_path / "c")
    assert code == 2 and "did you mean 'baseline'" in err


def test_interrupt_is_one_line_exit_130_and_nothing_written(tmp_path, capsys, monkeypatch):
    import simulator.run

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(simulator.run.TalentFlowModel, "run", interrupted)
    code, _, err = run(capsys, "run", BASELINE, "--scale", "5000", "--quiet", "--out", tmp_path / "r")
    assert code == 130
    assert err.strip() == "talentsim: interrupted; nothing was written"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cwd"]  # no folder, no lock, no staging


@pytest.mark.parametrize("moment", ["start-up", "simulation"])
def test_ctrl_c_at_any_moment(tmp_path, moment):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable,
        "-m",
        "simulator",
        "run",
        str(BASELINE),
        "--scale",
        "100",
        "--out",
        str(tmp_path / "r"),
    ]
    process = subprocess.Popen(
        command,
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a background job (as CI may run the suite) inherits an ignored SIGINT; a user's terminal does not
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    if moment == "start-up":
        time.sleep(0.4)  # importing numpy, pandas, the model
    else:
        deadline = time.time() + 60
        while not (tmp_path / ".r.lock").exists() and time.time() < deadline:
            time.sleep(0.02)
        time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert err.strip().splitlines()[-1] == "talentsim: interrupted; nothing was written"
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "cwd"
    ]  # no folder, no lock, no staging (cwd: the fixture's)

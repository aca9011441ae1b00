"""The `talentsim run` command: outputs, reproducibility, and one-line errors without output."""

from __future__ import annotations

import json
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
    assert sorted(p.name for p in folder.iterdir()) == ["indicators.csv", "indicators.parquet", "manifest.json"]
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

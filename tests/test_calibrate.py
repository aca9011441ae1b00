"""`talentsim calibrate`: the configuration is checked, --quick runs the whole fit end to end, the same seed
gives the same parameters, and the fitted values are written into parameters.csv only when asked."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from simulator.cli import main
from simulator.estimation.calibrate import write_parameters
from simulator.estimation.config import CalibrationConfigError, load_config, select_targets
from simulator.inputs.files import CALIBRATION_DIR
from simulator.inputs.parameters import load_parameters
from simulator.model import required_parameters

CONFIG = CALIBRATION_DIR / "calibrate.toml"


@pytest.fixture(scope="module")
def quick_runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("calibrate")
    before = (CALIBRATION_DIR / "parameters.csv").read_bytes()
    codes = [main(["calibrate", str(CONFIG), "--quick", "--out", str(folder / name)]) for name in ("a", "b")]
    assert (CALIBRATION_DIR / "parameters.csv").read_bytes() == before  # --quick writes no parameters
    return codes, folder


def test_quick_fit_writes_its_report(quick_runs):
    codes, folder = quick_runs
    assert codes == [0, 0]
    names = {p.name for p in (folder / "a").iterdir()}
    assert {"report.md", "fitted_parameters.csv", "moments.csv", "trace.csv", "trace.png", "targets.png"} <= names
    report = (folder / "a" / "report.md").read_text()
    assert "## Targets" in report and "## Identification" in report and "Loss" in report
    trace = pd.read_csv(folder / "a" / "trace.csv")
    assert "global" in set(trace["stage"]) and len(trace) >= 2  # the identification may reuse cached candidates
    moments = pd.read_csv(folder / "a" / "moments.csv")
    assert len(moments) == 2  # one row per replicate


def test_the_same_seed_gives_the_same_parameters(quick_runs):
    _, folder = quick_runs
    a = pd.read_csv(folder / "a" / "fitted_parameters.csv")
    b = pd.read_csv(folder / "b" / "fitted_parameters.csv")
    pd.testing.assert_frame_equal(a, b)
    assert (folder / "a" / "trace.csv").read_text() == (folder / "b" / "trace.csv").read_text()


def test_only_targets_dated_up_to_census_day_are_fitted(tmp_path):
    config = load_config(CONFIG)
    chosen = select_targets(config, CONFIG)
    assert (chosen["date"].astype(str) <= "2020-11-01").all() and (chosen["weight"] > 0).all()
    late = pd.read_csv(CALIBRATION_DIR / "targets.csv")
    late.loc[0, "date"] = "2021-06-30"
    late.to_csv(tmp_path / "targets.csv", index=False)
    config.targets.file = str(tmp_path / "targets.csv")
    with pytest.raises(CalibrationConfigError, match="after census day"):
        select_targets(config, CONFIG)


ANCHOR = '"migration.hazard.age_65_74" = [0.0, 0.03]'


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ('"migration.no_such_thing" = [0.0, 1.0]', "not a row of calibration/parameters.csv"),
        ('"migration.hazard.age_65_74" = [0.0, 9.0]', "within the parameter's range"),
        ('"migration.hazard.age_65_74" = [0.02, 0.01]', "low < high"),
    ],
)
def test_bad_fitted_parameters_are_one_line_errors(tmp_path, capsys, edit, message):
    assert ANCHOR in CONFIG.read_text()  # the shipped configuration fits this parameter
    text = CONFIG.read_text().replace(ANCHOR, edit)
    path = tmp_path / "c.toml"
    path.write_text(text)
    assert main(["calibrate", str(path), "--quick", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err
    assert not (tmp_path / "out").exists()


def test_unknown_keys_and_missing_files_are_refused(tmp_path, capsys):
    path = tmp_path / "c.toml"
    path.write_text(CONFIG.read_text() + "\nsurprise = 1\n")
    assert main(["calibrate", str(path), "--quick"]) == 2
    assert "surprise" in capsys.readouterr().err
    assert main(["calibrate", str(tmp_path / "none.toml")]) == 2
    assert "no such calibration configuration" in capsys.readouterr().err


def test_fitted_values_are_written_with_basis_fitted(tmp_path):
    for name in CALIBRATION_DIR.glob("*.csv"):
        shutil.copy(name, tmp_path / name.name)
    write_parameters({"migration.beta_size": 0.8123456}, "fitted: a test", tmp_path)
    table = load_parameters(Path(tmp_path), required=required_parameters()).table
    assert table["migration.beta_size"].value == pytest.approx(0.81235)
    assert table["migration.beta_size"].basis == "fitted"
    assert table["migration.beta_size"].source == "fitted: a test"
    assert table["migration.beta_income"] == load_parameters().table["migration.beta_income"]

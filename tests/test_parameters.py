"""calibration/parameters.csv: every bad edit is one line naming the file and the row, refused before any
simulation (exit status 2 from the command); overrides obey the ranges; the rows are exactly those the model
reads."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.inputs.files import CALIBRATION_DIR
from simulator.inputs.parameters import ParameterError, load_parameters
from simulator.model import required_parameters

ROOT = Path(__file__).resolve().parent.parent
HEADER = "name,value,low,high,unit,basis,source,meaning"


def lines() -> list[str]:
    return (CALIBRATION_DIR / "parameters.csv").read_text(encoding="utf-8").splitlines()


def edit(lines: list[str], name: str, column: str, value: str) -> list[str]:
    columns = HEADER.split(",")
    out = []
    for line in lines:
        if line.startswith(name + ","):
            cells = line.split(",", len(columns) - 1)
            cells[columns.index(column)] = value
            line = ",".join(cells)
        out.append(line)
    return out


EDITS = {
    "missing row": (
        lambda ls: [x for x in ls if not x.startswith("migration.stay_bonus,")],
        "stay_bonus is missing",
    ),
    "unknown row": (
        lambda ls: [*ls, "migration.no_such_thing,1,0,2,x,assumption,x,x"],
        "no_such_thing is unknown",
    ),
    "empty value": (lambda ls: edit(ls, "migration.stay_bonus", "value", ""), "value is empty"),
    "low above high": (lambda ls: edit(ls, "migration.stay_bonus", "low", "9"), "low 9 is above high"),
    "value not a number": (lambda ls: edit(ls, "migration.stay_bonus", "value", "lots"), "not a number"),
    "value out of range": (lambda ls: edit(ls, "migration.stay_bonus", "value", "99"), "lies outside"),
    "unknown basis": (lambda ls: edit(ls, "migration.stay_bonus", "basis", "hunch"), "basis must be"),
    "duplicate row": (
        lambda ls: [*ls, next(x for x in ls if x.startswith("migration.stay_bonus,"))],
        "appears twice",
    ),
}


def broken_calibration(tmp_path: Path, case: str) -> Path:
    folder = tmp_path / "calibration"
    shutil.copytree(CALIBRATION_DIR, folder)
    change, _ = EDITS[case]
    (folder / "parameters.csv").write_text("\n".join(change(lines())) + "\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("case", sorted(EDITS))
def test_every_bad_edit_is_one_line(tmp_path, case):
    folder = broken_calibration(tmp_path, case)
    with pytest.raises(ParameterError) as error:
        load_parameters(folder, required=required_parameters())
    message = str(error.value)
    assert "\n" not in message and "parameters.csv" in message
    assert EDITS[case][1] in message


def test_the_file_has_exactly_the_rows_the_model_reads():
    load_parameters(required=required_parameters())  # no error


@pytest.mark.parametrize("case", ["missing row", "unknown row", "empty value", "low above high"])
def test_the_command_refuses_a_broken_file_before_simulating(tmp_path, case):
    """In a copy of the project (as a user would edit it): exit 2, one line, no output folder."""
    project = tmp_path / "project"
    for part in ("simulator", "scenarios"):
        shutil.copytree(ROOT / part, project / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(broken_calibration(tmp_path, case), project / "calibration")
    env = {**os.environ, "PYTHONPATH": str(project)}
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "run", "scenarios/baseline.toml", "--scale", "2000", "--out", "o"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert EDITS[case][1] in result.stderr
    assert not (project / "o").exists() and result.stdout == ""

"""Scenario files: strict validation (tests/scenarios_bad/), `extends`, parameter overrides."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator import cli
from simulator.scenario import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))
BAD = Path(__file__).resolve().parent / "scenarios_bad"

# file in tests/scenarios_bad -> (key path the message names, words it contains, file it names if not itself).
# An empty key path means a whole-file problem (`FILE: what is wrong`).
BAD_CASES: dict[str, tuple[str, str] | tuple[str, str, str]] = {
    "unknown_top_key.toml": ("descripton", "did you mean 'description'?"),
    "unknown_run_key.toml": ("run.scael", "did you mean 'scale'?"),
    "unknown_lever_kind.toml": ("levers.graduate_subsidies", "did you mean 'graduate_subsidy'?"),
    "unknown_lever_field.toml": ("levers.graduate_subsidy[0].yuan_per_mnth", "did you mean 'yuan_per_month'?"),
    "string_for_number.toml": ("levers.vocational_training[0].budget_yuan", "expected a number (got 'lots')"),
    "number_for_string.toml": ("description", "expected a string"),
    "bool_for_number.toml": ("run.scale", "(got True)"),
    "scale_float.toml": ("run.scale", "whole number (got 2.5)"),
    "table_for_list.toml": ("levers.graduate_subsidy", "[[levers.graduate_subsidy]]"),
    "lever_not_table.toml": ("levers.vocational_training[0]", "expected a table (got 1)"),
    "levers_not_table.toml": ("levers", "expected a table"),
    "enabled_string.toml": ("levers.vocational_training[0].enabled", "true or false (got 'no')"),
    "negative_budget.toml": ("levers.vocational_training[0].budget_yuan", "at least 0 (got -1000)"),
    "shares_not_100.toml": ("levers.talent_classes[0].class_shares_pct", "sum to 100 (got 90)"),
    "scale_zero.toml": ("run.scale", "[1, 100000] (got 0)"),
    "seed_negative.toml": ("run.seed", "(got -1)"),
    "date_month_13.toml": ("levers.graduate_subsidy[0].start", "(got '2021-13')"),
    "date_short_year.toml": ("levers.graduate_subsidy[0].start", "YYYY-MM (got '21-01')"),
    "date_one_digit_month.toml": ("levers.graduate_subsidy[0].start", "YYYY-MM (got '2021-1')"),
    "date_slash.toml": ("levers.graduate_subsidy[0].start", "YYYY-MM (got '2021/01')"),
    "date_toml_literal.toml": ("levers.graduate_subsidy[0].start", "in quotes"),
    "run_end_malformed.toml": ("run.end", "YYYY-MM (got '2025-12-31')"),
    "run_end_census.toml": ("run.end", "from 2020-12 on (got '2020-11')"),
    "lever_end_before_start.toml": ("levers.graduate_subsidy[0].end", "before start 2022-01"),
    "lever_start_before_census.toml": ("levers.graduate_subsidy[0].start", "from 2020-11 on (got '2020-10')"),
    "lever_start_after_run_end.toml": ("levers.graduate_subsidy[0].start", "after the run's end"),
    "lever_missing_start.toml": ("levers.vocational_training[0].start", "missing"),
    "lever_name_invalid.toml": ("levers.vocational_training[0].name", "digits or '_' (got 'My Training')"),
    "duplicate_lever_names.toml": ("levers.vocational_training[1].name", "'training' is used twice"),
    "unknown_unit.toml": ("levers.graduate_subsidy[0].units[1]", "expected one of changchun, jilin,"),
    "units_string.toml": ("levers.graduate_subsidy[0].units", "expected a list"),
    "unknown_sector.toml": ("levers.industrial_park[0].sector", "'automotive', 'petrochemicals',"),
    "unknown_parameter.toml": ("parameters.migration.stay_bonuss", "did you mean 'migration.stay_bonus'?"),
    "parameter_out_of_range.toml": ("parameters.migration.beta_income", "[0.5, 5] (got 50.0)"),
    "parameter_nan.toml": ("parameters.migration.stay_bonus", "(got nan)"),
    "parameter_bool.toml": ("parameters.migration.stay_bonus", "expected a number (got True)"),
    "parameter_string.toml": ("parameters.migration.stay_bonus", "expected a number (got '0.9')"),
    "parameter_given_twice.toml": ("parameters.migration.stay_bonus", "given twice"),
    "parameters_not_table.toml": ("parameters", "expected a table"),
    "empty.toml": ("", "is empty"),
    "not_toml.toml": ("", "is not valid TOML"),
    "not_utf8.toml": ("", "is not UTF-8"),
    "name_with_slash.toml": ("name", "(got '../../etc/evil')"),
    "name_dotdot.toml": ("name", "(got '..')"),
    "name_missing.toml": ("name", "missing"),
    "extends_missing.toml": ("extends", "no scenario named 'no_such_scenario'"),
    "extends_missing_path.toml": ("extends", "no such scenario file"),
    "extends_not_string.toml": ("extends", "(got 3)"),
    "extends_self.toml": ("extends", "extends itself"),
    "extends_loop_a.toml": ("extends", "loop", "extends_loop_b.toml"),
    "extends_loop_b.toml": ("extends", "loop", "extends_loop_a.toml"),
    "extends_invalid_parent.toml": ("parameters.migration.stay_bonuss", "did you mean", "unknown_parameter.toml"),
    "extends_bad_override.toml": ("levers.graduate_subsidy[0].months", "[1, 120] (got 0)"),
    "extends_start_after_end.toml": ("levers.graduate_subsidy[1].start", "'province' starts after the run's end"),
}


def run_cli(capsys: pytest.CaptureFixture[str], scenario: Path, out: Path) -> tuple[int, str, str]:
    args = ["run", str(scenario), "--out", str(out), "--quiet", "--scale", "2000", "--end", "2021-01"]
    code = cli.main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_every_bad_file_is_a_case_and_says_what_is_wrong():
    files = sorted(p.name for p in BAD.glob("*.toml"))
    assert files == sorted(BAD_CASES)
    assert len(files) >= 30
    for name in files:
        first = (BAD / name).read_bytes().splitlines()[0]
        assert first.startswith(b"# Wrong: "), name


@pytest.mark.parametrize("name", sorted(BAD_CASES))
def test_bad_scenario_is_one_line_exit_2_and_no_output(name, tmp_path, capsys):
    key, words, *named = BAD_CASES[name]
    file = BAD / (named[0] if named else name)
    code, out, err = run_cli(capsys, BAD / name, tmp_path / "out")
    assert code == 2
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    assert err.startswith(f"{file}: {key}: " if key else f"{file}: "), err
    assert words in err, err
    assert out == ""
    assert list(tmp_path.iterdir()) == []  # neither the output folder nor a staging folder


@pytest.mark.parametrize("kind", ["missing", "directory", "zero_bytes"])
def test_unreadable_scenario_file(kind, tmp_path, capsys):
    file = tmp_path / "scenario.toml"
    if kind == "directory":
        file.mkdir()
    elif kind == "zero_bytes":
        file.write_bytes(b"")
    results = tmp_path / "results"
    results.mkdir()
    code, _, err = run_cli(capsys, file, results / "out")
    assert code == 2 and err.count("\n") == 1 and err.startswith(f"{file}: ")
    assert list(results.iterdir()) == []


# --- valid scenarios ---


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_scenario_loads(path, parameters):
    scenario = load_scenario(path, parameters)
    assert set(scenario.run) == {"scale", "seed", "end"}
    resolved = json.loads(json.dumps(scenario.resolved()))
    assert resolved["name"] == scenario.name and set(resolved["levers"]) >= {"graduate_subsidy", "industrial_park"}


def test_scenario_names_are_unique(parameters):
    names = [load_scenario(path, parameters).name for path in SCENARIOS]
    assert len(names) == len(set(names))


def test_run_defaults_are_filled_from_the_schema(tmp_path, parameters):
    file = tmp_path / "plain.toml"
    file.write_text('name = "plain"\n[run]\nseed = 7\n')
    scenario = load_scenario(file, parameters)
    assert scenario.run == {"scale": 100, "seed": 7, "end": "2025-12"}
    assert scenario.levers.all() == [] and scenario.parameters == {} and scenario.chain == [str(file)]


def test_cli_runs_a_scenario_and_records_its_levers(tmp_path, capsys):
    file = tmp_path / "child.toml"
    file.write_text(
        'name = "child"\nextends = "baseline"\n[parameters]\nmigration.stay_bonus = 0.9\n'
        '[[levers.industrial_park]]\nname = "park"\nstart = "2021-01"\nunit = "jilin"\nsector = "automotive"\n'
        "jobs = 1000\n"
    )
    code, out, err = run_cli(capsys, file, tmp_path / "out")
    assert code == 0, err
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["end"] == "2021-01" and manifest["scale"] == 2000
    scenario = manifest["scenario"]
    assert scenario["name"] == "child" and scenario["parameters"] == {"migration.stay_bonus": 0.9}
    assert scenario["extends"] == [str(ROOT / "scenarios" / "baseline.toml")]
    assert [lv["name"] for lv in scenario["levers"]["industrial_park"]] == ["park"]


PARENT = """
name = "parent"
description = "the parent"
[run]
scale = 500
seed = 3
[parameters]
migration.stay_bonus = 1.0
migration.origin_tie = 2.0
[[levers.graduate_subsidy]]
name = "first"
start = "2021-01"
units = ["changchun"]
months = 6
yuan_per_month = { bachelor = 500, master = 800 }
[[levers.graduate_subsidy]]
name = "second"
start = "2022-01"
yuan_per_month = { bachelor = 1000 }
[[levers.industrial_park]]
name = "park"
start = "2021-06"
unit = "jilin"
sector = "automotive"
jobs = 2000
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(text)
    return path


def test_child_overrides_one_lever_field_and_keeps_the_rest(tmp_path, parameters):
    write(tmp_path, "parent", PARENT)
    child = write(
        tmp_path,
        "child",
        'name = "child"\nextends = "parent"\n[parameters]\n"migration.stay_bonus" = 0.5\n'
        '[[levers.graduate_subsidy]]\nname = "second"\nyuan_per_month.master = 1500\n',
    )
    scenario = load_scenario(child, parameters)
    first, second = scenario.levers.graduate_subsidy
    assert first.name == "first" and first.months == 6 and first.units == ["changchun"]
    assert second.start == "2022-01" and second.units == "all"
    assert second.yuan_per_month.bachelor == 1000 and second.yuan_per_month.master == 1500
    assert scenario.parameters == {"migration.stay_bonus": 0.5, "migration.origin_tie": 2.0}
    assert scenario.run == {"scale": 500, "seed": 3, "end": "2025-12"}
    assert scenario.name == "child" and scenario.description == ""
    assert [lv.name for lv in scenario.levers.all()] == ["first", "second", "park"]


def test_enabled_false_removes_an_inherited_lever(tmp_path, parameters):
    write(tmp_path, "parent", PARENT)
    child = write(
        tmp_path,
        "child",
        'name = "child"\nextends = "parent.toml"\n[[levers.industrial_park]]\nname = "park"\nenabled = false\n',
    )
    scenario = load_scenario(child, parameters)
    assert [lv.name for lv in scenario.levers.all()] == ["first", "second"]
    assert scenario.levers.industrial_park[0].enabled is False
    assert scenario.resolved()["levers"]["industrial_park"][0]["enabled"] is False


def test_three_level_chain_resolves(tmp_path, parameters):
    sub = tmp_path / "sub"
    sub.mkdir()
    write(tmp_path, "parent", PARENT)
    middle = write(
        sub,
        "middle",
        'name = "middle"\nextends = "../parent.toml"\n[run]\nend = "2024-12"\n'
        '[[levers.vocational_training]]\nname = "training"\nstart = "2021-03"\ntrainees_per_year = 1000\n'
        "subsidy_yuan_per_trainee = 1500\n",
    )
    top = write(
        sub,
        "top",
        'name = "top"\nextends = "middle"\n[run]\nseed = 9\n[[levers.vocational_training]]\nname = "training"\n'
        'trainees_per_year = 5000\n[[levers.graduate_subsidy]]\nname = "first"\nmonths = 12\n',
    )
    scenario = load_scenario(top, parameters)
    assert scenario.chain == [str(top), str(middle), str(tmp_path / "parent.toml")]
    assert scenario.run == {"scale": 500, "seed": 9, "end": "2024-12"}
    assert scenario.levers.vocational_training[0].trainees_per_year == 5000
    assert scenario.levers.vocational_training[0].start == "2021-03"
    assert scenario.levers.graduate_subsidy[0].months == 12
    assert scenario.levers.graduate_subsidy[0].yuan_per_month.master == 800
    assert scenario.parameters == {"migration.stay_bonus": 1.0, "migration.origin_tie": 2.0}


def test_extends_by_name_finds_the_repository_scenarios(tmp_path, parameters):
    child = write(tmp_path, "child", 'name = "child"\nextends = "baseline"\n')
    scenario = load_scenario(child, parameters)
    baseline = load_scenario(ROOT / "scenarios" / "baseline.toml", parameters)
    assert scenario.levers == baseline.levers and scenario.run == baseline.run
    assert scenario.parameters == baseline.parameters


def test_nested_and_dotted_parameter_overrides_agree(tmp_path, parameters):
    nested = write(
        tmp_path,
        "nested",
        'name = "nested"\n[parameters]\nmigration.stay_bonus = 0.9\n'
        "[parameters.migration.hazard]\nage_20_24 = 0.03\n[parameters.skills]\ntraining_gain = 0.1\n",
    )
    dotted = write(
        tmp_path,
        "dotted",
        'name = "dotted"\n[parameters]\n"migration.stay_bonus" = 0.9\n"migration.hazard.age_20_24" = 0.03\n'
        '"skills.training_gain" = 0.1\n',
    )
    a, b = load_scenario(nested, parameters), load_scenario(dotted, parameters)
    assert (
        a.parameters
        == b.parameters
        == {
            "migration.stay_bonus": 0.9,
            "migration.hazard.age_20_24": 0.03,
            "skills.training_gain": 0.1,
        }
    )
    assert parameters.with_overrides(a.parameters)["migration.hazard.age_20_24"] == 0.03


def test_scenario_error_is_one_line(tmp_path):
    error = ScenarioError(tmp_path / "x.toml", "run.end", "expected a month\nYYYY-MM (got 'x')")
    assert "\n" not in str(error) and str(error).startswith(f"{tmp_path / 'x.toml'}: run.end: expected")
    assert str(ScenarioError("f.toml", "", "is empty")) == "f.toml: is empty"

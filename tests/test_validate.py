"""talentsim validate: matching rules, naive forecasts, stores, and one-line errors on bad input."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from simulator.cli import main
from simulator.estimation import validate
from simulator.inputs import CALIBRATION_DIR

MONTHS = [str(p) for p in pd.period_range("2020-11", "2022-02", freq="M")]


def _indicators(level: float = 1.0, replicate: int = 0) -> pd.DataFrame:
    rows = []
    for k, date in enumerate(MONTHS):
        rows += [
            (date, "province", "population", 24_000_000.0 * level - 30_000.0 * k),
            (date, "changchun", "population", 9_000_000.0 * level),
            (date, "province", "births", 10_000.0 * level),
            (date, "province", "deaths", 15_000.0),
            (date, "province", "unemployment_rate", 0.03 + 0.001 * (k % 12)),
        ]
    frame = pd.DataFrame(rows, columns=["date", "region", "indicator", "value"])
    return frame.assign(scenario="baseline", replicate=replicate, seed=replicate + 1, scale=100)


def _run_folder(tmp_path: Path, name: str = "run") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    _indicators().to_parquet(folder / "indicators.parquet", index=False)
    (folder / "manifest.json").write_text(json.dumps({"kind": "talentsim-run"}))
    return folder


def _observed(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "observed.csv"
    path.write_text(text)
    return path


OBSERVED = """region,indicator,date,year,value,source
province,population,,2021,23700000,GB
province,births,,2021,100000,GB
province,deaths,2021-03,,15000,test
province,unemployment_rate,,2021,0.04,test
province,births,2020-12/2021-01,,20000,test
changchun,population,2021-06-15,,9000000,test
province,population,,2025,23000000,GB
"""


def test_matching_rules_per_indicator_kind(tmp_path):
    table = validate.compare(
        validate.read_simulated(_run_folder(tmp_path)),
        validate.read_observed(_observed(tmp_path, OBSERVED)),
        validate.read_history(CALIBRATION_DIR / "observed_census_record.csv"),
    )
    sim = table["simulated"].tolist()
    assert sim[0] == 24_000_000 - 30_000 * 14  # year-end 2021 = the stock of 2022-01 (14 months on)
    assert sim[1] == 120_000  # a year's flow: the sum of its months
    assert sim[2] == 15_000  # a month
    assert sim[3] == pytest.approx(0.03 + 0.001 * 5.5)  # a rate over a year: the mean of its months
    assert sim[4] == 20_000  # an interval of months
    assert sim[5] == 9_000_000  # a day: the first day of the next month (2021-07)
    assert math.isnan(sim[6]) and table.at[6, "status"] == "not covered by the run"
    assert table.at[1, "rel_error"] == pytest.approx(0.2)


def test_naive_forecasts_use_only_pre_census_figures():
    history = validate.read_history(CALIBRATION_DIR / "observed_census_record.csv")
    compound, linear = validate.naive_forecasts(history, "province", "population", "2021-11")
    rate = (24_073_453 / 27_452_815) ** (1 / 10) - 1
    assert compound == pytest.approx(24_073_453 * (1 + rate), rel=1e-4)  # one year after census day
    slope = 24_475_200 - 24_843_500  # 2018 -> 2019 year-ends
    assert linear == pytest.approx(24_073_453 + slope, rel=1e-4)
    births_c, births_l = validate.naive_forecasts(history, "province", "births", "2020-11/2021-10")
    assert births_c == pytest.approx(118_210 * (1 + rate), rel=1e-3)  # the census year's births, one year on
    assert births_l == pytest.approx(118_210 - 1_500, rel=1e-3)  # 2018 -> 2019 change of births
    # a unit with a 2010 census figure: its own census-to-census trend
    compound, linear = validate.naive_forecasts(history, "changchun", "population", "2021-11")
    assert linear == pytest.approx(9_066_906 + 29_953.1, rel=1e-4)
    assert all(math.isnan(x) for x in validate.naive_forecasts(history, "jilin", "population", "2021-11"))


def test_store_gives_mean_and_interval_over_replicates(tmp_path):
    store = tmp_path / "store"
    (store / "indicators").mkdir(parents=True)
    for r, level in enumerate((0.9, 1.0, 1.1)):
        _indicators(level, r).to_parquet(store / "indicators" / f"part-{r}.parquet", index=False)
    (store / "store.json").write_text("{}")
    pd.DataFrame({"replicate": [0, 1, 2]}).to_parquet(store / "runs.parquet")
    observed = _observed(tmp_path, "region,indicator,year,value\nprovince,births,2021,100000\n")
    assert main(["validate", str(store), "--observed", str(observed)]) == 0
    table = pd.read_csv(store / "validation.csv")
    assert table.at[0, "replicates"] == 3
    assert table.at[0, "simulated"] == pytest.approx(120_000)
    assert table.at[0, "simulated_p05"] < 120_000 < table.at[0, "simulated_p95"]


def test_census_record_file_runs_against_a_run(tmp_path, capsys):
    folder = _run_folder(tmp_path)
    assert main(["validate", str(folder), "--observed", str(CALIBRATION_DIR / "observed_census_record.csv")]) == 0
    out = capsys.readouterr().out
    assert "before the run (history)" in out and "MAPE model" in out
    table = pd.read_csv(folder / "validation.csv")
    change = table[table["target"] == "population_change_changchun"].iloc[0]
    assert change["simulated"] == pytest.approx(0.0)  # the hand-made Changchun does not change
    births = table[table["target"] == "births_census_year"].iloc[0]
    assert births["simulated"] == pytest.approx(120_000) and births["period"] == "2020-11/2021-10"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("region,indicator,year,value\nprovince,no_such_indicator,2021,1\n", "no_such_indicator"),
        ("region,indicator,year,value\nmars,population,2021,1\n", "region 'mars'"),
        ("region,indicator,year,value\nprovince,population,21,1\n", "year: expected YYYY"),
        ("region,indicator,date,value\nprovince,births,2021-03-05,1\n", "a flow takes"),
        ("region,indicator,date,value\nprovince,population,2021/03,1\n", "date: expected"),
        ("region,indicator,year,value\nprovince,population,2021,lots\n", "value: expected a number"),
        ("region,indicator,value\nprovince,population,1\n", "missing columns"),
    ],
)
def test_bad_observed_file_is_one_line_and_exit_2(tmp_path, capsys, text, message):
    folder = _run_folder(tmp_path)
    code = main(["validate", str(folder), "--observed", str(_observed(tmp_path, text))])
    err = capsys.readouterr().err
    assert code == 2 and message in err and err.count("\n") == 1
    assert not (folder / "validation.csv").exists()


def test_bad_sources_and_outputs(tmp_path, capsys):
    observed = _observed(tmp_path, "region,indicator,year,value\nprovince,births,2021,1\n")
    assert main(["validate", str(tmp_path / "nothing"), "--observed", str(observed)]) == 2
    assert "not a run folder" in capsys.readouterr().err
    folder = _run_folder(tmp_path)
    foreign = tmp_path / "notes.csv"
    foreign.write_text("my,own\n1,2\n")
    assert main(["validate", str(folder), "--observed", str(observed), "--out", str(foreign)]) == 2
    assert "not a validation table" in capsys.readouterr().err
    assert foreign.read_text() == "my,own\n1,2\n"
    assert main(["validate", str(folder), "--observed", str(tmp_path / "missing.csv")]) == 2
    # an earlier validation table is replaced
    out = tmp_path / "v.csv"
    assert main(["validate", str(folder), "--observed", str(observed), "--out", str(out)]) == 0
    assert main(["validate", str(folder), "--observed", str(observed), "--out", str(out)]) == 0

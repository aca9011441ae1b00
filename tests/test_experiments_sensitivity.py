"""Sensitivity indices with SALib: a Morris screening of eight parameters end to end (batch, then the command),
Sobol indices of a small design, and one-line errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from experiment_helpers import ROOT, local_store

from simulator.cli import main
from simulator.experiments.sensitivity import sensitivity_store

MORRIS_PARAMETERS = {
    "migration.beta_income": (1.5, 3.5),
    "migration.stay_bonus": (0.4, 1.2),
    "migration.origin_tie": (0.5, 1.5),
    "migration.beta_distance": (0.2, 0.6),
    "migration.outsider_penalty": (2.5, 4.5),
    "labour.matching_efficiency": (0.2, 0.6),
    "skills.certification_per_year": (0.0125, 0.0375),
    "levers.graduate_subsidy.changchun_graduate_subsidy_2020.yuan_per_month.bachelor": (0, 2000),
}


def design(method: str, n: int, parameters: dict) -> str:
    lines = [f'method = "{method}"', f"n = {n}", "[samples.parameters]"]
    lines += [f'"{name}" = [{low}, {high}]' for name, (low, high) in parameters.items()]
    return "[samples]\n" + "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def morris_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("morris")
    path = folder / "morris.toml"
    path.write_text(
        f'name = "screen"\nscenarios = ["{ROOT}/scenarios/baseline.toml"]\nreplicates = 1\nseed = 2\n'
        'scale = 5000\nend = "2021-08"\n' + design("morris", 2, MORRIS_PARAMETERS)
    )
    assert main(["batch", str(path), "--out", str(folder / "store"), "--quiet"]) == 0
    return folder / "store"


def test_a_morris_screening_of_eight_parameters_runs_end_to_end(morris_store, tmp_path, capsys):
    capsys.readouterr()
    out = tmp_path / "morris.csv"
    assert main(["sensitivity", str(morris_store), "--indicator", "population", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "morris indices of population (province, 2021), 18 samples x 1 replicates" in printed
    table = pd.read_csv(out)
    assert sorted(table["parameter"]) == sorted(MORRIS_PARAMETERS) and list(table["rank"]) == list(range(1, 9))
    assert (table["mu_star"].diff().dropna() <= 0).all() and (table["mu_star"] >= table["mu"].abs() - 1e-9).all()
    assert np.isfinite(table[["mu", "mu_star", "sigma", "mu_star_conf"]].to_numpy()).all()
    # migration's income weight moves the population; the certification rate cannot (it draws from its own stream)
    ranked = table.set_index("parameter")["mu_star"]
    assert ranked["migration.beta_income"] > 0 and ranked["skills.certification_per_year"] == 0
    talent = sensitivity_store(morris_store, "certified_high_skill", "province", 2021)
    assert talent.set_index("parameter").loc["skills.certification_per_year", "mu_star"] > 0


def test_sobol_indices_of_a_small_design(tmp_path):
    body = (
        f'name = "sobol"\nscenarios = ["{ROOT}/scenarios/baseline.toml"]\nreplicates = 1\nseed = 2\nscale = 5000\n'
        'end = "2021-03"\n'
        + design("sobol", 4, {"migration.beta_income": (1.5, 3.5), "migration.stay_bonus": (0.4, 1.2)})
    )
    store = local_store(tmp_path, body)
    table = sensitivity_store(store, "out_migrants")
    assert list(table.columns[:7]) == ["scenario", "rank", "parameter", "S1", "S1_conf", "ST", "ST_conf"]
    assert len(table) == 2 and table["samples"].iloc[0] == 16 and table["year"].iloc[0] == 2021
    assert np.isfinite(table[["S1", "ST"]].to_numpy()).all() and (table["ST"].diff().dropna() <= 0).all()


def test_bad_sensitivity_input_is_one_line_and_writes_nothing(morris_store, tmp_path, capsys):
    plain = local_store(
        tmp_path / "plain",
        f'name = "plain"\nscenarios = ["{ROOT}/scenarios/baseline.toml"]\nscale = 5000\nend = "2021-01"\n',
    )
    cases = [
        (
            [str(plain), "--indicator", "population"],
            "needs samples drawn with method sobol or morris (this store: none)",
        ),
        (
            [str(morris_store), "--indicator", "populaton"],
            "no indicator 'populaton' in the store; did you mean 'population'?",
        ),
        (
            [str(morris_store), "--indicator", "graduates", "--region", "east"],
            "--region: graduates has no region 'east'",
        ),
        ([str(morris_store), "--indicator", "population", "--year", "2030"], "--year: expected one of 2020-2021"),
        ([str(morris_store), "--indicator", "population", "--year", "20x1"], "expected a whole number"),
        (
            [str(morris_store), "--indicator", "population", "--out", str(tmp_path / "x.json")],
            "ending in .csv or .parquet",
        ),
        ([str(tmp_path / "none"), "--indicator", "population"], "not a talentsim store"),
    ]
    before = sorted(p.name for p in tmp_path.iterdir())
    for args, expected in cases:
        assert main(["sensitivity", *args]) == 2, args
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and expected in err, (args, err)
    assert sorted(p.name for p in tmp_path.iterdir()) == before

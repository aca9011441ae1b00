"""Paired comparisons: a twin gives exactly zero, pairing narrows the intervals, costs per unit of outcome."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from experiment_helpers import ROOT, local_store

from simulator.cli import main
from simulator.experiments.compare import COST_COLUMNS, DIFFERENCE_COLUMNS, compare_store, fieller
from simulator.experiments.store import StoreError

SETTINGS = 'replicates = 4\nseed = 9\nscale = 2000\nend = "2022-12"\n'


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    body = (
        'name = "cmp"\n'
        f'scenarios = ["{ROOT}/scenarios/baseline.toml", "twin.toml", "{ROOT}/scenarios/graduate_subsidy.toml"]\n'
        + SETTINGS
    )
    return local_store(tmp_path_factory.mktemp("compare"), body)


def test_a_twin_of_the_baseline_differs_by_exactly_zero(store):
    differences, costs = compare_store(store, "baseline")
    assert list(differences.columns) == DIFFERENCE_COLUMNS and list(costs.columns) == COST_COLUMNS
    twin = differences[differences["variant"] == "baseline_twin"]
    # every replicate has every row, except spending rows of years in which a lever paid nothing in some
    # replicate (spending is recorded only in months with spending) and shares whose denominator is empty in
    # a small unit at this coarse scale (Changbaishan: 31 simulated persons)
    name = twin["indicator"].astype(str)
    gaps = name.str.startswith("policy_spending_yuan") | name.str.endswith("_share")
    assert len(twin) > 1000 and (twin.loc[~gaps, "n"] == 4).all(), twin.loc[twin["n"] != 4, "indicator"].unique()
    assert twin["n"].between(1, 4).all()
    for column in ("mean_diff", "se", "lo90", "hi90"):
        assert (twin[column] == 0.0).all(), column
    assert (twin["variant_mean"] == twin["baseline_mean"]).all()
    assert {"population", "graduates_retained", "policy_spending_yuan"} <= set(twin["indicator"])
    assert set(twin["year"]) == {2020, 2021, 2022}
    twin_costs = costs[costs["variant"] == "baseline_twin"]
    assert (twin_costs["extra_outcome_mean"] == 0).all() and (twin_costs["extra_spending_yuan_mean"] == 0).all()
    assert twin_costs[["yuan_per_unit_mean", "lo90", "hi90"]].isna().all().all()


def test_yearly_values_are_year_end_stocks_and_yearly_flows(store):
    differences, _ = compare_store(store, "baseline")
    rows = pd.read_parquet(store / "indicators")
    rows = rows[(rows["scenario"] == "baseline") & (rows["region"] == "province")]
    mean = rows.groupby(["indicator", "date"])["value"].mean()
    base = differences[(differences["variant"] == "graduate_subsidy") & (differences["region"] == "province")]
    base = base.set_index(["indicator", "year"])["baseline_mean"]
    assert base[("population", 2021)] == pytest.approx(mean[("population", "2021-12")])
    births = sum(mean[("births", f"2021-{m:02d}")] for m in range(1, 13))
    assert base[("births", 2021)] == pytest.approx(births)
    assert base[("unemployment_rate", 2022)] == pytest.approx(mean[("unemployment_rate", "2022-12")])


def test_paired_intervals_are_narrower_than_unpaired_ones_on_the_same_runs(store):
    paired, _ = compare_store(store, "baseline")
    unpaired, _ = compare_store(store, "baseline", paired=False)
    keys = ["variant", "sample", "indicator", "region", "year"]
    both = paired.merge(unpaired, on=keys, suffixes=("_p", "_u"))
    both = both[(both["variant"] == "graduate_subsidy") & (both["year"] == 2022) & (both["se_u"] > 0)]
    assert (both["mean_diff_p"] - both["mean_diff_u"]).abs().max() < 1e-6 * both["variant_mean_p"].abs().max()
    width_p, width_u = both["hi90_p"] - both["lo90_p"], both["hi90_u"] - both["lo90_u"]
    # in most cells (89 % with the fitted baseline): where a small unit's count is noise, pairing gains little
    assert (width_p < width_u).mean() > 0.8
    province = both[both["region"] == "province"].set_index("indicator")
    # stocks that the lever barely reshuffles are strongly correlated across paired runs (eight replicates:
    # correlation 0.96 for graduates retained, 0.86 for high-skill talent). Employment and population are not
    # listed: the subsidy changes which graduates stay and so who holds which job and who moves (population's
    # correlation is about 0.6 at this scale, an expected width ratio of 0.63), and with four replicates
    # their paired and unpaired widths are within each other's noise
    for name in ("graduates_retained", "high_skill_talent"):
        assert province.at[name, "hi90_p"] - province.at[name, "lo90_p"] < (
            province.at[name, "hi90_u"] - province.at[name, "lo90_u"]
        ), name


def test_costs_divide_extra_spending_by_extra_outcomes(store):
    _, costs = compare_store(store, "baseline")
    subsidy = costs[(costs["variant"] == "graduate_subsidy") & (costs["year"] == 2022)].set_index("outcome")
    assert (subsidy["extra_spending_yuan_mean"] > 0).all()
    for outcome, row in subsidy.iterrows():
        if row["extra_outcome_mean"] > 0:
            assert row["yuan_per_unit_mean"] == pytest.approx(
                row["extra_spending_yuan_mean"] / row["extra_outcome_mean"]
            )
            if not np.isnan(row["lo90"]):
                assert row["lo90"] <= row["yuan_per_unit_mean"] <= row["hi90"], outcome
        else:
            assert np.isnan(row["yuan_per_unit_mean"]) and np.isnan(row["lo90"]), outcome


def test_fieller_interval():
    rng = np.random.default_rng(1)
    spend = 1000 + rng.normal(0, 50, 8)
    outcome = np.full(8, 4.0)  # no spread in the outcome: the interval of spend's mean, divided
    low, high = fieller(spend, outcome)
    half = 1.894578605 * spend.std(ddof=1) / np.sqrt(8)  # t(0.95, 7)
    assert low == pytest.approx((spend.mean() - half) / 4) and high == pytest.approx((spend.mean() + half) / 4)
    assert np.isnan(fieller(spend, rng.normal(0, 1, 8))[0])  # outcome indistinguishable from 0: unbounded
    assert np.isnan(fieller(spend[:1], outcome[:1])[0])


def test_compare_command_prints_and_writes_the_tables(store, tmp_path, capsys):
    out = tmp_path / "cmp.csv"
    assert main(["compare", str(store), "--baseline", "baseline", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "graduate_subsidy - baseline: province, 2022 (n = 4 paired replicates)" in printed
    assert "yuan per extra graduates_retained" in printed
    written = pd.read_csv(out)
    assert "variant_mean" not in written.columns and {"mean_diff", "lo90", "hi90", "se"} <= set(written.columns)
    assert len(pd.read_csv(tmp_path / "cmp_costs.csv")) > 0
    assert main(["compare", str(store), "--baseline", "baseline", "--out", str(out)]) == 0  # its own file
    parquet = tmp_path / "cmp.parquet"
    assert main(["compare", str(store), "--baseline", "baseline", "--out", str(parquet)]) == 0
    assert len(pd.read_parquet(parquet)) == len(written)
    capsys.readouterr()


def test_bad_compare_input_is_one_line_and_writes_nothing(store, tmp_path, capsys):
    (tmp_path / "mine.csv").write_text("a,b\n1,2\n")
    cases = [
        ([str(store), "--baseline", "nobody"], "--baseline: no scenario named 'nobody'"),
        ([str(tmp_path), "--baseline", "baseline"], "not a talentsim store"),
        ([str(tmp_path / "none"), "--baseline", "baseline"], "not a talentsim store (no such folder)"),
        ([str(store), "--baseline", "baseline", "--out", str(tmp_path / "c.txt")], "ending in .csv or .parquet"),
        ([str(store), "--baseline", "baseline", "--out", str(tmp_path / "mine.csv")], "not a differences table"),
        ([str(store)], "the following arguments are required: --baseline"),
    ]
    for args, expected in cases:
        assert main(["compare", *args]) == 2, args
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and expected in err, (args, err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.csv"]
    assert (tmp_path / "mine.csv").read_text() == "a,b\n1,2\n"


def test_compare_refuses_what_is_not_a_store(tmp_path):
    with pytest.raises(StoreError):
        compare_store(tmp_path, "baseline")

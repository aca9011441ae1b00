"""Simulated moments: the counterparts of the fitting targets from a run's indicators and age profile."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from simulator.estimation import moments

MONTHS = [f"2020-{m:02d}" for m in (11, 12)] + [f"2021-{m:02d}" for m in range(1, 13)] + ["2022-01"]


def _indicators() -> pd.DataFrame:
    rows = []
    for k, date in enumerate(MONTHS):
        rows += [
            (date, "changchun", "population", 1000.0 * 1.01 ** (k / 12)),  # +1 % a year
            (date, "baishan", "population", 500.0 - 5.0 * k),
            (date, "jilin", "population", 300.0),
            (date, "province", "births", 10.0),
            (date, "province", "deaths", 15.0 if k < 12 else 99.0),
            (date, "province", "employed", 700.0 - k),
            (date, "province", "graduate_retention_rate", 0.4 if date == "2021-12" else math.nan),
        ]
    return pd.DataFrame(rows, columns=["date", "region", "indicator", "value"])


def _profile(net_rate_by_group: dict[int, float], death_rate: float = 0.0) -> pd.DataFrame:
    """A stationary hand-made profile: 1,000 persons per group and sex, flows giving the stated yearly rates."""
    rows = []
    for k, date in enumerate(MONTHS[:13]):
        for low in range(0, 90, 5):
            high = low + 4 if low < 85 else 104
            for sex in ("male", "female"):
                rows.append((date, "province", sex, low, high, "population", 1000.0))
                if k < 12:
                    rate = net_rate_by_group.get(low, 0.0)
                    rows.append(
                        (date, "province", sex, low, high, "in_migrants_interprovincial", 1000 * max(rate, 0) / 12)
                    )
                    rows.append(
                        (
                            date,
                            "province",
                            sex,
                            low,
                            high,
                            "out_migrants_interprovincial",
                            1000 * max(-rate, 0) / 12,
                        )
                    )
                    rows.append((date, "province", sex, low, high, "deaths", 1000 * death_rate / 12))
    return pd.DataFrame(rows, columns=list(moments.AGE_PROFILE_COLUMNS))


def test_population_change_and_flows_over_the_first_year():
    frame = _indicators()
    assert moments.population_change(frame, "changchun") == pytest.approx(0.01)
    assert moments.population_change(frame, "baishan") == pytest.approx((440 / 500) - 1)
    # a group of regions is their sum
    assert moments.population_change(frame, "baishan;jilin") == pytest.approx(740 / 800 - 1)
    assert moments.yearly_flow(frame, "province", "deaths") == pytest.approx(180.0)  # the 13th month is outside
    # a six-month window is annualised
    assert moments.yearly_flow(frame, "province", "births", window_months=6) == pytest.approx(120.0)
    assert moments.population_change(frame, "changchun", window_months=6) == pytest.approx(0.01)


def test_cohort_path_weights_its_three_groups():
    profile = _profile({20: -0.04, 25: -0.02, 30: 0.0})
    rate = moments.cohort_net_migration(profile, 20)
    expected = math.exp(0.25 * math.log(0.96) + 0.5 * math.log(0.98)) - 1
    assert rate == pytest.approx(expected, rel=1e-9)
    # a reversed sign in the model shows as a reversed moment
    assert moments.cohort_net_migration(_profile({20: 0.04, 25: 0.02}), 20) > 0


def test_cohort_survival_from_death_rates():
    profile = _profile({}, death_rate=0.1)
    assert moments.cohort_survival(profile, [75]) == pytest.approx(math.exp(-1.0))
    assert moments.cohort_survival(_profile({}, death_rate=0.0), [75, 80, 85]) == pytest.approx(1.0)


def test_simulated_moments_for_target_rows():
    targets = pd.DataFrame(
        [
            ("population_change_changchun", "unit_population_change", "changchun", None, None),
            ("deaths_2019", "deaths", "province", None, None),
            ("stock_employed_province", "stock", "province", None, None),
            ("graduate_retention_northeast_2019", "graduate_retention", "province;northeast_other", None, None),
            ("cohort_net_migration_20_24_to_30_34", "cohort_net_migration_rate", "province", 30, 34),
            ("life_table_doubling_years", "life_table", "province", None, None),
        ],
        columns=["target", "kind", "region", "age_low", "age_high"],
    )
    out = moments.simulated_moments(targets, _indicators(), _profile({20: -0.04, 25: -0.02})).set_index("target")
    assert out.at["population_change_changchun", "simulated"] == pytest.approx(0.01)
    assert out.at["deaths_2019", "simulated"] == pytest.approx(180.0)
    assert out.at["stock_employed_province", "simulated"] == 700.0
    assert out.at["graduate_retention_northeast_2019", "simulated"] == 0.4
    assert out.at["cohort_net_migration_20_24_to_30_34", "simulated"] < 0
    assert math.isnan(out.at["life_table_doubling_years", "simulated"])
    without = moments.simulated_moments(targets, _indicators(), None).set_index("target")
    assert math.isnan(without.at["cohort_net_migration_20_24_to_30_34", "simulated"])
    assert "age profile" in without.at["cohort_net_migration_20_24_to_30_34", "how"]


def test_every_target_kind_has_a_rule():
    from simulator.inputs import CALIBRATION_DIR

    targets = pd.read_csv(CALIBRATION_DIR / "targets.csv", dtype={"date": str})
    out = moments.simulated_moments(targets, _indicators(), _profile({20: -0.04}, death_rate=0.05))
    assert len(out) == len(targets)
    computed = out[out["simulated"].notna()]
    # every cohort path and survival target is computed from the age profile
    assert set(targets.loc[targets["kind"].str.startswith("cohort"), "target"]) <= set(computed["target"])
    unknown = out[out["how"].str.startswith("no simulated counterpart")]
    assert set(unknown["kind"]) <= {"life_table", "graduate_outflow"}


def test_the_trend_window_applies_to_unit_population_changes_only():
    frame = _indicators()
    # deaths jump after the first 12 months; Baishan loses 5 persons a month throughout
    targets = pd.DataFrame(
        [
            ("population_change_baishan", "unit_population_change", "baishan", math.nan, math.nan),
            ("deaths_2019", "deaths", "province", math.nan, math.nan),
        ],
        columns=["target", "kind", "region", "age_low", "age_high"],
    )
    short = moments.simulated_moments(targets, frame, window_months=12).set_index("target")["simulated"]
    both = moments.simulated_moments(targets, frame, window_months=12, trend_window_months=14)
    both = both.set_index("target")["simulated"]
    assert both["deaths_2019"] == short["deaths_2019"] == pytest.approx(15.0 * 12)
    assert short["population_change_baishan"] == pytest.approx((440 / 500) - 1)
    assert both["population_change_baishan"] == pytest.approx((430 / 500) ** (12 / 14) - 1)

"""Exogenous conditions: the schema, the monthly tables, enacted.toml's observed values, and the model's
response (outside wages and unemployment enter the migration utility; mobility shocks suppress moves)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.dates import date_to_month
from simulator.geography import OUTSIDE, UNITS
from simulator.inputs.calibration import load_calibration
from simulator.inputs.exogenous import load_exogenous
from simulator.inputs.parameters import load_parameters
from simulator.model import TalentFlowModel
from simulator.scenario import ScenarioError, load_scenario, schema
from simulator.world.conditions import condition_tables

PARAMETERS = load_parameters()
DATA = load_calibration()
MONTHS = 62


def tables(conditions: schema.Conditions) -> dict:
    return condition_tables(conditions, PARAMETERS, DATA, MONTHS)


def test_without_conditions_the_census_day_conditions_hold():
    t = tables(schema.Conditions())
    growth = (1 + PARAMETERS["labour.wage_growth_per_year"]) ** (1 / 12)
    np.testing.assert_allclose(t["outside_wage_yuan_month"][0], DATA.outside_wage_yuan_year / 12 * growth)
    np.testing.assert_allclose(t["outside_wage_yuan_month"][24], DATA.outside_wage_yuan_year / 12 * growth**25)
    assert np.all(t["outside_unemployment_rate"] == PARAMETERS["labour.outside_unemployment_rate"])
    assert np.all(np.isnan(t["outside_youth_unemployment_rate"]))
    assert np.all(t["mobility_multiplier"] == 1)


def test_yearly_rows_hold_until_the_next_and_wages_grow_after_the_last():
    conditions = schema.Conditions(
        outside=[
            schema.OutsideConditions(year=2021, region="all", unemployment_rate=0.08, wage_yuan_year=120_000),
            schema.OutsideConditions(year=2022, region="east", unemployment_rate=0.06),
        ]
    )
    t = tables(conditions)
    east = OUTSIDE.index("east")
    jan21, dec21, jan22, jan23 = (date_to_month(d) for d in ("2021-01", "2021-12", "2022-01", "2023-01"))
    assert t["outside_unemployment_rate"][jan21 - 1, east] == PARAMETERS["labour.outside_unemployment_rate"]
    assert t["outside_unemployment_rate"][dec21, east] == 0.08
    assert t["outside_unemployment_rate"][jan23, east] == 0.06  # the region's own row overrides "all"
    assert t["outside_unemployment_rate"][jan23, OUTSIDE.index("west")] == 0.08
    assert t["outside_wage_yuan_month"][jan21, east] == t["outside_wage_yuan_month"][dec21, east] == 10_000
    growth = (1 + PARAMETERS["labour.wage_growth_per_year"]) ** (1 / 12)
    assert t["outside_wage_yuan_month"][jan22, east] == pytest.approx(10_000 * growth)


def test_mobility_shocks_multiply_in_their_months_and_units():
    conditions = schema.Conditions(
        mobility_shock=[
            schema.MobilityShock(name="a", start="2022-03", end="2022-04", units=["changchun"], multiplier=0.5),
            schema.MobilityShock(name="b", start="2022-04", units=["changchun", "jilin"], multiplier=0.2),
        ]
    )
    shock = tables(conditions)["mobility_multiplier"]
    cc, jl = UNITS.index("changchun"), UNITS.index("jilin")
    march, april = date_to_month("2022-03"), date_to_month("2022-04")
    assert shock[march, cc] == 0.5 and shock[april, cc] == pytest.approx(0.1) and shock[april, jl] == 0.2
    assert shock[march + 2].min() == 1 and shock[march, jl] == 1


def test_duplicate_rows_and_bad_values_are_refused(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(
        'name = "bad"\n[[conditions.outside]]\nyear = 2021\nregion = "east"\nunemployment_rate = 0.05\n'
        '[[conditions.outside]]\nyear = 2021\nregion = "east"\nunemployment_rate = 0.06\n'
    )
    with pytest.raises(ScenarioError, match="given twice"):
        load_scenario(path)
    path.write_text('name = "bad"\n[[conditions.outside]]\nyear = 2021\nregion = "east"\nunemployment_rate = 2\n')
    with pytest.raises(ScenarioError, match="unemployment_rate"):
        load_scenario(path)
    path.write_text(
        'name = "bad"\n[[conditions.mobility_shock]]\nname = "x"\nstart = "2022-03"\nunits = ["nowhere"]\n'
        "multiplier = 0.5\n"
    )
    with pytest.raises(ScenarioError, match="units"):
        load_scenario(path)


def test_enacted_conditions_are_the_observed_series():
    """The numbers in enacted.toml are those of calibration/exogenous_conditions.csv (through its loader),
    and plan.toml inherits them; the baseline keeps census-day conditions."""
    enacted = load_scenario("enacted").conditions
    exogenous = load_exogenous()
    wages = exogenous.outside_wages(range(2021, 2025))
    given = {(r.year, r.region): r for r in enacted.outside}
    for row in wages.itertuples():
        assert given[(row.year, row.region)].wage_yuan_year == pytest.approx(row.wage_yuan_year, abs=1)
    for year, rate in exogenous.yearly("unemployment_rate_mean").items():
        if year >= 2021:
            assert given[(year, "all")].unemployment_rate == pytest.approx(rate / 100)
    youth = {2021: "2021-12", 2022: "2022-12", 2023: "2023-12", 2024: "2024-12"}
    for year, month in youth.items():
        series = "youth_unemployment_rate_16_24" if year >= 2023 else "youth_unemployment_rate_16_24_old_method"
        observed = exogenous.monthly(series, "china", [month])[0]
        assert given[(year, "all")].youth_unemployment_rate == pytest.approx(observed / 100)
    months = ["2022-03", "2022-04"]
    shocks = {(s.units[0], s.start): s.multiplier for s in enacted.mobility_shock}
    for unit in ("changchun", "jilin"):
        for month, share in zip(months, exogenous.mobility_shock(unit, months), strict=True):
            assert shocks[(unit, month)] == pytest.approx(1 - share, abs=0.001)
    assert load_scenario("plan").conditions == enacted
    baseline = load_scenario("baseline").conditions
    assert not baseline.outside and not baseline.mobility_shock


def test_a_lockdown_stops_moves_out_of_the_unit():
    conditions = schema.Conditions(
        mobility_shock=[schema.MobilityShock(name="x", start="2020-11", units=["changchun"], multiplier=0.0)]
    )
    runs = {}
    for name, c in (("free", None), ("locked", conditions)):
        model = TalentFlowModel(scale=500, seed=3, end="2020-12", parameters=PARAMETERS, data=DATA, conditions=c)
        model.run(until=1)
        runs[name] = model.recorder.to_frame(name, 0, 3)
    for name, frame in runs.items():
        row = frame[(frame["date"] == "2020-11") & (frame["region"] == "changchun")].set_index("indicator")
        moved = row.at["out_migrants", "value"] + row.at["in_migrants", "value"]
        if name == "locked":
            # only the moves to study (education) or of followers could remain; none in November
            assert moved == 0
        else:
            assert moved > 0


def test_outside_unemployment_moves_net_migration():
    """Raising the outside unemployment rate (average and youth) makes leaving less attractive and coming
    back more: net migration across the border rises (fewer net departures)."""
    nets = {}
    for rate in (0.05, 0.08):
        conditions = schema.Conditions(
            outside=[schema.OutsideConditions(year=2020, region="all", unemployment_rate=rate)]
        )
        model = TalentFlowModel(
            scale=500, seed=5, end="2021-10", parameters=PARAMETERS, data=DATA, conditions=conditions
        )
        model.run()
        frame = model.recorder.to_frame("x", 0, 5)
        province = frame[(frame["region"] == "province") & (frame["indicator"] == "net_migration_interprovincial")]
        nets[rate] = province["value"].sum()
    assert nets[0.08] > nets[0.05]
    assert nets[0.08] - nets[0.05] > 0.1 * abs(nets[0.05])

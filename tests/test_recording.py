"""Recording alone: stocks on the first day of a month, flows during it, and the tidy output table."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import new_flows

from simulator.codes import SCHOOLING_YEARS, Status, Tier
from simulator.geography import N_REGIONS, N_UNITS, REGION_INDEX
from simulator.recording.recorder import (
    INDICATOR_INDEX,
    INDICATORS,
    OUTPUT_REGIONS,
    Recorder,
    last_graduation_month,
)

COLUMNS = ["scenario", "replicate", "seed", "scale", "date", "region", "indicator", "value"]


def value(recorder: Recorder, month: int, indicator: str, region: str) -> float:
    return recorder.values[month, INDICATOR_INDEX[indicator], OUTPUT_REGIONS.index(region)]


@pytest.fixture
def recorded(small_model):
    model = small_model(scale=1000, end="2021-02")
    recorder = Recorder(months=4, scale=1000)
    recorder.record_stocks(model.persons, model.state, 0)
    return model, recorder


def test_population_stocks_are_counts_times_scale(recorded):
    model, recorder = recorded
    p = model.persons
    alive = p.status != Status.DEAD
    counts = np.bincount(p.region[alive], minlength=N_REGIONS) * 1000
    for r, region in enumerate(OUTPUT_REGIONS[1:]):
        assert value(recorder, 0, "population", region) == counts[r]
    assert value(recorder, 0, "population", "province") == counts[:N_UNITS].sum()
    age = p.age_months // 12
    working = alive & (age >= 16) & (age <= 59)
    assert value(recorder, 0, "working_age_population", "province") == (
        np.count_nonzero(working & (p.region < N_UNITS)) * 1000
    )
    assert value(recorder, 0, "working_age_population", "east") == (
        np.count_nonzero(working & (p.region == REGION_INDEX["east"])) * 1000
    )


def test_labour_and_talent_stocks(recorded):
    model, recorder = recorded
    p = model.persons
    inside = p.region < N_UNITS
    employed = inside & (p.status == Status.EMPLOYED)
    labour = inside & ((p.status == Status.EMPLOYED) | (p.status == Status.UNEMPLOYED))
    assert value(recorder, 0, "employed", "province") == employed.sum() * 1000
    assert value(recorder, 0, "employed", "changchun") == (employed & (p.region == 0)).sum() * 1000
    assert np.isnan(value(recorder, 0, "employed", "east"))  # not reported outside
    assert value(recorder, 0, "unemployment_rate", "province") == pytest.approx(
        np.count_nonzero(inside & (p.status == Status.UNEMPLOYED)) / labour.sum()
    )
    assert value(recorder, 0, "professional_technical_talent", "province") == (
        np.count_nonzero(labour & (p.tier == Tier.PROFESSIONAL)) * 1000
    )
    skilled = labour & ((p.tier == Tier.SKILLED) | (p.tier == Tier.HIGH_SKILL))
    assert value(recorder, 0, "skilled_workers", "province") == skilled.sum() * 1000
    assert value(recorder, 0, "high_skill_share", "province") == pytest.approx(
        np.count_nonzero(labour & (p.tier == Tier.HIGH_SKILL)) / skilled.sum()
    )
    # the employed by sector add up to the employed (every employee inside has a firm of their unit)
    by_sector = sum(
        value(recorder, 0, name, "province") for name in INDICATOR_INDEX if name.startswith("employed_")
    )
    assert by_sector == value(recorder, 0, "employed", "province")


def test_average_schooling_counts_students_at_the_level_attended(recorded):
    model, recorder = recorded
    p = model.persons
    age = p.age_months // 12
    working = (p.region < N_UNITS) & (age >= 16) & (age <= 59) & (p.status != Status.DEAD)
    level = np.maximum(p.edu, p.enrolled)[working]
    expected = SCHOOLING_YEARS[level].astype(float).mean()
    assert value(recorder, 0, "avg_schooling_years_working_age", "province") == pytest.approx(expected, rel=1e-6)


def test_flows_are_scaled_and_the_province_counts_only_border_crossings():
    recorder = Recorder(months=2, scale=50)
    flows = new_flows()
    flows.births[REGION_INDEX["jilin"]] = 3
    flows.births[REGION_INDEX["east"]] = 4
    flows.deaths[REGION_INDEX["jilin"]] = 2
    flows.add_moves(
        np.array([REGION_INDEX["changchun"], REGION_INDEX["jilin"], REGION_INDEX["east"]]),
        np.array([REGION_INDEX["jilin"], REGION_INDEX["west"], REGION_INDEX["changchun"]]),
    )
    recorder.record_flows(flows, 1)
    assert value(recorder, 1, "births", "jilin") == 150
    assert value(recorder, 1, "births", "east") == 200
    assert value(recorder, 1, "births", "province") == 150  # births outside are not the province's
    assert value(recorder, 1, "deaths", "province") == 100
    assert value(recorder, 1, "in_migrants", "jilin") == 50
    assert value(recorder, 1, "out_migrants", "jilin") == 50
    assert value(recorder, 1, "in_migrants", "province") == 50  # east -> changchun only
    assert value(recorder, 1, "out_migrants", "province") == 50  # jilin -> west only
    assert value(recorder, 1, "net_migration_within_province", "changchun") == -50
    assert value(recorder, 1, "net_migration_within_province", "jilin") == 50
    assert value(recorder, 1, "net_migration_within_province", "province") == 0
    assert np.isnan(value(recorder, 1, "net_migration_within_province", "east"))
    assert value(recorder, 1, "net_migration_interprovincial", "changchun") == 50
    assert value(recorder, 1, "net_migration_interprovincial", "west") == 50
    assert value(recorder, 1, "net_migration_interprovincial", "province") == 0
    assert np.isnan(value(recorder, 0, "births", "province"))  # month 0 not recorded


def test_to_frame_is_tidy(recorded):
    model, recorder = recorded
    recorder.record_flows(new_flows(), 0)
    frame = recorder.to_frame("demo", replicate=2, seed=9)
    assert list(frame.columns) == COLUMNS
    assert (frame["scenario"] == "demo").all()
    assert (frame["replicate"] == 2).all() and (frame["seed"] == 9).all() and (frame["scale"] == 1000).all()
    assert set(frame["date"]) == {"2020-11"}  # months without records are left out
    assert set(frame["region"]) == set(OUTPUT_REGIONS)
    assert set(frame["indicator"]) <= {ind.name for ind in INDICATORS}
    assert frame["value"].notna().all()
    assert not frame.duplicated(["date", "region", "indicator"]).any()
    population = frame[(frame["indicator"] == "population") & (frame["region"] == "province")]["value"]
    assert population.tolist() == [value(recorder, 0, "population", "province")]


@pytest.mark.parametrize(
    ("month", "expected"),
    [(0, -4), (7, -4), (8, 8), (9, 8), (19, 8), (20, 20), (31, 20), (32, 32)],
)
def test_last_graduation_month(month, expected):
    # model month 8 is 2021-07, 20 is 2022-07; -4 is July 2020, before census day
    assert last_graduation_month(month) == expected


def test_the_age_profile_adds_up_to_the_indicators(run_frame, model_run):
    """Persons, deaths and moves across the border by region, sex and age group sum to the indicators of
    every region and month; a person's age group follows the census' groups (0, 1-4, 5-9, ..., 100+)."""
    profile = model_run.recorder.age_profile_frame("baseline", 0, 0)
    assert set(profile["age_low"]) == {0, 1, *range(5, 101, 5)}
    assert profile.loc[profile["age_low"] == 1, "age_high"].unique().tolist() == [4]
    summed = profile.groupby(["date", "region", "indicator"])["value"].sum()
    net = summed.xs(("province", "in_migrants_interprovincial"), level=("region", "indicator")) - summed.xs(
        ("province", "out_migrants_interprovincial"), level=("region", "indicator")
    )
    province_net = run_frame[
        (run_frame["region"] == "province") & (run_frame["indicator"] == "net_migration_interprovincial")
    ].set_index("date")["value"]
    np.testing.assert_array_equal(net.to_numpy(), province_net.loc[net.index].to_numpy())
    wanted = {
        "population": "population",
        "deaths": "deaths",
        "in_migrants_interprovincial": "in_migrants",
        "out_migrants_interprovincial": "out_migrants",
    }
    frame = run_frame.set_index(["date", "region", "indicator"])["value"]
    for region in ("province", "changchun", "yanbian", "east"):
        for name, indicator in wanted.items():
            got = summed.xs((region, name), level=("region", "indicator"))
            want = frame.xs((region, indicator), level=("region", "indicator")).loc[got.index]
            if region != "province" and name.endswith("interprovincial"):
                # a region's in/out migrants include moves within the province (or between outside regions);
                # the profile counts only moves across the provincial border
                assert (got <= want).all()
                continue
            np.testing.assert_array_equal(got.to_numpy(), want.to_numpy(), err_msg=f"{region} {name}")
    # ages on census day: the census' age groups of the synthetic population
    census = profile[(profile["date"] == "2020-11") & (profile["region"] == "province")]
    census = census[census["indicator"] == "population"].groupby("age_low")["value"].sum()
    assert census.loc[0] == pytest.approx(116_439, rel=0.05)


def test_the_narrow_age_sex_cells_of_whole_columns_equal_the_table_ones():
    from simulator.world.flows import age_sex_cells, age_sex_cells_all

    rng = np.random.default_rng(5)
    age = np.concatenate([np.arange(128), rng.integers(0, 128, 5000)]).astype(np.int8)
    region = rng.integers(0, N_REGIONS, age.size).astype(np.int8)
    sex = rng.integers(0, 2, age.size).astype(np.int8)
    narrow = age_sex_cells_all(region, sex, age)
    assert narrow.dtype == np.int16
    np.testing.assert_array_equal(narrow, age_sex_cells(region, sex, age))

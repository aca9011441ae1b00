"""Exogenous conditions: scenario inputs loaded and checked; regional wages built with a stated method."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.geography import OUTSIDE
from simulator.inputs import CALIBRATION_DIR, DataError
from simulator.inputs.exogenous import EXOGENOUS_FILE, load_exogenous


@pytest.fixture(scope="module")
def exogenous():
    return load_exogenous()


def test_every_row_is_a_scenario_input_with_a_source(exogenous):
    table = exogenous.table
    assert (table["use"] == "scenario_input").all()
    assert table["source"].str.len().gt(0).all()
    assert set(table["method"]) <= {"observed", "derived"}


def test_outside_wages_keep_the_2020_regional_level_and_grow(exogenous):
    wages = exogenous.outside_wages().pivot(index="year", columns="region", values="wage_yuan_year")
    assert list(wages.columns) == sorted(OUTSIDE)
    assert wages.loc[2020, "east"] == 112_372 and wages.loc[2020, "central"] == 78_193
    assert (wages.diff().dropna() > 0).all().all()
    # Central has no province in the file: it moves exactly with the national average
    assert wages.loc[2022, "central"] == pytest.approx(78_193 * 114_029 / 97_379, abs=0.1)
    # the rest of the Northeast moves with Heilongjiang and Liaoning: Heilongjiang 2021/2020 = 80,369 / 74,554,
    # Liaoning (2021 only) with the national growth 106,837 / 97,379
    growth = (80_369 / 74_554 + 106_837 / 97_379) / 2
    assert wages.loc[2021, "northeast_other"] == pytest.approx(77_631 * growth, abs=0.1)


def test_every_interpolated_cell_says_so(exogenous):
    jilin = exogenous.province_wages("province", range(2019, 2025)).set_index("year")
    assert jilin.loc[2021, "method"] == "observed" and jilin.loc[2020, "method"] == "derived"
    assert jilin.loc[2024, "method"].startswith("interpolated: 2022")
    assert jilin.loc[2024, "value"] == pytest.approx(87_222 * 124_110 / 114_029)
    assert exogenous.outside_wages()["method"].str.len().gt(0).all()


def test_lockdowns_as_month_shares(exogenous):
    months = ["2022-02", "2022-03", "2022-04", "2022-05"]
    changchun = exogenous.mobility_shock("changchun", months)
    assert changchun[0] == 0 and changchun[3] == 0
    assert changchun[1] == pytest.approx(21 / 31) and changchun[2] == pytest.approx(27 / 30)
    jilin = exogenous.mobility_shock("jilin", months)
    assert jilin[1] == pytest.approx((5 * 0.5 + 11) / 31)  # partial 03-07..11, full from 03-21
    assert not exogenous.mobility_shock("baishan", months).any()


def test_unemployment_series(exogenous):
    mean = exogenous.outside_unemployment()
    assert mean.loc[(mean["region"] == "east") & (mean["year"] == 2022), "rate"].item() == pytest.approx(0.056)
    np.testing.assert_allclose(
        exogenous.monthly("unemployment_rate_month", "china", ["2022-04", "2022-05"]), [6.1, np.nan]
    )
    old = exogenous.series("youth_unemployment_rate_16_24_old_method")
    new = exogenous.series("youth_unemployment_rate_16_24")
    assert old["period_end"].max() < new["period_start"].min()  # the method break is kept, not spliced


def _broken(tmp_path: Path, edit) -> Path:
    shutil.copy(CALIBRATION_DIR / EXOGENOUS_FILE, tmp_path / EXOGENOUS_FILE)
    frame = pd.read_csv(tmp_path / EXOGENOUS_FILE, dtype=str)
    edit(frame)
    frame.to_csv(tmp_path / EXOGENOUS_FILE, index=False)
    return tmp_path


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda f: f.__setitem__("use", "fitting_target"), "never fitting targets"),
        (lambda f: f.loc.__setitem__((0, "period_start"), "2019/01/01"), "period_start: expected a date"),
        (lambda f: f.loc.__setitem__((0, "value"), "n/a"), "value: expected a number"),
        (lambda f: f.loc.__setitem__((0, "source"), ""), "source is empty"),
        (lambda f: f.loc.__setitem__((0, "outside_region"), "mars"), "outside_region must be one of"),
        (lambda f: f.__delitem__("note"), "missing columns"),
    ],
)
def test_bad_file_is_one_line_error(tmp_path, edit, message):
    directory = _broken(tmp_path, edit)
    with pytest.raises(DataError, match=message) as info:
        load_exogenous(directory)
    assert "\n" not in str(info.value) and EXOGENOUS_FILE in str(info.value)


def test_youth_series_cannot_cross_the_method_break(tmp_path):
    def edit(frame):
        rows = frame["series"] == "youth_unemployment_rate_16_24_old_method"
        frame.loc[rows.idxmax(), ["period_start", "period_end"]] = ["2024-01-01", "2024-01-31"]

    with pytest.raises(DataError, match="method break"):
        load_exogenous(_broken(tmp_path, edit))

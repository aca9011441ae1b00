"""Places: codes, one list of Chinese names, lookup by any name with a suggestion for misspellings."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.geography import REGION_ZH, UNITS, UNITS_ZH, UnknownRegion, haversine_km, label, region_code
from simulator.inputs.calibration import load_calibration


@pytest.mark.parametrize(
    "name, code",
    [
        ("changchun", "changchun"),
        ("长春", "changchun"),
        ("长春市", "changchun"),
        ("延边", "yanbian"),
        ("延边朝鲜族自治州", "yanbian"),
        ("延边州", "yanbian"),
        ("Jilin City", "jilin"),
        (" Changbaishan ", "changbaishan"),
        ("东部", "east"),
        ("吉林省", "province"),
    ],
)
def test_any_name_gives_the_code(name, code):
    assert region_code(name) == code


@pytest.mark.parametrize(
    "name, suggestion", [("changchn", "changchun"), ("长春x", "changchun"), ("yanbain", "yanbian")]
)
def test_a_misspelling_suggests_the_nearest_code(name, suggestion):
    with pytest.raises(UnknownRegion, match=f"did you mean '{suggestion}'"):
        region_code(name)


def test_units_only_where_units_are_allowed():
    with pytest.raises(UnknownRegion):
        region_code("east", allowed=UNITS)


def test_the_calibration_file_uses_the_same_chinese_names():
    # load_calibration checks units_2020.csv's name_zh against this list
    load_calibration()
    assert UNITS_ZH["yanbian"] == "延边朝鲜族自治州"
    assert set(UNITS) <= set(REGION_ZH)


def test_labels_put_chinese_beside_pinyin():
    assert label("changchun") == "长春市 Changchun"
    assert label("changchun", "zh") == "长春市"


def test_distances():
    changchun, jilin = (43.816, 125.324), (43.838, 126.549)
    km = haversine_km(np.array([changchun]), np.array([jilin]))[0, 0]
    assert 95 < km < 105

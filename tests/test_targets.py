"""calibration/targets.csv: derived by calibration/derive_targets.py, dated on or before census day."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.inputs import CALIBRATION_DIR, load_calibration
from simulator.synthesis.numerics import single_years as model_single_years

CENSUS_DAY = "2020-11-01"


def _load_script():
    spec = importlib.util.spec_from_file_location("derive_targets", CALIBRATION_DIR / "derive_targets.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


derive = _load_script()


@pytest.fixture(scope="module")
def targets() -> pd.DataFrame:
    return pd.read_csv(CALIBRATION_DIR / "targets.csv", dtype={"date": str})


def test_committed_file_equals_the_derivation():
    targets = derive.build_targets(CALIBRATION_DIR)
    assert (CALIBRATION_DIR / "targets.csv").read_text(encoding="utf-8") == derive.render(targets)
    observed = derive.render(derive.observed_record(CALIBRATION_DIR, targets))
    assert (CALIBRATION_DIR / "observed_census_record.csv").read_text(encoding="utf-8") == observed


def test_no_target_is_dated_after_census_day(targets):
    dates = pd.to_datetime(targets["date"], format="%Y-%m-%d")
    assert dates.notna().all()
    assert (dates <= pd.Timestamp(CENSUS_DAY)).all(), targets.loc[dates > pd.Timestamp(CENSUS_DAY), "target"]


def test_every_target_has_source_tolerance_weight_and_derivation(targets):
    assert targets["target"].is_unique
    for column in ("kind", "region", "sex", "unit", "source", "derivation", "tolerance_basis"):
        assert targets[column].notna().all(), column
    assert (targets["tolerance"] >= 0).all() and (targets["weight"] >= 0).all()
    fitted = targets[targets["weight"] > 0]
    assert (fitted["tolerance"] > 0).all()
    assert set(targets["sex"]) <= {"all", "male", "female"}


def test_sources_are_explained_in_sources_md(targets):
    text = (CALIBRATION_DIR / "SOURCES.md").read_text(encoding="utf-8")
    keys = {k.strip() for cell in targets["source"] for k in cell.split(";")}
    for key in keys:
        assert f"[{key}]" in text, key


def test_life_table_reproduces_the_2019_deaths_and_the_old_cohorts():
    census = derive.read_census(CALIBRATION_DIR)
    table = derive.fit_life_table(census, 186_200.0, 0.3, 1.35)
    deaths = float((census.sexes_2020 * table.hazard()).sum())
    assert deaths == pytest.approx(186_200.0, rel=1e-9)
    survivors = derive.expected_survivors(census, table)[75:].sum()
    assert survivors == pytest.approx(derive.observed_old(census), rel=1e-6)
    # a steeper table (shorter doubling) with the same deaths lets fewer of the old survive
    steep = derive.fit_level(table.doubling_years - 1.0, 0.3, 1.35, census.sexes_2020, 186_200.0)
    assert derive.expected_survivors(census, steep)[75:].sum() < survivors


def test_survival_is_one_without_mortality_and_falls_with_age():
    none = derive.LifeTable(0.0, 8.0, 0.3, 1.35)
    np.testing.assert_allclose(derive.survival_ten_years(none), 1.0)
    some = derive.survival_ten_years(derive.LifeTable(0.006, 7.0, 0.3, 1.35))
    assert (np.diff(some[5:, 1]) < 0).all()  # women past 5: older, fewer survive
    assert (some[:, 0] < some[:, 1]).all()  # men die more at every age


def test_cohort_rates_are_the_census_ratio_net_of_survival(targets):
    census = derive.read_census(CALIBRATION_DIR)
    table = derive.fit_life_table(census, 186_200.0, 0.3, 1.35)
    rates = {low: rate for low, _, _, _, rate in derive.cohort_rates(census, table)}
    # 15-19 in 2010 (1,684,347) to 25-29 in 2020 (1,259,773): -2.86 % a year before survival; the few deaths
    # expected at those ages make the migration loss slightly smaller
    raw = (1_259_773 / 1_684_347) ** 0.1 - 1
    assert raw < rates[15] < raw + 0.001
    row = targets.set_index("target").loc["cohort_net_migration_15_19_to_25_29"]
    assert row["value"] == pytest.approx(rates[15], abs=1e-5)
    assert sorted(rates) == list(range(0, 75, 5))


def test_unit_rates(targets):
    rows = targets[targets["kind"] == "unit_population_change"].set_index("region")["value"]
    assert rows["changchun"] == pytest.approx((9_066_906 / 8_767_375) ** 0.1 - 1, abs=1e-5)
    assert rows["changchun"] > 0 > rows["baishan"]
    assert rows["province"] == pytest.approx((24_073_453 / 27_452_815) ** 0.1 - 1, abs=1e-5)


def test_spread_is_the_models(calibration):
    table = calibration.age_sex_2020
    ours = derive.single_years(table.age_low, table.age_high, table.male)
    np.testing.assert_allclose(ours, model_single_years(table, table.male))


def test_missing_input_is_one_line_error(tmp_path: Path):
    for path in CALIBRATION_DIR.glob("*.csv"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "vital_statistics.csv").unlink()
    with pytest.raises(derive.TargetsError, match="vital_statistics.csv"):
        derive.build_targets(tmp_path)
    assert load_calibration  # the loader of the model still reads the committed files

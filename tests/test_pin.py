"""The pinned baseline (tests/baseline_pinned.csv): the shared run's key figures stay within their pinned
tolerances. After a change of behaviour made on purpose, run `python -m simulator.estimation.pin --update`,
which prints every figure that changed, and commit the file."""

from __future__ import annotations

import pandas as pd
from conftest import RUN_END, RUN_SCALE, SEED

from simulator.estimation import pin


def test_the_shared_run_is_the_pinned_run():
    assert (pin.SCALE, pin.SEED, pin.END) == (RUN_SCALE, SEED, RUN_END)


def test_key_figures_match_the_pinned_baseline(run_frame):
    comparison = pin.compare(pd.read_csv(pin.PINNED_FILE), pin.key_figures(run_frame))
    outside = comparison[~comparison["within"]]
    assert outside.empty, "changed beyond tolerance (pin --update if on purpose):\n" + pin.describe(outside)


def test_the_comparison_catches_a_change():
    pinned = pd.read_csv(pin.PINNED_FILE)
    fresh = pinned.copy()
    fresh.loc[fresh["key"] == "province/births/2020-11/2021-10", "value"] *= 1.1
    fresh.loc[fresh["key"] == "province/unemployment_rate/2021-11", "value"] += 0.001
    comparison = pin.compare(pinned, fresh).set_index("key")
    assert not comparison.at["province/births/2020-11/2021-10", "within"]
    assert comparison.at["province/unemployment_rate/2021-11", "within"]
    assert "births" in pin.describe(comparison.reset_index())

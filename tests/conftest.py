"""Shared fixtures: the expensive objects (calibration data, a synthesized population, a short model run) are
built once per test session and must be treated as read-only by the tests that use them.

Tests that need to change a population or a world build their own small one (scale 1000 costs a fraction of
a second) through the `small_model` factory.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest

from simulator.inputs.calibration import CalibrationData, load_calibration
from simulator.inputs.parameters import Parameters, load_parameters
from simulator.model import TalentFlowModel
from simulator.people.store import PersonStore
from simulator.rng import SYNTHESIS_STREAM, stream
from simulator.synthesis import synthesize

#: Seed of the shared fixtures.
SEED = 20201101
#: Scale and last month of the shared model run (scale 200 to 2022-12: 26 months).
RUN_SCALE = 200
RUN_END = "2022-12"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "slow: builds the whole province at scale 1 (about 20 s and 3-4 GB); deselect with -m 'not slow'",
    )


@pytest.fixture(scope="session")
def calibration() -> CalibrationData:
    return load_calibration()


@pytest.fixture(scope="session")
def parameters() -> Parameters:
    return load_parameters()


@pytest.fixture(scope="session")
def population_100(calibration: CalibrationData, parameters: Parameters) -> PersonStore:
    """The census-day population at scale 100 (read-only)."""
    return synthesize(calibration, parameters, 100, stream(SEED, SYNTHESIS_STREAM))


@pytest.fixture(scope="session")
def model_run(calibration: CalibrationData, parameters: Parameters) -> TalentFlowModel:
    """A baseline run at scale 200 from 2020-11 to 2022-12 (read-only)."""
    model = TalentFlowModel(scale=RUN_SCALE, seed=SEED, end=RUN_END, parameters=parameters, data=calibration)
    model.run()
    return model


@pytest.fixture(scope="session")
def run_frame(model_run: TalentFlowModel) -> pd.DataFrame:
    """The tidy indicator table of `model_run` (read-only)."""
    return model_run.recorder.to_frame("baseline", replicate=0, seed=SEED)


@pytest.fixture
def small_model(calibration: CalibrationData, parameters: Parameters) -> Callable[..., TalentFlowModel]:
    """Factory of fresh, unshared models at scale 1000 (a test may change them at will)."""

    def build(scale: int = 1000, seed: int = SEED, end: str = "2021-12") -> TalentFlowModel:
        return TalentFlowModel(scale=scale, seed=seed, end=end, parameters=parameters, data=calibration)

    return build

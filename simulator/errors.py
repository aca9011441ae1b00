"""The errors a user can cause with a file or an option: each is reported as one line and exit status 2."""

from __future__ import annotations

from simulator.app.server import AppError
from simulator.estimation.validate import ValidationError
from simulator.experiments.store import StoreError
from simulator.geography import UnknownRegion
from simulator.inputs.files import DataError
from simulator.recording.output import OutputError
from simulator.reports.load import ReportError
from simulator.scenario.errors import ScenarioError
from simulator.state import StateError

#: Exceptions the command reports as one line with exit status 2 (DataError includes ParameterError).
USER_ERRORS: tuple[type[Exception], ...] = (
    ScenarioError,
    DataError,
    OutputError,
    UnknownRegion,
    StateError,
    StoreError,
    ValidationError,
    ReportError,
    AppError,
)

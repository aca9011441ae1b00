"""Inputs: the figures of the world (calibration data) and the model's parameters, checked on load."""

from simulator.inputs.calibration import AgeTable, CalibrationData, load_calibration
from simulator.inputs.files import CALIBRATION_DIR, DataError
from simulator.inputs.parameters import Parameter, ParameterError, Parameters, load_parameters

__all__ = [
    "CALIBRATION_DIR",
    "AgeTable",
    "CalibrationData",
    "DataError",
    "Parameter",
    "ParameterError",
    "Parameters",
    "load_calibration",
    "load_parameters",
]

"""Estimation: simulated moments, validation against observed figures (and, on main, calibration)."""

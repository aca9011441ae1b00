"""Scenario files: the one schema of their settings, the loader (TOML, `extends`), one-line errors, and the
generated reference docs/parameters.md."""

from simulator.scenario.errors import ScenarioError
from simulator.scenario.loader import Scenario, check_end, find_scenario, load_scenario

__all__ = ["Scenario", "ScenarioError", "check_end", "find_scenario", "load_scenario"]

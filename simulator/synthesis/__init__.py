"""The synthetic population of census day (2020-11-01): census targets, numerics, assembly and a cache."""

from simulator.synthesis.population import synthesize

__all__ = ["synthesize"]

"""Allow `python -m simulator`."""

from simulator.cli import entry

entry()

"""Branching: runs that share their seed, scale, end, parameter values and exogenous conditions draw the same
random numbers and
follow the same rules until the first month where their levers differ, so those months are simulated once
and every run continues from that state (simulator.state); results are identical to separate runs.

A lever differs if it is enabled in some of the runs' scenarios and not in all, or with other settings; the
runs diverge at the earliest start month of such levers. Runs whose levers never differ share the whole
run.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

from simulator.dates import date_to_month
from simulator.run import RunSpec


@dataclass
class Branch:
    """Runs continued from one shared state at the start of model month `month` (the state is made by
    running `runs[0]` to that month)."""

    month: int
    runs: list[RunSpec]


def _levers(spec: RunSpec) -> set[str]:
    out = set()
    levers = spec.scenario.levers
    for kind in type(levers).model_fields:
        for lever in getattr(levers, kind):
            if lever.enabled:
                out.add(json.dumps({"kind": kind, **lever.model_dump(mode="json")}, sort_keys=True))
    return out


def divergence_month(runs: list[RunSpec]) -> int:
    """First model month in which the levers of `runs` differ; their number of months if never."""
    tables = [_levers(r) for r in runs]
    differing = set.union(*tables) - set.intersection(*tables)
    months = date_to_month(runs[0].end) + 1
    return min([date_to_month(json.loads(t)["start"]) for t in differing] + [months])


def plan(runs: list[RunSpec], enabled: bool = True) -> tuple[list[Branch], list[RunSpec]]:
    """Split runs into branches (two or more runs sharing at least one month) and runs made alone."""
    if not enabled:
        return [], list(runs)
    groups: dict[tuple, list[RunSpec]] = defaultdict(list)
    for spec in runs:
        conditions = json.dumps(spec.scenario.conditions.model_dump(mode="json"), sort_keys=True)
        key = (spec.seed, spec.scale, spec.end, tuple(sorted(spec.parameters.items())), conditions)
        groups[key].append(spec)
    branches, alone = [], []
    for members in groups.values():
        month = divergence_month(members) if len(members) > 1 else 0
        if month >= 1:
            branches.append(Branch(month, members))
        else:
            alone.extend(members)
    return branches, alone

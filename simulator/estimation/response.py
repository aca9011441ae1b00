"""The model's response to outside unemployment: the baseline with every outside region's unemployment rate
(average and, through the census-day youth ratio, youth) at 5 % and at 8 % for the whole run, same seeds.

    python -m simulator.estimation.response [--scale 200] [--seeds 1 2 3] [--end 2021-10]

prints, for each seed, the net inter-provincial migration over the run at both rates and the change.
"""

from __future__ import annotations

import argparse

import numpy as np

from simulator.inputs.calibration import load_calibration
from simulator.inputs.parameters import load_parameters
from simulator.model import TalentFlowModel
from simulator.scenario import load_scenario, schema


def net_migration(rate: float, scale: int, seed: int, end: str) -> float:
    """Net inter-provincial migration of the province over the run, with outside unemployment at `rate`."""
    baseline = load_scenario("baseline")
    conditions = schema.Conditions(
        outside=[schema.OutsideConditions(year=2020, region="all", unemployment_rate=rate)]
    )
    model = TalentFlowModel(
        scale=scale,
        seed=seed,
        end=end,
        parameters=load_parameters().with_overrides(baseline.parameters),
        levers=baseline.levers,
        data=load_calibration(),
        conditions=conditions,
    )
    model.run()
    frame = model.recorder.to_frame("response", 0, seed)
    rows = frame[(frame["region"] == "province") & (frame["indicator"] == "net_migration_interprovincial")]
    return float(rows["value"].sum())


def main(argv: list[str] | None = None) -> None:
    """Print net migration at 5 % and 8 % outside unemployment for each seed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=200)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--end", default="2021-10")
    args = parser.parse_args(argv)
    changes = []
    for seed in args.seeds:
        low, high = (net_migration(r, args.scale, seed, args.end) for r in (0.05, 0.08))
        changes.append((high - low) / abs(low))
        change = f"{high - low:+,.0f}, {changes[-1]:+.1%}"
        print(f"seed {seed}: net migration {low:,.0f} at 5 %, {high:,.0f} at 8 % ({change})")
    print(f"mean change {np.mean(changes):+.1%} over {len(changes)} seeds (scale {args.scale}, to {args.end})")


if __name__ == "__main__":
    main()

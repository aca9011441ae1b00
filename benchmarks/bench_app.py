"""How long the student page takes for a month at its default scale: the model's step (with the followed
persons' records) and the making of the first tab's charts (inline SVG) and unit bars (HTML), which the page
redraws after each step. The browser's own round trip is measured by tests/test_app.py's browser test.

    .venv/bin/python benchmarks/bench_app.py [--scale N] [--months M]
"""

from __future__ import annotations

import argparse
import statistics
import time

from simulator.app.model import ClassroomModel
from simulator.app.page import CHARTS, DEFAULT_SCALE, _unit_arrays, line_svg, unit_bars_html
from simulator.app.settings import AppSettings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=DEFAULT_SCALE)
    parser.add_argument("--months", type=int, default=24)
    args = parser.parse_args()
    started = time.perf_counter()
    model = ClassroomModel(AppSettings(scale=args.scale))
    build = time.perf_counter() - started
    steps, draws = [], []
    for _ in range(args.months):
        t0 = time.perf_counter()
        model.step()
        t1 = time.perf_counter()
        for indicator, _ in CHARTS:
            line_svg(*model.series(indicator))
        unit_bars_html(_unit_arrays(model)[3])
        for agent in model.followed:  # what the persons tab reads
            agent.observe()
        draws.append(time.perf_counter() - t1)
        steps.append(t1 - t0)
    total = [s + d for s, d in zip(steps, draws, strict=True)]
    print(f"scale {args.scale}: {model.persons.n:,} persons, model built in {build:.2f} s")
    print(f"model step per month: mean {statistics.mean(steps):.3f} s, max {max(steps):.3f} s")
    print(f"charts per month:     mean {statistics.mean(draws):.3f} s, max {max(draws):.3f} s")
    print(f"month on the page (step + charts): mean {statistics.mean(total):.3f} s, max {max(total):.3f} s")


if __name__ == "__main__":
    main()

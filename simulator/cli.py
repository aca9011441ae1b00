"""The `talentsim` command.

`talentsim run SCENARIO.toml [--scale N] [--seed S] [--end YYYY-MM] [--out DIR]` simulates a scenario and
writes its indicators and manifest. Bad input is one line on stderr and exit status 2, with no output.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import NoReturn

import pandas as pd

from simulator.data import DataError, load_calibration, load_parameters
from simulator.output import write_run
from simulator.reports.load import ReportError
from simulator.run import run_spec, spec_for
from simulator.scenario import ScenarioError, check_end, load_scenario
from simulator.world import date_to_month

DEFAULT_SCALE = 100
DEFAULT_SEED = 1
DEFAULT_END = "2025-12"
EXIT_USAGE = 2


class UsageError(Exception):
    """Bad command-line input."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit status 2."""

    def error(self, message: str) -> NoReturn:  # noqa: D102
        raise UsageError(f"{self.prog}: {message}")


def _whole_number(minimum: int):  # noqa: ANN202
    """An argparse type: a whole number of at least `minimum`."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise argparse.ArgumentTypeError(f"expected a whole number of at least {minimum} (got {text!r})")
        return value

    return parse


_scale = _whole_number(1)
_seed = _whole_number(0)


def _end(text: str) -> str:
    try:
        check_end(text, "--end", "")
    except ScenarioError:
        raise argparse.ArgumentTypeError(f"expected a month YYYY-MM from 2020-12 on (got {text!r})") from None
    return text


def build_parser() -> Parser:
    """The command-line interface."""
    parser = Parser(prog="talentsim", description="Agent-based simulator of talent flows in Jilin Province.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    run = commands.add_parser(
        "run",
        help="simulate a scenario month by month and write its indicators",
        description="Simulate SCENARIO from census day (2020-11) to --end and write "
        "indicators.parquet, indicators.csv and manifest.json.",
    )
    run.add_argument("scenario", help="scenario file (TOML), e.g. scenarios/baseline.toml")
    run.add_argument(
        "--scale",
        type=_scale,
        default=None,
        help=f"residents per simulated person, 1 = everyone (default: the scenario's, else {DEFAULT_SCALE})",
    )
    run.add_argument(
        "--seed", type=_seed, default=None, help=f"random seed (default: the scenario's, else {DEFAULT_SEED})"
    )
    run.add_argument("--end", type=_end, default=None, help=f"last month YYYY-MM (default: {DEFAULT_END})")
    run.add_argument("--out", type=Path, default=None, help="output folder (default: outputs/<scenario name>)")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    report = commands.add_parser(
        "report",
        help="write an HTML report of a run folder or a batch store",
        description="Write one self-contained HTML file with the figures and tables of a run or a batch store.",
    )
    report.add_argument(
        "source", type=Path, help="a run folder (talentsim run) or a batch store (talentsim batch)"
    )
    report.add_argument("--baseline", default=None, help="scenario of a store the others are compared with")
    report.add_argument("--lang", choices=("en", "zh"), default="en", help="language of headings and labels")
    report.add_argument("--out", type=Path, default=None, help="HTML file (default: SOURCE/report.html)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `talentsim` command."""
    try:
        args = build_parser().parse_args(argv)
        return {"run": _run, "report": _report}[args.command](args)
    except (UsageError, ScenarioError, DataError, ReportError) as exc:
        print(str(exc).replace("\n", " "), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("talentsim: interrupted; nothing was written", file=sys.stderr)
        return 130


def _progress(quiet: bool):  # noqa: ANN202
    start = time.perf_counter()

    interactive = sys.stderr.isatty()

    def show(done: int, total: int) -> None:
        if quiet:
            return
        elapsed = time.perf_counter() - start
        if not interactive:  # a log: one line a simulated year
            if done % 12 == 0 or done == total:
                print(f"  {done}/{total} months, {elapsed:.1f} s", file=sys.stderr, flush=True)
            return
        width = 30
        filled = int(width * done / total)
        sys.stderr.write(f"\r  [{'#' * filled}{'.' * (width - filled)}] {done}/{total} months, {elapsed:5.1f} s")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def _report(args: argparse.Namespace) -> int:
    from simulator.reports.report import render_report  # matplotlib and fonts load only for this command

    path = render_report(args.source, baseline=args.baseline, lang=args.lang, out=args.out)
    print(f"wrote {path}")
    return 0


def _run(args: argparse.Namespace) -> int:
    parameters = load_parameters()
    scenario = load_scenario(args.scenario, parameters)
    scale = args.scale or scenario.run.get("scale", DEFAULT_SCALE)
    seed = args.seed if args.seed is not None else scenario.run.get("seed", DEFAULT_SEED)
    end = args.end or scenario.run.get("end", DEFAULT_END)
    out = args.out or Path("outputs") / scenario.name
    data = load_calibration()
    print(
        f"talentsim: {scenario.name} at scale {scale} (1 simulated person per {scale} residents), seed {seed}, "
        f"2020-11 to {end}"
    )
    late = [lv.name for lv in scenario.levers.all() if date_to_month(lv.start) > date_to_month(end)]
    if late:
        print(
            f"talentsim: note: {', '.join(late)} start(s) after {end} and will not act in this run",
            file=sys.stderr,
        )
    spec = spec_for(scenario, scale=scale, seed=seed, end=end)
    started = time.perf_counter()
    frame, manifest = run_spec(spec, progress=_progress(args.quiet), data=data, parameters=parameters)
    elapsed = time.perf_counter() - started
    write_run(out, frame, manifest)
    print(summary_table(frame))
    print(f"wrote {out}/indicators.parquet, indicators.csv, manifest.json ({elapsed:.1f} s)")
    return 0


SUMMARY_STOCKS = (
    ("population", "{:,.0f}"),
    ("working_age_population", "{:,.0f}"),
    ("employed", "{:,.0f}"),
    ("unemployment_rate", "{:.1%}"),
    ("mean_wage", "{:,.0f}"),
    ("professional_technical_talent", "{:,.0f}"),
    ("high_skill_talent", "{:,.0f}"),
    ("high_skill_share", "{:.1%}"),
    ("avg_schooling_years_working_age", "{:.2f}"),
    ("tertiary_educated_share", "{:.1%}"),
)
SUMMARY_FLOWS = ("births", "deaths", "net_migration_interprovincial", "graduates", "training_person_times")
SUMMARY_TARGETS = (
    ("high_skill_talent", "target_attainment_high_skill_talent", "{:,.0f}"),
    ("high_skill_share", "target_attainment_high_skill_share", "{:.1%}"),
    ("training_person_times_since_2021", "target_attainment_training", "{:,.0f}"),
)


def summary_table(frame: pd.DataFrame) -> str:
    """Census day against the last month for the main indicators of the province, and the run's flows."""
    province = frame[frame["region"] == "province"].pivot(index="date", columns="indicator", values="value")
    first, last = province.index[0], province.index[-1]
    lines = [f"{'province':34s}{first:>16s}{last:>16s}"]
    for name, fmt in SUMMARY_STOCKS:
        lines.append(
            f"{name:34s}{fmt.format(province.at[first, name]):>16s}{fmt.format(province.at[last, name]):>16s}"
        )
    lines.append(f"{'flows, ' + first + ' to ' + last:34s}{'total':>16s}{'per year':>16s}")
    years = len(province) / 12.0
    for name in SUMMARY_FLOWS:
        total = province[name].sum()
        lines.append(f"{name:34s}{total:>16,.0f}{total / years:>16,.0f}")
    lines.append(f"{'plan targets for 2025, at ' + last:34s}{'value':>16s}{'attainment':>16s}")
    for name, attainment, fmt in SUMMARY_TARGETS:
        value, share = province.at[last, name], province.at[last, attainment]
        lines.append(f"{name:34s}{fmt.format(value):>16s}{share:>16.1%}")
    spending = [c for c in province.columns if c.startswith("policy_spending_yuan.")]
    if spending:
        lines.append(f"{'policy spending, million yuan':34s}{'total':>16s}{'per year':>16s}")
        for name in sorted(spending, key=lambda c: -province[c].sum()):
            total = province[name].sum() / 1e6
            label = name.split(".", 1)[1][:33]
            lines.append(f"{label:34s}{total:>16,.1f}{total / years:>16,.1f}")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())

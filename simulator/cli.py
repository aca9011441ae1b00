"""The `talentsim` command: parses arguments and hands them to the module that does the work.

Bad input is one line on standard error and exit status 2, with nothing written; Ctrl-C at any moment is one
line and exit status 130. Heavy modules are imported only inside the handlers, so that even an interrupt
during start-up is answered in one line.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import NoReturn

from simulator import __version__

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
#: Range of --scale (the scenario schema's `run.scale` has the same; a test checks they agree).
MAX_SCALE = 100_000


class UsageError(Exception):
    """Bad command-line input."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit status 2."""

    def error(self, message: str) -> NoReturn:  # noqa: D102
        raise UsageError(f"{self.prog}: {message}")


def whole_number(minimum: int, maximum: int | None = None):  # noqa: ANN201
    """An argparse type: a whole number in [minimum, maximum]."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum or (maximum is not None and value > maximum):
            wanted = f"in [{minimum}, {maximum}]" if maximum is not None else f"of at least {minimum}"
            raise argparse.ArgumentTypeError(f"expected a whole number {wanted} (got {text!r})")
        return value

    return parse


def month(text: str) -> str:
    """An argparse type: a month YYYY-MM from 2020-12 on."""
    from simulator.dates import date_to_month

    try:
        ok = date_to_month(text) >= 1
    except ValueError:
        ok = False
    if not ok:
        raise argparse.ArgumentTypeError(f"expected a month YYYY-MM from 2020-12 on (got {text!r})")
    return text


def build_parser() -> Parser:
    """The command-line interface."""
    parser = Parser(prog="talentsim", description="Agent-based simulator of talent flows in Jilin Province.")
    parser.add_argument("--version", action="version", version=f"talentsim {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    run = commands.add_parser(
        "run",
        help="simulate a scenario month by month and write its indicators",
        description="Simulate SCENARIO from census day (2020-11) to --end and write "
        "indicators.parquet, indicators.csv and manifest.json.",
    )
    run.add_argument(
        "scenario", help="scenario file (TOML), e.g. scenarios/baseline.toml, or a name in scenarios/ (baseline)"
    )
    run.add_argument(
        "--scale",
        type=whole_number(1, MAX_SCALE),
        default=None,
        help="residents per simulated person, 1 = everyone (default: the scenario's run.scale, else 100)",
    )
    run.add_argument(
        "--seed", type=whole_number(0), default=None, help="random seed (default: the scenario's, else 1)"
    )
    run.add_argument(
        "--end", type=month, default=None, help="last month YYYY-MM (default: the scenario's, else 2025-12)"
    )
    run.add_argument("--out", type=Path, default=None, help="output folder (default: outputs/<scenario name>)")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    validate = commands.add_parser(
        "validate",
        help="compare a run or a batch store with observed figures, beside two naive forecasts",
        description="Compare RUN_OR_STORE with the observed figures of FILE.csv (columns region, indicator, "
        "date or year, value; see calibration/observed_census_record.csv) and write the errors.",
    )
    validate.add_argument("source", type=Path, help="a run folder or a batch store", metavar="RUN_OR_STORE")
    validate.add_argument("--observed", type=Path, required=True, help="observed figures (tidy CSV)")
    validate.add_argument(
        "--out", type=Path, default=None, help="output CSV (default: RUN_OR_STORE/validation.csv)"
    )
    validate.add_argument("--scenario", default=None, help="the scenario to take from a store holding several")
    validate.add_argument("--history", type=Path, default=None, help="pre-census figures for the naive forecasts")
    calibrate = commands.add_parser(
        "calibrate",
        help="fit the baseline's behavioural parameters to the census record (simulated method of moments)",
        description="Fit the parameters named in CONFIG.toml (e.g. calibration/calibrate.toml) to the targets "
        "dated on or before census day; write a report into --out and the fitted values into "
        "calibration/parameters.csv (not with --quick).",
    )
    calibrate.add_argument("config", type=Path, help="calibration configuration (TOML)")
    calibrate.add_argument("--quick", action="store_true", help="a small smoke fit; parameters.csv is not written")
    calibrate.add_argument(
        "--out", type=Path, default=None, help="report folder (default: outputs/calibration or calibration_quick)"
    )
    return parser


def _calibrate(args: argparse.Namespace) -> int:
    from simulator.estimation.calibrate import calibrate_command

    return calibrate_command(args.config, quick=args.quick, out=args.out)


def _validate(args: argparse.Namespace) -> int:
    from simulator.estimation.validate import validate_command

    return validate_command(args.source, args.observed, args.out, args.scenario, args.history)


def _run(args: argparse.Namespace) -> int:
    from simulator.run import run_command

    return run_command(
        args.scenario, scale=args.scale, seed=args.seed, end=args.end, out=args.out, quiet=args.quiet
    )


HANDLERS = {"run": _run, "validate": _validate, "calibrate": _calibrate}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `talentsim` command."""
    try:
        args = build_parser().parse_args(argv)
        from simulator.errors import USER_ERRORS

        try:
            return HANDLERS[args.command](args)
        except USER_ERRORS as exc:
            print(str(exc).replace("\n", " "), file=sys.stderr)
            return EXIT_USAGE
    except UsageError as exc:
        print(str(exc).replace("\n", " "), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("talentsim: interrupted; nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED


def entry() -> NoReturn:
    """The console script: run `main`, then exit with its status.

    Once `main` has returned, the work is done (or abandoned cleanly): an interrupt while the interpreter
    shuts down would change nothing, so it is ignored rather than shown as a traceback.
    """
    code = main()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise SystemExit(code)


if __name__ == "__main__":
    entry()

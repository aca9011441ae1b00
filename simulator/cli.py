"""The `talentsim` command: parses arguments and hands them to the module that does the work.

Bad input is one line on standard error and exit status 2, with nothing written; Ctrl-C at any moment is one
line and exit status 130. Heavy modules are imported only inside the handlers, so that even an interrupt
during start-up is answered in one line.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from typing import NoReturn

from simulator import __version__

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
#: Range of --scale (the scenario schema's `run.scale` has the same; a test checks they agree).
MAX_SCALE = 100_000
#: Largest seed (as in scenario files: the largest signed 64-bit integer).
MAX_SEED = 2**63 - 1


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
        "--seed",
        type=whole_number(0, MAX_SEED),
        default=None,
        help="random seed (default: the scenario's, else 1)",
    )
    run.add_argument(
        "--end", type=month, default=None, help="last month YYYY-MM (default: the scenario's, else 2025-12)"
    )
    run.add_argument("--out", type=Path, default=None, help="output folder (default: outputs/<scenario name>)")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.add_argument(
        "--save-state", type=month, metavar="YYYY-MM", help="save the model at the start of this month"
    )
    run.add_argument("--state-file", type=Path, metavar="FILE", help="the file --save-state writes")
    run.add_argument("--from-state", type=Path, metavar="FILE", help="continue from a state saved by --save-state")
    _experiment_commands(commands)
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
    app = commands.add_parser(
        "app",
        help="serve the student page (Mesa SolaraViz) on 127.0.0.1",
        description="Serve the student page at http://127.0.0.1:PORT/ (this machine only) until Ctrl-C.",
    )
    app.add_argument("--port", type=whole_number(1, 65535), default=8765, help="port (default: 8765)")
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


def _experiment_commands(commands: argparse._SubParsersAction) -> None:
    """`talentsim batch`, `compare` and `sensitivity` (the work is in simulator.experiments.commands)."""
    batch = commands.add_parser("batch", help="run an experiment (scenarios x samples x replicates) into a store")
    batch.add_argument("experiment", help="experiment file (TOML), e.g. experiments/scenarios.toml")
    batch.add_argument("--out", type=Path, default=None, help="store folder (default: outputs/<experiment name>)")
    batch.add_argument(
        "--workers", type=whole_number(1, 4096), help="local worker processes (default: one a core)"
    )
    batch.add_argument("--scheduler", metavar="ADDRESS", help="send the runs to a Dask scheduler, tcp://HOST:PORT")
    batch.add_argument("--resume", action="store_true", help="run only what is missing from an existing store")
    batch.add_argument("--quiet", action="store_true", help="no progress bar")
    compare = commands.add_parser("compare", help="paired differences and costs of scenarios against a baseline")
    compare.add_argument("store", type=Path, help="a store written by talentsim batch")
    compare.add_argument("--baseline", required=True, help="name of the scenario to compare with")
    compare.add_argument("--out", type=Path, help="write the differences to FILE.csv or FILE.parquet")
    sensitivity = commands.add_parser("sensitivity", help="Sobol or Morris indices of a sampled store (SALib)")
    sensitivity.add_argument("store", type=Path, help="a store of an experiment sampled with sobol or morris")
    sensitivity.add_argument("--indicator", required=True, help="indicator name, e.g. population")
    sensitivity.add_argument("--region", default="province", help="region (default: province)")
    sensitivity.add_argument("--year", type=whole_number(2020, 2100), help="year (default: the last)")
    sensitivity.add_argument("--out", type=Path, help="write the indices to FILE.csv or FILE.parquet")


def _validate(args: argparse.Namespace) -> int:
    from simulator.estimation.validate import validate_command

    return validate_command(args.source, args.observed, args.out, args.scenario, args.history)


def _run(args: argparse.Namespace) -> int:
    from simulator.run import run_command

    if (args.save_state is None) != (args.state_file is None):
        raise UsageError("talentsim run: --save-state YYYY-MM and --state-file FILE go together")
    return run_command(
        args.scenario,
        scale=args.scale,
        seed=args.seed,
        end=args.end,
        out=args.out,
        quiet=args.quiet,
        save_state=(args.save_state, args.state_file) if args.save_state else None,
        from_state=args.from_state,
    )


def _experiments(args: argparse.Namespace) -> int:
    from simulator.experiments import commands

    return getattr(commands, args.command)(args)


def _report(args: argparse.Namespace) -> int:
    from simulator.reports.report import render_report

    path = render_report(args.source, baseline=args.baseline, lang=args.lang, out=args.out)
    print(f"wrote {path}")
    return 0


def _app(args: argparse.Namespace) -> int:
    from simulator.app.server import serve

    return serve(args.port)


HANDLERS = {
    "run": _run,
    "validate": _validate,
    "calibrate": _calibrate,
    "report": _report,
    "app": _app,
    "batch": _experiments,
    "compare": _experiments,
    "sensitivity": _experiments,
}


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
    except KeyboardInterrupt as exc:
        written = getattr(exc, "destination", None)
        if written is not None:
            print(f"talentsim: interrupted; the run was already written to {written}", file=sys.stderr)
        else:
            print("talentsim: interrupted; nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED


def entry() -> NoReturn:
    """The console script: run `main`, then exit with its status.

    Once `main` has returned, the work is done (or abandoned cleanly): an interrupt while the interpreter
    shuts down would change nothing, so it is ignored rather than shown as a traceback.
    """
    signal.signal(signal.SIGTERM, _terminate)  # `kill` is answered like Ctrl-C: one line, nothing half written
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:  # the reader of our output went away (`talentsim run ... | head`): nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if code == EXIT_INTERRUPTED:
        _exit_interrupted()
    raise SystemExit(code)


def _exit_interrupted() -> NoReturn:
    """Exit with status 130 now, after the exit handlers and with the standard streams flushed.

    After an interrupt during start-up that `main` caught and answered, the interpreter's own shutdown
    sometimes still ended the process by SIGINT: status -2 instead of 130 in 4 of 300 interrupts sent
    0.2-0.7 s into a scale-100 run, 0 of 300 when leaving this way. (CPython re-raises SIGINT at exit when
    it has marked an interrupt as unhandled, which code run during an import can do; the cause was not
    pinned down further.) Only the interrupted path leaves so; every other status goes through
    `SystemExit`.
    """
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    os._exit(EXIT_INTERRUPTED)


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    entry()

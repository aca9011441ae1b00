"""The work of `talentsim batch`, `talentsim compare` and `talentsim sensitivity` (the parsing is in
simulator/cli.py). Bad input raises a one-line error before anything is written."""

from __future__ import annotations

import re
import sys
from argparse import Namespace
from pathlib import Path

from simulator.dates import date_to_month
from simulator.experiments import runner
from simulator.experiments.compare import COST_COLUMNS, compare_store, format_tables
from simulator.experiments.sensitivity import format_table, sensitivity_store
from simulator.experiments.spec import ExperimentError, load_experiment
from simulator.experiments.store import check_store, open_store
from simulator.experiments.tables import check_target, write_table

SCHEDULER_ADDRESS = re.compile(r"^(tcp|tls|ucx|ws|wss)://[^\s/]+:\d{1,5}/?$")
EXIT_INTERRUPTED = 130


def batch(args: Namespace) -> int:
    """Run an experiment into its store; 0 when every run finished, 1 when some failed, 130 on Ctrl-C."""
    if args.scheduler is not None and args.workers is not None:
        raise ExperimentError("--workers", "", "cannot be combined with --scheduler (the cluster has its workers)")
    if args.scheduler is not None and not SCHEDULER_ADDRESS.match(args.scheduler):
        raise ExperimentError(
            "--scheduler", "", f"expected an address like tcp://HOST:PORT (got {args.scheduler!r})"
        )
    experiment = load_experiment(args.experiment)
    out = args.out or Path("outputs") / experiment.name
    existing, notes = check_store(out, experiment, args.resume)
    end = date_to_month(experiment.end)
    for scenario in experiment.scenarios:
        late = [lv.name for lv in scenario.levers.all() if date_to_month(lv.start) > end]
        if late:
            notes.append(
                f"note: {scenario.name}: {', '.join(late)} start(s) after {experiment.end} and will not act"
            )
    store = None
    if existing is not None:
        store, opened = open_store(out, experiment, args.resume)
        notes += opened
        total = len(experiment.runs())
        if len(store.finished()) >= total:
            for note in notes:
                print(f"talentsim: {note}", file=sys.stderr)
            print(f"nothing to run: all {total} runs of {experiment.name!r} are in {out}")
            return 0
    try:
        client, cluster = runner.connect(args.workers, args.scheduler)
    except (OSError, TimeoutError) as exc:
        if args.scheduler is None:
            raise ExperimentError("talentsim batch", "", f"cannot start local workers ({exc})") from None
        raise ExperimentError("--scheduler", "", f"cannot connect to {args.scheduler} ({exc})") from None
    try:
        if store is None:
            store, _ = open_store(out, experiment, args.resume)
        for note in notes:
            print(f"talentsim: {note}", file=sys.stderr)
        runs = len(experiment.scenarios) * len(experiment.samples) * experiment.replicates
        samples = f" x {len(experiment.samples)} samples" if experiment.design is not None else ""
        print(
            f"talentsim batch: {experiment.name}: {len(experiment.scenarios)} scenarios{samples} x "
            f"{experiment.replicates} replicates = {runs} runs at scale {experiment.scale} to {experiment.end}, "
            f"on {runner.describe_target(args.workers, args.scheduler, client)}"
        )
        progress = runner.Progress(0, quiet=args.quiet)
        result = runner.run_batch(experiment, store, client, progress=progress)
    except KeyboardInterrupt:
        result = None
    finally:
        _close(client, cluster)
    if result is None or result.interrupted:
        kept = f"the finished runs are in {out}; " if store is not None else ""
        print(f"talentsim: interrupted; {kept}run again with --resume to make the rest", file=sys.stderr)
        return EXIT_INTERRUPTED
    if result.skipped:
        print(f"  {result.skipped} runs were already in the store")
    if result.copies:
        print(f"  {result.copies} runs were the same run under another sample number and were made once")
    if result.branches and not result.unbranched:
        print(f"  {result.branches} branches shared {result.shared_months} simulated months")
    if result.unbranched:
        print(
            f"talentsim: note: shared months could not be saved ({result.unbranched}); runs were made from "
            "census day instead",
            file=sys.stderr,
        )
    print(f"wrote {out}: {result.ok} runs finished, {result.failed} failed ({result.seconds:.1f} s)")
    if result.failed:
        print(
            f"talentsim: {result.failed} runs failed (first: {result.first_error}); see {out}/runs.parquet",
            file=sys.stderr,
        )
        return 1
    return 0


def _close(client: object, cluster: object) -> None:
    """Close the client and the local cluster, quietly (also after Ctrl-C)."""
    for thing in (client, cluster):
        if thing is None:
            continue
        try:
            thing.close()  # type: ignore[attr-defined]
        except BaseException:  # noqa: BLE001, S110 - closing after an interruption must not raise
            pass


def compare(args: Namespace) -> int:
    """Print the paired differences and costs of every scenario against the baseline; write them.

    The file `--out` holds the differences (without the two level means, which are printed and given by
    `compare_store`), and `<stem>_costs<suffix>` beside it the costs.
    """
    if args.out is not None:
        check_target(args.out, "differences", None)
    differences, costs = compare_store(args.store, args.baseline)
    print(format_tables(differences, costs))
    if args.out is not None:
        written = differences.drop(columns=["variant_mean", "baseline_mean"])
        costs_path = args.out.with_name(f"{args.out.stem}_costs{args.out.suffix}")
        check_target(args.out, "differences", list(written.columns))
        check_target(costs_path, "costs", COST_COLUMNS)
        write_table(written, args.out, "differences")
        write_table(costs, costs_path, "costs")
        print(f"wrote {args.out} and {costs_path}")
    return 0


def sensitivity(args: Namespace) -> int:
    """Print the ranked sensitivity indices of an indicator; write them."""
    if args.out is not None:
        check_target(args.out, "sensitivity", None)
    table = sensitivity_store(args.store, args.indicator, args.region, args.year)
    print(format_table(table))
    if args.out is not None:
        check_target(args.out, "sensitivity", list(table.columns))
        write_table(table, args.out, "sensitivity")
        print(f"wrote {args.out}")
    return 0

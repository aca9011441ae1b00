"""Paired differences and cost per outcome of a batch store against a baseline scenario, exactly as `talentsim
compare` computes them (`simulator.experiments.compare.compare_store`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from simulator.reports.load import ReportError, ReportInput


def compare(data: ReportInput, baseline: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(differences, costs) of every scenario of a store against `baseline`, paired run by run.

    Raises:
        ReportError: the store cannot be compared (the batch package's one-line message).
    """
    # imported here: it loads scipy.stats, which a report without --baseline does not need
    from simulator.experiments.compare import compare_store

    try:
        return compare_store(Path(data.path), baseline)
    except ValueError as exc:
        raise ReportError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None

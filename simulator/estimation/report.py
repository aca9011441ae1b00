"""The report of a fit: Markdown, CSV tables and PNG plots (written by `talentsim calibrate`).

- every target: observed value, tolerance, weight, the simulated mean and range over the replicates at the
  fitted values, the standardised residual z = (mean - observed) / tolerance, whether |z| <= 1, and its
  share of the loss;
- the fitted parameters with their bounds, start values and approximate standard errors;
- the optimiser's trace (the loss of every candidate, by stage);
- identification: the Jacobian of the weighted residuals with respect to the parameters (in their unit
  ranges) at the optimum; its singular values; and the parameters whose whole range moves the residuals by
  less than one tolerance (not identified by the targets), or that load on a direction of the parameter
  space the targets barely see.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from simulator.estimation.config import CalibrationConfig  # noqa: E402
from simulator.estimation.objective import FitSetup, format_value, loss  # noqa: E402

#: A parameter whose whole range moves the weighted residuals by less than this (in tolerances) is not
#: identified by the targets.
IDENTIFIED_NORM = 1.0


def target_table(setup: FitSetup, moments: np.ndarray) -> pd.DataFrame:
    """One row per moment: observed, simulated mean and range over replicates, z, within tolerance."""
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(moments)
        count = finite.sum(axis=0)
        mean = np.where(
            count > 0, np.nansum(np.where(finite, moments, 0.0), axis=0) / np.maximum(count, 1), np.nan
        )
        low = np.where(count > 0, np.nanmin(np.where(finite, moments, np.inf), axis=0), np.nan)
        high = np.where(count > 0, np.nanmax(np.where(finite, moments, -np.inf), axis=0), np.nan)
    z = (mean - setup.observed) / setup.tolerance
    contribution = setup.weight * np.where(np.isfinite(z), z, 0.0) ** 2
    return pd.DataFrame(
        {
            "target": setup.moment_names,
            "observed": setup.observed,
            "tolerance": setup.tolerance,
            "weight": setup.weight,
            "simulated_mean": mean,
            "simulated_min": low,
            "simulated_max": high,
            "replicates": count,
            "z": z,
            "within_tolerance": np.where(np.isfinite(z), np.abs(z) <= 1.0, False),
            "loss_contribution": contribution,
        }
    )


def identification(setup: FitSetup, jacobian: np.ndarray) -> dict[str, Any]:
    """Column norms, singular values and approximate standard errors from the Jacobian (unit-cube scale)."""
    norms = np.linalg.norm(jacobian, axis=0)
    u, s, vt = np.linalg.svd(jacobian, full_matrices=False)
    span = setup.high - setup.low
    with np.errstate(divide="ignore", invalid="ignore"):
        inverse = np.where(s > 1e-9 * max(s.max(), 1e-300), 1.0 / s**2, np.inf)
        variance = (vt.T**2 * inverse[None, :]).sum(axis=1)
    standard_error = np.sqrt(variance) * span
    weak = [
        {
            "singular_value": float(s[i]),
            "loadings": {setup.names[j]: float(vt[i, j]) for j in np.argsort(-np.abs(vt[i]))[:3]},
        }
        for i in range(s.size)
        if s[i] < IDENTIFIED_NORM
    ]
    return {
        "norms": norms,
        "singular_values": s,
        "standard_error": standard_error,
        "not_identified": [n for n, v in zip(setup.names, norms, strict=True) if v < IDENTIFIED_NORM],
        "weak_directions": weak,
    }


def _save_figure(fig: plt.Figure, path: Path) -> None:
    """Lay out, write at the report's resolution and close a figure."""
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _plot_trace(trace: pd.DataFrame, path: Path) -> None:
    fig, ax = plt.subplots(figsize=(7, 3.5))
    for stage, colour in (("global", "tab:blue"), ("local", "tab:orange"), ("identification", "tab:grey")):
        part = trace[trace["stage"] == stage]
        if not part.empty:
            ax.scatter(part["evaluation"], part["loss"], s=8, label=stage, color=colour)
    ax.plot(trace["evaluation"], trace["loss"].cummin(), color="black", lw=1, label="best so far")
    ax.set_yscale("log")
    ax.set_xlabel("candidate")
    ax.set_ylabel("loss")
    ax.legend(fontsize=8)
    _save_figure(fig, path)


def _plot_targets(table: pd.DataFrame, path: Path) -> None:
    shown = table[np.isfinite(table["z"])]
    fig, ax = plt.subplots(figsize=(7, 0.22 * len(shown) + 1.2))
    y = np.arange(len(shown))
    low = (shown["simulated_min"] - shown["observed"]) / shown["tolerance"]
    high = (shown["simulated_max"] - shown["observed"]) / shown["tolerance"]
    ax.axvspan(-1, 1, color="tab:green", alpha=0.15, label="within tolerance")
    ax.hlines(y, low, high, color="tab:grey")
    ax.scatter(shown["z"], y, s=12, color="tab:blue", zorder=3, label="mean over replicates")
    ax.set_yticks(y, shown["target"], fontsize=6)
    ax.set_xlabel("(simulated - observed) / tolerance")
    ax.invert_yaxis()
    ax.legend(fontsize=7, loc="lower right")
    _save_figure(fig, path)


def _plot_cohorts(table: pd.DataFrame, setup: FitSetup, path: Path) -> None:
    rows = setup.targets.reset_index(drop=True)
    cohort = rows["kind"] == "cohort_net_migration_rate"
    fig, ax = plt.subplots(figsize=(7, 3.5))
    if cohort.any():
        part = table.iloc[np.flatnonzero(cohort.to_numpy())]
        start = rows.loc[cohort, "age_low"].to_numpy(float) - 10
        ax.errorbar(
            start, part["observed"], yerr=part["tolerance"], fmt="o", color="black", label="census 2010-2020"
        )
        ax.fill_between(start, part["simulated_min"], part["simulated_max"], color="tab:blue", alpha=0.25)
        ax.plot(
            start, part["simulated_mean"], color="tab:blue", marker=".", label="simulated (range over replicates)"
        )
        ax.axhline(0, color="grey", lw=0.5)
    ax.set_xlabel("age of the cohort at the start of the decade")
    ax.set_ylabel("net migration per year")
    ax.legend(fontsize=8)
    _save_figure(fig, path)


def _plot_identification(setup: FitSetup, ident: dict[str, Any], path: Path) -> None:
    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 0.25 * len(setup.names) + 1.8))
    y = np.arange(len(setup.names))
    a.barh(y, ident["norms"], color="tab:blue")
    a.axvline(IDENTIFIED_NORM, color="tab:red", lw=1)
    a.set_yticks(y, setup.names, fontsize=6)
    a.set_xscale("symlog", linthresh=0.1)
    a.set_xlabel("|d residuals / d parameter| over its range")
    a.invert_yaxis()
    b.semilogy(np.arange(1, ident["singular_values"].size + 1), np.maximum(ident["singular_values"], 1e-6), "o-")
    b.axhline(IDENTIFIED_NORM, color="tab:red", lw=1)
    b.set_xlabel("singular value, by rank")
    _save_figure(fig, path)


def _md_table(frame: pd.DataFrame) -> list[str]:
    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(str(v) for v in row) + " |")
    return lines


def _g(value: float, digits: int = 4) -> str:
    if value is None or not np.isfinite(value):
        return "n/a"
    return f"{value:.{digits}g}"


def write_report(
    folder: Path, config: CalibrationConfig, setup: FitSetup, result: dict[str, Any], quick: bool
) -> None:
    """Write report.md, the CSV tables and the PNG plots of a fit into `folder`."""
    moments = result["moments"]
    table = target_table(setup, moments)
    trace = pd.DataFrame(result["trace"])
    ident = identification(setup, result["jacobian"])
    start = {n: setup.parameters[n] for n in setup.names}

    per_replicate = pd.DataFrame(moments, columns=setup.moment_names)
    per_replicate.insert(0, "seed", list(setup.seeds))
    per_replicate.to_csv(folder / "moments.csv", index=False)
    trace.to_csv(folder / "trace.csv", index=False)
    pd.DataFrame(result["jacobian"], index=setup.moment_names, columns=setup.names).to_csv(folder / "jacobian.csv")
    fitted = pd.DataFrame(
        {
            "name": setup.names,
            "value": [format_value(result["values"][n]) for n in setup.names],
            "low": setup.low,
            "high": setup.high,
            "start": [start[n] for n in setup.names],
            "standard_error": ident["standard_error"],
            "sensitivity": ident["norms"],
        }
    )
    fitted.to_csv(folder / "fitted_parameters.csv", index=False)
    _plot_trace(trace, folder / "trace.png")
    _plot_targets(table, folder / "targets.png")
    _plot_cohorts(table, setup, folder / "cohorts.png")
    _plot_identification(setup, ident, folder / "identification.png")

    used = table[table["weight"] > 0]
    counted = used[np.isfinite(used["z"])]
    missed = counted[~counted["within_tolerance"].astype(bool)]
    lines = [
        "# Calibration report" + (" (quick mode: a smoke run, not a fit)" if quick else ""),
        "",
        f"Configuration `{config.model_dump().get('targets', {}).get('file', '')}` targets; scale {config.scale}, "
        f"{config.replicates} replicates (seeds {', '.join(str(s) for s in setup.seeds)}, common to every "
        f"candidate), simulated {config.end and '2020-11 to ' + config.end}, moments over the first "
        f"{config.window_months} months"
        + (
            f" (the units' population changes over the first {config.trend_window_months} months)"
            if config.trend_window_months
            else ""
        )
        + f". Optimiser seed {config.seed}: {config.global_points} Sobol candidates, "
        f"then least squares (at most {config.local_evaluations} candidates). {result['evaluations']} candidates "
        f"simulated in {result['seconds']:.0f} s.",
        "",
        f"**Loss** at the fitted values: {result['loss']:.2f} (sum over targets of weight x z^2, "
        f"z = (simulated mean - observed) / tolerance); {len(counted) - len(missed)} of {len(counted)} targets "
        "within their tolerance.",
        "",
        "Only targets dated on or before census day (2020-11-01) are used (checked), and the fit simulates the "
        "baseline's rules without exogenous conditions: no observation after census day enters it.",
        "",
        "## Fitted parameters",
        "",
        "Standard errors are approximate: from the Jacobian of the weighted residuals at the optimum (so in "
        "units where one tolerance is one standard deviation), not from a bootstrap.",
        "",
    ]
    lines += _md_table(
        pd.DataFrame(
            {
                "parameter": [f"`{n}`" for n in setup.names],
                "range fitted": [f"[{_g(lo)}, {_g(hi)}]" for lo, hi in zip(setup.low, setup.high, strict=True)],
                "start": [_g(start[n]) for n in setup.names],
                "fitted": [format_value(result["values"][n]) for n in setup.names],
                "approx. s.e.": [_g(v, 2) for v in ident["standard_error"]],
                "sensitivity": [_g(v, 3) for v in ident["norms"]],
            }
        )
    )
    lines += [
        "",
        "## Targets",
        "",
        "Simulated: the mean over the replicates at the fitted values, and its range (min to max) over them.",
        "",
    ]
    lines += _md_table(
        pd.DataFrame(
            {
                "target": table["target"],
                "observed": [_g(v) for v in table["observed"]],
                "tolerance": [_g(v, 2) for v in table["tolerance"]],
                "weight": [_g(v, 2) for v in table["weight"]],
                "simulated": [_g(v) for v in table["simulated_mean"]],
                "range over replicates": [
                    f"{_g(lo)} to {_g(hi)}"
                    for lo, hi in zip(table["simulated_min"], table["simulated_max"], strict=True)
                ],
                "z": [_g(v, 2) for v in table["z"]],
                "within": ["yes" if w else "**no**" for w in table["within_tolerance"]],
                "loss share": [_g(v, 2) for v in table["loss_contribution"]],
            }
        )
    )
    nan = table[~np.isfinite(table["z"])]
    if not nan.empty:
        lines += ["", f"No simulated counterpart in this run (not counted): {', '.join(nan['target'])}."]
    lines += [
        "",
        "![targets](targets.png)",
        "",
        "![cohorts](cohorts.png)",
        "",
        "## Optimiser trace",
        "",
        f"Best loss after the global search: {_g(trace[trace['stage'] == 'global']['loss'].min())}; "
        f"after the local search: {_g(result['loss'])} (trace.csv lists every candidate).",
        "",
        "![trace](trace.png)",
        "",
        "## Identification",
        "",
        f"Sensitivity: the norm of the Jacobian's column, i.e. how far (in tolerances) moving a parameter "
        f"across its whole fitted range moves the weighted residuals. Below {IDENTIFIED_NORM:g} the targets do "
        "not identify the parameter. Singular values of the Jacobian: "
        + ", ".join(_g(v, 3) for v in ident["singular_values"])
        + ".",
        "",
        "Not identified by the targets: " + (", ".join(f"`{n}`" for n in ident["not_identified"]) or "none") + ".",
        "",
    ]
    for weak in ident["weak_directions"]:
        loads = ", ".join(f"`{k}` {v:+.2f}" for k, v in weak["loadings"].items())
        lines.append(f"- a direction with singular value {_g(weak['singular_value'], 3)}: mostly {loads}")
    lines += ["", "![identification](identification.png)", ""]
    (folder / "report.md").write_text("\n".join(lines), encoding="utf-8")
    assert abs(loss(setup, moments) - result["loss"]) < 1e-6 * max(1.0, result["loss"])

"""Parameter samples of an experiment: a grid, a Latin hypercube (scipy.stats.qmc), or the designs of SALib
for Sobol indices (Saltelli's extension of Sobol' sequences) and Morris elementary effects.

Every design is drawn from the experiment's root seed, so the same experiment file gives the same samples.
Values are returned in the settings' own units, one row per sample, one column per setting (in the order
the experiment file lists them).
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy.stats import qmc

METHODS = ("grid", "lhs", "sobol", "morris")


def problem(names: list[str], bounds: list[tuple[float, float]]) -> dict:
    """The SALib problem definition of the sampled settings."""
    return {"num_vars": len(names), "names": list(names), "bounds": [list(b) for b in bounds]}


def sample_count(method: str, n: int, dimensions: int) -> int:
    """Number of samples a design gives: grid n^d, lhs n, sobol n (d + 2), morris n (d + 1)."""
    return {
        "grid": n**dimensions,
        "lhs": n,
        "sobol": n * (dimensions + 2),
        "morris": n * (dimensions + 1),
    }[method]


def draw(
    method: str, n: int, names: list[str], bounds: list[tuple[float, float]], seed: int, levels: int = 4
) -> np.ndarray:
    """The design matrix: shape (samples, settings), values in the settings' units.

    Args:
        method: "grid" (n evenly spaced levels per setting, every combination), "lhs" (n samples of a Latin
            hypercube), "sobol" (SALib's Saltelli design with base n, first and total-order indices only) or
            "morris" (n SALib Morris trajectories on a grid of `levels` levels).
        n: levels per setting (grid), samples (lhs), base sample size (sobol, a power of 2) or
            trajectories (morris).
        names: the sampled settings.
        bounds: (low, high) of each setting.
        seed: the experiment's root seed.
        levels: grid levels of the Morris design.
    """
    low = np.array([b[0] for b in bounds], dtype=float)
    high = np.array([b[1] for b in bounds], dtype=float)
    d = len(names)
    if method == "grid":
        axes = [
            np.linspace(lo, hi, n) if n > 1 else np.array([(lo + hi) / 2])
            for lo, hi in zip(low, high, strict=True)
        ]
        return np.array(list(itertools.product(*axes)), dtype=float).reshape(-1, d)
    if method == "lhs":
        unit = qmc.LatinHypercube(d=d, rng=np.random.default_rng(seed)).random(n)
        return qmc.scale(unit, low, high) if d else unit
    if method == "sobol":
        from SALib.sample import sobol

        return np.asarray(
            sobol.sample(problem(names, bounds), n, calc_second_order=False, seed=seed % 2**32), dtype=float
        )
    if method == "morris":
        from SALib.sample import morris

        return np.asarray(
            morris.sample(problem(names, bounds), n, num_levels=levels, seed=seed % 2**32), dtype=float
        )
    raise ValueError(f"unknown sampling method {method!r}")

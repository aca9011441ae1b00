"""Numerical methods of synthesis: spreading age groups, iterative proportional fitting, unbiased rounding,
exact weighted sampling and a scalar root finder."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from simulator.inputs.calibration import AgeTable

MAX_AGE = 104  # the census' open group 100+ is spread over 100-104
AGES = np.arange(MAX_AGE + 1)


def single_years(table: AgeTable, counts: np.ndarray) -> np.ndarray:
    """Spread five-year age groups over single years 0..104, keeping every group total exactly.

    The density is linear between group midpoints (flat beyond the first and last midpoints); each group's
    single years are then rescaled to the group's census total.
    """
    width = table.age_high - table.age_low + 1
    mid = (table.age_low + table.age_high) / 2.0
    density = np.interp(AGES, mid, counts / width)
    out = np.zeros(MAX_AGE + 1)
    for low, high, total in zip(table.age_low, table.age_high, counts, strict=True):
        cells = slice(low, high + 1)
        mass = density[cells].sum()
        out[cells] = density[cells] * (total / mass) if mass > 0 else total / (high - low + 1)
    return out


def ipf(
    seed: np.ndarray,
    margins: list[tuple[tuple[int, ...], np.ndarray]],
    iterations: int = 200,
    tolerance: float = 1e-10,
) -> np.ndarray:
    """Iterative proportional fitting of `seed` to the given margins.

    Each margin is (axes kept, target array over those axes). Stops when every margin is met within
    `tolerance` (relative) or after `iterations` sweeps.
    """
    table = seed.astype(float).copy()
    all_axes = tuple(range(table.ndim))
    for _ in range(iterations):
        worst = 0.0
        for keep, target in margins:
            summed = tuple(a for a in all_axes if a not in keep)
            current = table.sum(axis=summed)
            with np.errstate(divide="ignore", invalid="ignore"):
                factor = np.where(current > 0, target / current, 0.0)
            worst = max(worst, float(np.max(np.abs(current - target) / np.maximum(target, 1.0))))
            shape = [table.shape[a] if a in keep else 1 for a in all_axes]
            table *= factor.reshape(shape)
        if worst < tolerance:
            break
    return table


def round_to_total(expected: np.ndarray, total: int, rng: np.random.Generator) -> np.ndarray:
    """Integer counts summing exactly to `total` whose expectations are the (rescaled) expected counts.

    Each cell keeps the floor of its expected count; the fractional parts are then allocated by systematic
    sampling (a random start, then every unit of cumulated remainder) over the cells in their given order.
    Each cell gets one more with probability equal to its fractional part, and any run of neighbouring
    cells (such as the ages of a five-year group) gets its expected total within one. Largest-remainder
    rounding would be biased against small cells.
    """
    expected = np.asarray(expected, dtype=float)
    scaled = expected * (total / expected.sum()) if expected.sum() > 0 else expected
    base = np.floor(scaled).astype(np.int64)
    short = total - int(base.sum())
    if short > 0:
        flat_base = base.reshape(-1)
        remainder = (scaled - base).reshape(-1)
        cumulative = np.cumsum(remainder)
        cumulative *= short / cumulative[-1]  # guard against rounding in the sum
        points = rng.random() + np.arange(short)
        picked = np.searchsorted(cumulative, points, side="right")
        np.add.at(flat_base, picked, 1)
    return base


def controlled_round(
    expected: np.ndarray, row_totals: np.ndarray, col_totals: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Integer table near `expected` (rows x columns) with exactly the given row totals and, as far as the
    rows allow, the given column totals.

    Cells keep the floor of their expected count; the missing units go, cell by cell in decreasing order
    of fractional part (ties at random), to cells whose row and column both still miss some; whatever a
    row still misses then goes to its cells with the largest fractional parts. Used for unit x (age, sex):
    unit totals exact, age-sex totals exact whenever the greedy pass can place them (in practice always).
    """
    table = np.floor(expected).astype(np.int64)
    row_gap = row_totals - table.sum(axis=1)
    col_gap = col_totals - table.sum(axis=0)
    fraction = expected - table + rng.random(expected.shape) * 1e-9
    for flat in np.argsort(-fraction, axis=None, kind="stable"):
        r, c = divmod(int(flat), expected.shape[1])
        if row_gap[r] > 0 and col_gap[c] > 0:
            table[r, c] += 1
            row_gap[r] -= 1
            col_gap[c] -= 1
    for r in np.flatnonzero(row_gap > 0):
        best = np.argsort(-(fraction[r] + col_gap.clip(0)), kind="stable")[: row_gap[r]]
        table[r, best] += 1
    return table


def weighted_choice_exact(weights: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of exactly `count` items drawn without replacement with probability ~ weights.

    Efraimidis-Spirakis: the items with the largest u ** (1 / w) keys; computed as log(u) / w.
    """
    positive = np.flatnonzero(weights > 0)
    count = min(count, positive.size)
    if count <= 0:
        return np.empty(0, dtype=np.int64)
    keys = np.log(rng.random(positive.size)) / weights[positive]
    return positive[np.argpartition(-keys, count - 1)[:count]]


#: scipy.optimize.brentq's default tolerances (absolute and relative) and iteration limit.
BRENTQ_XTOL = 2e-12
BRENTQ_RTOL = 4 * float(np.finfo(float).eps)
BRENTQ_MAXITER = 100


def brentq(
    f: Callable[[float], float],
    a: float,
    b: float,
    xtol: float = BRENTQ_XTOL,
    rtol: float = BRENTQ_RTOL,
    maxiter: int = BRENTQ_MAXITER,
) -> float:
    """A root of `f` in [a, b], where f(a) and f(b) differ in sign, by Brent's method (Brent 1973, ch. 4).

    A line-by-line port of SciPy's `scipy.optimize.brentq`: its C routine (scipy/optimize/Zeros/brentq.c),
    the same steps in the same floating-point operations, hence the same root to the last bit where SciPy's
    build does not fuse multiplications and additions (x86-64; tests/test_synthesis.py compares the two),
    and its wrapper's checks (a NaN value of `f`, the tolerances, the iteration limit raise ValueError).
    Synthesis solves three scalar equations so; importing scipy.optimize for them took 0.5-0.7 s of every
    run (a quarter of a small run's budget).
    """
    if xtol <= 0:
        raise ValueError(f"brentq: xtol too small ({xtol} <= 0)")
    if rtol < BRENTQ_RTOL:
        raise ValueError(f"brentq: rtol too small ({rtol} < {BRENTQ_RTOL})")
    if maxiter < 0:
        raise ValueError("brentq: maxiter must be >= 0")

    def value(x: float) -> float:
        fx = float(f(x))
        if math.isnan(fx):
            raise ValueError(f"brentq: the function value at x={x} is NaN")
        return fx

    xpre, xcur = float(a), float(b)
    xblk = fblk = spre = scur = 0.0
    fpre, fcur = value(xpre), value(xcur)
    if fpre == 0:
        return xpre
    if fcur == 0:
        return xcur
    if math.copysign(1.0, fpre) == math.copysign(1.0, fcur):
        raise ValueError("brentq: f(a) and f(b) must have different signs")
    for _ in range(maxiter):
        if fpre != 0 and fcur != 0 and math.copysign(1.0, fpre) != math.copysign(1.0, fcur):
            xblk, fblk = xpre, fpre
            spre = scur = xcur - xpre
        if abs(fblk) < abs(fcur):
            xpre, xcur, xblk = xcur, xblk, xcur
            fpre, fcur, fblk = fcur, fblk, fcur
        delta = (xtol + rtol * abs(xcur)) / 2
        sbis = (xblk - xcur) / 2
        if fcur == 0 or abs(sbis) < delta:
            return xcur
        if abs(spre) > delta and abs(fcur) < abs(fpre):
            if xpre == xblk:  # interpolate
                stry = -fcur * (xcur - xpre) / (fcur - fpre)
            else:  # extrapolate
                dpre = (fpre - fcur) / (xpre - xcur)
                dblk = (fblk - fcur) / (xblk - xcur)
                stry = -fcur * (fblk * dblk - fpre * dpre) / (dblk * dpre * (fblk - fpre))
            if 2 * abs(stry) < min(abs(spre), 3 * abs(sbis) - delta):  # a good short step
                spre, scur = scur, stry
            else:  # bisect
                spre = scur = sbis
        else:  # bisect
            spre = scur = sbis
        xpre, fpre = xcur, fcur
        xcur += scur if abs(scur) > delta else (delta if sbis > 0 else -delta)
        fcur = value(xcur)
    raise RuntimeError(f"brentq: no convergence in {maxiter} iterations")

"""Do two sets of replicates come from the same distribution? For checking a change that alters random
streams but should not alter the model (`benchmarks/same_distribution.py`).

Each (scenario, indicator, year) is compared with Welch's t-test between the replicates of version A and
of version B. With hundreds of such comparisons a few small p-values occur by chance, so a comparison
fails only below a Bonferroni threshold (alpha divided by the number of comparisons); values equal in every
replicate of both versions (census-day stocks) must be equal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

KEY = ["scenario", "indicator", "year"]


def compare_replicates(a: pd.DataFrame, b: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """One row per (scenario, indicator, year) present in both: replicates, means, standard deviations,
    the difference of means in standard errors (`t`), Welch's p-value and `differs` (p below alpha /
    comparisons, or constant values that differ).

    Args:
        a: yearly values of one region under version A: columns scenario, indicator, year, replicate, value
            (one row per replicate and key).
        b: the same under version B.
        alpha: the family-wise error rate.
    """
    rows = []
    grouped_b = dict(tuple(b.groupby(KEY, sort=True)))
    for key, part_a in a.groupby(KEY, sort=True):
        part_b = grouped_b.get(key)
        if part_b is None:
            continue
        x, y = part_a["value"].to_numpy(float), part_b["value"].to_numpy(float)
        x, y = x[np.isfinite(x)], y[np.isfinite(y)]
        if x.size < 2 or y.size < 2:
            continue
        constant = np.ptp(x) == 0 and np.ptp(y) == 0
        if constant:
            t, p = (0.0, 1.0) if x[0] == y[0] else (np.inf, 0.0)
        else:
            t, p = stats.ttest_ind(x, y, equal_var=False)
        rows.append((*key, x.size, y.size, x.mean(), y.mean(), x.std(ddof=1), y.std(ddof=1), t, p, constant))
    columns = [*KEY, "n_a", "n_b", "mean_a", "mean_b", "sd_a", "sd_b", "t", "p", "constant"]
    out = pd.DataFrame(rows, columns=columns)
    threshold = alpha / max(len(out), 1)
    out["differs"] = out["p"] < threshold
    out.attrs["threshold"] = threshold
    return out

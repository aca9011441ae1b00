"""Do two sets of replicates come from the same distribution? For checking a change that alters random
streams but should not alter the model (`benchmarks/same_distribution.py`).

Each (scenario, indicator, year) is compared between the replicates of version A and of version B: by a
paired t-test when both have the same replicates (the same seeds: the versions share every random stream
they did not change, so a replicate's two values are correlated and their difference is the sharper
test), else by Welch's t-test. With hundreds of such comparisons a few small p-values occur by chance, so
a comparison fails only below a Bonferroni threshold (alpha divided by the number of comparisons); values
equal in every replicate of both versions (census-day stocks) must be equal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

KEY = ["scenario", "indicator", "year"]


def compare_replicates(a: pd.DataFrame, b: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """One row per (scenario, indicator, year) present in both: replicates, means, standard deviations,
    the difference of means in standard errors (`t`), the p-value (paired, or Welch's), whether values are
    constant and whether the test was paired, and `differs` (p below alpha / comparisons, or values that
    differ by the same amount in every replicate, or constant values that differ).

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
        part_a = part_a[np.isfinite(part_a["value"])].sort_values("replicate")
        part_b = part_b[np.isfinite(part_b["value"])].sort_values("replicate")
        x, y = part_a["value"].to_numpy(float), part_b["value"].to_numpy(float)
        if x.size < 2 or y.size < 2:
            continue
        paired = np.array_equal(part_a["replicate"].to_numpy(), part_b["replicate"].to_numpy())
        constant = np.ptp(x) == 0 and np.ptp(y) == 0
        if constant or (paired and np.ptp(x - y) == 0):
            t, p = (0.0, 1.0) if x[0] - y[0] == 0 else (np.inf, 0.0)
        elif paired:
            t, p = stats.ttest_rel(x, y)
        else:
            t, p = stats.ttest_ind(x, y, equal_var=False)
        row = (x.size, y.size, x.mean(), y.mean(), x.std(ddof=1), y.std(ddof=1), t, p, constant, paired)
        rows.append((*key, *row))
    columns = [*KEY, "n_a", "n_b", "mean_a", "mean_b", "sd_a", "sd_b", "t", "p", "constant", "paired"]
    out = pd.DataFrame(rows, columns=columns)
    threshold = alpha / max(len(out), 1)
    out["differs"] = out["p"] < threshold
    out.attrs["threshold"] = threshold
    return out

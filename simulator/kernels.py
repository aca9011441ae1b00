"""Compiled per-person loops (numba) for large populations: one pass where numpy makes several.

Each kernel does, in one loop over the person slots, what a few numpy expressions of a process do with
full-length temporaries; it returns exactly the same values (integer counts, selections by the same
comparisons, the same float32 or float64 operations in the same order), and the numpy code stays in the
process as the reference the tests compare the kernels with on the same data and draws.

The kernels are used only from `MIN_SLOTS` person slots on (`use_kernels`): below it numpy is fast
enough, and a small run does not pay numba's import. They are compiled once and cached on disk
(`cache=True`, in `__pycache__` beside this file), so later runs load them. Without numba, or with the
environment variable TALENTSIM_NO_KERNELS set, the numpy code runs at every size.

This module is imported only by `use_kernels`'s callers after it returned True (it imports numba).
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def stock_counts(
    region: np.ndarray,
    status: np.ndarray,
    tier: np.ndarray,
    age_years: np.ndarray,
    edu: np.ndarray,
    enrolled: np.ndarray,
    sex: np.ndarray,
    dims: np.ndarray,
    dead: int,
    n_age_groups: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The recorder's two count tables in one pass.

    Returns (cube, ages): cube counts persons by ((((region x S + status) x T + tier) x B + band) x E +
    max(edu, enrolled)) with band = (age >= 16) + (age >= 60) and dims = (regions, S, T, B, E); ages counts
    the living by (region x 2 + sex) x n_age_groups + age group, the group being age // 5 + (age > 0) up to
    the open group (`simulator.world.flows.age_sex_cells_all`).
    """
    n_status, n_tier, n_band, n_edu = dims[1], dims[2], dims[3], dims[4]
    cube = np.zeros(dims[0] * n_status * n_tier * n_band * n_edu, dtype=np.int64)
    ages = np.zeros(dims[0] * 2 * n_age_groups, dtype=np.int64)
    for i in range(region.size):
        r = np.int64(region[i])
        a = np.int64(age_years[i])
        band = np.int64(a >= 16) + np.int64(a >= 60)
        level = max(np.int64(edu[i]), np.int64(enrolled[i]))
        key = (((r * n_status + status[i]) * n_tier + tier[i]) * n_band + band) * n_edu + level
        cube[key] += 1
        if status[i] != dead:
            group = min(a // 5 + np.int64(a > 0), n_age_groups - 1)
            ages[(r * 2 + sex[i]) * n_age_groups + group] += 1
    return cube, ages


@numba.njit(cache=True, nogil=True)
def labour_force_by_group(
    status: np.ndarray,
    region: np.ndarray,
    age_years: np.ndarray,
    edu: np.ndarray,
    employed: int,
    unemployed: int,
    n_units: int,
    youth_max_age: int,
    college: int,
) -> np.ndarray:
    """Persons by key: 0-3 employed inside by (age > youth_max_age) x 2 + (edu >= college), 4-7 unemployed
    inside, 8 the rest (`simulator.processes.labour_market._province_rates`)."""
    counts = np.zeros(9, dtype=np.int64)
    for i in range(status.size):
        s = status[i]
        if ((s != employed) & (s != unemployed)) | (region[i] >= n_units):
            counts[8] += 1
            continue
        key = np.int64(age_years[i] > youth_max_age) * 2 + np.int64(edu[i] >= college)
        if s == unemployed:
            key += 4
        counts[key] += 1
    return counts


@numba.njit(cache=True, nogil=True)
def deaths(
    draws: np.ndarray, age_years: np.ndarray, sex: np.ndarray, status: np.ndarray, table: np.ndarray, dead: int
) -> np.ndarray:
    """Slots i, living, with draws[i] < table[2 age + sex] (`simulator.processes.demography._deaths`)."""
    out = np.empty(draws.size, dtype=np.int64)
    k = 0
    for i in range(draws.size):
        out[k] = i
        k += (draws[i] < table[np.int64(age_years[i]) * 2 + sex[i]]) & (status[i] != dead)
    return out[:k].copy()


@numba.njit(cache=True, nogil=True)
def labour_exit_cells(
    status: np.ndarray,
    age_years: np.ndarray,
    age_months: np.ndarray,
    sex: np.ndarray,
    edu: np.ndarray,
    sector: np.ndarray,
    employed: int,
    unemployed: int,
    min_age: int,
    college: int,
    agriculture: int,
    limit_months: np.ndarray,
    n_cells: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The persons in the labour force aged `min_age` or more (in slot order); their number by cell
    2 age + sex; and the number of them flagged (non-farm workers at or past the statutory age,
    `limit_months` by sex x 2 + tertiary) by cell (`simulator.processes.demography._exit_chances`)."""
    chosen = np.empty(status.size, dtype=np.int64)
    count = np.zeros(n_cells, dtype=np.int64)
    flagged_count = np.zeros(n_cells, dtype=np.int64)
    k = 0
    for i in range(status.size):
        s = status[i]
        if ((s != employed) & (s != unemployed)) | (age_years[i] < min_age):
            continue
        group = np.int64(sex[i]) * 2 + np.int64(edu[i] >= college)
        flagged = (age_months[i] >= limit_months[group]) & (sector[i] != agriculture)
        cell = np.int64(age_years[i]) * 2 + sex[i]
        count[cell] += 1
        flagged_count[cell] += np.int64(flagged)
        chosen[k] = i
        k += 1
    return chosen[:k].copy(), count, flagged_count


@numba.njit(cache=True, nogil=True)
def labour_exits(
    chosen: np.ndarray,
    age_years: np.ndarray,
    age_months: np.ndarray,
    sex: np.ndarray,
    edu: np.ndarray,
    sector: np.ndarray,
    college: int,
    agriculture: int,
    limit_months: np.ndarray,
    chances: np.ndarray,
    draws: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The persons chosen[j] whose draw draws[j] is below their chance chances[2 cell + flagged], and whether
    each is at or past the statutory age."""
    leaving = np.empty(chosen.size, dtype=np.int64)
    past_age = np.empty(chosen.size, dtype=np.bool_)
    k = 0
    for j in range(chosen.size):  # no branch: every person is written at k, and k moves on for leavers
        i = chosen[j]
        group = np.int64(sex[i]) * 2 + np.int64(edu[i] >= college)
        past = age_months[i] >= limit_months[group]
        flagged = past & (sector[i] != agriculture)
        leaving[k] = i
        past_age[k] = past
        k += draws[j] < chances[(np.int64(age_years[i]) * 2 + sex[i]) * 2 + np.int64(flagged)]
    return leaving[:k].copy(), past_age[:k].copy()


@numba.njit(cache=True, nogil=True)
def learn_and_depreciate(
    human_capital: np.ndarray,
    status: np.ndarray,
    employed: int,
    unemployed: int,
    inactive: int,
    learning: np.float32,
    keep: np.float32,
    floor: np.float32,
) -> None:
    """In place: + learning for the employed; x keep, at least floor, for the unemployed and inactive
    (float32 throughout, as `simulator.processes.skills.step`)."""
    for i in range(status.size):
        s = status[i]
        h = human_capital[i]
        idle = max(h * keep, floor)
        h = h + learning if s == employed else h
        human_capital[i] = idle if (s == unemployed) | (s == inactive) else h


@numba.njit(cache=True, nogil=True)
def wages_and_bills(
    employees: np.ndarray,
    employer: np.ndarray,
    edu: np.ndarray,
    factor: np.ndarray,
    firm_level: np.ndarray,
    premium: np.ndarray,
    wages: np.ndarray,
    n_firms: int,
    chunk: int,
) -> np.ndarray:
    """Writes the wage of each of `employees` (firm level x education premium x human-capital factor, in
    float32) into `wages` and returns the firms' wage bills, summed as `simulator.arrays.bincount` sums
    them (in float64, employee by employee within chunks of `chunk` employees, then chunk by chunk), so
    that the bills equal numpy's to the last bit (`simulator.processes.labour_market.set_wages`)."""
    bill = np.zeros(n_firms)
    part = np.zeros(n_firms)
    for start in range(0, employees.size, chunk):
        part[:] = 0.0
        for j in range(start, min(start + chunk, employees.size)):
            i = employees[j]
            firm = employer[i]
            level = firm_level[firm] * premium[edu[i]]
            level = level * factor[j]
            wages[i] = level
            part[firm] += level
        bill += part
    return bill


@numba.njit(cache=True, nogil=True)
def move_candidates(
    draws: np.ndarray,
    age_years: np.ndarray,
    ceiling_by_age: np.ndarray,
    graduation_month: np.ndarray,
    fresh_from: int,
    events: np.ndarray,
) -> np.ndarray:
    """Slots i with draws[i] < ceiling_by_age[age_years[i]] (ages below 0 index from the end, as numpy
    does), a graduation at or after `fresh_from`, or a life event (`simulator.processes.migration.consider`:
    a superset of those who consider a move, the same with or without this kernel)."""
    out = np.empty(draws.size, dtype=np.int64)
    k = 0
    size = ceiling_by_age.size
    for i in range(draws.size):
        a = np.int64(age_years[i])
        a += size if a < 0 else 0
        out[k] = i
        k += (draws[i] < ceiling_by_age[a]) | (graduation_month[i] >= fresh_from) | (events[i] != 0)
    return out[:k].copy()


@numba.njit(cache=True, nogil=True)
def follower_pools(
    age_years: np.ndarray,
    status: np.ndarray,
    months_since_move: np.ndarray,
    region: np.ndarray,
    dead: int,
    child_max_age: int,
    elder_min_age: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The living persons not moved this month aged `child_max_age` or less, and those aged `elder_min_age`
    or more: (children, their regions, elderly, their regions), in slot order
    (`simulator.processes.migration._followers`)."""
    n = age_years.size
    children = np.empty(n, dtype=np.int64)
    elders = np.empty(n, dtype=np.int64)
    c = 0
    e = 0
    for i in range(n):
        staying = (status[i] != dead) & (months_since_move[i] > 0)
        a = age_years[i]
        children[c] = i
        c += staying & (a <= child_max_age)
        elders[e] = i
        e += staying & (a >= elder_min_age)
    children = children[:c].copy()
    elders = elders[:e].copy()
    return children, region[children], elders, region[elders]

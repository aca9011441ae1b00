"""Compiled per-person loops (numba) for large populations: one pass where numpy makes several.

Each kernel does, in one loop over the person slots, what a few numpy expressions of a process do with
full-length temporaries; it returns exactly the same values (integer counts, selections by the same
comparisons, the same float32 or float64 operations in the same order), and the numpy code stays in the
process as the reference the tests compare the kernels with on the same data and draws.

The kernels are used only from `arrays.kernel_min_slots()` person slots on (`use_kernels`): below it numpy is fast
enough, and a small run does not pay numba's import. They are compiled once and cached on disk
(`cache=True`, in `__pycache__` beside this file), so later runs load them. Without numba, or with the
environment variable TALENTSIM_NO_KERNELS set, the numpy code runs at every size.

Most loops over person slots run on all cores (numba's `prange`): the slots are cut into PARTS
contiguous parts, each part counts into counts of its own or lists into its own stretch of the output, and
the parts are then summed or joined in slot order. The number of parts does not depend on the number of
threads, and integer sums do not depend on their order, so the results are the same on any machine. A
kernel that lists rare persons writes only them (a branch that is rarely taken costs little; writing every
slot's index and advancing only for the chosen, as for common ones, costs a write per slot). The wage
bills are float sums: each chunk of employees is summed on its own and the chunks' sums are added in
order, as numpy's chunked bincount adds them, so they too are the same on any machine. Calls are
serialised by a lock (numba's workqueue threading layer must not be entered from two threads at once).
The kernels serve runs of a million slots or more (about scale 30 or finer); the many small runs of a batch use
numpy, so parallel workers do not compete for the cores.

Each part's columns are read as views indexed from 0 (`column[lo:hi][i]`, not `column[lo + i]`): numba
treats a negative signed index as numpy does, counting from the end, so an index LLVM cannot prove
non-negative costs a test and a select at every read and keeps the loop from being vectorised (a part-wise
sum of int8 took 98 instead of 17 ms). Where few slots matter, a kernel screens blocks of SCREEN_BLOCK
slots in a first loop that LLVM vectorises (nothing listed, no table read) and looks further only at the
slots it marked (`cohort_by_region`, `_considering`, `_unemployed_and_starting`).

This module is imported only by `use_kernels`'s callers after it returned True (it imports numba).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

import numba
import numpy as np
from numba import prange

from simulator.buffers import scratch

#: Contiguous parts the person slots are cut into for the parallel loops (a multiple of the cores).
PARTS = 16
_LOCK = threading.Lock()


def _serialised(kernel: Callable[..., Any]) -> Callable[..., Any]:
    """`kernel`, called under the module's lock (a parallel numba kernel must not run twice at once)."""

    @functools.wraps(kernel)
    def call(*args: Any) -> Any:
        with _LOCK:
            return kernel(*args)

    call.kernel = kernel  # type: ignore[attr-defined]
    return call


@numba.njit(cache=True, nogil=True)
def _start(n: int, part: int) -> int:
    """First slot of part `part` of `n` slots cut into PARTS parts."""
    return part * n // PARTS


#: SplitMix64's constants, as `simulator.rng.SPLITMIX_GAMMA`, `SPLITMIX_M1` and `SPLITMIX_M2` (written here,
#: not imported: numba's disk cache notices changes to this file only; tests/test_kernels.py checks that both
#: give the same numbers).
_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_TOP_24_BITS = np.uint64(40)
_TWO_TO_MINUS_24 = np.float32(2.0**-24)


@numba.njit(cache=True, nogil=True, inline="always")
def slot_uniform(key: np.uint64, i: int) -> np.float32:
    """Slot i's uniform in the per-slot stream keyed `key`: the number `simulator.rng.slot_uniforms` gives
    (SplitMix64's output i), computed where it is used instead of read from memory."""
    z = key + (np.uint64(i) + np.uint64(1)) * _GAMMA
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    z = z ^ (z >> np.uint64(31))
    return np.float32(z >> _TOP_24_BITS) * _TWO_TO_MINUS_24


@numba.njit(cache=True, nogil=True, parallel=True)
def slot_uniforms(key: np.uint64, slots: np.ndarray) -> np.ndarray:
    """`slot_uniform` of each of `slots` (the kernel the tests compare with `simulator.rng.slot_uniforms`)."""
    out = np.empty(slots.size, dtype=np.float32)
    for k in prange(slots.size):
        out[k] = slot_uniform(key, slots[k])
    return out


def _joined(listed: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The first counts[c] entries of each part c of `listed` (cut as `_start` cuts), joined in order (by
    numpy: a large array numpy allocates is backed by huge pages, which are much cheaper to fill for the
    first time than the small pages of one allocated in a kernel)."""
    n = listed.size
    return np.concatenate([listed[_start(n, c) : _start(n, c) + counts[c]] for c in range(PARTS)])


#: The dimensions of the recorder's count tables (regions, statuses, tiers, age bands, education levels) and
#: its number of age groups, as compile-time constants: in `stock_counts` multiplying by constants instead of
#: by arguments took 29 instead of 55 ms at scale 4. The kernel refuses other dimensions.
STOCK_DIMS = (15, 7, 4, 3, 8)
STOCK_AGE_GROUPS = 22


@_serialised
@numba.njit(cache=True, nogil=True, parallel=True)
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
    the open group (`simulator.world.flows.age_sex_cells_all`). `dims` and `n_age_groups` must be
    STOCK_DIMS and STOCK_AGE_GROUPS.
    """
    n_regions, n_status, n_tier, n_band, n_edu = STOCK_DIMS
    groups = STOCK_AGE_GROUPS
    same = (dims[0] == n_regions) & (dims[1] == n_status) & (dims[2] == n_tier) & (dims[3] == n_band)
    if not (same & (dims[4] == n_edu) & (n_age_groups == groups)):
        raise ValueError("stock_counts: the count tables' dimensions are not kernels.STOCK_DIMS")
    n_cube = n_regions * n_status * n_tier * n_band * n_edu
    n_ages = n_regions * 2 * groups
    cubes = np.zeros((PARTS, n_cube), dtype=np.int64)
    ages_by_part = np.zeros((PARTS, n_ages), dtype=np.int64)
    n = region.size
    for c in prange(PARTS):
        cube = cubes[c]
        ages = ages_by_part[c]
        lo, hi = _start(n, c), _start(n, c + 1)
        regions, statuses, tiers = region[lo:hi], status[lo:hi], tier[lo:hi]
        years, levels, enrolment, sexes = age_years[lo:hi], edu[lo:hi], enrolled[lo:hi], sex[lo:hi]
        for i in range(hi - lo):
            r = np.int64(regions[i])
            a = np.int64(years[i])
            band = np.int64(a >= 16) + np.int64(a >= 60)
            level = max(np.int64(levels[i]), np.int64(enrolment[i]))
            key = (((r * n_status + statuses[i]) * n_tier + tiers[i]) * n_band + band) * n_edu + level
            cube[key] += 1
            if statuses[i] != dead:
                group = min(a // 5 + np.int64(a > 0), groups - 1)
                ages[(r * 2 + sexes[i]) * groups + group] += 1
    return cubes.sum(axis=0), ages_by_part.sum(axis=0)


#: Slots the screening kernels (`cohort_by_region`, `_considering`, `_unemployed_and_starting`) screen at a
#: time (their marks stay in the first-level cache).
SCREEN_BLOCK = 1024


@_serialised
@numba.njit(cache=True, nogil=True, parallel=True)
def cohort_by_region(
    graduation_month: np.ndarray,
    status: np.ndarray,
    graduated_inside: np.ndarray,
    region: np.ndarray,
    cohort: int,
    dead: int,
    n_regions: int,
) -> np.ndarray:
    """The number of persons by region whose graduation_month is `cohort`, not dead, with graduated_inside 1
    (`simulator.recording.recorder.cohort_by_region`). A vectorised loop counts the cohort in each block of
    SCREEN_BLOCK slots (one slot in a hundred or fewer is in it); only blocks with some are read further. 16
    instead of 24 ms (numpy) at scale 1."""
    counts_by_part = np.zeros((PARTS, n_regions), dtype=np.int64)
    n = graduation_month.size
    target = np.int16(cohort)  # graduation_month's type: the comparisons vectorise sixteen at a time
    for c in prange(PARTS):
        counts = counts_by_part[c]
        lo, hi = _start(n, c), _start(n, c + 1)
        months, statuses, inside, regions = (
            graduation_month[lo:hi],
            status[lo:hi],
            graduated_inside[lo:hi],
            region[lo:hi],
        )
        for first in range(0, hi - lo, SCREEN_BLOCK):
            block = months[first : first + SCREEN_BLOCK]
            hits = 0
            for j in range(block.size):
                hits += block[j] == target
            if hits == 0:
                continue
            for j in range(block.size):
                i = first + j
                if (block[j] == target) & (statuses[i] != dead) & (inside[i] == 1):
                    counts[regions[i]] += 1
    return counts_by_part.sum(axis=0)


@_serialised
@numba.njit(cache=True, nogil=True, parallel=True)
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
    # Eight sums instead of a table of nine counts: sums vectorise, increments of a table's cells do not (15
    # instead of 70-85 ms at scale 1). Per part: the employed inside, those of them older than youth_max_age, those
    # with college, those with both; the same for the unemployed.
    sums_by_part = np.zeros((PARTS, 8), dtype=np.int64)
    n = status.size
    for c in prange(PARTS):
        lo, hi = _start(n, c), _start(n, c + 1)
        statuses, regions, years, levels = status[lo:hi], region[lo:hi], age_years[lo:hi], edu[lo:hi]
        e = e_old = e_college = e_both = u = u_old = u_college = u_both = 0
        for i in range(hi - lo):
            inside = regions[i] < n_units
            is_employed = np.int64((statuses[i] == employed) & inside)
            is_unemployed = np.int64((statuses[i] == unemployed) & inside)
            old = np.int64(years[i] > youth_max_age)
            graduate = np.int64(levels[i] >= college)
            both = old & graduate
            e += is_employed
            e_old += is_employed & old
            e_college += is_employed & graduate
            e_both += is_employed & both
            u += is_unemployed
            u_old += is_unemployed & old
            u_college += is_unemployed & graduate
            u_both += is_unemployed & both
        sums = sums_by_part[c]
        sums[0], sums[1], sums[2], sums[3] = e, e_old, e_college, e_both
        sums[4], sums[5], sums[6], sums[7] = u, u_old, u_college, u_both
    total = sums_by_part.sum(axis=0)
    counts = np.zeros(9, dtype=np.int64)
    for g in range(2):  # employed, unemployed: keys 4g + old x 2 + college
        everyone, old, graduate, both = total[4 * g], total[4 * g + 1], total[4 * g + 2], total[4 * g + 3]
        counts[4 * g] = everyone - old - graduate + both
        counts[4 * g + 1] = graduate - both
        counts[4 * g + 2] = old - both
        counts[4 * g + 3] = both
    counts[8] = n - counts[:8].sum()
    return counts


@_serialised
def deaths(
    key: int, age_years: np.ndarray, sex: np.ndarray, status: np.ndarray, table: np.ndarray, dead: int
) -> np.ndarray:
    """Slots i, living, whose uniform in the per-slot stream `key` is below table[2 age + sex]
    (`simulator.processes.demography._deaths`)."""
    listed = scratch("kernels.list", status.size, np.int64)
    return _joined(listed, _deaths(listed, np.uint64(key), age_years, sex, status, table, dead))


@numba.njit(cache=True, nogil=True, parallel=True)
def _deaths(
    listed: np.ndarray,
    key: np.uint64,
    age_years: np.ndarray,
    sex: np.ndarray,
    status: np.ndarray,
    table: np.ndarray,
    dead: int,
) -> np.ndarray:
    """`deaths`: lists each part's deaths at the part's start in `listed`; returns their numbers by part."""
    n = status.size
    counts = np.zeros(PARTS, dtype=np.int64)
    for c in prange(PARTS):
        lo, hi = _start(n, c), _start(n, c + 1)
        out, years, sexes, statuses = listed[lo:hi], age_years[lo:hi], sex[lo:hi], status[lo:hi]
        k = 0
        for i in range(hi - lo):
            if (slot_uniform(key, lo + i) < table[np.int64(years[i]) * 2 + sexes[i]]) & (statuses[i] != dead):
                out[k] = lo + i
                k += 1
        counts[c] = k
    return counts


@_serialised
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
    key: int,
    bound_by_cell: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The persons in the labour force aged `min_age` or more whose uniform in the per-slot stream `key` is
    below bound_by_cell[cell], and each one's class (2 cell + flagged) x 2 + past, the cell being 2 age +
    sex, past whether they are at or past the statutory age (`limit_months` by sex x 2 + tertiary) and
    flagged whether they are also not in agriculture, both listed by part of the slots (each part's at the
    part's start, in slot order, not joined as `_joined` would: `labour_exits` reads them so); the number
    listed in each part; and the number of all of them (listed or not) by cell and of them flagged by cell
    (`simulator.processes.demography._exit_chances`). With a bound at least each chance a person of the
    cell may get (`demography.exit_chance_bounds`), `labour_exits` then finds the same leavers as from every
    person in the labour force: at scale 1 the kernel lists about 120,000 persons instead of 12 million, and
    `labour_exits` takes 9 instead of 40 ms. The lists are the scratch buffers "kernels.list" and
    "kernels.classes", valid until another kernel uses them (`deaths`, `considering`, ...)."""
    listed = scratch("kernels.list", status.size, np.int64)
    classes = scratch("kernels.classes", status.size, np.int16)
    listed_count, count, flagged = _labour_exit_cells(
        listed, classes, status, age_years, age_months, sex, edu, sector, employed, unemployed, min_age,
        college, agriculture, limit_months, n_cells, np.uint64(key), bound_by_cell,
    )  # fmt: skip
    return listed, classes, listed_count, count, flagged


@numba.njit(cache=True, nogil=True, parallel=True)
def _labour_exit_cells(
    listed: np.ndarray,
    classes: np.ndarray,
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
    key: np.uint64,
    bound_by_cell: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`labour_exit_cells`: lists each part's screened persons and their classes at the part's start in
    `listed` and `classes`; returns their numbers by part and the two counts by cell (of everyone counted)."""
    n = status.size
    listed_count = np.zeros(PARTS, dtype=np.int64)
    count_by_part = np.zeros((PARTS, n_cells), dtype=np.int64)
    flagged_by_part = np.zeros((PARTS, n_cells), dtype=np.int64)
    for c in prange(PARTS):
        count = count_by_part[c]
        flagged_count = flagged_by_part[c]
        lo, hi = _start(n, c), _start(n, c + 1)
        out, out_classes = listed[lo:hi], classes[lo:hi]
        statuses, years, months, sexes = status[lo:hi], age_years[lo:hi], age_months[lo:hi], sex[lo:hi]
        levels, sectors = edu[lo:hi], sector[lo:hi]
        k = 0
        for i in range(hi - lo):
            s = statuses[i]
            if ((s != employed) & (s != unemployed)) | (years[i] < min_age):
                continue
            group = np.int64(sexes[i]) * 2 + np.int64(levels[i] >= college)
            past = np.int64(months[i] >= limit_months[group])
            flagged = past & np.int64(sectors[i] != agriculture)
            cell = np.int64(years[i]) * 2 + sexes[i]
            count[cell] += 1
            flagged_count[cell] += flagged
            if slot_uniform(key, lo + i) < bound_by_cell[cell]:
                out[k] = lo + i
                out_classes[k] = (cell * 2 + flagged) * 2 + past
                k += 1
        listed_count[c] = k
    return listed_count, count_by_part.sum(axis=0), flagged_by_part.sum(axis=0)


@_serialised
def labour_exits(
    chosen: np.ndarray, classes: np.ndarray, listed_count: np.ndarray, chances: np.ndarray, key: int
) -> tuple[np.ndarray, np.ndarray]:
    """The persons chosen[j] whose uniform in the per-slot stream `key` (the key `labour_exit_cells` screened
    them with) is below their chance chances[classes[j] // 2] (by 2 cell + flagged), in slot order, and
    whether each is at or past the statutory age (classes[j] odd): `chosen`, `classes` and `listed_count`
    by part, as `labour_exit_cells` gives them."""
    leaving = scratch("kernels.second list", chosen.size, np.int64)
    past_age = scratch("kernels.flags", chosen.size, np.bool_)
    counts = _labour_exits(leaving, past_age, chosen, classes, listed_count, chances, np.uint64(key))
    return _joined(leaving, counts), _joined(past_age, counts)


@numba.njit(cache=True, nogil=True, parallel=True)
def _labour_exits(
    leaving: np.ndarray,
    past_age: np.ndarray,
    chosen: np.ndarray,
    classes: np.ndarray,
    listed_count: np.ndarray,
    chances: np.ndarray,
    key: np.uint64,
) -> np.ndarray:
    """`labour_exits`: lists each part's leavers at the part's start; returns their numbers by part. Reads
    only the listed persons' classes, in order (not their columns at scattered slots)."""
    n = chosen.size
    counts = np.zeros(PARTS, dtype=np.int64)
    for c in prange(PARTS):
        lo = _start(n, c)
        hi = lo + listed_count[c]
        persons, kinds, out, out_past = chosen[lo:hi], classes[lo:hi], leaving[lo:hi], past_age[lo:hi]
        k = 0
        for j in range(hi - lo):
            kind = np.int64(kinds[j])
            if slot_uniform(key, persons[j]) < chances[kind >> 1]:
                out[k] = persons[j]
                out_past[k] = (kind & 1) == 1
                k += 1
        counts[c] = k
    return counts


@_serialised
@numba.njit(cache=True, nogil=True, parallel=True)
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
    for i in prange(status.size):
        s = status[i]
        h = human_capital[i]
        idle = max(h * keep, floor)
        h = h + learning if s == employed else h
        human_capital[i] = idle if (s == unemployed) | (s == inactive) else h


@_serialised
@numba.njit(cache=True, nogil=True, parallel=True)
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
    n_chunks = (employees.size + chunk - 1) // chunk
    parts = np.zeros((n_chunks, n_firms))
    for c in prange(n_chunks):
        part = parts[c]
        lo, hi = c * chunk, min((c + 1) * chunk, employees.size)
        persons, factors = employees[lo:hi], factor[lo:hi]
        for j in range(hi - lo):
            i = persons[j]
            firm = employer[i]
            level = firm_level[firm] * premium[edu[i]]
            level = level * factors[j]
            wages[i] = level
            part[firm] += level
    bill = np.zeros(n_firms)
    for c in range(n_chunks):
        bill += parts[c]
    return bill


def warm_up() -> None:
    """Start numba's parallel runtime (the first parallel call takes about 0.65 s) with a call on a few
    slots (`simulator.arrays.warm_kernels`)."""
    employees_of_tier(np.zeros(PARTS, dtype=np.int8), np.zeros(PARTS, dtype=np.int16), 0)


@_serialised
def jilin_employees(employer: np.ndarray, human_capital: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Slots of the employees of Jilin firms (employer >= 0) in slot order, and their human capital
    (`simulator.processes.labour_market.set_wages`). Both are scratch buffers, valid until the next call."""
    counts = _employees_by_part(employer)
    total = int(counts.sum())
    listed = scratch("kernels.employees", total, np.int64)
    values = scratch("kernels.employees' values", total, np.float32)
    _jilin_employees(listed, values, employer, human_capital, np.cumsum(counts) - counts)
    return listed, values


@numba.njit(cache=True, nogil=True, parallel=True)
def _employees_by_part(employer: np.ndarray) -> np.ndarray:
    """The number of employees of Jilin firms (employer >= 0) in each part of the slots."""
    n = employer.size
    counts = np.zeros(PARTS, dtype=np.int64)
    for c in prange(PARTS):
        employers = employer[_start(n, c) : _start(n, c + 1)]
        k = 0
        for i in range(employers.size):
            k += np.int64(employers[i] >= 0)
        counts[c] = k
    return counts


@numba.njit(cache=True, nogil=True, parallel=True)
def _jilin_employees(
    listed: np.ndarray, values: np.ndarray, employer: np.ndarray, human_capital: np.ndarray, offsets: np.ndarray
) -> None:
    """`jilin_employees`: lists each part's employees from offsets[part] on, then gathers their human capital.
    Employees are common: every slot's index is written (within the part's places) and only theirs kept.
    The parts are counted first (a cheap pass), so the lists need no joining."""
    n = employer.size
    for c in prange(PARTS):
        start = offsets[c]
        stop = offsets[c + 1] if c + 1 < PARTS else listed.size
        out, out_values = listed[start:stop], values[start:stop]
        lo, hi = _start(n, c), _start(n, c + 1)
        employers = employer[lo:hi]
        k = 0
        for i in range(hi - lo):
            if k < out.size:
                out[k] = lo + i
            k += np.int64(employers[i] >= 0)
        for j in range(out.size):
            out_values[j] = human_capital[out[j]]


@_serialised
def employees_of_tier(tier: np.ndarray, employer: np.ndarray, code: int) -> np.ndarray:
    """Slots with tier `code` employed by a Jilin firm (employer >= 0), in slot order
    (`simulator.processes.skills`)."""
    listed = scratch("kernels.list", tier.size, np.int64)
    return _joined(listed, _employees_of_tier(listed, tier, employer, code))


@numba.njit(cache=True, nogil=True, parallel=True)
def _employees_of_tier(listed: np.ndarray, tier: np.ndarray, employer: np.ndarray, code: int) -> np.ndarray:
    """`employees_of_tier`: lists each part's persons at the part's start; returns their numbers by part."""
    n = tier.size
    counts = np.zeros(PARTS, dtype=np.int64)
    for c in prange(PARTS):
        lo, hi = _start(n, c), _start(n, c + 1)
        out, tiers, employers = listed[lo:hi], tier[lo:hi], employer[lo:hi]
        k = 0
        for i in range(hi - lo):
            if (tiers[i] == code) & (employers[i] >= 0):
                out[k] = lo + i
                k += 1
        counts[c] = k
    return counts


@_serialised
def considering(
    key: int,
    age_years: np.ndarray,
    hazard_by_age: np.ndarray,
    ceiling_by_age: np.ndarray,
    months_since_move: np.ndarray,
    ceiling_by_months: np.ndarray,
    recent_move_factor: np.ndarray,
    graduation_month: np.ndarray,
    month: int,
    graduation_factor: np.ndarray,
    events: np.ndarray,
    job_lost: int,
    job_loss_factor: np.float32,
    region: np.ndarray,
    mobility: np.ndarray,
    status: np.ndarray,
    dead: int,
    student: int,
) -> np.ndarray:
    """The persons who consider a move (`simulator.processes.migration.consider`), in slot order: slot i's
    uniform in the per-slot stream `key` is below its hazard, hazard_by_age[age] (float32; ages below 0
    index from the end, as numpy does) times graduation_factor[month - graduation month] if that is from 0 to
    its last index, times job_loss_factor if events has the bit `job_lost`, times
    recent_move_factor[months since the move], times mobility[region], multiplied in float32 in that order;
    and the person is neither dead nor a student. The hazard is computed only where the uniform is below
    ceiling_by_age[age] x ceiling_by_months[months since the move] (bounds of the hazard without events;
    months past that table's end take its last entry; the caller folds any mobility above 1 into
    ceiling_by_age), or the person graduated 0 to graduation_factor's last index months ago, or had an event
    this month."""
    listed = scratch("kernels.list", age_years.size, np.int64)
    counts = _considering(
        listed, np.uint64(key), age_years, hazard_by_age, ceiling_by_age, months_since_move, ceiling_by_months,
        recent_move_factor, graduation_month, month, graduation_factor, events, job_lost, job_loss_factor, region,
        mobility, status, dead, student,
    )  # fmt: skip
    return _joined(listed, counts)


@numba.njit(cache=True, nogil=True, parallel=True)
def _considering(
    listed: np.ndarray,
    key: np.uint64,
    age_years: np.ndarray,
    hazard_by_age: np.ndarray,
    ceiling_by_age: np.ndarray,
    months_since_move: np.ndarray,
    ceiling_by_months: np.ndarray,
    recent_move_factor: np.ndarray,
    graduation_month: np.ndarray,
    month: int,
    graduation_factor: np.ndarray,
    events: np.ndarray,
    job_lost: int,
    job_loss_factor: np.float32,
    region: np.ndarray,
    mobility: np.ndarray,
    status: np.ndarray,
    dead: int,
    student: int,
) -> np.ndarray:
    """`considering`: lists each part's persons at the part's start; returns their numbers by part.

    In blocks of SCREEN_BLOCK slots: a first loop, which LLVM vectorises (no table is read, nothing is
    listed), keeps the slots whose uniform is below the largest ceiling of all or who graduated or had an
    event; a second loop applies the exact test to those few. 85 instead of 140 ms at scale 1."""
    n = age_years.size
    counts = np.zeros(PARTS, dtype=np.int64)
    size = hazard_by_age.size
    last_month = ceiling_by_months.size - 1
    last_since = graduation_factor.size - 1
    bound = ceiling_by_age.max() * ceiling_by_months.max()  # no product of the two tables' entries is larger
    for c in prange(PARTS):
        lo, hi = _start(n, c), _start(n, c + 1)
        out, years, since_move = listed[lo:hi], age_years[lo:hi], months_since_move[lo:hi]
        graduated_in, event_bits = graduation_month[lo:hi], events[lo:hi]
        regions, statuses = region[lo:hi], status[lo:hi]
        maybe = np.empty(SCREEN_BLOCK, dtype=np.bool_)
        k = 0
        for first in range(0, hi - lo, SCREEN_BLOCK):
            block_graduated, block_events = (
                graduated_in[first : first + SCREEN_BLOCK],
                event_bits[first : first + SCREEN_BLOCK],
            )
            for j in range(block_events.size):
                since = month - np.int64(block_graduated[j])
                fresh = (since >= 0) & (since <= last_since)
                maybe[j] = (slot_uniform(key, lo + first + j) < bound) | fresh | (block_events[j] != 0)
            for j in range(block_events.size):
                if not maybe[j]:
                    continue
                i = first + j
                u = slot_uniform(key, lo + i)
                a = np.int64(years[i])
                a += size if a < 0 else 0
                m = np.int64(since_move[i])
                since = month - np.int64(graduated_in[i])
                event = event_bits[i]
                ceiling = ceiling_by_age[a] * ceiling_by_months[min(m, last_month)]
                graduated = (since >= 0) & (since <= last_since)
                if (u >= ceiling) & ((since < 0) | (since > last_since)) & (event == 0):
                    continue
                hazard = hazard_by_age[a]
                if graduated:
                    hazard = hazard * graduation_factor[since]
                if (event & job_lost) != 0:
                    hazard = hazard * job_loss_factor
                hazard = hazard * recent_move_factor[m]
                hazard = hazard * mobility[regions[i]]
                s = statuses[i]
                if (u < hazard) & (s != dead) & (s != student):
                    out[k] = lo + i
                    k += 1
        counts[c] = k
    return counts


@_serialised
def unemployed_and_starting(
    status: np.ndarray, age_months: np.ndarray, unemployed: int, inactive: int, start_months: int
) -> tuple[np.ndarray, np.ndarray]:
    """Slots of the unemployed, and of the inactive aged exactly `start_months` months, in slot order
    (`simulator.processes.labour_market.step` and `_participation`)."""
    jobless = scratch("kernels.list", status.size, np.int64)
    starting = scratch("kernels.second list", status.size, np.int64)
    jobless_count, starting_count = _unemployed_and_starting(
        jobless, starting, status, age_months, unemployed, inactive, start_months
    )
    return _joined(jobless, jobless_count), _joined(starting, starting_count)


@numba.njit(cache=True, nogil=True, parallel=True)
def _unemployed_and_starting(
    jobless: np.ndarray,
    starting: np.ndarray,
    status: np.ndarray,
    age_months: np.ndarray,
    unemployed: int,
    inactive: int,
    start_months: int,
) -> tuple[np.ndarray, np.ndarray]:
    """`unemployed_and_starting`: lists each part's persons at the part's start; returns their numbers by
    part. In blocks of SCREEN_BLOCK slots: a vectorised loop marks each slot (1 unemployed, 2 starting), a
    second lists the marked (31 instead of 41 ms at scale 1)."""
    n = status.size
    jobless_count = np.zeros(PARTS, dtype=np.int64)
    starting_count = np.zeros(PARTS, dtype=np.int64)
    for c in prange(PARTS):
        lo, hi = _start(n, c), _start(n, c + 1)
        out_jobless, out_starting = jobless[lo:hi], starting[lo:hi]
        statuses, months = status[lo:hi], age_months[lo:hi]
        marks = np.empty(SCREEN_BLOCK, dtype=np.uint8)
        j = 0
        k = 0
        for first in range(0, hi - lo, SCREEN_BLOCK):
            block_status, block_months = (
                statuses[first : first + SCREEN_BLOCK],
                months[first : first + SCREEN_BLOCK],
            )
            for i in range(block_status.size):
                s = block_status[i]
                starts = (s == inactive) & (block_months[i] == start_months)
                marks[i] = np.uint8(s == unemployed) | (np.uint8(starts) << np.uint8(1))
            for i in range(block_status.size):
                mark = marks[i]
                if mark == 0:
                    continue
                if mark & 1:
                    out_jobless[j] = lo + first + i
                    j += 1
                if mark & 2:
                    out_starting[k] = lo + first + i
                    k += 1
        jobless_count[c] = j
        starting_count[c] = k
    return jobless_count, starting_count


@_serialised
@numba.njit(cache=True, nogil=True, parallel=True)
def logit_choices(cumulative: np.ndarray, rows: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """For each k, the number of entries of cumulative[rows[k]] below uniforms[k] x its last entry, at most
    the row's length - 1 (`simulator.processes.migration.choose` with rows, without gathering the rows)."""
    last = cumulative.shape[1] - 1
    out = np.empty(rows.size, dtype=np.int64)
    for k in prange(rows.size):
        row = cumulative[rows[k]]
        threshold = uniforms[k] * row[last]
        below = 0
        for j in range(last + 1):
            below += row[j] < threshold
        out[k] = min(below, last)
    return out


@_serialised
@numba.njit(cache=True, nogil=True, parallel=True)
def age_one_month(
    age_months: np.ndarray,
    age_years: np.ndarray,
    birthday_phase: np.ndarray,
    months_since_move: np.ndarray,
    phase: int,
    since_cap: int,
) -> None:
    """In place, for every slot: age in months + 1; age in years + 1 where birthday_phase == phase; months
    since the last move capped at since_cap, then + 1 (`simulator.processes.demography._age`)."""
    for i in prange(age_months.size):
        age_months[i] += 1
        age_years[i] += birthday_phase[i] == phase
        months_since_move[i] = min(months_since_move[i], since_cap) + 1

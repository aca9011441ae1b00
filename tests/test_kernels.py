"""The compiled kernels give exactly what the numpy code they replace gives, on the same persons and draws."""

from __future__ import annotations

import numpy as np
import pytest

from simulator import arrays
from simulator.codes import SECTOR_INDEX, Edu, Status
from simulator.geography import N_REGIONS
from simulator.people.retirement import retirement_age_years
from simulator.people.store import PersonStore
from simulator.processes import demography, labour_market, skills
from simulator.recording.recorder import stock_counts

pytest.importorskip("numba")
from simulator import kernels  # noqa: E402 - needs numba


@pytest.fixture(scope="module")
def model(calibration, parameters):
    """A model after eight months (some dead, movers, births); read only."""
    from simulator.model import TalentFlowModel

    built = TalentFlowModel(scale=2000, seed=11, end="2021-06", parameters=parameters, data=calibration)
    built.run()
    return built


@pytest.fixture(scope="module")
def persons(model) -> PersonStore:
    """The model's persons with statuses and sectors shuffled so that every combination occurs."""
    store = model.persons.copy()
    rng = np.random.default_rng(3)
    some = rng.random(store.n) < 0.2
    store.status[some] = rng.integers(0, 7, some.sum())
    store.sector[some] = rng.integers(-1, 14, some.sum())
    return store


@pytest.fixture(scope="module")
def tiled(persons) -> PersonStore:
    """Five copies of `persons`, end to end: each part of the slots spans several of the screening kernels'
    blocks (`kernels.SCREEN_BLOCK`), the last of them partial."""
    from simulator.people.store import FIELDS

    store = PersonStore.from_columns({name: np.tile(getattr(persons, name)[: persons.n], 5) for name in FIELDS})
    assert store.n // kernels.PARTS > 2 * kernels.SCREEN_BLOCK
    assert (store.n // kernels.PARTS) % kernels.SCREEN_BLOCK
    return store


@pytest.fixture
def kernels_on(monkeypatch):
    def switch(on: bool) -> None:
        monkeypatch.setenv("TALENTSIM_KERNEL_MIN_SLOTS", "0" if on else str(10**12))

    return switch


def test_numba_is_used_only_from_the_threshold_and_can_be_switched_off(monkeypatch):
    monkeypatch.delenv("TALENTSIM_KERNEL_MIN_SLOTS", raising=False)
    monkeypatch.delenv("TALENTSIM_NO_KERNELS", raising=False)
    assert not arrays.use_kernels(arrays.kernel_min_slots() - 1)
    assert arrays.use_kernels(arrays.kernel_min_slots())
    monkeypatch.setenv("TALENTSIM_NO_KERNELS", "1")
    assert not arrays.use_kernels(10**9)


def test_stock_counts_kernel_equals_numpy(persons, kernels_on):
    kernels_on(False)
    cube, ages = stock_counts(persons)
    kernels_on(True)
    cube_k, ages_k = stock_counts(persons)
    assert cube.sum() == persons.n and ages.sum() == (persons.status != Status.DEAD).sum()
    np.testing.assert_array_equal(cube_k, cube)
    np.testing.assert_array_equal(ages_k, ages)


def test_labour_force_by_group_kernel_equals_numpy(persons, kernels_on):
    kernels_on(False)
    jobless, force = labour_market._province_rates(persons)
    kernels_on(True)
    jobless_k, force_k = labour_market._province_rates(persons)
    assert force.sum() > jobless.sum() > 0
    np.testing.assert_array_equal(jobless_k, jobless)
    np.testing.assert_array_equal(force_k, force)


def test_slot_uniforms_kernel_gives_numpys_numbers():
    """The uniform of each slot computed inside a kernel is `rng.slot_uniforms`'s, for slots in any order and
    keys with the top bit set or not."""
    from simulator.rng import slot_key, slot_uniforms

    slots = np.concatenate([np.arange(5000), np.random.default_rng(4).integers(0, 2**40, 5000)])
    for key in (slot_key(1, 8, 0), slot_key(3, 10, 61), 2**63 + 5, 7):
        np.testing.assert_array_equal(kernels.slot_uniforms(np.uint64(key), slots), slot_uniforms(key, slots))


def test_deaths_kernel_equals_numpy_on_the_same_draws(persons):
    from simulator.rng import slot_key, slot_uniforms

    table = np.linspace(0.0, 0.5, 256).astype(np.float32)  # many deaths, every cell used
    key = slot_key(1, 8, 0)
    expected = demography._deaths_numpy(persons, slot_uniforms(key, persons.n), table)
    got = kernels.deaths(key, persons.age_years, persons.sex, persons.status, table, int(Status.DEAD))
    assert expected.size > 100
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("n", [0, 1, 5, kernels.PARTS + 3, 1000])
def test_parallel_kernels_join_their_parts_in_slot_order_for_any_size(persons, n):
    """Fewer slots than parts (some parts empty), a few more, many: the same persons as numpy, in order."""
    age, sex, status = persons.age_years[:n], persons.sex[:n], persons.status[:n]
    table = np.full(256, 0.7, dtype=np.float32)
    from simulator.rng import slot_uniforms

    draws = slot_uniforms(2, n)
    expected = np.flatnonzero((draws < table[age.astype(np.int64) * 2 + sex]) & (status != Status.DEAD))
    got = kernels.deaths(2, age, sex, status, table, int(Status.DEAD))
    np.testing.assert_array_equal(got, expected)
    assert n < 100 or got.size > 500


def test_exit_cells_kernel_equals_numpy(persons, parameters):
    table = np.random.default_rng(2).random(256) * 0.05
    limit = retirement_age_years(np.array([0, 0, 1, 1]), np.array([Edu.NONE, Edu.COLLEGE] * 2), parameters) * 12
    from simulator.rng import slot_uniforms

    def exit_cells(bound: np.ndarray) -> tuple[np.ndarray, ...]:
        listed, listed_classes, by_part, count, flagged = kernels.labour_exit_cells(
            persons.status, persons.age_years, persons.age_months, persons.sex, persons.edu, persons.sector,
            int(Status.EMPLOYED), int(Status.UNEMPLOYED), 30, int(Edu.COLLEGE), SECTOR_INDEX["agriculture"],
            limit.astype(np.float64), table.size, 5, bound,
        )  # fmt: skip
        return kernels._joined(listed, by_part), kernels._joined(listed_classes, by_part), count, flagged

    for heavier in (4.0, 2.7, 0.5):
        in_force, past, chance = demography._exit_chances(persons, table, 30, limit, heavier)
        chosen, classes, count, flagged = exit_cells(np.ones(table.size))  # no screening: everyone in force
        assert in_force.size > 100 and past.any() and not past.all()
        np.testing.assert_array_equal(chosen, in_force)
        np.testing.assert_array_equal(classes & 1, past)  # the class's last bit: at or past the statutory age
        cell = persons.age_years[in_force].astype(np.int64) * 2 + persons.sex[in_force]
        np.testing.assert_array_equal(count, np.bincount(cell, minlength=table.size))
        chances = demography._cell_chances(table, count, flagged, heavier)
        assert set(np.unique(chance)) <= set(chances.ravel()) and np.unique(chance).size > 50
        # screened: only those whose draw is below their cell's bound, a bound of every chance of the cell
        bound = demography.exit_chance_bounds(table, heavier)
        held = count > 0  # a cell without persons has chances of 1 that no one gets
        assert (chances[held] <= bound[held, None]).all() and (chances[held] > table[held, None]).any()
        draws = slot_uniforms(5, in_force)
        screened, screened_classes, screened_count, _ = exit_cells(bound)
        np.testing.assert_array_equal(screened, in_force[draws < bound[cell]])
        np.testing.assert_array_equal(screened_classes, classes[draws < bound[cell]])
        np.testing.assert_array_equal(screened_count, count)  # counted whether listed or not
        assert 0 < screened.size < in_force.size / 4


def test_labour_exit_kernels_give_the_same_leavers_as_numpy(model, persons, kernels_on):
    """The whole step with the kernels and with numpy, on the same persons and the same stream, with exit
    hazards raised so that many leave at every age."""
    import copy
    import dataclasses

    tables = dict(model.context.tables)
    tables["labour_exit_monthly_by_cell"] = np.minimum(tables["labour_exit_monthly_by_cell"] * 30, 0.9)
    context = dataclasses.replace(model.context, tables=tables)
    results = []
    for on in (False, True):
        kernels_on(on)
        store, state = persons.copy(), copy.deepcopy(model.state)
        demography._leave_labour_force(store, context, state)
        results.append((store.status.copy(), state.firms.employment.copy()))
    (status, employment), (status_k, employment_k) = results
    assert (status == Status.RETIRED).sum() > (persons.status == Status.RETIRED).sum() + 100
    assert (status == Status.INACTIVE).sum() > (persons.status == Status.INACTIVE).sum() + 10
    np.testing.assert_array_equal(status_k, status)
    np.testing.assert_array_equal(employment_k, employment)


def test_learning_kernel_equals_numpy(persons):
    h = np.random.default_rng(4).uniform(0.4, 3.0, persons.n).astype(np.float32)
    learning, keep = np.float32(0.03 / 12), np.float32(1 - 0.05 / 12)
    expected = h.copy()
    skills._learn_and_depreciate(expected, persons.status, learning, keep)
    got = h.copy()
    codes = int(Status.EMPLOYED), int(Status.UNEMPLOYED), int(Status.INACTIVE)
    kernels.learn_and_depreciate(got, persons.status, *codes, learning, keep, np.float32(0.5))
    assert (expected != h).any() and (expected == 0.5).any()
    np.testing.assert_array_equal(got, expected)


def test_wages_kernel_equals_numpy(model, kernels_on, monkeypatch):
    import copy

    monkeypatch.setattr(arrays, "CHUNK", 1000)  # several chunks of employees in both sums of the bills
    monkeypatch.setattr(labour_market, "CHUNK", 1000)
    results = []
    for on in (False, True):
        kernels_on(on)
        persons, state = model.persons.copy(), copy.deepcopy(model.state)
        persons.wage_yuan_month[:] = 0.0
        labour_market.set_wages(persons, model.context, state)
        results.append((persons.wage_yuan_month.copy(), state.firms.wage_bill_yuan.copy()))
    (wages, bills), (wages_k, bills_k) = results
    assert (wages > 0).sum() > 1000 and bills.sum() > 0
    np.testing.assert_array_equal(wages_k, wages)
    np.testing.assert_array_equal(bills_k, bills)


def test_considering_kernel_gives_the_same_persons_who_consider(model, tiled, kernels_on):
    """`migration.consider` with the kernel and with numpy, on the same draws; some persons have life events,
    recent graduations and recent moves (a bound of the hazard tighter than the kernel's would lose some)."""
    import copy

    from simulator.people.store import EVENT_GRADUATED, EVENT_JOB_LOST
    from simulator.processes import migration

    store = tiled.copy()
    rng = np.random.default_rng(6)
    store.events[rng.random(store.n) < 0.05] = EVENT_JOB_LOST
    store.events[rng.random(store.n) < 0.02] |= EVENT_GRADUATED
    graduates = rng.random(store.n) < 0.1  # 0 to 14 months ago (fresh graduates up to 12), or in the future
    store.graduation_month[graduates] = model.state.month - rng.integers(-3, 15, size=int(graduates.sum()))
    recent = rng.random(store.n) < 0.3  # recent moves raise the hazard (the kernel's bound by months)
    store.months_since_move[recent] = rng.integers(0, 40, size=int(recent.sum()))
    store.months_since_move[:3] = 32000  # past the bound's table: its last entry
    store.age_years[:5] = -1  # a birth not yet aged: indexes the table from its end, as numpy does
    found = []
    for on in (False, True):
        kernels_on(on)
        state = copy.deepcopy(model.state)
        found.append(migration.consider(store, model.context, state))
    assert found[0].size > 200
    np.testing.assert_array_equal(found[1], found[0])


def test_considering_bounds_hold_with_a_mobility_multiplier_above_one(model, tiled, kernels_on, monkeypatch):
    """The screening bounds fold in a mobility multiplier above 1 (the conditions cap it at 1 today): with a
    multiplier of 3 in one unit, both paths find exactly the persons an exact test of everyone finds (everyone
    marked with an event that leaves the hazard alone is tested exactly)."""
    import copy

    from simulator.people.store import EVENT_GRADUATED
    from simulator.processes import migration

    raised = np.ones(N_REGIONS)
    raised[2] = 3.0
    monkeypatch.setattr(migration, "mobility_multiplier", lambda ctx, state: raised)
    everyone = tiled.copy()
    everyone.events[: everyone.n] |= EVENT_GRADUATED
    found = []
    for on, store in ((False, tiled), (True, tiled), (False, everyone)):
        kernels_on(on)
        found.append(migration.consider(store, model.context, copy.deepcopy(model.state)))
    exact = found[2]
    assert (tiled.region[exact] == 2).sum() > 20
    np.testing.assert_array_equal(found[0], exact)
    np.testing.assert_array_equal(found[1], exact)


def test_logit_choice_kernel_makes_numpys_choices():
    """`migration.choose` on a utility table with rows: compiled and numpy, the same uniforms."""
    from simulator.processes import migration

    rng = np.random.default_rng(8)
    table = rng.normal(0.0, 3.0, size=(40, 42)).astype(np.float32)
    table[3] = -1e30  # every weight but the largest underflows: the row's choice is its best region
    table[3, 7] = 0.0
    rows = rng.integers(0, 40, size=20_000)
    numpy_choice = migration.choose(table, np.random.default_rng(1), rows, compiled=False)
    kernel_choice = migration.choose(table, np.random.default_rng(1), rows, compiled=True)
    assert np.unique(numpy_choice).size > 30
    assert (numpy_choice[rows == 3] == 7).all()
    np.testing.assert_array_equal(kernel_choice, numpy_choice)


def test_ageing_kernel_equals_numpy(persons, kernels_on):
    """A month of ageing with and without the kernel: ages in months and years, months since a move (some
    at the cap)."""
    start = persons.copy()
    start.months_since_move[:50] = demography.MONTHS_SINCE_MOVE_CAP + np.arange(50) % 3 - 1
    aged = []
    for on in (False, True):
        kernels_on(on)
        store = start.copy()
        demography._age(store, 7)
        aged.append(store)
    numpy_aged, kernel_aged = aged
    assert (numpy_aged.age_years != start.age_years).sum() > 100
    assert (numpy_aged.months_since_move == demography.MONTHS_SINCE_MOVE_CAP + 1).sum() >= 30
    for column in ("age_months", "age_years", "months_since_move"):
        np.testing.assert_array_equal(getattr(kernel_aged, column), getattr(numpy_aged, column))


def test_stock_counts_kernel_knows_the_recorders_dimensions():
    """The kernel's compile-time dimensions are the recorder's (else it refuses to count)."""
    from simulator.geography import N_REGIONS
    from simulator.recording import recorder
    from simulator.world.flows import N_AGE_GROUPS

    dims = (N_REGIONS, recorder.N_STATUS, recorder.N_TIER, recorder.N_BAND, recorder.N_EDU)
    assert kernels.STOCK_DIMS == dims and kernels.STOCK_AGE_GROUPS == N_AGE_GROUPS
    column = np.zeros(3, dtype=np.int8)
    with pytest.raises(ValueError, match="STOCK_DIMS"):
        kernels.stock_counts(*[column] * 7, np.array([*dims[:4], 9]), 0, N_AGE_GROUPS)


def test_unemployed_and_starting_kernel_lists_what_numpy_lists(tiled):
    store = tiled.copy()
    inactive = np.flatnonzero(store.status == Status.INACTIVE)
    store.age_months[inactive[::7]] = labour_market.START_AGE_MONTHS
    start = labour_market.START_AGE_MONTHS
    jobless, starting = kernels.unemployed_and_starting(
        store.status, store.age_months, int(Status.UNEMPLOYED), int(Status.INACTIVE), start
    )
    np.testing.assert_array_equal(jobless, np.flatnonzero(store.status == Status.UNEMPLOYED))
    at_start = (store.age_months == labour_market.START_AGE_MONTHS) & (store.status == Status.INACTIVE)
    np.testing.assert_array_equal(starting, np.flatnonzero(at_start))
    assert jobless.size > 50 and starting.size > 50


def test_employee_lists_equal_numpys(persons):
    """The listing kernels of the wages and of certification: the same slots as numpy, in slot order."""
    from simulator.codes import Tier

    employees, factor = kernels.jilin_employees(persons.employer, persons.human_capital)
    expected = np.flatnonzero(persons.employer >= 0)
    assert expected.size > 1000
    np.testing.assert_array_equal(employees, expected)
    np.testing.assert_array_equal(factor, persons.human_capital[expected])
    skilled = kernels.employees_of_tier(persons.tier, persons.employer, int(Tier.SKILLED))
    expected = np.flatnonzero((persons.tier == Tier.SKILLED) & (persons.employer >= 0))
    assert expected.size > 100
    np.testing.assert_array_equal(skilled, expected)


def test_kernels_are_warmed_in_the_background_only_for_large_runs(monkeypatch):
    import time

    calls = []
    monkeypatch.setattr(arrays, "_warm_kernels", lambda: calls.append(True))
    monkeypatch.setenv("TALENTSIM_KERNEL_MIN_SLOTS", "1000")
    arrays.warm_kernels(999)
    time.sleep(0.2)
    assert calls == []
    arrays.warm_kernels(1000)
    deadline = time.monotonic() + 30
    while not calls and time.monotonic() < deadline:
        time.sleep(0.01)
    assert calls == [True]
    kernels.warm_up()  # the warm-up itself runs (a parallel kernel on a few slots)


def test_cohort_by_region_kernel_counts_numpys_graduates(tiled, kernels_on):
    """The recorder's living Jilin graduates of one cohort by region: compiled (screening several blocks per
    part) and numpy, on persons of every status, some graduated outside, of several cohorts."""
    from simulator.recording.recorder import cohort_by_region

    store = tiled.copy()
    rng = np.random.default_rng(12)
    store.graduation_month[:] = rng.integers(-6, 3, size=store.n)
    store.graduated_inside[:] = rng.random(store.n) < 0.7
    found = []
    for on in (False, True):
        kernels_on(on)
        found.append(cohort_by_region(store, -4))
    assert 0 < found[0][1] < store.n // 9
    assert (store.status[store.graduation_month == -4] == Status.DEAD).any()
    np.testing.assert_array_equal(found[1][0], found[0][0])
    assert found[1][1] == found[0][1]
    # sparse, as in a run (most blocks hold no one of the cohort): members at the ends of the parts, in the
    # last partial block, and a few scattered
    store.graduation_month[:] = -32768
    ends = [kernels._start(store.n, c) for c in range(kernels.PARTS + 1)]
    members = np.unique(
        np.clip(np.concatenate([ends, np.array(ends) - 1, rng.integers(0, store.n, 30)]), 0, store.n - 1)
    )
    store.graduation_month[members] = -4
    store.graduated_inside[members] = 1
    store.status[members] = Status.EMPLOYED
    kernels_on(True)
    by_region, size = cohort_by_region(store, -4)
    assert size == members.size
    np.testing.assert_array_equal(by_region, np.bincount(store.region[members], minlength=by_region.size))


@pytest.mark.parametrize("n", [0, 1, 5, kernels.PARTS + 3, 1000])
def test_screening_kernels_for_any_size(tiled, n):
    """The screening kernels with fewer slots than parts, parts shorter than a block, a few blocks."""
    from simulator.people.store import EVENT_JOB_LOST
    from simulator.rng import slot_uniforms

    store = tiled
    graduation, status, region = store.graduation_month[:n], store.status[:n], store.region[:n]
    inside = np.ones(n, dtype=np.int8)
    cohort = np.full(n, -4, dtype=np.int16)  # everyone of the cohort: the count is everyone living
    counted = kernels.cohort_by_region(cohort, status, inside, region, -4, int(Status.DEAD), N_REGIONS)
    assert counted.sum() == np.count_nonzero(status != Status.DEAD)
    jobless, starting = kernels.unemployed_and_starting(
        status, store.age_months[:n], int(Status.UNEMPLOYED), int(Status.INACTIVE), 0
    )
    np.testing.assert_array_equal(jobless, np.flatnonzero(status == Status.UNEMPLOYED))
    assert starting.size == 0
    hazard = np.full(128, 0.5, dtype=np.float32)
    ones = np.ones(200, dtype=np.float32)
    found = kernels.considering(
        3, store.age_years[:n], hazard, hazard.astype(np.float64), store.months_since_move[:n], ones.astype(float),
        ones, graduation, 0, ones[:13], store.events[:n], EVENT_JOB_LOST, np.float32(1.0), region,
        np.ones(15, dtype=np.float32), status, int(Status.DEAD), int(Status.STUDENT),
    )  # fmt: skip
    able = (status != Status.DEAD) & (status != Status.STUDENT)
    np.testing.assert_array_equal(found, np.flatnonzero((slot_uniforms(3, n) < 0.5) & able))

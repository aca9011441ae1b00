"""Migration alone: relocation and its flow accounts, the logit choice, consideration, a month of moves."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import new_flows, step_alone, with_params

from simulator.codes import Status
from simulator.geography import N_REGIONS, N_UNITS, REGION_INDEX
from simulator.people.store import PersonStore
from simulator.processes import migration
from simulator.rng import stream

R = REGION_INDEX


def test_relocate_keeps_the_accounts_and_ends_jobs(small_model):
    model = small_model(scale=1000)
    store = PersonStore(capacity=8)
    #            from            to                employed  benefit months
    plan = [
        (R["changchun"], R["jilin"], True, 0),  # within the province
        (R["jilin"], R["east"], False, 5),  # leaves the province
        (R["east"], R["changchun"], True, 0),  # arrives from outside
        (R["west"], R["central"], False, 0),  # outside to outside
        (R["siping"], R["siping"], True, 2),  # stays: not a move
        (R["changchun"], R["east"], True, 4),  # leaves the province with job and benefit
        (R["yanbian"], R["changchun"], False, 3),  # within the province, keeps the benefit
    ]
    source = np.array([p[0] for p in plan], dtype=np.int8)
    destination = np.array([p[1] for p in plan], dtype=np.int8)
    employed = np.array([p[2] for p in plan])
    store.append(
        len(plan),
        age_months=np.int16(30 * 12),
        region=source,
        origin=source,
        status=np.where(employed, Status.EMPLOYED, Status.UNEMPLOYED).astype(np.int8),
        employer=np.where(employed, 7, -1).astype(np.int16),
        wage_yuan_month=np.where(employed, 6000.0, 0.0).astype(np.float32),
        benefit_months_left=np.array([p[3] for p in plan], dtype=np.int16),
        months_since_move=np.int16(50),
    )
    flows = new_flows()
    employment = model.state.firms.employment
    before = int(employment[7])
    migration.relocate(store, np.arange(len(plan)), destination, model.context, model.state, flows)
    # firm 7 loses its three employed movers from its employment count, and no other firm changes
    assert employment[7] == before - 3

    np.testing.assert_array_equal(store.region, destination)
    arrivals = flows.in_within + flows.in_inter
    departures = flows.out_within + flows.out_inter
    assert arrivals.sum() == departures.sum() == 6  # six movers, the stayer is not counted
    expected_in_inter = np.zeros(N_REGIONS, dtype=int)
    expected_in_inter[[R["east"], R["changchun"]]] = [2, 1]
    np.testing.assert_array_equal(flows.in_inter, expected_in_inter)
    expected_out_inter = np.zeros(N_REGIONS, dtype=int)
    expected_out_inter[[R["jilin"], R["east"], R["changchun"]]] = [1, 1, 1]
    np.testing.assert_array_equal(flows.out_inter, expected_out_inter)
    assert flows.in_within[R["jilin"]] == 1 and flows.in_within[R["changchun"]] == 1
    assert flows.out_within[R["changchun"]] == 1 and flows.out_within[R["yanbian"]] == 1
    assert flows.in_within[R["central"]] == 1 and flows.out_within[R["west"]] == 1
    assert flows.in_within[R["siping"]] == flows.out_within[R["siping"]] == 0

    movers = source != destination
    # employed movers lose their employer and wage
    for k in np.flatnonzero(movers & employed):
        assert store.status[k] == Status.UNEMPLOYED
        assert store.employer[k] == -1
        assert store.wage_yuan_month[k] == 0
    # the stayer keeps everything
    stay = R["siping"]
    k = int(np.flatnonzero(source == stay)[0])
    assert store.status[k] == Status.EMPLOYED and store.employer[k] == 7 and store.months_since_move[k] == 50
    assert np.all(store.months_since_move[movers] == 0)
    # benefits do not travel out of the province, but do within it
    assert store.benefit_months_left[1] == 0 and store.benefit_months_left[5] == 0
    assert store.benefit_months_left[6] == 3


def test_choose_picks_an_overwhelmingly_better_alternative():
    rng = np.random.default_rng(0)
    rows = 5000
    utility = rng.normal(size=(rows, N_REGIONS))
    best = rng.integers(0, N_REGIONS, size=rows)
    utility[np.arange(rows), best] += 50.0
    np.testing.assert_array_equal(migration.choose(utility, stream(1, migration.PROCESS.stream, 0)), best)


def test_choose_follows_logit_probabilities():
    rows = 40_000
    utility = np.zeros((rows, 3))
    utility[:, 0] = np.log(3.0)  # logit shares 3/5, 1/5, 1/5
    picks = migration.choose(utility, np.random.default_rng(5))
    shares = np.bincount(picks, minlength=3) / rows
    np.testing.assert_allclose(shares, [0.6, 0.2, 0.2], atol=0.015)


def test_hazard_table_by_age(parameters, small_model):
    model = small_model(scale=1000)
    hazard = migration.hazard_table(model.params, model.data)["migration_hazard"]
    assert np.all(hazard[:16] == 0)
    multiplier = parameters["migration.hazard_multiplier"]
    assert hazard[22] == pytest.approx(parameters["migration.hazard.age_20_24"] * multiplier)
    assert hazard[35] == pytest.approx(parameters["migration.hazard.age_35_44"] * multiplier)
    assert hazard[90] == pytest.approx(parameters["migration.hazard.age_75_plus"] * multiplier)
    off = migration.hazard_table(parameters.with_overrides({"migration.hazard_multiplier": 0.0}), model.data)
    assert np.all(off["migration_hazard"] == 0)


def test_students_and_the_dead_do_not_consider_moving(small_model):
    model = small_model(scale=1000)
    persons, ctx, state = model.persons, model.context, model.state
    assert migration.consider(persons, ctx, state).size > 0
    persons.status[: persons.n // 2] = Status.STUDENT
    persons.status[persons.n // 2 :] = Status.DEAD
    assert migration.consider(persons, ctx, state).size == 0


def test_a_month_of_migration_matches_its_flows(small_model):
    model = small_model(scale=500)
    persons = model.persons
    moved = 0
    for month in range(3):
        alive = persons.status != Status.DEAD
        before = np.bincount(persons.region[alive], minlength=N_REGIONS)
        employed_before = persons.status == Status.EMPLOYED
        region_before = persons.region.copy()
        flows = step_alone(migration.PROCESS, persons, model, seed=9, month=month)
        after = np.bincount(persons.region[persons.status != Status.DEAD], minlength=N_REGIONS)
        arrivals = flows.in_within + flows.in_inter
        departures = flows.out_within + flows.out_inter
        np.testing.assert_array_equal(after - before, arrivals - departures)
        assert arrivals.sum() == departures.sum()
        # a move between units of Jilin is never counted as crossing the provincial border
        assert flows.in_inter[:N_UNITS].sum() == np.count_nonzero(
            (region_before >= N_UNITS) & (persons.region < N_UNITS)
        )
        assert flows.out_inter[:N_UNITS].sum() == np.count_nonzero(
            (region_before < N_UNITS) & (persons.region >= N_UNITS)
        )
        # employed persons who moved have no employer any more
        changed = persons.region != region_before
        assert not np.any(changed & employed_before & (persons.employer >= 0))
        moved += int(changed.sum())
    assert moved > 0


def test_the_size_term_weighs_destinations_but_not_staying(small_model):
    model = small_model(scale=1000)
    store = PersonStore(capacity=4)
    homes = np.array([R["changbaishan"], R["changchun"]], dtype=np.int8)
    store.append(2, age_months=np.int16(30 * 12), region=homes, origin=homes, status=np.int8(Status.EMPLOYED))
    with_params(model, **{"migration.beta_size": 0.0})
    without = migration.utilities(store, np.arange(2), model.context, model.state)
    with_params(model, **{"migration.beta_size": 1.0})
    with_size = migration.utilities(store, np.arange(2), model.context, model.state)
    gain = with_size - without
    log_population = model.context.tables["log_population_millions"]
    for row, home in enumerate(homes):
        others = np.arange(N_REGIONS) != home
        # every destination gains its log population; staying gains nothing, however small or large home is
        np.testing.assert_allclose(gain[row, others], log_population[others], atol=1e-5)  # float32 utilities
        assert gain[row, home] == pytest.approx(0.0, abs=1e-5)
    # a larger destination gains more than a smaller one
    assert gain[0, R["changchun"]] > gain[0, R["jilin"]] > gain[1, R["changbaishan"]]


def _dependants_population() -> PersonStore:
    """A hand-made population: in Changchun 40 children (4 of them dead, 4 moved this month), 30 elderly
    and 300 adults; in Jilin 3 children; in Siping none."""
    store = PersonStore(capacity=400)
    cc, jl = R["changchun"], R["jilin"]
    ages = [8] * 40 + [70] * 30 + [35] * 300 + [5] * 3
    regions = [cc] * 370 + [jl] * 3
    store.append(len(ages), age_months=(np.array(ages) * 12).astype(np.int16), region=np.array(regions, np.int8))
    store.age_years[:] = np.array(ages, dtype=np.int8)
    store.status[36:40] = Status.DEAD
    store.months_since_move[32:36] = 0
    return store


def test_dependants_are_distinct_eligible_persons_of_each_region():
    store = _dependants_population()
    need = np.zeros(N_REGIONS, dtype=np.int64)
    need[[R["changchun"], R["jilin"], R["siping"]]] = (20, 5, 2)  # Jilin and Siping have too few
    rng = np.random.default_rng(4)
    for _ in range(50):
        chosen = migration._dependants(store, "children", need, rng)
        assert np.unique(chosen).size == chosen.size
        assert (store.age_years[chosen] == 8).sum() == 20  # Changchun: 20 of its 32 eligible children
        assert set(chosen[store.region[chosen] == R["jilin"]]) == {370, 371, 372}  # all three
        assert (chosen < 32).sum() + 3 == chosen.size  # never the dead (36-39) or the moved (32-35)
    elderly = migration._dependants(store, "elderly", need, rng)
    assert elderly.size == 20 and (store.age_years[elderly] == 70).all()


def test_dependants_are_drawn_uniformly_among_the_eligible():
    """Each of Changchun's 32 eligible children is chosen about equally often (chi-square), by rejection and
    by the listing of a short region alike."""
    from scipy.stats import chisquare

    store = _dependants_population()
    need = np.zeros(N_REGIONS, dtype=np.int64)
    need[R["changchun"]] = 4
    rng = np.random.default_rng(5)
    counts = np.zeros(32)
    for _ in range(4000):
        np.add.at(counts, migration._dependants(store, "children", need, rng), 1)
    assert counts.sum() == 16_000
    assert chisquare(counts).pvalue > 0.001
    need[R["changchun"]] = 31  # nearly all: the last ones come from the listing
    counts[:] = 0
    for _ in range(2000):
        np.add.at(counts, migration._dependants(store, "children", need, rng), 1)
    assert chisquare(counts).pvalue > 0.001 and counts.min() > 1800


def test_children_and_elderly_follow_adult_movers_to_their_destination(small_model):
    model = small_model(scale=1000)
    store = _dependants_population()
    flows = new_flows()
    movers = np.arange(70, 90)  # adults of Changchun, who move to Jilin
    source = store.region[movers].copy()
    destination = np.full(movers.size, R["jilin"], dtype=np.int8)
    store.region[movers] = destination
    store.months_since_move[movers] = 0
    model = with_params(model, **{"migration.child_follow_prob": 1.0, "migration.elder_follow_prob": 1.0})
    rng = np.random.default_rng(6)
    migration._followers(store, model.context, model.state, rng, flows, movers, source, destination)
    moved = np.flatnonzero((store.region == R["jilin"]) & (store.age_years != 35) & (np.arange(store.n) < 370))
    assert (store.age_years[moved] == 8).sum() == 20  # one child for each of the 20 movers aged 25-49
    assert (store.age_years[moved] == 70).sum() == 20  # one elderly for each mover aged 30-59
    assert flows.out_within[R["changchun"]] == 40 and flows.in_within[R["jilin"]] == 40

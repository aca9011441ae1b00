"""The columnar person store and its one-person view."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.codes import Edu, Status, Tier
from simulator.geography import REGION_INDEX
from simulator.people.store import FIELDS, PersonStore


def test_new_store_is_empty():
    store = PersonStore(capacity=10)
    assert store.n == 0
    assert store.capacity == 10
    assert store.age_months.shape == (0,)


def test_append_fills_given_values_and_defaults():
    store = PersonStore(capacity=10)
    idx = store.append(3, age_months=np.array([12, 300, 600]), sex=np.array([0, 1, 1]), region=5)
    np.testing.assert_array_equal(idx, [0, 1, 2])
    assert store.n == 3
    np.testing.assert_array_equal(store.age_months, [12, 300, 600])
    np.testing.assert_array_equal(store.sex, [0, 1, 1])
    np.testing.assert_array_equal(store.region, [5, 5, 5])
    for name, (dtype, fill, _) in FIELDS.items():
        column = getattr(store, name)
        assert column.dtype == dtype, name
        if name not in {"age_months", "sex", "region"}:
            assert np.all(column == np.asarray(fill, dtype=dtype)), name
    np.testing.assert_array_equal(store.employer, [-1, -1, -1])
    np.testing.assert_array_equal(store.sector, [-1, -1, -1])


def test_append_grows_capacity_and_preserves_values():
    store = PersonStore(capacity=4)
    store.append(4, age_months=np.arange(4) * 12, edu=np.array([0, 1, 2, 3]), wage_yuan_month=1000.5)
    assert store.capacity == 4
    idx = store.append(5000, age_months=np.full(5000, 240), region=np.int8(3))
    np.testing.assert_array_equal(idx, np.arange(4, 5004))
    assert store.n == 5004
    assert store.capacity >= 5004
    np.testing.assert_array_equal(store.age_months[:4], [0, 12, 24, 36])
    np.testing.assert_array_equal(store.edu[:4], [0, 1, 2, 3])
    np.testing.assert_array_equal(store.wage_yuan_month[:4], np.float32(1000.5))
    assert np.all(store.age_months[4:] == 240)
    assert np.all(store.region[4:] == 3)
    assert np.all(store.edu[4:] == 0)
    # many small appends: values survive every reallocation
    for k in range(50):
        store.append(100, age_months=np.full(100, k))
    assert store.n == 5004 + 5000
    np.testing.assert_array_equal(store.age_months[:4], [0, 12, 24, 36])
    for k in range(50):
        start = 5004 + 100 * k
        assert np.all(store.age_months[start : start + 100] == k)


def test_columns_are_views_that_write_through():
    store = PersonStore(capacity=8)
    store.append(3)
    store.status[1] = Status.EMPLOYED
    assert store.status[1] == Status.EMPLOYED
    store.age_months += 5  # augmented assignment on an attribute
    np.testing.assert_array_equal(store.age_months, [5, 5, 5])
    store.append(100)  # reallocates
    np.testing.assert_array_equal(store.age_months[:3], [5, 5, 5])
    assert store.status[1] == Status.EMPLOYED
    store.age_months += 1
    np.testing.assert_array_equal(store.age_months[:4], [6, 6, 6, 1])
    assert "age_months" not in store.__dict__


def test_append_rejects_unknown_attributes():
    store = PersonStore(capacity=4)
    with pytest.raises(KeyError):
        store.append(1, salary=3)
    assert store.n == 0
    with pytest.raises(AttributeError):
        _ = store.no_such_column


def test_alive_excludes_the_dead():
    store = PersonStore(capacity=4)
    store.append(4, status=np.array([0, Status.DEAD, 2, Status.DEAD]))
    np.testing.assert_array_equal(store.alive(), [True, False, True, False])


def test_view_decodes_fields():
    store = PersonStore(capacity=2)
    store.append(
        2,
        age_months=np.array([35 * 12 + 7, 3]),
        sex=np.array([1, 0]),
        edu=np.array([Edu.MASTER, Edu.NONE]),
        region=np.array([REGION_INDEX["yanbian"], REGION_INDEX["east"]]),
        origin=np.array([REGION_INDEX["changchun"], REGION_INDEX["east"]]),
        status=np.array([Status.EMPLOYED, Status.CHILD]),
        tier=np.array([Tier.PROFESSIONAL, Tier.NONE]),
        sector=np.array([10, -1]),
    )
    person = store.view(0)
    assert person.age_years == 35
    assert person.sex == "female"
    assert person.education == "master"
    assert person.region == "yanbian"
    assert person.origin == "changchun"
    assert person.status == "employed"
    assert person.tier == "professional"
    assert person.sector == "public_services"
    child = store.view(1)
    assert child.age_years == 0
    assert child.sex == "male"
    assert child.education == "none"
    assert child.region == "east"
    assert child.sector is None
    record = person.as_dict()
    assert record["education"] == "master"
    assert record["age_months"] == 35 * 12 + 7
    assert "yanbian" in repr(person)


@pytest.mark.parametrize("index", [2, 3, 100, -1, -3])
def test_view_out_of_range_raises_index_error(index):
    store = PersonStore(capacity=10)  # capacity beyond n must not make empty slots visible
    store.append(2)
    with pytest.raises(IndexError):
        store.view(index)


def test_view_of_population_matches_columns(population_100):
    k = population_100.n // 2
    person = population_100.view(k)
    assert person.age_years == population_100.age_months[k] // 12
    assert person.region == list(REGION_INDEX)[population_100.region[k]]

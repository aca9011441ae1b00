"""The synthesis cache: the census-day population is built once per (seed, scale, synthesis inputs)."""

from __future__ import annotations

import numpy as np

from simulator.inputs.parameters import Parameters
from simulator.people.store import FIELDS
from simulator.rng import SYNTHESIS_STREAM, stream
from simulator.synthesis import cache, synthesize
from simulator.synthesis.population import PARAMETER_PREFIXES


def same(a, b) -> bool:
    return a.n == b.n and all(np.array_equal(getattr(a, f), getattr(b, f)) for f in FIELDS)


def test_a_cached_population_equals_a_fresh_one_and_each_use_gets_its_own_copy(calibration, parameters):
    cache.clear()
    first = cache.census_population(calibration, parameters, 5000, 3)
    fresh = synthesize(calibration, parameters, 5000, stream(3, SYNTHESIS_STREAM))
    assert same(first, fresh)
    first.region[:] = 0  # a run changes its population
    second = cache.census_population(calibration, parameters, 5000, 3)
    assert same(second, fresh)


def test_a_population_above_the_memory_limit_is_not_kept_and_each_use_builds_its_own(
    calibration, parameters, monkeypatch
):
    cache.clear()
    monkeypatch.setattr(cache, "MEMORY_BYTES_LIMIT", 1000)
    first = cache.census_population(calibration, parameters, 5000, 3)
    assert not cache._memory  # nothing kept: no second copy of a large population
    first.region[:] = 0
    second = cache.census_population(calibration, parameters, 5000, 3)
    assert second is not first and same(
        second, synthesize(calibration, parameters, 5000, stream(3, SYNTHESIS_STREAM))
    )


def test_the_key_follows_synthesis_inputs_only(calibration, parameters):
    key = cache.cache_key(calibration, parameters, 5000, 3)
    assert cache.cache_key(calibration, parameters.with_overrides({"migration.beta_income": 1.0}), 5000, 3) == key
    assert (
        cache.cache_key(calibration, parameters.with_overrides({"synthesis.pool_max_age_years": 30}), 5000, 3)
        != key
    )
    assert cache.cache_key(calibration, parameters, 5000, 4) != key
    assert cache.cache_key(calibration, parameters, 4000, 3) != key


class Watched(Parameters):
    """Parameters that remember which names were read."""

    def __init__(self, base: Parameters) -> None:
        super().__init__(base.table)
        self.read: set[str] = set()

    def __getitem__(self, name: str) -> float:
        self.read.add(name)
        return super().__getitem__(name)

    def group(self, prefix: str) -> dict[str, float]:
        self.read.add(prefix + ".")
        return super().group(prefix)


def test_synthesis_reads_only_what_the_key_covers(calibration, parameters):
    watched = Watched(parameters)
    synthesize(calibration, watched, 20000, stream(1, SYNTHESIS_STREAM))
    assert watched.read
    assert all(name.startswith(PARAMETER_PREFIXES) for name in watched.read), sorted(watched.read)


def test_the_disk_cache_survives_the_process(calibration, parameters, tmp_path, monkeypatch):
    monkeypatch.setenv("TALENTSIM_SYNTHESIS_CACHE", str(tmp_path))
    cache.clear()
    built = cache.census_population(calibration, parameters, 5000, 9)
    files = list(tmp_path.glob("*.npz"))
    assert len(files) == 1
    cache.clear()  # as a new process would be
    loaded = cache.census_population(calibration, parameters, 5000, 9)
    assert same(built, loaded)
    files[0].write_bytes(files[0].read_bytes()[:1000])  # truncated
    cache.clear()
    assert same(cache.census_population(calibration, parameters, 5000, 9), built)  # rebuilt, not an error


def test_an_unwritable_disk_cache_is_a_note_not_an_error(calibration, parameters, tmp_path, monkeypatch, capsys):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("TALENTSIM_SYNTHESIS_CACHE", str(blocked / "cache"))
    cache.clear()
    cache.census_population(calibration, parameters, 5000, 9)
    err = capsys.readouterr().err
    assert "synthesis cache" in err and "not written" in err

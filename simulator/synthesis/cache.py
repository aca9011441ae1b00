"""A cache of census-day populations: the population for (seed, scale, synthesis inputs) is built once and
reused, so runs that differ only in behavioural parameters or levers skip synthesis.

In memory within a process (a few recent populations, each of at most `MEMORY_BYTES_LIMIT`); on disk too when
the environment variable `TALENTSIM_SYNTHESIS_CACHE` names a folder (one `.npz` file per key, written
atomically). Every use gets its own copy: runs change their population.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections import OrderedDict
from pathlib import Path

import numpy as np

from simulator.inputs.calibration import CalibrationData
from simulator.inputs.parameters import Parameters
from simulator.people.store import FIELDS, PersonStore
from simulator.rng import SYNTHESIS_STREAM, stream
from simulator.synthesis.population import PARAMETER_PREFIXES, synthesize

MEMORY_SLOTS = 4
#: Populations larger than this (bytes of their columns) are not kept in memory: each use would need a copy
#: beside the kept one, and at scale 1 (about 1.3 GB) that copy alone is a third of the run's memory budget.
MEMORY_BYTES_LIMIT = 512 * 2**20
_memory: OrderedDict[str, PersonStore] = OrderedDict()


def cache_key(data: CalibrationData, params: Parameters, scale: int, seed: int) -> str:
    """A hash of everything synthesis depends on: calibration files, its parameters, the scale and seed."""
    inputs = {
        "data": data.file_hashes,
        "parameters": {n: v for n, v in sorted(params.values.items()) if n.startswith(PARAMETER_PREFIXES)},
        "scale": int(scale),
        "seed": int(seed),
        "fields": list(FIELDS),
        "code": _code_hash(),
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:24]


def _code_hash() -> str:
    """A hash of the code that builds a population (synthesis and the person store): a cached population is
    not reused after that code changes."""
    here = Path(__file__).resolve().parent
    sources = sorted(here.glob("*.py")) + [
        here.parent / "people" / "store.py",
        here.parent / "people" / "retirement.py",
    ]
    digest = hashlib.sha256()
    for source in sources:
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def census_population(data: CalibrationData, params: Parameters, scale: int, seed: int) -> PersonStore:
    """The census-day population of (seed, scale, synthesis inputs): a fresh copy, built at most once."""
    key = cache_key(data, params, scale, seed)
    if key in _memory:
        _memory.move_to_end(key)
        return _memory[key].copy()
    folder = os.environ.get("TALENTSIM_SYNTHESIS_CACHE")
    store = _load(Path(folder) / f"{key}.npz") if folder else None
    if store is None:
        store = synthesize(data, params, scale, stream(seed, SYNTHESIS_STREAM))
        if folder:
            _save(store, Path(folder) / f"{key}.npz")
    if store.nbytes > MEMORY_BYTES_LIMIT:
        return store  # too large to keep a copy: this use gets the only one
    _memory[key] = store
    while len(_memory) > MEMORY_SLOTS:
        _memory.popitem(last=False)
    return store.copy()


def clear() -> None:
    """Forget the populations kept in memory."""
    _memory.clear()


def _load(path: Path) -> PersonStore | None:
    if not path.is_file():
        return None
    try:
        with np.load(path) as archive:
            return PersonStore.from_columns({name: archive[name] for name in FIELDS})
    except Exception:  # noqa: BLE001 - a damaged or outdated file (any error reading it): rebuild
        return None


def _save(store: PersonStore, path: Path) -> None:
    """Write the population to the disk cache; a cache that cannot be written is skipped with a note."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".npz", dir=path.parent)
    except OSError as exc:
        print(
            f"talentsim: note: synthesis cache {path.parent} not written ({exc.strerror or exc})", file=sys.stderr
        )
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, **{name: getattr(store, name) for name in FIELDS})
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        print(f"talentsim: note: synthesis cache {path} not written ({exc.strerror or exc})", file=sys.stderr)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

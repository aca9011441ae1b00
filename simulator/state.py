"""Saved model states: burn-in and branching.

A state is the whole model at the start of a month (everything simulated before it), written as a small
JSON header followed by a pickle of the model. The calibration data are not in the file (they are loaded
again, and the header's hashes of `calibration/*.csv` must match). Reading a state uses a restricted
unpickler that only builds the classes and array constructors a model is made of, so a state file cannot
make the program call anything else.

A run continued from a state draws exactly the random numbers it would have drawn without stopping (every
process has its own stream per month), so it gives identical rows. It may continue under another scenario
than the one that wrote the state if both have the same levers until the state's month (a lever that
differs must start at or after it): levers common to both keep their state, the others start fresh.
"""

from __future__ import annotations

import inspect
import io
import json
import pickle
from pathlib import Path
from typing import Any

import numpy as np

from simulator.atomic import write_atomically
from simulator.dates import date_to_month, month_to_date
from simulator.inputs.calibration import CalibrationData
from simulator.levers import PolicySet, build_levers
from simulator.provenance import code_version

MAGIC = b"talentsim model state\n"
#: 2 since the per-slot random streams of 2026-11 (a state of format 1 would continue under other numbers).
FORMAT = 2
CALIBRATION_ID = "calibration-data"
#: Modules whose classes a state may contain (classes only, no functions).
CLASS_MODULES = ("simulator.", "mesa.", "builtins", "collections", "random", "pydantic.", "pydantic_core.")
#: Functions a state may call to rebuild arrays and generators (module, name).
ALLOWED_CALLS = {
    ("copyreg", "_reconstructor"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "scalar"),
    ("numpy", "dtype"),
    ("numpy._core.numeric", "_frombuffer"),
    ("numpy.core.numeric", "_frombuffer"),
    ("numpy", "ndarray"),
    ("numpy.random._pickle", "__bit_generator_ctor"),
    ("numpy.random._pickle", "__generator_ctor"),
    ("numpy.random._pickle", "__randomstate_ctor"),
    ("numpy.random._pickle", "__seed_sequence_ctor"),
    ("numpy.random.bit_generator", "SeedSequence"),
    ("numpy.random.bit_generator", "__pyx_unpickle_SeedSequence"),
    ("numpy.random._generator", "Generator"),
    ("numpy.random._pcg64", "PCG64"),
    ("_codecs", "encode"),
}
SAFE_BUILTINS = {"set", "frozenset", "dict", "list", "tuple", "int", "float", "complex", "bool", "str", "bytes",
                 "bytearray", "slice", "range", "object"}  # fmt: skip


class StateError(ValueError):
    """A state file is missing, unreadable, not a state, or does not fit the run. The message is one line."""


class _Pickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, data: CalibrationData) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._data = data

    def persistent_id(self, obj: Any) -> str | None:  # noqa: D102
        return CALIBRATION_ID if obj is self._data else None


def _own_instance(obj: Any) -> bool:
    """Whether `obj` is an instance (not a class) of a class of the simulator or of Mesa."""
    module = type(obj).__module__
    return not isinstance(obj, type) and (module.startswith("simulator.") or module.startswith("mesa."))


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, data: CalibrationData, source: str) -> None:
        super().__init__(file)
        self._data, self._source = data, source

    def _method_of(self, obj: Any, name: str) -> Any:
        """The getattr for the bound methods a model holds (Mesa keeps `step` as one): only a method of an
        instance of the simulator's or Mesa's classes."""
        method = getattr(obj, name, None) if _own_instance(obj) and isinstance(name, str) else None
        if not inspect.ismethod(method) or method.__self__ is not obj:
            raise StateError(f"{self._source}: refers to {type(obj).__name__}.{name}, which is not a model method")
        return method

    def persistent_load(self, pid: Any) -> Any:  # noqa: D102
        if pid != CALIBRATION_ID:
            raise StateError(f"{self._source}: not a talentsim state (unknown reference {pid!r})")
        return self._data

    def find_class(self, module: str, name: str) -> Any:  # noqa: D102
        if (module, name) == ("builtins", "getattr"):
            return self._method_of
        if (module, name) in ALLOWED_CALLS:
            return super().find_class(module, name)
        if module == "builtins" and name not in SAFE_BUILTINS:
            raise StateError(f"{self._source}: refers to builtins.{name}, which a model state never holds")
        if any(module == m.rstrip(".") or module.startswith(m) for m in CLASS_MODULES):
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise StateError(f"{self._source}: refers to {module}.{name}, which a model state never holds")


def header_of(model: Any, spec: Any) -> dict[str, Any]:
    """What a state records about the run that wrote it (checked when a run continues from it)."""
    return {
        "format": FORMAT,
        "month": month_to_date(model.month),
        "scenario": spec.scenario.name,
        "seed": int(spec.seed),
        "scale": int(spec.scale),
        "end": spec.end,
        "parameters": dict(sorted(spec.parameters.items())),
        "levers": _lever_table(spec.scenario.levers),
        "conditions": _conditions(spec),
        "data_file_hashes": model.data.file_hashes,
        "code_version": code_version(),
    }


def dumps(model: Any, spec: Any) -> bytes:
    """The state of `model` (run by `spec`) as bytes: magic line, header length, JSON header, pickle."""
    header = json.dumps(header_of(model, spec), sort_keys=True).encode("utf-8")
    buffer = io.BytesIO()
    buffer.write(MAGIC)
    buffer.write(len(header).to_bytes(8, "little"))
    buffer.write(header)
    _Pickler(buffer, model.data).dump(model)
    return buffer.getvalue()


def read_header(blob: bytes, source: str) -> tuple[dict[str, Any], int]:
    """The header of a state and where its pickle starts; StateError if `blob` is not a state."""
    if not blob.startswith(MAGIC):
        raise StateError(f"{source}: not a talentsim model state")
    start = len(MAGIC) + 8
    size = int.from_bytes(blob[len(MAGIC) : start], "little")
    try:
        header = json.loads(blob[start : start + size].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise StateError(f"{source}: damaged model state (unreadable header)") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise StateError(
            f"{source}: model state of format {header.get('format') if isinstance(header, dict) else '?'}, "
            f"written by another version of talentsim (this one reads format {FORMAT}); run again from census day"
        )
    return header, start + size


def loads(blob: bytes, data: CalibrationData, source: str = "state") -> tuple[Any, dict[str, Any]]:
    """The model and header of a state written by `dumps`."""
    header, start = read_header(blob, source)
    if header.get("data_file_hashes") != data.file_hashes:
        raise StateError(f"{source}: written with other calibration data (calibration/*.csv changed since)")
    try:
        model = _Unpickler(io.BytesIO(blob[start:]), data, source).load()
    except StateError:
        raise
    except Exception as exc:  # a truncated or damaged pickle raises many kinds of errors
        raise StateError(f"{source}: damaged model state ({type(exc).__name__})") from None
    return model, header


def check_target(path: str | Path) -> None:
    """Raise StateError unless a state may be written at `path`: a new file, or a state file (replaced)."""
    path = Path(path)
    if path.is_dir():
        raise StateError(f"{path}: is a directory, not a state file")
    if path.exists():
        try:
            with open(path, "rb") as existing:
                ours = existing.read(len(MAGIC)) == MAGIC
        except OSError:
            ours = False
        if not ours:
            raise StateError(f"{path}: exists and is not a talentsim model state; not replacing it")


def write_file(path: str | Path, blob: bytes) -> None:
    """Write a state file atomically (temporary file beside it, then rename). An existing file is replaced
    only if it is a state itself."""
    path = Path(path)
    check_target(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, blob)


def read_file(path: str | Path) -> bytes:
    """The bytes of a state file; StateError if it cannot be read."""
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise StateError(f"{path}: no such state file") from None
    except IsADirectoryError:
        raise StateError(f"{path}: is a directory, not a state file") from None
    except OSError as exc:
        raise StateError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _conditions(spec: Any) -> Any:
    """The scenario's exogenous conditions, JSON-able (None for a scenario without them)."""
    conditions = getattr(spec.scenario, "conditions", None)
    return conditions.model_dump(mode="json") if conditions is not None else None


def _lever_table(levers: Any) -> list[dict[str, Any]]:
    """The enabled levers as (kind, settings), JSON-able and comparable."""
    out = []
    for kind in type(levers).model_fields:
        for lever in getattr(levers, kind):
            if lever.enabled:
                out.append({"kind": kind, **lever.model_dump(mode="json")})
    return out


def check_fits(header: dict[str, Any], spec: Any, source: str) -> None:
    """Raise StateError unless a run of `spec` can continue from a state with `header`."""
    for key, wanted in (("seed", int(spec.seed)), ("scale", int(spec.scale)), ("end", spec.end)):
        if header.get(key) != wanted:
            raise StateError(f"{source}: saved by a run with {key} {header.get(key)}, this run has {key} {wanted}")
    if header.get("parameters") != dict(sorted(spec.parameters.items())):
        raise StateError(
            f"{source}: saved by a run with other parameter values than {spec.scenario.name!r} "
            f"({header.get('parameters')} against {dict(sorted(spec.parameters.items()))})"
        )
    if header.get("conditions") != _conditions(spec):
        raise StateError(
            f"{source}: saved by scenario {header.get('scenario')!r}, whose exogenous conditions differ from "
            f"{spec.scenario.name!r}'s"
        )
    month = date_to_month(header["month"])
    saved = {json.dumps(x, sort_keys=True) for x in header.get("levers", [])}
    wanted = {json.dumps(x, sort_keys=True) for x in _lever_table(spec.scenario.levers)}
    differing = sorted((json.loads(text) for text in saved ^ wanted), key=lambda lv: (lv["start"], lv["name"]))
    for lever in differing:
        if date_to_month(lever["start"]) < month:
            raise StateError(
                f"{source}: saved at {header['month']} by scenario {header.get('scenario')!r}; lever "
                f"{lever['name']!r} (from {lever['start']}) differs between it and {spec.scenario.name!r} "
                "before that month"
            )


def switch_levers(model: Any, levers: Any) -> None:
    """Give a restored model the levers of another scenario (see the module docstring): levers with the same
    kind, name and settings keep their state; lever numbers held by persons are renumbered."""
    old = model.state.policy.levers
    new = build_levers(levers, model.scale, model.context.last_month)
    key = {id(lv): json.dumps(lv.config.model_dump(mode="json"), sort_keys=True) + type(lv).__name__ for lv in old}
    by_key = {key[id(lv)]: lv for lv in old}
    renumber = np.full(len(old) + 1, -1, dtype=np.int64)  # old index -> new index (last: none)
    for i, lever in enumerate(new):
        same = by_key.get(json.dumps(lever.config.model_dump(mode="json"), sort_keys=True) + type(lever).__name__)
        if same is not None:
            renumber[same.index] = i
            same.index = i
            new[i] = same
    if len(new) == len(old) and all(a is b for a, b in zip(new, old, strict=True)):
        return
    persons = model.persons
    held = persons.benefit_lever >= 0
    if np.any(renumber[persons.benefit_lever[held]] < 0):
        raise StateError("a benefit of a lever that is not in the new scenario is still held")
    persons.benefit_lever[held] = renumber[persons.benefit_lever[held]]
    school = persons.technical > 0
    if np.any(renumber[persons.technical[school] - 1] < 0):
        raise StateError("a technical-school place of a lever that is not in the new scenario is still held")
    persons.technical[school] = renumber[persons.technical[school] - 1] + 1
    rng = model.state.policy.rng
    model.state.policy = PolicySet(new)
    model.state.policy.rng = rng


def peek_header(path: str | Path) -> dict[str, Any]:
    """The header of a state file, read without loading the model."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            head = f.read(len(MAGIC) + 8)
            size = int.from_bytes(head[len(MAGIC) :], "little") if head.startswith(MAGIC) else 0
            head += f.read(min(size, 2**24))
    except FileNotFoundError:
        raise StateError(f"{path}: no such state file") from None
    except IsADirectoryError:
        raise StateError(f"{path}: is a directory, not a state file") from None
    except OSError as exc:
        raise StateError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return read_header(head, str(path))[0]

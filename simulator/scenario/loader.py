"""Scenario files: TOML, parsed by the standard library, validated strictly by `simulator.schema`.

A scenario names itself, may extend another scenario (`extends`, by name or path), sets run defaults,
overrides calibration parameters (by their names in `calibration/parameters.csv`, within their ranges)
and switches on policy levers. Every problem is reported as `FILE: key.path: what is wrong (got X)` on one
line through `ScenarioError`; nothing in a file is evaluated as code.

`extends`: the child overrides only what it sets. Tables are merged key by key; the levers of a kind
(`[[levers.<kind>]]`) are merged by their `name` (a child lever with an inherited name overrides only the
fields it sets, `enabled = false` switches it off; a new name is appended). `name`, `description` and
`extends` are never inherited. A name is looked up as `<name>.toml` next to the extending file, then in
the repository's `scenarios/`; a path (containing `/` or ending in `.toml`) is relative to the extending
file.
"""

from __future__ import annotations

import copy
import datetime
import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

import simulator.scenario.schema as schema
from simulator.dates import date_to_month
from simulator.inputs.parameters import Parameter, Parameters, load_parameters
from simulator.scenario.errors import ScenarioError, got, key_path, num, strip_tags, suggest

REPO_DIR = Path(__file__).resolve().parent.parent.parent
SCENARIOS_DIR = REPO_DIR / "scenarios"
#: Keys of a scenario that a child never inherits from the scenario it extends.
NOT_INHERITED = ("name", "description", "extends")
NAME_PATTERN = re.compile(
    next(m.pattern for m in schema.ScenarioFile.model_fields["name"].metadata if getattr(m, "pattern", None))
)
#: Plain-language forms of the schema's string patterns.
PATTERN_HINTS = {
    NAME_PATTERN.pattern: "expected up to 64 letters, digits, '_', '-' or '.', starting with a letter or digit "
    "(no '/': outputs go to outputs/<name>/)",
    r"^[a-z0-9_]{1,48}$": "expected 1 to 48 lowercase letters, digits or '_'",
    r"^\d{4}-\d{2}$": "expected a month YYYY-MM",
}
TYPE_HINTS = {
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "finite_number": "expected a finite number",
    "string_type": "expected a string (text in quotes)",
    "bool_type": "expected true or false",
    "list_type": "expected a list (TOML array)",
    "model_type": "expected a table",
    "model_attributes_type": "expected a table",
    "dict_type": "expected a table",
    "missing": "missing required key",
}


@dataclass
class Scenario:
    """A validated scenario, with everything it inherits through `extends` resolved.

    Attributes:
        name: the scenario's name (outputs go to outputs/<name>/).
        description: one line saying what the scenario is.
        path: the scenario file.
        run: run defaults: scale, seed, end (the schema's defaults where the files are silent).
        parameters: parameter overrides, flat name -> value.
        levers: the validated levers (`schema.Levers`; `levers.all()` gives the enabled ones).
        conditions: the exogenous conditions (`schema.Conditions`; empty: census-day conditions).
        raw: the file's own TOML, as parsed.
        chain: the files the scenario was built from, itself first, then what it extends.
    """

    name: str
    description: str = ""
    path: str = ""
    run: dict[str, Any] = field(default_factory=lambda: schema.RunSettings().model_dump())
    parameters: dict[str, float] = field(default_factory=dict)
    levers: schema.Levers = field(default_factory=schema.Levers)
    conditions: schema.Conditions = field(default_factory=schema.Conditions)
    raw: dict[str, Any] = field(default_factory=dict)
    chain: list[str] = field(default_factory=list)

    def resolved(self) -> dict[str, Any]:
        """The scenario as resolved, levers included (JSON-able, for the manifest)."""
        return {
            "name": self.name,
            "description": self.description,
            "path": self.path,
            "extends": self.chain[1:],
            "run": dict(self.run),
            "parameters": dict(self.parameters),
            "levers": self.levers.model_dump(mode="json"),
            "conditions": self.conditions.model_dump(mode="json"),
        }


# --- reading ---


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file or raise ScenarioError."""
    if path.is_dir():
        raise ScenarioError(path, "", "is a directory, not a scenario file")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(path, "", "no such scenario file") from None
    except OSError as exc:
        raise ScenarioError(path, "", f"cannot be read ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.end]
        raise ScenarioError(path, "", f"is not UTF-8 text (byte {exc.start}: {bad!r})") from None
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(path, "", f"is not valid TOML ({exc})") from None
    if not table:
        raise ScenarioError(path, "", 'is empty (a scenario needs at least name = "...")')
    return table


def _parameters(value: Any, file: Path, table: dict[str, Parameter]) -> dict[str, float]:
    """Flatten `[parameters]` (nested tables or quoted dotted keys) and check names, types and ranges."""
    if not isinstance(value, dict):
        raise ScenarioError(file, "parameters", f"expected a table of name = number {got(value)}")
    flat: dict[str, Any] = {}

    def walk(node: dict[str, Any], prefix: str) -> None:
        for key, item in node.items():
            name = prefix + key
            if isinstance(item, dict) and name not in table:
                walk(item, name + ".")
            elif name in flat:
                raise ScenarioError(file, f"parameters.{name}", f"given twice {got(item)}")
            else:
                flat[name] = item

    walk(value, "")
    out: dict[str, float] = {}
    for name, item in flat.items():
        key = f"parameters.{name}"
        if name not in table:
            hint = suggest(name, table, listing=False) or "; docs/parameters.md lists the parameters"
            raise ScenarioError(file, key, f"unknown parameter{hint} {got(item)}")
        if not isinstance(item, int | float) or isinstance(item, bool):
            raise ScenarioError(file, key, f"expected a number {got(item)}")
        low, high = table[name].low, table[name].high
        if not (math.isfinite(item) and low <= item <= high):
            raise ScenarioError(file, key, f"expected a value in [{num(low)}, {num(high)}] {got(item)}")
        out[name] = float(item)
    return out


# --- extends ---


def _display(path: Path) -> Path:
    return Path(os.path.normpath(path))


def _parent_file(extends: Any, file: Path) -> Path:
    """The file that `extends` names, relative to `file`; raise ScenarioError if there is none."""
    if not isinstance(extends, str) or not extends.strip():
        raise ScenarioError(file, "extends", f"expected a scenario name or a path to a .toml file {got(extends)}")
    if "/" in extends or "\\" in extends or extends.endswith(".toml"):
        parent = _display(file.parent / extends)
        if not parent.is_file():
            raise ScenarioError(file, "extends", f"no such scenario file {parent} {got(extends)}")
        return parent
    if not NAME_PATTERN.match(extends):
        raise ScenarioError(file, "extends", f"expected a scenario name or a path to a .toml file {got(extends)}")
    candidates = [_display(file.parent / f"{extends}.toml"), SCENARIOS_DIR / f"{extends}.toml"]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    looked = " or ".join(dict.fromkeys(str(c) for c in candidates))
    raise ScenarioError(file, "extends", f"no scenario named {extends!r} (looked for {looked}) {got(extends)}")


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _merge_levers(base: list[Any], over: list[Any]) -> list[Any]:
    out = copy.deepcopy(base)
    where = {lv["name"]: i for i, lv in enumerate(out) if isinstance(lv, dict) and isinstance(lv.get("name"), str)}
    for lever in over:
        name = lever.get("name") if isinstance(lever, dict) else None
        if isinstance(name, str) and name in where:
            out[where[name]] = _deep_merge(out[where[name]], lever)
        else:
            out.append(copy.deepcopy(lever))
    return out


def _merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """The child's settings on top of the parent's (see the module docstring)."""
    out = {k: copy.deepcopy(v) for k, v in parent.items() if k not in NOT_INHERITED}
    for key, value in child.items():
        if key == "levers" and isinstance(value, dict) and isinstance(out.get(key), dict):
            levers = dict(out[key])
            for kind, items in value.items():
                if isinstance(items, list) and isinstance(levers.get(kind), list):
                    levers[kind] = _merge_levers(levers[kind], items)
                else:
                    levers[kind] = copy.deepcopy(items)
            out[key] = levers
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


# --- validation ---


def _range_text(info: Any) -> str:
    low, high = schema.bounds(info) if info is not None else (None, None)
    if low is not None and high is not None:
        return f"expected a value in [{num(low)}, {num(high)}]"
    if low is not None:
        return f"expected at least {num(low)}"
    return f"expected at most {num(high)}" if high is not None else "value out of range"


def _describe(error: dict[str, Any], loc: tuple[Any, ...]) -> str:
    """What is wrong, in words, for one pydantic error at (tag-free) location `loc`."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "extra_forbidden":
        model = schema.model_at(loc[:-1])
        fields = list(model.model_fields) if model else []
        return f"unknown key{suggest(str(loc[-1]), fields)}"
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        return f"expected one of {expected}" if " or " in expected else f"expected {expected}"
    if kind == "string_type" and isinstance(error.get("input"), datetime.date | datetime.time):
        return 'expected a month as a string in quotes ("YYYY-MM"), not a TOML date'
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return _range_text(schema.field_at(loc))
    if kind == "string_pattern_mismatch":
        return PATTERN_HINTS.get(ctx.get("pattern", ""), error["msg"])
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", error["msg"]))
    if kind == "list_type" and len(loc) == 2 and loc[0] == "levers":
        return f"expected a list of tables: write each lever as [[levers.{loc[1]}]]"
    return TYPE_HINTS.get(kind, error["msg"])


def _lever_name_loc(data: dict[str, Any], name: str) -> tuple[Any, ...]:
    """Location of the second lever named `name` in the raw scenario `data`."""
    seen = 0
    for kind, items in (data.get("levers") or {}).items():
        for i, lever in enumerate(items if isinstance(items, list) else []):
            if isinstance(lever, dict) and lever.get("name") == name:
                seen += 1
                if seen == 2:
                    return ("levers", kind, i, "name")
    return ("levers",)


def _own_index(loc: tuple[Any, ...], merged: dict[str, Any], own: dict[str, Any]) -> tuple[Any, ...]:
    """Map `levers.<kind>[i]` of the merged scenario to the index of the same lever in the file's own table."""
    if len(loc) < 3 or loc[0] != "levers" or not isinstance(loc[2], int) or own is merged:
        return loc
    try:
        name = merged["levers"][loc[1]][loc[2]]["name"]
        own_items = own["levers"][loc[1]]
        j = next(j for j, lv in enumerate(own_items) if isinstance(lv, dict) and lv.get("name") == name)
    except (KeyError, TypeError, IndexError, StopIteration):
        return loc
    return (*loc[:2], j, *loc[3:])


def _scenario_error(
    exc: ValidationError, file: Path, merged: dict[str, Any], own: dict[str, Any]
) -> ScenarioError:
    """The first error of a pydantic ValidationError as a one-line ScenarioError."""
    errors = exc.errors(include_url=False)
    # An unknown key usually explains a missing one (a misspelt name): report it first.
    first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc, tag = strip_tags(tuple(first["loc"]))
    value = first.get("input")
    if tag is not None and tag == len(loc):
        # The value matches none of a union's alternatives: say what each would have needed.
        same = [e for e in errors if strip_tags(tuple(e["loc"])) == (loc, tag)]
        wanted = [_describe(e, loc).removeprefix("expected ") for e in same]
        problem = "expected " + " or ".join(dict.fromkeys(wanted))
    else:
        problem = _describe(first, loc)
    if first["type"] == "value_error" and loc == ("levers",):
        match = re.search(r"lever name '(.+)' is used twice", problem)
        if match:
            loc, value = _lever_name_loc(merged, match.group(1)), match.group(1)
    elif first["type"] == "value_error" and len(loc) == 3 and loc[0] == "levers" and problem.startswith("end "):
        loc, value = (*loc, "end"), (value.get("end") if isinstance(value, dict) else value)
    loc = _own_index(loc, merged, own)
    if first["type"] != "missing" and "(got " not in problem:
        problem = f"{problem} {got(value)}"
    return ScenarioError(file, key_path(loc), problem)


def _validate(merged: dict[str, Any], file: Path, own: dict[str, Any]) -> schema.ScenarioFile:
    """Validate a (merged) scenario with the schema, then check what the schema cannot."""
    try:
        model = schema.ScenarioFile.model_validate(merged, strict=True)
    except ValidationError as exc:
        raise _scenario_error(exc, file, merged, own) from None
    last = date_to_month(model.run.end)
    for kind in schema.Levers.model_fields:
        for i, lever in enumerate(getattr(model.levers, kind)):
            if lever.enabled and date_to_month(lever.start) > last:
                loc = _own_index(("levers", kind, i, "start"), merged, own)
                raise ScenarioError(
                    file,
                    key_path(loc),
                    f"lever {lever.name!r} starts after the run's end (run.end = {model.run.end}) "
                    f"{got(lever.start)}",
                )
    return model


def _resolve(
    path: Path, table: dict[str, Parameter], stack: tuple[Path, ...]
) -> tuple[dict[str, Any], dict[str, Any], schema.ScenarioFile, list[str]]:
    """Read `path` and what it extends.

    Returns:
        The file's own TOML, the merged scenario (parameters flattened), its validated model and the chain
        of files.
    """
    own = read_toml(path)
    data = dict(own)
    if "parameters" in data:
        data["parameters"] = _parameters(data["parameters"], path, table)
    chain = [str(path)]
    merged = data
    if data.get("extends") is not None:
        parent = _parent_file(data["extends"], path)
        here = (*stack, path.resolve())
        if parent.resolve() in here:
            loop = " -> ".join([p.name for p in here[here.index(parent.resolve()) :]] + [parent.name])
            problem = "extends itself" if parent.resolve() == here[-1] else "scenarios extend each other in a loop"
            raise ScenarioError(path, "extends", f"{problem} ({loop}) {got(data['extends'])}")
        _, base, _, parent_chain = _resolve(parent, table, here)
        merged = _merge(base, data)
        chain += parent_chain
    return own, merged, _validate(merged, path, own if merged is not data else merged), chain


def find_scenario(name_or_path: str | Path) -> Path:
    """The file of a scenario given by path, or by name as `extends` takes it: `baseline` is `baseline.toml`
    in the current folder if there is one, else `scenarios/baseline.toml`."""
    path = Path(name_or_path)
    text = str(name_or_path)
    if path.is_file() or "/" in text or "\\" in text or text.endswith(".toml") or not NAME_PATTERN.match(text):
        return path
    for candidate in (Path(f"{text}.toml"), SCENARIOS_DIR / f"{text}.toml"):
        if candidate.is_file():
            return candidate
    if path.exists():
        return path  # a folder of that name: read_toml says what it is
    names = sorted(p.stem for p in SCENARIOS_DIR.glob("*.toml"))
    raise ScenarioError(
        text,
        "",
        f"no such scenario file or scenario name{suggest(text, names, listing=False)} "
        f"(scenarios: {', '.join(names)})",
    )


def load_scenario(path: str | Path, parameters: Parameters | None = None) -> Scenario:
    """Read and validate a scenario file and everything it extends.

    Args:
        path: the scenario file (TOML).
        parameters: the calibration parameters overrides are checked against (default: calibration/).

    Returns:
        The resolved scenario.

    Raises:
        ScenarioError: the file, or one it extends, is missing, unreadable or invalid.
    """
    path = find_scenario(path)
    table = (parameters or load_parameters()).table
    own, _, model, chain = _resolve(path, table, ())
    return scenario_of(model, path, own, chain)


def scenario_of(model: schema.ScenarioFile, path: Path, raw: dict[str, Any], chain: list[str]) -> Scenario:
    """The Scenario of a validated scenario table (the one place a Scenario is built from one)."""
    return Scenario(
        name=model.name,
        description=model.description,
        path=str(path),
        run=model.run.model_dump(),
        parameters=dict(model.parameters),
        levers=model.levers,
        conditions=model.conditions,
        raw=raw,
        chain=chain,
    )


def check_end(end: object, file: str | Path, key: str) -> int:
    """Validate an end month (YYYY-MM, from 2020-12 on); return its model month index."""
    if not isinstance(end, str):
        raise ScenarioError(file, key, f"expected a month YYYY-MM {got(end)}")
    try:
        month = date_to_month(end)
    except ValueError:
        raise ScenarioError(file, key, f"expected a month YYYY-MM {got(end)}") from None
    if month < 1:
        raise ScenarioError(file, key, f"expected a month from 2020-12 on {got(end)}")
    return month

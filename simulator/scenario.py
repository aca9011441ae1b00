"""Scenario files: TOML, parsed by the standard library, validated strictly.

A scenario names itself, may override calibration parameters (by their names in
`calibration/parameters.csv`, within their ranges) and sets run defaults. Every problem is reported as
`FILE: key.path: what is wrong (got X)` through `ScenarioError`; nothing in a file is evaluated as code.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.data import Parameters, load_parameters
from simulator.world import date_to_month

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
TOP_KEYS = {"name", "description", "run", "parameters"}
RUN_KEYS = {"scale": int, "seed": int, "end": str}


class ScenarioError(ValueError):
    """A scenario file is missing, unreadable or invalid. The message is one line."""

    def __init__(self, file: str | Path, key: str, problem: str) -> None:
        self.file, self.key, self.problem = str(file), key, problem
        super().__init__(f"{file}: {key}: {problem}" if key else f"{file}: {problem}")


@dataclass
class Scenario:
    """A validated scenario."""

    name: str
    description: str = ""
    path: str = ""
    run: dict[str, Any] = field(default_factory=dict)
    parameters: dict[str, float] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)

    def resolved(self) -> dict[str, Any]:
        """The scenario as resolved (for the manifest)."""
        return {
            "name": self.name,
            "description": self.description,
            "path": self.path,
            "run": self.run,
            "parameters": self.parameters,
        }


def _suggest(key: str, valid: set[str] | list[str]) -> str:
    close = difflib.get_close_matches(key, list(valid), n=1)
    return f"; did you mean {close[0]!r}?" if close else f"; valid keys: {', '.join(sorted(valid))}"


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file or raise ScenarioError."""
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(path, "", "no such scenario file") from None
    except (IsADirectoryError, PermissionError, OSError) as exc:
        raise ScenarioError(path, "", f"cannot be read ({exc.strerror or exc})") from None
    try:
        data = tomllib.loads(text.decode("utf-8"))
    except UnicodeDecodeError:
        raise ScenarioError(path, "", "is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(path, "", f"is not valid TOML ({exc})") from None
    if not data:
        raise ScenarioError(path, "", 'is empty (a scenario needs at least name = "...")')
    return data


def load_scenario(path: str | Path, parameters: Parameters | None = None) -> Scenario:
    """Read and validate a scenario file."""
    path = Path(path)
    data = read_toml(path)
    table = (parameters or load_parameters()).table
    for key in data:
        if key not in TOP_KEYS:
            raise ScenarioError(path, key, f"unknown key{_suggest(key, TOP_KEYS)}")
    name = data.get("name")
    if not isinstance(name, str):
        raise ScenarioError(path, "name", f"expected a string (got {name!r})")
    if not NAME_PATTERN.match(name):
        raise ScenarioError(
            path,
            "name",
            f"expected letters, digits, '_', '-', '.' only, not starting with a dot (got {name!r})",
        )
    description = data.get("description", "")
    if not isinstance(description, str):
        raise ScenarioError(path, "description", f"expected a string (got {description!r})")
    run = data.get("run", {})
    if not isinstance(run, dict):
        raise ScenarioError(path, "run", f"expected a table (got {run!r})")
    for key, value in run.items():
        if key not in RUN_KEYS:
            raise ScenarioError(path, f"run.{key}", f"unknown key{_suggest(key, set(RUN_KEYS))}")
        expected = RUN_KEYS[key]
        if not isinstance(value, expected) or isinstance(value, bool):
            raise ScenarioError(path, f"run.{key}", f"expected {expected.__name__} (got {value!r})")
    if "scale" in run and run["scale"] < 1:
        raise ScenarioError(path, "run.scale", f"expected a whole number of at least 1 (got {run['scale']!r})")
    if "end" in run:
        check_end(run["end"], path, "run.end")
    overrides = data.get("parameters", {})
    if not isinstance(overrides, dict):
        raise ScenarioError(path, "parameters", f"expected a table (got {overrides!r})")
    flat = _flatten(overrides)
    for key, value in flat.items():
        if key not in table:
            raise ScenarioError(path, f"parameters.{key}", f"unknown parameter{_suggest(key, set(table))}")
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ScenarioError(path, f"parameters.{key}", f"expected a number (got {value!r})")
        low, high = table[key].low, table[key].high
        if not low <= value <= high:
            raise ScenarioError(
                path, f"parameters.{key}", f"expected a value in [{low:g}, {high:g}] (got {value!r})"
            )
    return Scenario(
        name=name,
        description=description,
        path=str(path),
        run=dict(run),
        parameters={k: float(v) for k, v in flat.items()},
        raw=data,
    )


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, full + "."))
        else:
            flat[full] = value
    return flat


def check_end(end: object, file: str | Path, key: str) -> int:
    """Validate an end month (YYYY-MM, from 2020-12 on); return its model month index."""
    if not isinstance(end, str):
        raise ScenarioError(file, key, f"expected a month YYYY-MM (got {end!r})")
    try:
        month = date_to_month(end)
    except ValueError:
        raise ScenarioError(file, key, f"expected a month YYYY-MM (got {end!r})") from None
    if month < 1:
        raise ScenarioError(file, key, f"expected a month from 2020-12 on (got {end!r})")
    return month

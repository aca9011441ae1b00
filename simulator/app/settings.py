"""What a student sets on the page, and the scenario file it makes.

The controls are generated from the scenario schema (`simulator.scenario.schema`): for each lever kind, one
control per setting of that kind (numbers with their unit and range, choices, the start month), filled with
the values of that kind's last lever in scenarios/plan.toml where there is one, else the schema's default,
and starting in 2021-01.
A kind that is switched on adds one lever named `app_<kind>` on top of the base scenario. The settings become
a scenario file (`to_toml`) that extends the base scenario; the page validates it with the scenario loader
and builds the model from exactly that file, so what is saved is what was simulated.
"""

from __future__ import annotations

import json
import math
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import NoneType
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel

from simulator.atomic import write_atomically
from simulator.dates import month_to_date
from simulator.geography import UNITS
from simulator.scenario import Scenario, ScenarioError, load_scenario
from simulator.scenario.loader import SCENARIOS_DIR
from simulator.scenario.schema import Lever, Levers, RunSettings, bounds, members

#: Settings every lever has that the page does not offer (the lever's own name, switches, budget caps).
HIDDEN = ("name", "enabled", "end", "budget_yuan")
#: First line of every file the page writes: how it recognises its own files.
HEADER = "# Scenario written by talentsim app (the student page)."
#: Months a lever may start in on the page.
LAST_MONTH = "2030-12"
#: Scenario whose levers give the controls their starting values (the last lever of each kind there).
EXAMPLES = "plan"
#: Starting value of every lever's start: the first month of the plan period.
FIRST_START = "2021-01"


@dataclass(frozen=True)
class Control:
    """One control of the page: a setting of a lever kind.

    Attributes:
        key: path of the setting inside the lever, e.g. ("yuan_per_month", "bachelor").
        label: what the page shows: the path, the unit and the range.
        kind: "number", "integer", "choice" or "month".
        unit: unit of the setting ("" if none).
        low: smallest value allowed (numbers), None if open.
        high: largest value allowed (numbers), None if open.
        choices: allowed values (choices).
        meaning: one-line description from the schema.
    """

    key: tuple[str, ...]
    label: str
    kind: str
    unit: str = ""
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    meaning: str = ""


def _unit(info: Any) -> str:
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    return str(extra.get("unit", ""))


def _range(low: float | None, high: float | None) -> str:
    def show(v: float) -> str:
        return f"{v:,.0f}" if float(v).is_integer() else f"{v:g}"

    if low is None and high is None:
        return ""
    if high is None:
        return f"≥ {show(low)}"  # type: ignore[arg-type]
    if low is None:
        return f"≤ {show(high)}"
    return f"{show(low)}–{show(high)}"


def controls_of(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> list[Control]:
    """The controls of a lever kind (or a nested table of it), in declaration order."""
    out: list[Control] = []
    for name, info in model.model_fields.items():
        if not prefix and name in HIDDEN:
            continue
        key = (*prefix, name)
        options = members(info.annotation)
        nested = [m for m in options if isinstance(m, type) and issubclass(m, BaseModel)]
        if nested:
            out.extend(controls_of(nested[0], key))
            continue
        unit, meaning = _unit(info), info.description or ""
        path = ".".join(key)
        if name == "start":
            out.append(Control(key, f"{path} (YYYY-MM)", "month", "YYYY-MM", meaning=meaning))
            continue
        literals = [v for m in options if get_origin(m) is Literal for v in get_args(m)]
        lists = [m for m in options if get_origin(m) is list]
        if lists or literals:
            # a unit list ("units") is offered as one unit or "all"
            values = literals + (list(get_args(get_args(lists[0])[0])) if lists else [])
            out.append(Control(key, path, "choice", choices=tuple(str(v) for v in values), meaning=meaning))
            continue
        number = [m for m in options if m in (int, float)]
        if number:
            low, high = bounds(info)
            kind = "integer" if number[0] is int else "number"
            span = _range(low, high)
            label = f"{path} ({', '.join(p for p in (unit, span) if p)})" if unit or span else path
            out.append(Control(key, label, kind, unit, low, high, meaning=meaning))
    return out


def lever_kinds() -> dict[str, type[Lever]]:
    """Every lever kind of the schema: name -> its table."""
    kinds = {}
    for name, info in Levers.model_fields.items():
        table = [m for m in members(info.annotation) if get_origin(m) is list][0]
        kinds[name] = get_args(table)[0]
    return kinds


def base_scenarios() -> list[str]:
    """Names of the scenarios in scenarios/ a student may start from."""
    return sorted(p.stem for p in SCENARIOS_DIR.glob("*.toml"))


def months() -> list[str]:
    """Months a lever may start in on the page (2020-11 to LAST_MONTH)."""
    out, month = [], 0
    while True:
        date = month_to_date(month)
        out.append(date)
        if date == LAST_MONTH:
            return out
        month += 1


def _get(table: dict[str, Any], key: tuple[str, ...]) -> Any:
    for part in key:
        if not isinstance(table, dict) or part not in table:
            return None
        table = table[part]
    return table


def _set(table: dict[str, Any], key: tuple[str, ...], value: Any) -> None:
    for part in key[:-1]:
        table = table.setdefault(part, {})
    table[key[-1]] = value


def _default(control: Control, info_default: Any) -> Any:
    if info_default is not None:
        return info_default
    if control.kind == "month":
        return "2022-01"
    if control.kind == "choice":
        return control.choices[0]
    return control.low if control.low is not None else 0


def starting_values() -> dict[str, dict[tuple[str, ...], Any]]:
    """The controls' first values: the kind's last lever in scenarios/EXAMPLES.toml, else schema defaults."""
    example = load_scenario(SCENARIOS_DIR / f"{EXAMPLES}.toml").levers.model_dump(mode="json")
    values: dict[str, dict[tuple[str, ...], Any]] = {}
    for kind, table in lever_kinds().items():
        last = (example.get(kind) or [{}])[-1]
        defaults = _schema_defaults(table)
        values[kind] = {}
        for control in controls_of(table):
            value = FIRST_START if control.kind == "month" else _get(last, control.key)
            if value is None:
                value = _default(control, _get(defaults, control.key))
            if control.kind == "choice" and isinstance(value, list):
                value = value[0] if value else control.choices[0]
            values[kind][control.key] = value
    return values


def _schema_defaults(table: type[BaseModel]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, info in table.model_fields.items():
        if info.is_required():
            continue
        value = info.get_default(call_default_factory=True)
        out[name] = value.model_dump(mode="json") if isinstance(value, BaseModel) else value
    return out


@dataclass(frozen=True)
class AppSettings:
    """Everything the page's controls hold.

    Attributes:
        base: name of the scenario in scenarios/ to start from.
        scale: residents per simulated person.
        seed: the run's seed.
        end: last month the page can simulate.
        name: name of the scenario file the page saves.
        on: lever kinds switched on (each adds one lever on top of the base).
        values: kind -> control key -> value.
    """

    base: str = "enacted"
    scale: int = 500
    seed: int = 1
    end: str = LAST_MONTH
    name: str = "my_scenario"
    on: frozenset[str] = frozenset()
    values: dict[str, dict[tuple[str, ...], Any]] = field(default_factory=starting_values)

    def with_value(self, kind: str, key: tuple[str, ...], value: Any) -> AppSettings:
        """A copy with one control changed."""
        values = {k: dict(v) for k, v in self.values.items()}
        values[kind][key] = value
        return replace(self, values=values)

    def switched(self, kind: str, on: bool) -> AppSettings:
        """A copy with a lever kind switched on or off."""
        return replace(self, on=self.on | {kind} if on else self.on - {kind})

    def lever_tables(self) -> dict[str, dict[str, Any]]:
        """The levers the page adds, as scenario tables: kind -> table."""
        out = {}
        for kind in sorted(self.on):
            table: dict[str, Any] = {"name": f"app_{kind}"}
            for key, value in self.values[kind].items():
                _set(table, key, value)
            if kind in ("graduate_subsidy", "high_end_subsidy") and table.get("units") in UNITS:
                table["units"] = [table["units"]]
            out[kind] = table
        return out

    def to_toml(self) -> str:
        """The scenario file of these settings (TOML)."""
        lines = [
            HEADER,
            f"name = {_toml(self.name)}",
            f"description = {_toml(f'{self.base} plus levers set on the talentsim page')}",
            f"extends = {_toml(self.base)}",
            "",
            "[run]",
            f"scale = {self.scale}",
            f"seed = {self.seed}",
            f"end = {_toml(self.end)}",
        ]
        for kind, table in self.lever_tables().items():
            lines += ["", f"[[levers.{kind}]]"]
            lines += [f"{k} = {_toml(v)}" for k, v in table.items() if not isinstance(v, dict)]
            for k, v in table.items():
                if isinstance(v, dict):
                    lines += [f"[levers.{kind}.{k}]", *(f"{kk} = {_toml(vv)}" for kk, vv in v.items())]
        return "\n".join(lines) + "\n"

    def scenario(self) -> Scenario:
        """The scenario of these settings, validated by the scenario loader (raises ScenarioError)."""
        check_name(self.name)
        with tempfile.TemporaryDirectory(prefix="talentsim-app-") as folder:
            path = Path(folder) / f"{self.name}.toml"
            path.write_text(self.to_toml(), encoding="utf-8")
            scenario = load_scenario(path)
        return scenario

    def save(self, folder: Path) -> Path:
        """Write the scenario file into `folder` (made if missing) after validating it; return its path.

        Raises:
            ScenarioError: the settings are not a valid scenario, or the file exists and is not the page's.
        """
        self.scenario()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.name}.toml"
        if path.exists() and not path.read_text(encoding="utf-8", errors="replace").startswith(HEADER):
            raise ScenarioError(path, "", "exists and was not written by talentsim app; not replaced")
        write_atomically(path, self.to_toml())
        load_scenario(path)  # what talentsim run will read
        return path


def check_name(name: str) -> None:
    """Raise ScenarioError unless `name` may name a saved scenario (not one of scenarios/, which it extends)."""
    if name in base_scenarios():
        raise ScenarioError(f"{name}.toml", "name", "is a scenario in scenarios/; choose another name")


def _toml(value: Any) -> str:
    """A TOML value: strings quoted (JSON escapes are valid TOML), numbers as numbers, lists of those."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            raise ScenarioError("settings", "", f"expected a finite number (got {value})")
        return repr(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if value is None or isinstance(value, NoneType):
        raise ScenarioError("settings", "", "a setting has no value")
    raise ScenarioError("settings", "", f"cannot write {value!r}")


def run_settings() -> dict[str, Control]:
    """Controls of the run: scale and seed with their ranges from the schema."""
    out = {}
    for name in ("scale", "seed"):
        info = RunSettings.model_fields[name]
        low, high = bounds(info)
        label = f"{name} ({', '.join(p for p in (_unit(info), _range(low, high)) if p)})"
        out[name] = Control((name,), label, "integer", _unit(info), low, high, meaning=info.description or "")
    return out

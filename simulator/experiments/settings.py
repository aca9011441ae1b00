"""Sampled settings: a calibration parameter by its name (`migration.beta_income`) or a lever setting as
`levers.<kind>.<lever name>.<field path>` (`levers.graduate_subsidy.province_graduate_subsidy_2024.
yuan_per_month.bachelor`), and how a sample's values are applied to a scenario.

A parameter value overrides `calibration/parameters.csv` (within the parameter's range). A lever value is
written into the scenario's resolved levers, which are then validated again with the scenario schema, so a
value the schema would refuse in a scenario file is refused here too. A value for a whole-number setting is
rounded to the nearest whole number. A scenario without the named lever runs unchanged in every sample.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from simulator.inputs.parameters import Parameters
from simulator.scenario import Scenario, schema
from simulator.scenario.errors import got as _got
from simulator.scenario.errors import num as _num
from simulator.scenario.errors import suggest as _suggest

LEVER_PREFIX = "levers."


@dataclass(frozen=True)
class Setting:
    """A sampled setting.

    Attributes:
        name: as written in the experiment file.
        kind: "parameter" or "lever".
        lever_kind: the lever table (`graduate_subsidy`, ...) of a lever setting.
        lever_name: the lever's `name`.
        path: the field path inside the lever (`("yuan_per_month", "bachelor")`).
        whole: whether values are rounded to whole numbers.
    """

    name: str
    kind: str
    lever_kind: str = ""
    lever_name: str = ""
    path: tuple[str, ...] = ()
    whole: bool = False

    def value(self, x: float) -> float:
        """The value actually used for a sampled `x`."""
        return float(round(x)) if self.whole else float(x)


class SettingError(ValueError):
    """A sampled setting is unknown or a value is out of range; `key` is the setting name."""

    def __init__(self, key: str, problem: str) -> None:
        self.key, self.problem = key, problem
        super().__init__(f"{key}: {problem}")


def _numeric(annotation: Any) -> tuple[bool, bool]:
    """(is a number, is a whole number) for a field annotation (None allowed as an alternative)."""
    members = [m for m in schema.members(annotation) if m is not type(None)]
    if members == [int]:
        return True, True
    return bool(members) and all(m in (int, float) for m in members), False


def resolve(name: str, parameters: Parameters, scenarios: list[Scenario]) -> Setting:
    """The setting that `name` denotes; raise SettingError if there is none.

    Args:
        name: a parameter name or `levers.<kind>.<lever name>.<field path>`.
        parameters: the calibration parameters.
        scenarios: the experiment's scenarios; a lever must be enabled in at least one.
    """
    if not name.startswith(LEVER_PREFIX):
        if name not in parameters.table:
            hint = _suggest(name, parameters.table, listing=False) or (
                "; docs/parameters.md lists the parameters; levers.<kind>.<lever name>.<field> names a "
                "lever setting"
            )
            raise SettingError(name, f"unknown parameter{hint}")
        return Setting(name, "parameter")
    parts = name[len(LEVER_PREFIX) :].split(".")
    kinds = list(schema.Levers.model_fields)
    if len(parts) < 3:
        raise SettingError(name, "expected levers.<kind>.<lever name>.<field path>")
    kind, lever, path = parts[0], parts[1], tuple(parts[2:])
    if kind not in kinds:
        raise SettingError(name, f"unknown lever kind {kind!r}{_suggest(kind, kinds)}")
    named = {lv.name for sc in scenarios for lv in getattr(sc.levers, kind) if lv.enabled}
    if lever not in named:
        where = f"; levers of this kind: {', '.join(sorted(named))}" if named else ""
        raise SettingError(name, f"no enabled {kind} lever named {lever!r} in the experiment's scenarios{where}")
    info = None
    for depth in range(len(path)):
        model = schema.model_at(("levers", kind, 0, *path[:depth]))
        if model is None or path[depth] not in model.model_fields:
            fields = list(model.model_fields) if model else []
            raise SettingError(name, f"unknown setting {path[depth]!r}{_suggest(path[depth], fields)}")
        info = model.model_fields[path[depth]]
    number, whole = _numeric(info.annotation if info is not None else None)
    if not number:
        raise SettingError(name, "not a numeric setting (only numbers can be sampled)")
    return Setting(name, "lever", kind, lever, path, whole)


def check_bounds(
    setting: Setting, low: float, high: float, parameters: Parameters, scenarios: list[Scenario]
) -> None:
    """Raise SettingError unless every value in [low, high] is valid for `setting`."""
    if setting.kind == "parameter":
        p = parameters.table[setting.name]
        for value in (low, high):
            if not p.low <= value <= p.high:
                raise SettingError(
                    setting.name, f"expected a range within [{_num(p.low)}, {_num(p.high)}] {_got([low, high])}"
                )
        return
    for scenario in scenarios:
        for value in (low, high):
            apply(scenario, {setting: value})


def apply(scenario: Scenario, values: dict[Setting, float]) -> Scenario:
    """The scenario with a sample's values: parameters overridden, lever settings set and validated.

    Raises:
        SettingError: a lever value the schema refuses.
    """
    parameters = dict(scenario.parameters)
    levers = scenario.levers.model_dump()
    changed = False
    for setting, x in values.items():
        value = setting.value(x)
        if setting.kind == "parameter":
            parameters[setting.name] = value
            continue
        for lever in levers[setting.lever_kind]:
            if lever["name"] != setting.lever_name or not lever["enabled"]:
                continue
            node = lever
            for key in setting.path[:-1]:
                node = node[key]
            node[setting.path[-1]] = int(value) if setting.whole else value
            changed = True
    if changed:
        try:
            validated = schema.Levers.model_validate(levers, strict=True)
        except ValidationError as exc:
            error = exc.errors(include_url=False)[0]
            problem = _problem(error)
            raise SettingError("", f"{problem} {_got(_given(values))}") from None
        scenario = dataclasses.replace(scenario, levers=validated)
    return dataclasses.replace(scenario, parameters=parameters)


def _given(values: dict[Setting, float]) -> float | list[float]:
    items = [s.value(x) for s, x in values.items() if s.kind == "lever"]
    return items[0] if len(items) == 1 else items


def _problem(error: dict[str, Any]) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        info = schema.field_at(("levers", *tuple(error["loc"])))
        low, high = schema.bounds(info) if info is not None else (None, None)
        if low is not None and high is not None:
            return f"expected a range within [{_num(low)}, {_num(high)}]"
        return f"expected at least {_num(low)}" if low is not None else f"expected at most {_num(high)}"
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", error["msg"]))
    return str(error["msg"])


def finite_pair(value: Any) -> bool:
    """Whether `value` is [low, high] with finite numbers low < high."""
    if not isinstance(value, list | tuple) or len(value) != 2:
        return False
    if any(isinstance(v, bool) or not isinstance(v, int | float) for v in value):
        return False
    return all(math.isfinite(v) for v in value) and value[0] < value[1]

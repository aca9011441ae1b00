"""The generated reference `docs/parameters.md`: every setting of a scenario file and every calibration parameter.

Run `python -m simulator.scenario.docs > docs/parameters.md` after changing
`simulator/scenario/schema.py` or `calibration/parameters.csv`; `tests/test_schema_docs.py` fails while the file is
out of date.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

import simulator.scenario.schema as schema
from simulator.codes import SECTORS
from simulator.geography import UNITS, UNITS_ZH
from simulator.inputs.files import CALIBRATION_DIR
from simulator.inputs.parameters import load_parameters

DOC_PATH = Path(__file__).resolve().parent.parent.parent / "docs" / "parameters.md"
REGENERATE = "python -m simulator.scenario.docs > docs/parameters.md"

INTRO = f"""\
# Scenario files and parameters: the reference

Generated from `simulator/scenario/schema.py` and `calibration/parameters.csv` by `{REGENERATE}`;
do not edit by hand (a test fails when this file is out of date).

A scenario file is TOML. Every key below is checked: an unknown key, a value of the wrong type or out of
range, a malformed month (`YYYY-MM`) or an impossible date is an error that names the file and the key
(`FILE: key.path: what is wrong (got X)`). Settings left out take their default. Months run from census
day, 2020-11.

A scenario may build on another with `extends` (a name: `<name>.toml` next to the file, then in
`scenarios/`; or a path relative to the file). It then says only what differs: tables are merged key by
key, and levers are merged by `name` (a lever with an inherited name overrides only the fields it sets;
`enabled = false` switches it off; a new name adds a lever). `name`, `description` and `extends` are not
inherited.
"""


def _num(value: float) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if float(value).is_integer() and abs(value) < 1e21:
        return str(int(value))
    return f"{value:.10g}"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|").replace("<", "&lt;")


def _type(annotation: Any, info: FieldInfo | None = None) -> str:
    """A type annotation in words."""
    words = []
    for member in schema.members(annotation):
        origin = get_origin(member)
        if origin is Literal:
            args = get_args(member)
            if args == UNITS:
                words.append("unit name")
            elif args == SECTORS:
                words.append("sector name")
            else:
                words.append(" or ".join(f'`"{a}"`' for a in args))
        elif origin is list and _is_model(get_args(member)[0]):
            words.append("array of tables")
        elif origin is list:
            words.append(f"list of {_type(get_args(member)[0])}s")
        elif origin is dict:
            words.append("table of name = number")
        elif isinstance(member, type) and issubclass(member, BaseModel):
            words.append("table")
        elif member is bool:
            words.append("true/false")
        elif member is int:
            words.append("whole number")
        elif member is float:
            words.append("number")
        elif member is str:
            unit = (info.json_schema_extra or {}).get("unit") if info is not None else ""
            words.append("month" if unit == "YYYY-MM" else "string")
        else:
            words.append(str(member))
    return " or ".join(words)


def _range(info: FieldInfo) -> str:
    low, high = schema.bounds(info)
    pattern = next((m.pattern for m in info.metadata if getattr(m, "pattern", None)), None)
    if low is not None and high is not None:
        return f"{_num(low)} to {_num(high)}"
    if low is not None:
        return f">= {_num(low)}"
    if high is not None:
        return f"<= {_num(high)}"
    if pattern and pattern != r"^\d{4}-\d{2}$":
        return f"`{pattern}`"
    return ""


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "required"
    if info.default_factory is not None:
        value = info.default_factory()
        if isinstance(value, BaseModel):
            return "see its table"
        return "empty" if not value else repr(value)
    value = info.default
    if value is None:
        return "none"
    if isinstance(value, str):
        return f'`"{value}"`'
    return _num(value)


def _models(annotation: Any) -> list[tuple[type[BaseModel], bool]]:
    """The tables a setting holds: (model, is an array of tables)."""
    out = []
    for member in schema.members(annotation):
        if get_origin(member) is list:
            out += [(m, True) for m in schema.members(get_args(member)[0]) if _is_model(m)]
        elif _is_model(member):
            out.append((member, False))
    return out


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def _doc(model: type[BaseModel]) -> str:
    paragraphs = inspect.cleandoc(model.__doc__ or "").replace("-\n", "-").split("\n\n")
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())


def _sections(model: type[BaseModel], path: str, header: str, lines: list[str]) -> None:
    lines += ["", f"## {header}", "", _doc(model), ""]
    lines += ["| key | type | unit | range | default | meaning |", "|---|---|---|---|---|---|"]
    nested: list[tuple[type[BaseModel], str, str]] = []
    for key, info in model.model_fields.items():
        unit = (info.json_schema_extra or {}).get("unit", "")  # type: ignore[union-attr]
        cells = [f"`{key}`", _type(info.annotation, info), unit, _range(info), _default(info), info.description]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        full = f"{path}.{key}" if path else key
        for sub, is_array in _models(info.annotation):
            nested.append((sub, full, f"[[{full}]]" if is_array else f"[{full}]"))
    for sub, full, sub_header in nested:
        _sections(sub, full, sub_header, lines)


def render() -> str:
    """The whole reference, as Markdown."""
    lines = [INTRO.rstrip("\n")]
    _sections(schema.ScenarioFile, "", "Scenario file: top level", lines)
    lines += ["", "## Unit and sector names", "", "Units (census units of Jilin, 2020 boundaries):", ""]
    lines += [f"- `{u}` ({UNITS_ZH[u]})" for u in UNITS]
    lines += ["", "Sectors (the plan's industrial system):", ""]
    lines += [f"- `{s}`" for s in SECTORS]
    lines += [
        "",
        "## Calibration parameters",
        "",
        "The values of `calibration/parameters.csv`. A scenario overrides one in `[parameters]` by its name,",
        'written dotted (`migration.stay_bonus = 0.9`) or quoted (`"migration.stay_bonus" = 0.9`), within',
        "its range. Basis: `data` (a published figure), `statutory` (a rule in force), `derived` (computed",
        "from data), `assumption` (a stated assumption), `provisional` (a placeholder until fitted).",
        "",
        "| name | value | range | unit | basis | source | meaning |",
        "|---|---|---|---|---|---|---|",
    ]
    for p in load_parameters(CALIBRATION_DIR).table.values():
        span = f"{_num(p.low)} to {_num(p.high)}"
        cells = [f"`{p.name}`", _num(p.value), span, p.unit, p.basis, p.source, p.meaning]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    """Print the reference to standard output (UTF-8)."""
    sys.stdout.buffer.write(render().encode("utf-8"))
    sys.stdout.flush()


if __name__ == "__main__":
    main()

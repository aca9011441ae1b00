"""Resolved scenarios as JSON (a store's `scenarios/<name>.json`, a run's manifest `scenario`), read back
so that `talentsim run` can repeat any run of a batch alone.

The file is validated by the same schema and checks as a scenario file (`name`, `description`, `run`,
`parameters`, `levers`; the provenance keys `path` and `extends` are ignored); nothing in it is evaluated.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from simulator.inputs.parameters import Parameters, load_parameters
from simulator.scenario import schema
from simulator.scenario.errors import ScenarioError
from simulator.scenario.loader import Scenario, _parameters, _scenario_error, scenario_of

PROVENANCE_KEYS = ("path", "extends")


def load_resolved(path: str | Path, parameters: Parameters | None = None) -> Scenario:
    """Read a resolved scenario written as JSON.

    Raises:
        ScenarioError: the file is missing, unreadable, not JSON or not a valid scenario.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(path, "", "no such scenario file") from None
    except UnicodeDecodeError:
        raise ScenarioError(path, "", "is not UTF-8 text") from None
    except OSError as exc:
        raise ScenarioError(path, "", f"cannot be read ({exc.strerror or exc})") from None
    try:
        table = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(path, "", f"is not valid JSON ({exc.msg}, line {exc.lineno})") from None
    if not isinstance(table, dict) or not table:
        raise ScenarioError(path, "", "expected a resolved scenario (a JSON object with name, run, levers)")
    table = {k: v for k, v in table.items() if k not in PROVENANCE_KEYS}
    table["levers"] = {
        kind: [
            {k: v for k, v in lever.items() if v is not None} if isinstance(lever, dict) else lever
            for lever in items
        ]
        if isinstance(items, list)
        else items
        for kind, items in (table.get("levers") or {}).items()
    }
    table["levers"] = {kind: items for kind, items in table["levers"].items() if items != []}
    params = parameters or load_parameters()
    if "parameters" in table:
        table["parameters"] = _parameters(table["parameters"], path, params.table)
    try:  # not _validate: a lever may start after the batch's end month, as in the batch
        model = schema.ScenarioFile.model_validate(table, strict=True)
    except ValidationError as exc:
        raise _scenario_error(exc, path, table, table) from None
    return scenario_of(model, path, table, [str(path)])

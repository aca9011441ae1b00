"""docs/parameters.md is generated from simulator/schema.py and calibration/parameters.csv and kept current."""

from __future__ import annotations

import difflib

from simulator.inputs.parameters import load_parameters
from simulator.scenario import docs as paramdoc
from simulator.scenario import schema


def test_parameter_reference_is_up_to_date():
    expected = paramdoc.render()
    actual = paramdoc.DOC_PATH.read_text(encoding="utf-8") if paramdoc.DOC_PATH.exists() else ""
    if actual != expected:
        diff = "".join(
            list(
                difflib.unified_diff(
                    actual.splitlines(keepends=True),
                    expected.splitlines(keepends=True),
                    "docs/parameters.md",
                    "generated",
                )
            )[:40]
        )
        raise AssertionError(
            f"docs/parameters.md is out of date; regenerate it with `.venv/bin/{paramdoc.REGENERATE}`\n{diff}"
        )


def test_reference_covers_every_setting_and_parameter():
    text = paramdoc.render()
    for kind in schema.Levers.model_fields:
        assert f"## [[levers.{kind}]]" in text
    assert "## [run]" in text and "## [levers.talent_classes.class_shares_pct]" in text
    for name in load_parameters().table:
        assert f"| `{name}` |" in text
    assert "Mechanism:" in text

"""docs/experiments.md is generated from the experiment-file schema and kept current."""

from __future__ import annotations

import difflib

from simulator.experiments import docs, spec


def test_experiment_reference_is_up_to_date():
    expected = docs.render()
    actual = docs.DOC_PATH.read_text(encoding="utf-8") if docs.DOC_PATH.exists() else ""
    if actual != expected:
        diff = "".join(
            list(
                difflib.unified_diff(
                    actual.splitlines(True), expected.splitlines(True), "docs/experiments.md", "generated"
                )
            )[:40]
        )
        raise AssertionError(
            f"docs/experiments.md is out of date; regenerate it with `.venv/bin/{docs.REGENERATE}`\n{diff}"
        )


def test_reference_covers_every_key():
    text = docs.render()
    for key in spec.ExperimentFile.model_fields:
        assert f"| `{key}` |" in text
    for key in spec.Samples.model_fields:
        assert f"| `{key}` |" in text
    assert "## [samples]" in text and "levers.<kind>.<lever name>.<field path>" in text

"""The generated reference `docs/experiments.md`: every key of an experiment file, from its schema
(`simulator.experiments.spec`), beside `docs/parameters.md` for scenario files.

Run `python -m simulator.experiments.docs > docs/experiments.md` after changing the schema;
`tests/test_experiments_docs.py` fails while the file is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

from simulator.experiments import spec
from simulator.scenario.docs import _sections

DOC_PATH = Path(__file__).resolve().parent.parent.parent / "docs" / "experiments.md"
REGENERATE = "python -m simulator.experiments.docs > docs/experiments.md"

INTRO = f"""\
# Experiment files: the reference

Generated from `simulator/experiments/spec.py` by `{REGENERATE}`; do not edit by hand (a test fails when
this file is out of date). `talentsim batch EXPERIMENT.toml` runs an experiment; README.md ("Batches and
comparisons") says how, and what the store holds.

An experiment file is TOML. Every key below is checked like a scenario file's: an unknown key, a value of the
wrong type or out of range, or a malformed month is an error that names the file and the key
(`FILE: key.path: what is wrong (got X)`), before anything runs or is written. Settings left out take
their default.

An experiment makes one run of the model for every (scenario, sample, replicate). Sampled settings are
named like this:

- a calibration parameter by its name in `calibration/parameters.csv` (`"migration.beta_income"`), with a
  range inside the parameter's range (docs/parameters.md);
- a lever setting as `"levers.<kind>.<lever name>.<field path>"`, for instance
  `"levers.graduate_subsidy.province_graduate_subsidy.yuan_per_month.bachelor"`: the lever (enabled in at
  least one scenario) gets each sampled value, and the scenario's levers are validated again, so a range
  the scenario schema would refuse is an error naming the key. Whole-number settings are rounded.

Quote the names (they contain dots). Example:

```toml
name = "levers"
description = "Baseline and enacted measures, 10 replicates"
scenarios = ["../scenarios/baseline.toml", "../scenarios/enacted.toml"]
replicates = 10
seed = 1
scale = 100
end = "2025-12"

[samples]
method = "lhs"
n = 16
[samples.parameters]
"migration.beta_income" = [1.5, 3.5]
"levers.graduate_subsidy.province_graduate_subsidy_2024.yuan_per_month.bachelor" = [500, 2000]
```
"""


def render() -> str:
    """The whole reference, as Markdown."""
    lines = [INTRO.rstrip("\n")]
    _sections(spec.ExperimentFile, "", "Experiment file: top level", lines)
    text = "\n".join(lines) + "\n"
    return text.replace("| table of name = number |", "| table of name = [low, high] |")


def main() -> None:
    """Print the reference to standard output (UTF-8)."""
    sys.stdout.buffer.write(render().encode("utf-8"))
    sys.stdout.flush()


if __name__ == "__main__":
    main()

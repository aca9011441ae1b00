"""Mutation score of the test suite on the process modules (simulator/processes/*.py), on a seeded sample.

Not a test: it measures how many small changes of the processes' code (mutants: a reversed comparison, a
constant changed, an argument dropped, ...) the tests notice. It uses mutmut (PyPI) on a scratch copy of the
repository, so the working tree is untouched:

    .venv/bin/python benchmarks/mutation_sample.py --sample 200 --seed 7 --suite before
    .venv/bin/python benchmarks/mutation_sample.py --sample 200 --seed 7 --suite after

`--suite before` runs the process tests that predate issue 7 (demography, labour market, migration);
`--suite after` adds the tests written for it (education, skills, policy, the labour profile, conditions).
mutmut generates every mutant of the process modules (about 2,300); the same seeded sample of `--sample` of
them is run with each suite (the whole set takes hours on two cores). A mutant is killed when a test fails
or times out. Prints the kill rate overall and by module.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITES = {
    "before": ["tests/test_demography.py", "tests/test_labour_market.py", "tests/test_migration.py"],
    "after": [
        "tests/test_demography.py",
        "tests/test_labour_market.py",
        "tests/test_migration.py",
        "tests/test_education.py",
        "tests/test_skills.py",
        "tests/test_policy.py",
        "tests/test_labour_profile.py",
        "tests/test_conditions.py",
    ],
}
STATUS = re.compile(r"^\s*(simulator\.processes\.[\w.ǁ]+): (.+)$")


def prepare(scratch: Path, tests: list[str]) -> None:
    """A copy of the repository with mutmut's configuration for the process modules and `tests`."""
    for name in ("simulator", "calibration", "scenarios", "tests", "pyproject.toml"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, scratch / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, scratch / name)
    selection = ", ".join(f'"{t}"' for t in tests)
    with (scratch / "pyproject.toml").open("a", encoding="utf-8") as handle:
        handle.write(
            "\n[tool.mutmut]\n"
            'source_paths = ["simulator/processes/"]\n'
            'also_copy = ["calibration/", "scenarios/", "tests/", "simulator/"]\n'
            f"pytest_add_cli_args_test_selection = [{selection}]\n"
        )


def results(mutmut: str, scratch: Path) -> dict[str, str]:
    """Every mutant's status as mutmut reports it."""
    out = subprocess.run([mutmut, "results", "--all", "true"], cwd=scratch, capture_output=True, text=True)
    found = {}
    for line in out.stdout.splitlines():
        match = STATUS.match(line)
        if match:
            found[match.group(1)] = match.group(2).strip()
    return found


def main() -> None:
    """Run a seeded sample of mutants with one suite and print the kill rate."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", choices=sorted(SUITES), required=True)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--mutmut", default=str(Path(sys.executable).absolute().parent / "mutmut"))
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="talentsim-mutation-"))
    try:
        prepare(scratch, SUITES[args.suite])
        # generate the mutants (and mutmut's test statistics) by running one trivial mutant
        subprocess.run(
            [args.mutmut, "run", "simulator.processes.policy.x_step__mutmut_1"],
            cwd=scratch,
            capture_output=True,
            text=True,
            check=False,
        )
        names = sorted(results(args.mutmut, scratch))
        sample = sorted(random.Random(args.seed).sample(names, min(args.sample, len(names))))
        for start in range(0, len(sample), 25):
            subprocess.run(
                [args.mutmut, "run", *sample[start : start + 25]],
                cwd=scratch,
                capture_output=True,
                text=True,
                check=False,
            )
        status = results(args.mutmut, scratch)
        killed_states = {"killed", "timeout"}
        by_module: dict[str, Counter] = {}
        for name in sample:
            part = name.split(".")[2]
            module = "__init__" if part.startswith("x_") else part
            state = status.get(name, "missing")
            by_module.setdefault(module, Counter())[state] += 1
        total = Counter()
        for module, counts in sorted(by_module.items()):
            total.update(counts)
            killed = sum(counts[s] for s in killed_states)
            print(f"{module:15s} {killed:4d} of {sum(counts.values()):4d} killed  {dict(counts)}")
        killed = sum(total[s] for s in killed_states)
        print(
            f"suite {args.suite}: {killed} of {sum(total.values())} sampled mutants killed "
            f"({killed / max(sum(total.values()), 1):.1%}) of {len(names)} mutants; seed {args.seed}"
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Experiment files: scenarios x parameter samples x replicates, as TOML validated strictly by a pydantic schema.

The schema below is the only declaration of the file's keys: it validates (unknown keys are errors), gives
the defaults and generates `docs/experiments.md` (`python -m simulator.experiments.docs >
docs/experiments.md`). Every problem is one line, `FILE: key.path: what is wrong (got X)`, raised as
`ExperimentError` (a `ScenarioError`, so the command prints it and exits with status 2). Nothing in a file
is evaluated as code.
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import ValidationError, field_validator, model_validator

from simulator.dates import date_to_month
from simulator.experiments import sampling, settings
from simulator.inputs.parameters import Parameters, load_parameters
from simulator.run import RunSpec
from simulator.scenario import Scenario, ScenarioError, load_scenario, schema
from simulator.scenario.errors import got as _got
from simulator.scenario.errors import key_path as _key_path
from simulator.scenario.errors import num as _num
from simulator.scenario.errors import suggest as _suggest
from simulator.scenario.loader import PATTERN_HINTS, SCENARIOS_DIR, TYPE_HINTS
from simulator.scenario.schema import Month, Strict, setting

#: Most runs an experiment may ask for, and most grid points.
MAX_RUNS = 1_000_000
MAX_GRID = 100_000


class ExperimentError(ScenarioError):
    """An experiment file or a batch option is invalid. The message is one line."""


class Samples(Strict):
    """Parameter samples, crossed with every scenario and replicate (optional).

    The sampled settings are calibration parameters by name (`"migration.beta_income" = [0.5, 2.0]`) or lever
    settings as `"levers.<kind>.<lever name>.<field path>"`, each with its range `[low, high]` inside the
    range the parameter table or the scenario schema allows. A lever setting changes that lever in every
    scenario that has it enabled (a scenario without it runs unchanged in every sample, which keeps it as a
    paired baseline for each sample); whole-number settings are rounded. Sample numbers start at 0 and
    index `samples.parquet`.
    """

    method: Literal[sampling.METHODS] = setting(  # type: ignore[valid-type]
        meaning='"grid": n evenly spaced values of each setting, every combination (n^d samples); "lhs": n '
        'samples of a Latin hypercube (scipy.stats.qmc); "sobol": SALib\'s Saltelli design for first- and '
        'total-order Sobol indices, n (d + 2) samples, n a power of 2; "morris": n Morris trajectories '
        "(SALib), n (d + 1) samples"
    )
    n: int = setting(
        unit="",
        ge=1,
        le=MAX_RUNS,
        meaning="values per setting (grid), samples (lhs), base size (sobol), trajectories (morris)",
    )
    levels: int | None = setting(
        None, unit="", ge=2, le=50, meaning="grid levels of the Morris design (morris only; default 4)"
    )
    parameters: dict[str, list[float]] = setting(
        meaning='the sampled settings: "name" = [low, high], at least one'
    )

    @model_validator(mode="after")
    def _checks(self) -> Samples:
        if self.levels is not None and self.method != "morris":
            raise ValueError(
                f'levels is only used by method = "morris" (got levels = {self.levels} with {self.method!r})'
            )
        if self.method == "sobol" and self.n & (self.n - 1):
            raise ValueError(f"method sobol needs n to be a power of 2 (got n = {self.n})")
        return self


class ExperimentFile(Strict):
    """An experiment: every (scenario, sample, replicate) is one run of the model.

    Replicate k of every scenario and sample uses the same seed (common random numbers), derived from the
    root `seed` as `numpy.random.SeedSequence(seed).spawn(k + 1)[k]` (its first 63 bits); the seed of each
    run is recorded in the store. Runs go from census day (2020-11) to `end` at `scale`; the scenarios' own
    `[run]` settings are not used.
    """

    name: str = setting(
        unit="",
        meaning="the experiment's name; the store goes to outputs/<name>/ unless --out says otherwise",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$",
    )
    description: str = setting("", unit="", meaning="one line saying what the experiment is for")
    scenarios: list[str] = setting(
        unit="",
        meaning="scenario files, relative to the experiment file (a bare name is looked up next to it, then "
        "in scenarios/); their names must differ",
        min_length=1,
        max_length=1000,
    )
    replicates: int = setting(1, unit="runs", ge=1, le=100_000, meaning="replicates of every scenario and sample")
    seed: int = setting(1, unit="", ge=0, le=2**63 - 1, meaning="root seed the replicates' seeds derive from")
    scale: int = setting(
        100, unit="residents per simulated person", ge=1, le=100_000, meaning="scale of every run"
    )
    end: Month = setting("2025-12", unit="YYYY-MM", meaning="last simulated month of every run (from 2020-12 on)")
    branch: bool = setting(
        True,
        unit="",
        meaning="simulate the months before the scenarios' levers first differ once per replicate and sample, "
        "and continue every scenario from that state (identical results, fewer months)",
    )
    samples: Samples | None = setting(None, unit="", meaning="parameter samples (see [samples])")

    @field_validator("end")
    @classmethod
    def _end(cls, value: str) -> str:
        try:
            month = date_to_month(value)
        except ValueError:
            raise ValueError(f"expected a month YYYY-MM (got {value!r})") from None
        if month < 1:
            raise ValueError(f"expected a month from 2020-12 on (got {value!r})")
        return value


@dataclass
class Experiment:
    """A validated experiment with its scenarios loaded and its samples drawn.

    Attributes:
        name, description, replicates, seed, scale, end, branch: as in the file.
        path: the experiment file.
        text: the file's bytes (copied into the store).
        scenarios: the scenarios, in the file's order.
        method, n, levels: the sampling design (method None: no samples).
        settings: the sampled settings, in the file's order.
        bounds: their [low, high].
        design: the sampled values, one row per sample (values actually used: whole numbers rounded).
    """

    name: str
    description: str
    path: str
    text: bytes
    scenarios: list[Scenario]
    replicates: int
    seed: int
    scale: int
    end: str
    branch: bool = True
    method: str | None = None
    n: int = 0
    levels: int = 4
    settings: list[settings.Setting] = field(default_factory=list)
    bounds: list[tuple[float, float]] = field(default_factory=list)
    design: np.ndarray | None = None
    _variants: dict[tuple[str, int], Scenario] = field(default_factory=dict, repr=False)

    @property
    def samples(self) -> list[int]:
        """Sample numbers: 0 .. k-1, or [-1] without samples."""
        return list(range(len(self.design))) if self.design is not None else [-1]

    def variant(self, scenario: Scenario, sample: int) -> Scenario:
        """The scenario with the values of `sample` applied (the scenario itself without samples)."""
        if sample < 0:
            return scenario
        key = (scenario.name, sample)
        if key not in self._variants:
            values = dict(zip(self.settings, self.design[sample], strict=True))
            self._variants[key] = settings.apply(scenario, values)
        return self._variants[key]

    def run_seed(self, replicate: int) -> int:
        """Seed of replicate `replicate` (the same for every scenario and sample)."""
        return replicate_seed(self.seed, replicate)

    def runs(self) -> list[RunSpec]:
        """Every run, ordered by scenario (file order), sample and replicate."""
        out = []
        for scenario in self.scenarios:
            for sample in self.samples:
                variant = self.variant(scenario, sample)
                for k in range(self.replicates):
                    out.append(
                        RunSpec(
                            scenario=variant,
                            scale=self.scale,
                            seed=self.run_seed(k),
                            end=self.end,
                            parameters=dict(variant.parameters),
                            replicate=k,
                            sample=sample,
                        )
                    )
        return out

    def samples_frame(self) -> Any:
        """The samples as a long table (sample, parameter, value), or None without samples."""
        import pandas as pd

        if self.design is None:
            return None
        rows = [
            (i, s.name, s.value(x))
            for i, row in enumerate(self.design)
            for s, x in zip(self.settings, row, strict=True)
        ]
        return pd.DataFrame(rows, columns=["sample", "parameter", "value"]).astype({"sample": "int64"})

    def fingerprint(self) -> dict[str, Any]:
        """What determines the experiment's results (JSON-able): settings, resolved scenarios, samples."""
        return {
            "name": self.name,
            "replicates": self.replicates,
            "seed": self.seed,
            "scale": self.scale,
            "end": self.end,
            "scenarios": [scenario_content(s) for s in self.scenarios],
            "samples": None
            if self.design is None
            else {
                "method": self.method,
                "n": self.n,
                "levels": self.levels,
                "settings": [s.name for s in self.settings],
                "bounds": [list(b) for b in self.bounds],
                "values": [[s.value(x) for s, x in zip(self.settings, row, strict=True)] for row in self.design],
            },
        }

    def hash(self) -> str:
        """SHA-256 of `fingerprint()`: equal for two files that ask for the same runs."""
        return _sha256(self.fingerprint())


def scenario_content(scenario: Scenario) -> dict[str, Any]:
    """The part of a resolved scenario that determines its results (no paths)."""
    return {
        "name": scenario.name,
        "parameters": dict(sorted(scenario.parameters.items())),
        "levers": scenario.levers.model_dump(mode="json"),
        "conditions": scenario.conditions.model_dump(mode="json"),
    }


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of a scenario's content (name, parameters, levers, exogenous conditions)."""
    return _sha256(scenario_content(scenario))


def _sha256(content: Any) -> str:
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def replicate_seed(root: int, replicate: int) -> int:
    """The run seed of replicate `replicate`: the first 63 bits of SeedSequence(root).spawn(k + 1)[k]."""
    child = np.random.SeedSequence(entropy=root, spawn_key=(replicate,))
    return int(child.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


# --- reading ---


def _read(path: Path) -> tuple[bytes, dict[str, Any]]:
    if path.is_dir():
        raise ExperimentError(path, "", "is a directory, not an experiment file")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ExperimentError(path, "", "no such experiment file") from None
    except OSError as exc:
        raise ExperimentError(path, "", f"cannot be read ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ExperimentError(path, "", f"is not UTF-8 text (byte {exc.start})") from None
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ExperimentError(path, "", f"is not valid TOML ({exc})") from None
    if not table:
        raise ExperimentError(path, "", 'is empty (an experiment needs name = "..." and scenarios = [...])')
    return data, table


def _flatten_parameters(table: dict[str, Any], path: Path) -> dict[str, Any]:
    """`[samples.parameters]` with dotted keys written unquoted (nested tables) flattened to one level.

    Raises:
        ExperimentError: a setting is given twice, quoted and unquoted (`"a.b"` and `a.b`).
    """
    samples = table.get("samples")
    if not isinstance(samples, dict) or not isinstance(samples.get("parameters"), dict):
        return table
    flat: dict[str, Any] = {}

    def walk(node: dict[str, Any], prefix: str) -> None:
        for key, value in node.items():
            if isinstance(value, dict):
                walk(value, f"{prefix}{key}.")
            elif prefix + key in flat:
                raise ExperimentError(
                    path,
                    f"samples.parameters.{prefix}{key}",
                    f"expected each setting once (got it twice, quoted and as dotted keys: {flat[prefix + key]!r} "
                    f"and {value!r})",
                )
            else:
                flat[prefix + key] = value

    walk(samples["parameters"], "")
    return {**table, "samples": {**samples, "parameters": flat}}


def _field_at(loc: tuple[Any, ...]) -> Any:
    model: Any = ExperimentFile
    info = None
    for item in loc:
        fields = getattr(model, "model_fields", None)
        if not fields or item not in fields:
            return None, None
        info = fields[item]
        model = next(
            (m for m in schema.members(info.annotation) if isinstance(m, type) and hasattr(m, "model_fields")),
            None,
        )
    return model, info


def _describe(error: dict[str, Any], loc: tuple[Any, ...]) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "extra_forbidden":
        model, _ = _field_at(loc[:-1]) if loc[:-1] else (ExperimentFile, None)
        fields = list(model.model_fields) if model is not None else []
        return f"unknown key{_suggest(str(loc[-1]), fields)}"
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        return f"expected one of {expected}" if " or " in expected else f"expected {expected}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        _, info = _field_at(loc)
        low, high = schema.bounds(info) if info is not None else (None, None)
        if low is not None and high is not None:
            return f"expected a value in [{_num(low)}, {_num(high)}]"
        return f"expected at least {_num(low)}" if low is not None else f"expected at most {_num(high)}"
    if kind == "string_pattern_mismatch":
        return PATTERN_HINTS.get(ctx.get("pattern", ""), "expected up to 64 letters, digits, '_', '-' or '.'")
    if kind in ("too_short", "too_long"):
        if loc[:2] == ("samples", "parameters"):
            return "expected [low, high]"
        return (
            "expected at least one" if kind == "too_short" else f"expected at most {ctx.get('max_length')} items"
        )
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", error["msg"]))
    if loc[:2] == ("samples", "parameters") and kind in ("list_type", "float_type", "float_parsing"):
        return "expected [low, high]"
    return TYPE_HINTS.get(kind, error["msg"])


def _validation_error(exc: ValidationError, file: Path) -> ExperimentError:
    errors = exc.errors(include_url=False)
    first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = tuple(item for item in first["loc"] if not (isinstance(item, str) and "[" in item))
    if loc[:2] == ("samples", "parameters") and len(loc) > 3:
        loc = loc[:3]
    problem = _describe(first, loc)
    if first["type"] != "missing" and "(got " not in problem:
        problem = f"{problem} {_got(first.get('input'))}"
    return ExperimentError(file, _key_path(loc), problem)


def _scenario_file(entry: str, file: Path, i: int) -> Path:
    key = f"scenarios[{i}]"
    if not entry.strip():
        raise ExperimentError(file, key, f"expected a scenario file {_got(entry)}")
    if "/" in entry or "\\" in entry or entry.endswith(".toml"):
        candidates = [Path(os.path.normpath(file.parent / entry))]
    else:
        candidates = [Path(os.path.normpath(file.parent / f"{entry}.toml")), SCENARIOS_DIR / f"{entry}.toml"]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    looked = " or ".join(str(c) for c in candidates)
    raise ExperimentError(file, key, f"no such scenario file ({looked}) {_got(entry)}")


def load_experiment(path: str | Path, parameters: Parameters | None = None) -> Experiment:
    """Read and validate an experiment file, load its scenarios and draw its samples.

    Raises:
        ExperimentError: the file is missing, unreadable or invalid (one line naming the key).
        ScenarioError: one of its scenario files is invalid (one line naming that file).
    """
    path = Path(path)
    parameters = parameters or load_parameters()
    data, table = _read(path)
    try:
        model = ExperimentFile.model_validate(_flatten_parameters(table, path), strict=True)
    except ValidationError as exc:
        raise _validation_error(exc, path) from None
    scenarios: list[Scenario] = []
    where: dict[str, int] = {}
    for i, entry in enumerate(model.scenarios):
        scenario = load_scenario(_scenario_file(entry, path, i), parameters)
        if scenario.name in where:
            raise ExperimentError(
                path,
                f"scenarios[{i}]",
                f"scenario name {scenario.name!r} is also the name of scenarios[{where[scenario.name]}]; "
                f"runs are told apart by name {_got(entry)}",
            )
        where[scenario.name] = i
        scenarios.append(scenario)
    experiment = Experiment(
        name=model.name,
        description=model.description,
        path=str(path),
        text=data,
        scenarios=scenarios,
        replicates=model.replicates,
        seed=model.seed,
        scale=model.scale,
        end=model.end,
        branch=model.branch,
    )
    if model.samples is not None:
        _draw_samples(experiment, model.samples, parameters, path)
    total = len(scenarios) * len(experiment.samples) * model.replicates
    if total > MAX_RUNS:
        raise ExperimentError(
            path,
            "replicates",
            f"the experiment asks for {total:,} runs; at most {MAX_RUNS:,} (got {model.replicates})",
        )
    return experiment


def _draw_samples(experiment: Experiment, samples: Samples, parameters: Parameters, path: Path) -> None:
    if not samples.parameters:
        raise ExperimentError(path, "samples.parameters", "expected at least one setting = [low, high] (got {})")
    chosen: list[settings.Setting] = []
    bounds: list[tuple[float, float]] = []
    for name, pair in samples.parameters.items():
        key = f"samples.parameters.{name}"
        if not settings.finite_pair(pair):
            raise ExperimentError(path, key, f"expected [low, high] with finite low < high {_got(pair)}")
        try:
            setting_ = settings.resolve(name, parameters, experiment.scenarios)
            settings.check_bounds(setting_, pair[0], pair[1], parameters, experiment.scenarios)
        except settings.SettingError as exc:
            problem = exc.problem if "(got " in exc.problem else f"{exc.problem} {_got(pair)}"
            raise ExperimentError(path, key, problem) from None
        chosen.append(setting_)
        bounds.append((float(pair[0]), float(pair[1])))
    count = sampling.sample_count(samples.method, samples.n, len(chosen))
    if samples.method == "grid" and count > MAX_GRID:
        raise ExperimentError(
            path,
            "samples.n",
            f"a grid of {samples.n}^{len(chosen)} = {count:,} points; at most {MAX_GRID:,} (got {samples.n})",
        )
    if count * len(experiment.scenarios) * experiment.replicates > MAX_RUNS:
        raise ExperimentError(
            path,
            "samples.n",
            f"{count:,} samples x {len(experiment.scenarios)} scenarios x {experiment.replicates} replicates "
            f"is more than {MAX_RUNS:,} runs (got {samples.n})",
        )
    levels = samples.levels or 4
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        design = sampling.draw(
            samples.method, samples.n, [s.name for s in chosen], bounds, experiment.seed, levels
        )
    experiment.method, experiment.n, experiment.levels = samples.method, samples.n, levels
    experiment.settings, experiment.bounds, experiment.design = chosen, bounds, design

"""Experiment files: validation (one-line errors, nothing written), seeds, sample designs, sampled settings."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from simulator.cli import main
from simulator.experiments import sampling
from simulator.experiments.spec import ExperimentError, load_experiment, replicate_seed

ROOT = Path(__file__).resolve().parent.parent
BAD = sorted((Path(__file__).parent / "experiments_bad").glob("*.toml"))


def write(tmp_path: Path, body: str, name: str = "exp.toml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


HEAD = f'''name = "t"
scenarios = ["{ROOT}/scenarios/baseline.toml", "{ROOT}/scenarios/graduate_subsidy.toml"]
replicates = 3
seed = 11
scale = 2000
end = "2021-12"
'''


def test_there_are_many_bad_files():
    assert len(BAD) >= 15


@pytest.mark.parametrize("bad", BAD, ids=[p.stem for p in BAD])
def test_a_bad_experiment_file_is_one_line_exit_2_and_nothing_written(bad, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = main(["batch", str(bad), "--out", str(tmp_path / "store")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    first = bad.read_text(encoding="utf-8", errors="replace").splitlines()
    expect = first[0].removeprefix("# expect: ") if first and first[0].startswith("# expect: ") else "is empty"
    assert expect in err, err
    assert bad.stem in err or "scale_zero" in err
    assert list(tmp_path.iterdir()) == []  # no store, no outputs/


def test_a_good_file_loads_with_its_scenarios_and_settings(tmp_path):
    experiment = load_experiment(write(tmp_path, HEAD))
    assert [s.name for s in experiment.scenarios] == ["baseline", "graduate_subsidy"]
    assert (experiment.replicates, experiment.seed, experiment.scale, experiment.end) == (3, 11, 2000, "2021-12")
    runs = experiment.runs()
    assert len(runs) == 6 and {r.sample for r in runs} == {-1}
    assert all(r.scale == 2000 and r.end == "2021-12" for r in runs)


def test_replicate_seeds_are_derived_from_the_root_and_shared_by_scenarios(tmp_path):
    experiment = load_experiment(write(tmp_path, HEAD))
    runs = experiment.runs()
    by_replicate: dict[int, set[int]] = {}
    for r in runs:
        by_replicate.setdefault(r.replicate, set()).add(r.seed)
    assert all(len(seeds) == 1 for seeds in by_replicate.values())  # common random numbers
    seeds = [next(iter(by_replicate[k])) for k in range(3)]
    assert len(set(seeds)) == 3
    assert seeds == [replicate_seed(11, k) for k in range(3)]
    assert seeds != [replicate_seed(12, k) for k in range(3)]
    assert all(0 <= s < 2**63 for s in seeds)
    again = np.random.SeedSequence(11).spawn(3)[2].generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)
    assert seeds[2] == int(again)


def test_names_lead_to_scenarios_and_paths_are_relative_to_the_file(tmp_path):
    (tmp_path / "sub").mkdir()
    path = write(tmp_path / "sub", 'name = "t"\nscenarios = ["baseline", "../../x.toml"]\n')
    with pytest.raises(ExperimentError, match=r"scenarios\[1\]: no such scenario file"):
        load_experiment(path)
    path = write(tmp_path / "sub", f'name = "t"\nscenarios = ["baseline", "{ROOT}/scenarios/enacted.toml"]\n')
    assert [s.name for s in load_experiment(path).scenarios] == ["baseline", "enacted"]


@pytest.mark.parametrize(
    ("method", "n", "dims", "count"),
    [("grid", 3, 2, 9), ("lhs", 7, 3, 7), ("sobol", 8, 2, 32), ("morris", 4, 3, 16)],
)
def test_designs_have_their_sizes_and_stay_in_bounds(method, n, dims, count):
    names = [f"p{i}" for i in range(dims)]
    bounds = [(float(i), float(i) + 1.5) for i in range(dims)]
    design = sampling.draw(method, n, names, bounds, seed=3)
    assert design.shape == (count, dims) == (sampling.sample_count(method, n, dims), dims)
    low, high = np.array(bounds).T
    assert np.all(design >= low - 1e-12) and np.all(design <= high + 1e-12)
    assert np.array_equal(design, sampling.draw(method, n, names, bounds, seed=3))  # reproducible
    if method != "grid":
        assert not np.array_equal(design, sampling.draw(method, n, names, bounds, seed=4))


def test_lhs_has_one_sample_in_each_stratum():
    design = sampling.draw("lhs", 10, ["a", "b"], [(0.0, 1.0), (0.0, 10.0)], seed=1)
    for column, width in ((0, 0.1), (1, 1.0)):
        assert sorted((design[:, column] // width).astype(int)) == list(range(10))


def test_a_lever_setting_changes_only_the_scenarios_with_that_lever(tmp_path):
    body = HEAD + (
        '[samples]\nmethod = "grid"\nn = 3\n[samples.parameters]\n'
        '"levers.graduate_subsidy.province_graduate_subsidy.yuan_per_month.bachelor" = [0, 3000]\n'
        '"levers.graduate_subsidy.province_graduate_subsidy.months" = [6, 12.4]\n'
        '"migration.beta_income" = [2.0, 3.0]\n'
    )
    experiment = load_experiment(write(tmp_path, body))
    assert len(experiment.samples) == 27
    frame = experiment.samples_frame()
    assert set(frame.loc[frame["parameter"].str.endswith("months"), "value"]) == {6.0, 9.0, 12.0}  # rounded
    baseline, subsidy = experiment.scenarios
    for sample in (0, 13, 26):
        row = frame[frame["sample"] == sample].set_index("parameter")["value"]
        varied = experiment.variant(subsidy, sample)
        lever = next(lv for lv in varied.levers.graduate_subsidy if lv.name == "province_graduate_subsidy")
        assert lever.yuan_per_month.bachelor == row.iloc[0] and lever.months == row.iloc[1]
        assert isinstance(lever.months, int) and lever.yuan_per_month.master == 1500
        assert varied.parameters["migration.beta_income"] == row.iloc[2]
        same = experiment.variant(baseline, sample)
        assert same.levers == baseline.levers and same.parameters["migration.beta_income"] == row.iloc[2]
    specs = experiment.runs()
    assert len(specs) == 2 * 27 * 3 and {s.sample for s in specs} == set(range(27))


def test_the_hash_follows_what_is_run_not_how_it_is_written(tmp_path):
    a = load_experiment(write(tmp_path, HEAD, "a.toml")).hash()
    b = load_experiment(write(tmp_path, "# a comment\n" + HEAD + "branch = false\n", "b.toml")).hash()
    c = load_experiment(write(tmp_path, HEAD.replace("replicates = 3", "replicates = 4"), "c.toml")).hash()
    assert a == b != c


def test_unquoted_dotted_names_are_flattened(tmp_path):
    body = HEAD + '[samples]\nmethod = "lhs"\nn = 5\n[samples.parameters]\nmigration.beta_income = [2.0, 3.0]\n'
    experiment = load_experiment(write(tmp_path, body))
    assert [s.name for s in experiment.settings] == ["migration.beta_income"]


def test_shipped_experiments_load():
    folder = ROOT / "experiments"
    names = {p.stem: load_experiment(p) for p in sorted(folder.glob("*.toml"))}
    assert len(names["scenarios"].scenarios) == len(list((ROOT / "scenarios").glob("*.toml")))
    assert names["scenarios"].replicates == 10
    assert names["graduate_subsidy_dose"].method == "grid" and len(names["graduate_subsidy_dose"].settings) == 1
    assert names["behaviour_lhs"].method == "lhs"
    assert names["behaviour_morris"].method == "morris" and len(names["behaviour_morris"].settings) >= 8
    assert os.path.basename(names["scenarios"].path) == "scenarios.toml"

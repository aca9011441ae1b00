"""Batches on Dask: identical stores with 1 worker, 2 workers (branching on and off) and a real scheduler with
two worker processes; a batch killed with SIGKILL and resumed, or stopped with Ctrl-C and resumed, equals an
uninterrupted one; failed runs are recorded and do not stop the others; any run repeats alone."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from simulator.cli import main
from simulator.experiments import runner, worker
from simulator.experiments.spec import load_experiment
from simulator.experiments.store import open_store, read_store

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
KEYS = ["scenario", "sample", "replicate", "date", "region", "indicator"]


def experiment_files(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "twin.toml").write_text(
        f'name = "baseline_twin"\ndescription = "the baseline again"\nextends = "{ROOT}/scenarios/baseline.toml"\n'
    )
    common = (
        f'scenarios = ["{ROOT}/scenarios/baseline.toml", "twin.toml", "{ROOT}/scenarios/enacted.toml"]\n'
        'replicates = 2\nseed = 3\nscale = 2000\nend = "2021-06"\n'
    )
    files = {
        "small": 'name = "small"\n' + common,
        "small_unbranched": 'name = "small"\nbranch = false\n' + common,
        "long": (
            f'name = "long"\nscenarios = ["{ROOT}/scenarios/baseline.toml", "{ROOT}/scenarios/enacted.toml"]\n'
            'replicates = 6\nseed = 4\nscale = 1000\nend = "2022-06"\n'
        ),
    }
    for name, body in files.items():
        (folder / f"{name}.toml").write_text(body)
    return {name: folder / f"{name}.toml" for name in files}


def load(store: Path) -> pd.DataFrame:
    table = pd.read_parquet(store / "indicators")
    return table.sort_values(KEYS).reset_index(drop=True)


def batch(*args: str) -> int:
    return main(["batch", *args, "--quiet"])


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    return experiment_files(tmp_path_factory.mktemp("experiments"))


@pytest.fixture(scope="module")
def one_worker(files) -> Path:
    store = files["small"].parent / "one"
    assert batch(str(files["small_unbranched"]), "--workers", "1", "--out", str(store)) == 0
    return store


@pytest.fixture(scope="module")
def two_workers(files) -> Path:
    store = files["small"].parent / "two"
    assert batch(str(files["small"]), "--workers", "2", "--out", str(store)) == 0
    return store


@pytest.fixture(scope="module")
def long_reference(files) -> Path:
    store = files["long"].parent / "long_reference"
    assert batch(str(files["long"]), "--workers", "2", "--out", str(store)) == 0
    return store


def test_one_and_two_workers_and_branching_give_identical_stores(one_worker, two_workers):
    a, b = load(one_worker), load(two_workers)
    assert len(a) > 0 and set(a["scenario"]) == {"baseline", "baseline_twin", "enacted"}
    pd.testing.assert_frame_equal(a, b)
    # the twin equals the baseline run for run, and enacted differs from it
    base = a[a["scenario"] == "baseline"].drop(columns="scenario").reset_index(drop=True)
    twin = a[a["scenario"] == "baseline_twin"].drop(columns="scenario").reset_index(drop=True)
    pd.testing.assert_frame_equal(base, twin)
    training = a[a["indicator"] == "training_person_times"].groupby("scenario")["value"].sum()
    assert training["enacted"] > training["baseline"] == training["baseline_twin"]


def test_the_store_holds_what_the_layout_says(one_worker, files):
    contents = read_store(one_worker)
    meta = contents.meta
    assert meta["experiment"] == "small" and meta["scenarios"] == ["baseline", "baseline_twin", "enacted"]
    assert meta["experiment_hash"] == load_experiment(files["small"]).hash() and meta["code_version"]
    assert (one_worker / "experiment.toml").read_bytes() == files["small_unbranched"].read_bytes()
    assert sorted(p.name for p in (one_worker / "scenarios").iterdir()) == [
        "baseline.json",
        "baseline_twin.json",
        "enacted.json",
    ]
    runs = contents.runs
    assert list(runs.columns) == [
        "scenario", "sample", "replicate", "seed", "status", "error", "scenario_hash", "code_version",
        "wall_seconds", "peak_memory_mb",
    ]  # fmt: skip
    assert len(runs) == 6 and (runs["status"] == "ok").all() and (runs["sample"] == -1).all()
    assert (runs["wall_seconds"] > 0).all() and (runs["peak_memory_mb"] > 50).all()
    seeds = runs.groupby("replicate")["seed"].nunique()
    assert (seeds == 1).all() and runs.groupby("scenario")["seed"].nunique().eq(2).all()
    indicators = contents.indicators
    assert list(indicators.columns) == [
        "scenario", "sample", "replicate", "seed", "scale", "date", "region", "indicator", "value",
    ]  # fmt: skip
    assert (indicators["sample"] == -1).all() and (indicators["scale"] == 2000).all()
    files_ = sorted(p.name for p in (one_worker / "indicators").iterdir())
    assert len(files_) == 6 and all(not name.startswith(".") for name in files_)
    assert not indicators.duplicated(KEYS).any()
    assert contents.samples is None and contents["runs"] is contents.runs
    merged = indicators.merge(runs[["scenario", "replicate", "seed"]], on=["scenario", "replicate"])
    assert (merged["seed_x"] == merged["seed_y"]).all()


def test_any_run_repeats_alone_with_talentsim_run(one_worker, tmp_path, capsys):
    runs = read_store(one_worker).runs
    seed = int(runs[(runs["scenario"] == "enacted") & (runs["replicate"] == 1)]["seed"].iloc[0])
    out = tmp_path / "again"
    assert (
        main(
            [
                "run",
                str(one_worker / "scenarios" / "enacted.json"),
                "--seed",
                str(seed),
                "--out",
                str(out),
                "--quiet",
            ]
        )
        == 0
    )
    capsys.readouterr()
    alone = pd.read_parquet(out / "indicators.parquet")
    stored = load(one_worker)
    stored = stored[(stored["scenario"] == "enacted") & (stored["replicate"] == 1)]
    columns = ["date", "region", "indicator", "value"]
    order = ["date", "region", "indicator"]
    pd.testing.assert_frame_equal(
        alone[columns].sort_values(order).reset_index(drop=True),
        stored[columns].sort_values(order).reset_index(drop=True),
    )
    # replicate 0 needs no option: the resolved scenario carries its seed, scale and end
    assert json.loads((one_worker / "scenarios" / "enacted.json").read_text())["run"]["scale"] == 2000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_real_scheduler_with_two_worker_processes_gives_the_same_store(files, one_worker, tmp_path):
    from distributed import Client

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    log = open(tmp_path / "cluster.log", "w")  # noqa: SIM115
    scheduler = subprocess.Popen(
        [BIN / "dask", "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        stdout=log, stderr=log, start_new_session=True,
    )  # fmt: skip
    workers = subprocess.Popen(
        [BIN / "dask", "worker", address, "--nworkers", "2", "--nthreads", "1", "--no-dashboard"],
        stdout=log, stderr=log, start_new_session=True, cwd=tmp_path,
    )  # fmt: skip
    try:
        deadline = time.time() + 120
        while True:
            try:
                with Client(address, timeout="5s") as client:
                    if len(client.scheduler_info()["workers"]) == 2:
                        break
            except OSError:
                pass
            assert time.time() < deadline, (tmp_path / "cluster.log").read_text()[-2000:]
            time.sleep(1)
        store = tmp_path / "cluster_store"
        assert batch(str(files["small"]), "--scheduler", address, "--out", str(store)) == 0
        pd.testing.assert_frame_equal(load(store), load(one_worker))
        runs = read_store(store).runs
        assert len(runs) == 6 and (runs["status"] == "ok").all()
    finally:
        for process in (workers, scheduler):
            os.killpg(process.pid, signal.SIGTERM)
        for process in (workers, scheduler):
            process.wait(timeout=60)
        log.close()


def start(files: dict[str, Path], store: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [BIN / "talentsim", "batch", str(files["long"]), "--workers", "1", "--out", str(store)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip


def wait_for_runs(store: Path, process: subprocess.Popen, count: int) -> int:
    deadline = time.time() + 180
    while time.time() < deadline and process.poll() is None:
        done = len(list((store / "indicators").glob("*.parquet"))) if store.exists() else 0
        if done >= count:
            return done
        time.sleep(0.02)
    raise AssertionError(f"the batch ended or hung before {count} runs: {process.poll()}")


def test_a_batch_killed_midway_and_resumed_equals_an_uninterrupted_one(files, long_reference, tmp_path):
    store = tmp_path / "killed"
    process = start(files, store)
    done = wait_for_runs(store, process, 2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    left = sorted(p.name for p in (store / "indicators").glob("*.parquet"))
    assert 2 <= len(left) < 12, f"kill came too late to test anything ({done} runs)"
    for file in left:  # every file there is whole
        assert pq.read_table(store / "indicators" / file).num_rows > 0
    assert batch(str(files["long"]), "--workers", "2", "--out", str(store)) == 2  # no --resume: refused
    assert batch(str(files["long"]), "--workers", "2", "--out", str(store), "--resume") == 0
    pd.testing.assert_frame_equal(load(store), load(long_reference))
    runs = read_store(store).runs
    assert len(runs) == 12 and (runs["status"] == "ok").all()
    assert not list(store.rglob(".*.tmp"))


def test_ctrl_c_stops_cleanly_and_keeps_the_finished_runs(files, long_reference, tmp_path):
    store = tmp_path / "interrupted"
    process = start(files, store)
    wait_for_runs(store, process, 1)
    os.killpg(process.pid, signal.SIGINT)  # what a terminal sends to the whole group
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, err[-2000:]
    assert "Traceback" not in err and err.strip().splitlines()[-1].startswith(
        "talentsim: interrupted; the finished"
    )
    kept = list((store / "indicators").glob("*.parquet"))
    assert 1 <= len(kept) < 12
    assert len(read_store(store).runs) == len(kept)
    assert batch(str(files["long"]), "--out", str(store), "--resume") == 0
    pd.testing.assert_frame_equal(load(store), load(long_reference))


def test_a_failing_run_is_recorded_and_the_others_finish(files, one_worker, tmp_path, monkeypatch):
    from distributed import Client, LocalCluster

    real = worker.run_spec

    def flaky(spec, **kw):
        if spec.scenario.name == "enacted" and spec.replicate == 1:
            raise ValueError("a deliberate failure")
        return real(spec, **kw)

    monkeypatch.setattr(worker, "run_spec", flaky)
    experiment = load_experiment(files["small"])
    store, _ = open_store(tmp_path / "failing", experiment, resume=False)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        with Client(cluster) as client:
            result = runner.run_batch(experiment, store, client, progress=runner.Progress(0, quiet=True))
            assert (result.ok, result.failed) == (5, 1)
            runs = read_store(store.path).runs
            failed = runs[runs["status"] == "failed"]
            assert len(failed) == 1 and "ValueError: a deliberate failure" in failed["error"].iloc[0]
            monkeypatch.setattr(worker, "run_spec", real)
            store, _ = open_store(store.path, experiment, resume=True)
            again = runner.run_batch(experiment, store, client, progress=runner.Progress(0, quiet=True))
            assert (again.skipped, again.ok, again.failed) == (5, 1, 0)
    pd.testing.assert_frame_equal(load(store.path), load(one_worker))
    assert (read_store(store.path).runs["status"] == "ok").all()


def test_store_refusals_are_one_line_and_touch_nothing(files, one_worker, tmp_path, capsys):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "thesis.txt").write_text("mine")
    (tmp_path / "a_file").write_text("mine")
    (tmp_path / "empty").mkdir()
    other = tmp_path / "other"
    shutil.copytree(one_worker, other)
    meta = json.loads((other / "store.json").read_text())
    meta["experiment_hash"] = "0" * 64
    (other / "store.json").write_text(json.dumps(meta))
    older = tmp_path / "older"
    shutil.copytree(one_worker, older)
    meta = json.loads((older / "store.json").read_text())
    meta["code_version"] = "0.0.1+gabc"
    (older / "store.json").write_text(json.dumps(meta))
    exp = str(files["small"])
    cases = [
        ([exp, "--out", str(foreign)], "not a talentsim store (no store.json)"),
        ([exp, "--out", str(foreign), "--resume"], "not a talentsim store"),
        ([exp, "--out", str(tmp_path / "a_file")], "exists and is not a folder"),
        ([exp, "--out", str(tmp_path / "empty")], "an empty folder this command did not make"),
        ([exp, "--out", str(other), "--resume"], "from another experiment file"),
        ([exp, "--out", str(one_worker)], "add --resume"),
        ([exp, "--out", str(older)], "written by code version 0.0.1+gabc"),
        ([exp, "--workers", "0"], "expected a whole number in [1, 4096]"),
        ([exp, "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "cannot be combined with --scheduler"),
        ([exp, "--scheduler", "localhost:8786"], "expected an address like tcp://HOST:PORT"),
        ([str(tmp_path / "none.toml")], "no such experiment file"),
    ]
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}
    for args, expected in cases:
        assert main(["batch", *args]) == 2, args
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and expected in err, (args, err)
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")} == before
    # a store of an older code version is taken up with --resume (complete already: nothing to run)
    assert main(["batch", exp, "--out", str(older), "--resume"]) == 0
    captured = capsys.readouterr()
    assert "nothing to run" in captured.out and "0.0.1+gabc" in captured.err


def test_samples_of_a_lever_branch_and_identical_runs_are_made_once(tmp_path):
    from distributed import Client, LocalCluster
    from experiment_helpers import local_store

    lever = "levers.graduate_subsidy.province_graduate_subsidy.yuan_per_month.bachelor"
    body = (
        f'name = "dose"\nscenarios = ["{ROOT}/scenarios/baseline.toml", "graduate_subsidy"]\n'
        'replicates = 2\nseed = 6\nscale = 3000\nend = "2021-10"\n[samples]\nmethod = "grid"\nn = 3\n'
        f'[samples.parameters]\n"{lever}" = [0, 3000]\n'
    )
    reference = local_store(tmp_path / "one_by_one", body)  # every run made alone, in this process
    experiment = load_experiment(tmp_path / "one_by_one" / "exp.toml")
    store, _ = open_store(tmp_path / "batched", experiment, resume=False)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        with Client(cluster) as client:
            result = runner.run_batch(experiment, store, client, progress=runner.Progress(0, quiet=True))
    assert (result.ok, result.copies, result.branches) == (12, 4, 2)  # baseline made once per replicate
    assert result.shared_months == 2 * 8 * 3  # 4 distinct runs a replicate share 2020-11 to 2021-06
    pd.testing.assert_frame_equal(load(store.path), load(reference))
    rows = load(store.path)
    subsidy = rows[(rows["indicator"] == "policy_spending_yuan.province_graduate_subsidy")]
    assert subsidy.groupby("sample")["value"].sum().is_monotonic_increasing


def test_kernel_threads_divide_the_cores_among_the_workers():
    assert [runner.kernel_threads(w, 2) for w in (1, 2, 3)] == [2, 1, 1]
    assert runner.kernel_threads(2, 8) == 4 and runner.kernel_threads(0, 4) == 4


def test_local_workers_get_their_share_of_the_cores_for_the_kernels(monkeypatch):
    monkeypatch.delenv("NUMBA_NUM_THREADS", raising=False)
    client, cluster = runner.connect(2, None)
    try:
        seen = set(client.run(lambda: os.environ.get("NUMBA_NUM_THREADS")).values())
    finally:
        client.close()
        cluster.close()
    assert seen == {str(runner.kernel_threads(2, runner.default_workers()))}

"""The HTML report (`talentsim report`) of a single run and of a small batch store."""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from simulator.cli import main
from simulator.recording.output import write_run
from simulator.reports import summaries
from simulator.reports.fonts import cjk_font_path
from simulator.reports.html import GENERATOR
from simulator.reports.i18n import _EN, _ZH
from simulator.reports.load import STORE_KIND, ReportError, Target, load_input, load_targets, load_units
from simulator.reports.report import render_report
from simulator.run import run_spec, spec_for
from simulator.scenario import load_scenario

SCENARIOS = ("baseline", "graduate_subsidy")
REPLICATES = 2
SCALE = 5000
END = "2022-12"
SECTIONS = ("series", "units", "targets", "compare", "spending", "provenance", "howto")
IMAGE = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


def write_store(path: Path, runs: list[tuple[pd.DataFrame, dict]]) -> Path:
    """A batch store in the layout `talentsim batch` writes (store.json, indicators/, runs.parquet, scenarios/)."""
    (path / "indicators").mkdir(parents=True)
    (path / "scenarios").mkdir()
    records = []
    for frame, manifest in runs:
        name, replicate = manifest["scenario"]["name"], manifest["replicate"]
        rows = frame.copy()
        rows.insert(1, "sample", -1)
        rows.to_parquet(path / "indicators" / f"{name}__s-1__r{replicate}.parquet", index=False)
        records.append(
            {"scenario": name, "sample": -1, "replicate": replicate, "seed": manifest["seed"], "status": "ok",
             "error": None, "scenario_hash": f"hash-{name}", "code_version": "0.1.0+gtest",
             "wall_seconds": 1.0, "peak_memory_mb": 100.0}
        )  # fmt: skip
        (path / "scenarios" / f"{name}.json").write_text(json.dumps(manifest["scenario"]))
    pd.DataFrame(records).to_parquet(path / "runs.parquet", index=False)
    meta = {"kind": STORE_KIND, "experiment": "report_test", "experiment_hash": "abc123",
            "code_version": "0.1.0+gtest", "created": "2026-01-01", "scenarios": list(SCENARIOS)}  # fmt: skip
    (path / "store.json").write_text(json.dumps(meta))
    return path


@pytest.fixture(scope="module")
def runs() -> list[tuple[pd.DataFrame, dict]]:
    out = []
    for name in SCENARIOS:
        scenario = load_scenario(f"scenarios/{name}.toml")
        for replicate in range(REPLICATES):
            spec = spec_for(scenario, scale=SCALE, seed=100 + replicate, end=END, replicate=replicate)
            out.append(run_spec(spec))
    return out


@pytest.fixture(scope="module")
def store(runs, tmp_path_factory) -> Path:
    return write_store(tmp_path_factory.mktemp("store") / "s", runs)


@pytest.fixture(scope="module")
def run_folder(runs, tmp_path_factory) -> Path:
    frame, manifest = runs[0]
    return write_run(tmp_path_factory.mktemp("run") / "baseline", frame, manifest)


@pytest.fixture(scope="module")
def store_report(store) -> str:
    return render_report(store, baseline="baseline").read_text(encoding="utf-8")


def images(page: str) -> list[Image.Image]:
    return [Image.open(io.BytesIO(base64.b64decode(data))) for data in IMAGE.findall(page)]


def test_store_report_has_every_section_and_drawn_figures(store, store_report):
    for anchor in SECTIONS:
        assert f'<section id="{anchor}">' in store_report
    pictures = images(store_report)
    assert len(pictures) >= 12
    for picture in pictures:
        pixels = np.asarray(picture.convert("L"), dtype=float)
        assert picture.width > 200 and picture.height > 100
        assert pixels.std() > 5  # something is drawn, not a blank image
    assert (store / "report.html").is_file()
    assert not list(store.glob(".report.html.*"))  # no temporary file left


def test_store_report_names_units_in_chinese_and_pinyin(store_report):
    for row in load_units().itertuples():
        assert row.name_zh in store_report
    assert "长春市 Changchun" in store_report  # the map and small multiples label the same way (figures)
    assert "@font-face" in store_report and "data:font/woff;base64," in store_report


def test_store_report_shows_bands_targets_and_comparison(store_report):
    assert "90 %" in store_report
    assert "share of runs reaching it" in store_report
    assert "Paired differences from baseline in 2022" in store_report
    assert "<td>province_graduate_subsidy</td>" in store_report  # the lever added, in the tables
    assert "yuan per unit of outcome" in store_report or _EN["costs_none"] in store_report
    assert "experiment hash" in store_report and "abc123" in store_report
    assert "hash-graduate_subsidy" in store_report
    costs = store_report.split(_EN["th_cost_per_unit"])[-1].split("</table>")[0]
    assert "<td>graduates_retained</td>" not in costs  # outcomes named in words, not indicator codes


def test_store_report_gives_calibration_hashes_with_their_origin(store_report):
    """The test store records no calibration hashes and a code version that is not this one: the report shows
    today's files and says they may differ."""
    provenance = store_report.split('<section id="provenance">')[1].split("</section>")[0]
    assert "units_2020.csv" in provenance and "parameters.csv" in provenance
    assert "0.1.0+gtest" in provenance and "may not be the files the runs used" in provenance


def test_report_is_self_contained(store_report):
    assert not re.search(r"""<(?:script|link|img|iframe)[^>]+(?:src|href)=["']https?://""", store_report)
    assert "url(http" not in store_report and "@import" not in store_report
    assert store_report.startswith("<!DOCTYPE html>") and GENERATOR in store_report


@pytest.fixture(scope="module")
def chinese_report(store, tmp_path_factory) -> str:
    """The Chinese report, written over an older talentsim report (which it may replace)."""
    out = tmp_path_factory.mktemp("zh") / "zh.html"
    out.write_text(f"<!DOCTYPE html><html><head>{GENERATOR}</head></html>")
    return render_report(store, baseline="baseline", lang="zh", out=out).read_text("utf-8")


def test_chinese_report_translates_headings(chinese_report, store_report):
    page, english = chinese_report, store_report
    for key in ("sec_series", "sec_units", "sec_targets", "sec_compare", "sec_spending", "sec_provenance"):
        assert _ZH[key] in page and _EN[key] not in page
    cjk = len(re.findall(r"[\u4e00-\u9fff]", page)) - len(re.findall(r"[\u4e00-\u9fff]", english))
    assert cjk > 200
    assert 'lang="zh-CN"' in page


def test_run_report(run_folder):
    page = render_report(run_folder).read_text("utf-8")
    for anchor in SECTIONS:
        assert f'<section id="{anchor}">' in page
    assert "A single run of scenario baseline" in page
    assert len(images(page)) >= 10
    assert "persons simulated" in page and "parameters.csv" in page  # provenance from the manifest


def test_labels_exist_in_both_languages():
    assert _EN.keys() == _ZH.keys()
    for key, value in _EN.items():
        assert sorted(re.findall(r"{(\w+)}", str(value))) == sorted(re.findall(r"{(\w+)}", str(_ZH[key]))), key


def test_cjk_font_has_every_chinese_character_of_the_report():
    path = cjk_font_path()
    assert path is not None, "no CJK font: pip install -e . installs pylopdf-fonts-zh-cn"
    cmap = TTFont(str(path), fontNumber=0, lazy=True).getBestCmap()
    text = "".join(load_units()["name_zh"]) + "".join(str(v) for v in _ZH.values())
    missing = {c for c in text if re.match(r"[\u4e00-\u9fff]", c) and ord(c) not in cmap}
    assert not missing


def test_targets_come_from_the_calibration_file():
    targets = {t.item: t for t in load_targets()}
    table = pd.read_csv("calibration/policy_instruments.csv")
    rows = table[table["instrument"] == "plan_targets_2025"].set_index("item")["value"]
    assert targets["high_skill_talent"].value == rows["high_skill_talent"]
    assert targets["high_skill_share_pct"].value == pytest.approx(rows["high_skill_share_pct"] / 100)
    assert targets["training_person_times"].indicator == "training_person_times_subsidised_to_date"


def test_training_attainment_is_the_models_own(runs):
    """The report counts towards the training target what the model's target_attainment_training counts (the
    plan's programmes, not firms' own courses): none in a scenario without training levers."""
    frame, _ = next(r for r in runs if r[1]["scenario"]["name"] == "graduate_subsidy")
    frame = frame.assign(sample=-1)
    target = next(t for t in load_targets() if t.item == "training_person_times")
    table = summaries.target_table(frame, [target], END)
    model = frame[(frame["indicator"] == "target_attainment_training") & (frame["date"] == END)]
    model = model[model["region"] == "province"]["value"].mean()
    assert np.isfinite(model) and table.loc[0, "attainment"] == pytest.approx(model)


def _frame(values: list[float], indicator: str = "high_skill_talent", date: str = "2025-12") -> pd.DataFrame:
    return pd.DataFrame(
        {"scenario": "a", "sample": -1, "replicate": range(len(values)), "seed": 1, "scale": 100, "date": date,
         "region": "province", "indicator": indicator, "value": values}
    )  # fmt: skip


def test_band_holds_ninety_percent_of_runs_and_share_reaching_counts_runs():
    frame = _frame([float(v) for v in range(101)])
    band = summaries.monthly(frame, "high_skill_talent")
    assert band.loc[0, "mean"] == 50 and band.loc[0, "lo"] == 5 and band.loc[0, "hi"] == 95
    table = summaries.target_table(frame, [Target("x", "high_skill_talent", 80.0)], "2025-12")
    assert table.loc[0, "share_reaching"] == pytest.approx(21 / 101)
    assert table.loc[0, "attainment"] == pytest.approx(50 / 80)


def test_target_month_is_the_last_month_when_runs_end_early():
    assert summaries.target_month(_frame([1.0], date="2023-06"), "2025-12") == "2023-06"
    assert summaries.target_month(_frame([1.0], date="2030-12"), "2025-12") == "2025-12"


def test_spending_mean_counts_runs_without_spending():
    frame = pd.concat([_frame([0.0, 0.0], "population"), _frame([300.0], "policy_spending_yuan.x")])
    spend = summaries.spending_by_year(frame)
    assert spend.loc[0, "lever"] == "x" and spend.loc[0, "yuan"] == 150.0


def test_wrong_inputs(tmp_path, store, run_folder, capsys):
    foreign = tmp_path / "notes.html"
    foreign.write_text("my own notes")
    cases = [
        [str(tmp_path)],  # a folder that is neither
        [str(tmp_path / "missing")],
        [str(store), "--baseline", "nonesuch"],
        [str(run_folder), "--baseline", "baseline"],
        [str(store), "--out", str(foreign)],
        [str(store), "--out", str(tmp_path / "no" / "such" / "r.html")],
        [str(store), "--lang", "fr"],
    ]
    for args in cases:
        assert main(["report", *args]) == 2, args
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err, err
    assert foreign.read_text() == "my own notes"
    assert not list(tmp_path.glob("*.html.*"))


def test_not_a_store_or_run_is_a_report_error(tmp_path):
    (tmp_path / "store.json").write_text("[1, 2]")
    (tmp_path / "indicators").mkdir()
    with pytest.raises(ReportError, match="JSON object"):
        load_input(tmp_path)


def test_a_short_run_has_month_ticks_and_a_long_one_year_ticks():
    from matplotlib.figure import Figure

    from simulator.reports.figures import month_number, month_ticks

    for dates, expected in (
        (["2020-11", "2020-12", "2021-01", "2021-02", "2021-03"], {"2020-11", "2021-01", "2021-03"}),
        ([f"{y}-{m:02d}" for y in range(2021, 2026) for m in range(1, 13)], {"2022", "2024"}),
    ):
        ax = Figure().add_subplot()
        frame = pd.Series(dates)
        ax.plot(month_number(frame), np.arange(len(dates)))
        month_ticks(ax, frame)
        ax.figure.canvas.draw()
        shown = {t.get_text() for t in ax.get_xticklabels()}
        assert expected <= shown, shown

"""The student page: settings from the schema, the scenario file it saves, the followed persons as Mesa agents,
and a real browser (Debian's Chromium through Playwright) changing a lever and stepping the model."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from mesa.agent import AgentSet

from simulator.app.agents import Graduate, Worker
from simulator.app.model import ClassroomModel
from simulator.app.server import AppError, check_port
from simulator.app.settings import HEADER, AppSettings, controls_of, lever_kinds
from simulator.geography import REGIONS
from simulator.processes import migration
from simulator.scenario import ScenarioError, load_scenario
from simulator.scenario.schema import Levers

CHROMIUM = "/usr/bin/chromium"
#: Mesa 3.3's SolaraViz trips Solara's hook check (its own code, harmless); keep the output clean.
pytestmark = pytest.mark.filterwarnings("ignore:.*found despite early return:UserWarning")
ROOT = Path(__file__).resolve().parent.parent


def test_every_lever_kind_has_controls_for_its_numbers_and_start():
    kinds = lever_kinds()
    assert set(kinds) == set(Levers.model_fields)
    for kind, table in kinds.items():
        controls = controls_of(table)
        keys = {c.key for c in controls}
        assert ("start",) in keys, kind
        numbers = [c for c in controls if c.kind in ("number", "integer")]
        assert numbers, kind
        for control in numbers:
            assert control.low is not None, (kind, control.key)  # every number has its range from the schema
    training = {c.key: c for c in controls_of(kinds["vocational_training"])}
    assert training[("trainees_per_year",)].high == 5_000_000
    assert "person-times per year" in training[("trainees_per_year",)].label


def test_settings_make_a_valid_scenario_file(tmp_path):
    settings = AppSettings(base="baseline", scale=2000, seed=5, name="student_a").switched("industrial_park", True)
    settings = settings.with_value("industrial_park", ("jobs",), 12345.0)
    path = settings.save(tmp_path)
    scenario = load_scenario(path)
    park = [lv for lv in scenario.levers.all() if lv.name == "app_industrial_park"]
    assert park and park[0].jobs == 12345.0
    assert scenario.run["scale"] == 2000 and scenario.run["seed"] == 5
    assert path.read_text(encoding="utf-8").startswith(HEADER)


def test_invalid_settings_and_foreign_files_are_refused(tmp_path):
    bad = AppSettings(name="x").switched("vocational_training", True)
    bad = bad.with_value("vocational_training", ("trainees_per_year",), 9e9)
    with pytest.raises(ScenarioError, match="trainees_per_year"):
        bad.scenario()
    with pytest.raises(ScenarioError, match="scenarios/"):
        AppSettings(name="baseline").scenario()
    (tmp_path / "mine.toml").write_text('name = "mine"\n')
    with pytest.raises(ScenarioError, match="not written by talentsim app"):
        AppSettings(name="mine").save(tmp_path)
    assert (tmp_path / "mine.toml").read_text() == 'name = "mine"\n'


@pytest.fixture(scope="module")
def classroom() -> ClassroomModel:
    return ClassroomModel(AppSettings(base="baseline", scale=5000, end="2022-12"), followed_per_group=3)


def test_followed_persons_are_mesa_agents_viewing_the_person_store(classroom):
    graduates = classroom.agents_by_type[Graduate]
    workers = classroom.agents_by_type[Worker]
    assert isinstance(graduates, AgentSet) and len(graduates) >= 3 and len(workers) == 3
    assert all(a in classroom.agents for a in [*graduates, *workers])
    agent = list(workers)[0]
    assert not any(isinstance(v, np.ndarray) for v in vars(agent).values())  # only the index, no copied state
    old = classroom.persons.human_capital[agent.index]
    classroom.persons.human_capital[agent.index] = 3.5
    assert agent.human_capital == pytest.approx(3.5)  # a view: reads the store
    classroom.persons.human_capital[agent.index] = old


def test_a_graduates_utilities_are_the_migration_modules(classroom):
    graduate = list(classroom.agents_by_type[Graduate])[0]
    expected = migration.utilities(
        classroom.persons, np.array([graduate.index]), classroom.context, classroom.state
    )
    assert np.allclose(graduate.utilities(), expected[0])
    probability = graduate.choice_probabilities()
    assert probability.shape == (len(REGIONS),) and probability.sum() == pytest.approx(1.0)
    assert probability.argmax() == np.argmax(expected[0])


def test_stepping_records_the_followed_persons_month_by_month(classroom):
    before = len(classroom.trace)
    dates, _ = classroom.series("population")
    classroom.step()
    classroom.step()
    followed = len(classroom.followed)
    assert len(classroom.trace) == before + 2 * followed
    assert len(classroom.series("population")[0]) == len(dates) + 2
    assert {r["date"] for r in classroom.trace[-followed:]} == {classroom.date}


def test_a_taken_port_is_one_line():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(AppError, match=f"--port {port}"):
            check_port(port)


# --- the page in a real browser ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _listeners(port: int) -> list[str]:
    """Local addresses listening on `port` (from /proc/net/tcp and tcp6)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:
                found.append(address)
    return found


def ensure_chromium() -> str | None:
    """Debian's Chromium, installed with apt-get when it is missing and we may (root, apt-get present; the
    project's test setup, as Playwright's own browser download cannot work here). Returns why not, if not."""
    if Path(CHROMIUM).exists():
        return None
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return f"no browser: {CHROMIUM} is missing and cannot be installed here (not root, or no apt-get)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=900, check=False)
        if result.returncode != 0:
            return f"no browser: `{' '.join(command)}` failed: {result.stderr.strip()[-200:]}"
    return None if Path(CHROMIUM).exists() else f"no browser: {CHROMIUM} still missing after apt-get"


@pytest.fixture(scope="module")
def page_server(tmp_path_factory):
    missing = ensure_chromium()
    if missing:
        pytest.skip(missing)
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    folder = tmp_path_factory.mktemp("page")
    port = _free_port()
    log = (folder / "app.log").open("w")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [sys.executable, "-m", "simulator", "app", "--port", str(port)],
        cwd=folder, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
        if server.poll() is not None:
            pytest.fail(f"talentsim app exited: {(folder / 'app.log').read_text()[-500:]}")
    else:
        os.killpg(server.pid, signal.SIGTERM)
        pytest.fail("talentsim app did not answer within 60 s")
    yield url, port, folder
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=20)
    log.close()


def test_page_changes_a_lever_steps_and_saves_a_valid_scenario(page_server):
    from playwright.sync_api import sync_playwright

    url, port, folder = page_server
    listeners = _listeners(port)
    assert listeners and all(a in ("0100007F", "00000000000000000000000001000000") for a in listeners), listeners
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync"]  # fmt: skip
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        outside = []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((url, "data:", "blob:")) else 0)
        page.goto(url)
        step = page.get_by_role("button", name="Step")
        step.wait_for(timeout=45_000)

        def steps(count: int) -> list[str]:
            seen = []
            for _ in range(count):
                month = page.locator(".ts-month").first.inner_text()
                step.click()
                page.wait_for_function(
                    "m => document.querySelector('.ts-month').innerText !== m", arg=month, timeout=20_000
                )
                seen.append(page.locator(".ts-population").inner_text())
            return seen

        populations = steps(5)
        assert len(set(populations)) > 1  # the charts' numbers move as the model steps
        talent_without = page.locator(".ts-high_skill_talent").inner_text()

        page.get_by_text("levers (none added)").click()
        page.get_by_text("vocational_training", exact=True).click()
        page.get_by_text("add a vocational_training lever").click()
        volume = page.get_by_label("trainees_per_year (person-times per year, 0–5,000,000)")
        volume.fill("2000000")
        volume.press("Enter")
        page.get_by_text("Valid settings").wait_for(timeout=10_000)
        page.get_by_role("button", name="Reset").click()
        page.wait_for_function("() => document.querySelector('.ts-month').innerText.includes('census day')")
        steps(5)
        talent_with = page.locator(".ts-high_skill_talent").inner_text()
        assert talent_with != talent_without  # the lever acts (same seed: only the lever differs)

        names = page.evaluate(
            "() => [...document.querySelectorAll('.v-tab')].map(t => getComputedStyle(t, '::after').content)"
        )
        assert any("Followed persons" in n for n in names), names  # tabs named by the page, not "Page 1"
        page.get_by_role("tab").nth(1).click()
        page.locator(".ts-utilities").wait_for(timeout=20_000)  # a graduate's choice, explained
        assert "chance of a job" in page.locator(".ts-utilities").inner_text()

        page.get_by_role("button", name="Save scenario file").click()
        page.locator(".ts-saved").wait_for(timeout=10_000)
        browser.close()
    assert not outside, outside[:3]  # nothing loaded from the network
    saved = folder / "outputs" / "app" / "my_scenario.toml"
    scenario = load_scenario(saved)
    lever = [lv for lv in scenario.levers.all() if lv.name == "app_vocational_training"]
    assert lever and lever[0].trainees_per_year == 2_000_000


def test_saved_file_runs(tmp_path):
    path = AppSettings(base="baseline", name="tiny").switched("household_registration", True).save(tmp_path)
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "simulator", "run", str(path), "--scale", "20000", "--end", "2021-01",
         "--out", str(out), "--quiet"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (out / "indicators.parquet").is_file()


def test_charts_and_unit_bars_are_drawn_from_the_values():
    from simulator.app.page import line_svg, unit_bars_html
    from simulator.reports.load import load_units

    svg = line_svg(["2020-11", "2020-12", "2021-01"], np.array([10.0, 30.0, 20.0]))
    points = svg.split('points="')[1].split('"')[0].split()
    ys = [float(p.split(",")[1]) for p in points]
    assert len(points) == 3 and ys[1] < ys[2] < ys[0]  # higher values are drawn higher
    assert ">2021<" in svg
    html = unit_bars_html(np.linspace(-5, 5, 11))
    assert all(name in html for name in load_units()["name_zh"])
    assert "+5.0 %" in html and "-5.0 %" in html


def test_choice_table_shows_what_the_utilities_weigh(classroom):
    from simulator.app.page import choice_table_html, unit_names

    graduate = list(classroom.agents_by_type[Graduate])[0]
    inputs = graduate.choice_inputs()
    assert np.allclose(inputs["wage_yuan_month"], classroom.state.regions.wage_level_yuan_month)
    assert ((inputs["employment_probability"] > 0) & (inputs["employment_probability"] <= 1)).all()
    html = choice_table_html(graduate, unit_names(), shown=len(REGIONS))
    shares = [float(v) for v in re.findall(r"<td class='num'>([\d.]+) %</td></tr>", html)]
    assert len(shares) == len(REGIONS) and shares == sorted(shares, reverse=True)  # most likely first
    assert sum(shares) == pytest.approx(100, abs=0.05 * len(REGIONS))  # each share rounded to 0.1 %
    assert "(here" in html and "stay bonus" in html
    few = choice_table_html(graduate, unit_names(), shown=1)
    assert few.count("<tr>") == 2 + ("(here" not in few.split("</tr>")[1])  # header, the likeliest, and staying
    assert "(here" in few


def test_grid_layout_gives_the_persons_tab_the_whole_width_and_charts_do_not_overlap():
    from simulator.app.page import grid_layout

    assert grid_layout(1)[0]["w"] == 12
    cells = grid_layout(6)
    assert len(cells) == 6 and all(c["x"] + c["w"] <= 12 for c in cells)
    taken = {(c["x"] + dx, c["y"] + dy) for c in cells for dx in range(c["w"]) for dy in range(c["h"])}
    assert len(taken) == sum(c["w"] * c["h"] for c in cells)  # no cell covers another

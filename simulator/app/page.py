"""The student page: Mesa's SolaraViz over `ClassroomModel`, with the scenario's levers as controls.

Sidebar: Mesa's controls (Reset, play, Step), then the page's settings (base scenario, scale, seed, and one
group of controls per lever kind, generated from the scenario schema) and the button that saves them as a
scenario file. Main area, first tab: live charts of the province and a view of the 11 units; second tab: the
followed persons (Mesa agents), month by month, with the utilities of a graduate's migration choice.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import solara
from matplotlib.ticker import MaxNLocator
from mesa.visualization import SolaraViz, solara_viz
from mesa.visualization.utils import update_counter

from simulator.app.agents import Graduate, Worker
from simulator.app.model import ClassroomModel
from simulator.app.settings import (
    AppSettings,
    Control,
    base_scenarios,
    controls_of,
    lever_kinds,
    months,
    run_settings,
)
from simulator.geography import REGIONS, UNITS
from simulator.reports.figures import count_formatter
from simulator.reports.fonts import embedded_font_css
from simulator.reports.load import load_units
from simulator.reports.report import unit_labels
from simulator.scenario import ScenarioError

#: Residents per simulated person on the page: a month steps in about 0.1 s (benchmarks/bench_app.py).
DEFAULT_SCALE = 200
#: Where the save button writes scenario files (relative to the folder the page was started in).
SAVE_DIR = Path("outputs") / "app"
#: The live charts: indicator, title.
TITLE = "talentsim: talent flows in Jilin (吉林省人才流动)"
PAGE_CSS = """
body, .v-application { font-family: "TalentsimCJK", Roboto, sans-serif !important; }
.ts-units, .ts-people, .ts-history, .ts-utilities { border-collapse: collapse; font-size: 12px; }
.ts-units td, .ts-units th, .ts-people td, .ts-people th, .ts-history td, .ts-history th,
.ts-utilities td, .ts-utilities th { border-bottom: 1px solid #e2e6ea; padding: 2px 6px; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.ts-chart { font-size: 13px; }
.ts-unitbars { border-collapse: collapse; font-size: 12px; } .ts-unitbars td { padding: 1px 4px; }
.v-tabs .v-tab { font-size: 0 !important; }
.v-tabs .v-tab::after { font-size: 14px; letter-spacing: normal; text-transform: none; }
"""
CHARTS = (
    ("population", "Population (persons, first day of the month)"),
    ("net_migration_interprovincial", "Net migration into Jilin from other provinces (persons in the month)"),
    ("graduates_retained", "Last July's graduates of Jilin's universities still in Jilin (persons, from 2021-08)"),
    ("high_skill_talent", "High-skill talent (persons)"),
)
#: Headers of a followed person's month-by-month table (the record's keys otherwise).
HISTORY_HEADERS = {
    "region": "unit or region",
    "human_capital": "human capital",
    "wage_yuan_month": "wage, yuan/month",
    "p_stay_if_considering": "chance of staying if considering a move",
}
#: The tabs' names (Mesa names them "Page 0", "Page 1": the page's style shows these instead).
TABS = ("Province and units", "Followed persons: why stay or leave")


@functools.cache
def unit_names() -> dict[str, str]:
    """Region code -> "长春市 Changchun" for the units, the code for outside regions."""
    names = unit_labels(load_units())
    return {code: names.get(code, code) for code in REGIONS}


@functools.cache
def page_css() -> str:
    """The page's style: compact tables, the tabs' names, and the CJK font (a subset of its glyphs) for
    Chinese names."""
    font = embedded_font_css(TITLE + "".join(unit_names().values()))
    tabs = "".join(
        f'.v-tabs .v-tab:nth-child({i + 1} of .v-tab)::after {{ content: "{name}"; }}\n'
        for i, name in enumerate(TABS)
    )
    return font + PAGE_CSS + tabs


def grid_layout(components: int) -> list[dict[str, Any]]:
    """Cells of one tab in Mesa's grid (12 columns, rows of 30 px plus 10 px margins), sized to what they hold:
    a tab with one component (the followed persons) gets the whole width; the province's charts go two to a
    row, then the units' bars and table. Mesa 3.3 gives every component half the width and 10 rows, which
    cut the persons' tables and left the charts in empty space; a student can still drag and resize."""
    if components == 1:
        return [{"i": 0, "x": 0, "y": 0, "w": 12, "h": 36, "moved": False}]
    heights = [7] * (components - 2) + [8, 9]
    return [
        {"i": i, "x": 6 * (i % 2), "y": 7 * (i // 2), "w": 6, "h": h, "moved": False}
        for i, h in enumerate(heights)
    ]


def _number(value: float) -> str:
    return "—" if not np.isfinite(value) else f"{value:,.0f}"


def line_svg(dates: list[str], values: np.ndarray, width: int = 520, height: int = 210) -> str:
    """An inline SVG line chart of one series month by month: drawn by the browser, so redrawing it after
    each step costs the server next to nothing."""
    left, right, top, bottom = 64, 10, 8, 22
    finite = values[np.isfinite(values)] if len(values) else values
    if finite.size == 0:
        return f'<svg viewBox="0 0 {width} 60" width="100%"><text x="{left}" y="40">no data yet</text></svg>'
    low, high = float(finite.min()), float(finite.max())
    pad = (high - low) * 0.08 or max(abs(high) * 0.01, 1.0)
    ticks = [t for t in MaxNLocator(5).tick_values(low - pad, high + pad) if low - pad <= t <= high + pad]
    low, high = min([low - pad, *ticks]), max([high + pad, *ticks])
    span_x = max(len(values) - 1, 1)

    def x(i: float) -> float:
        return left + (width - left - right) * i / span_x

    def y(v: float) -> float:
        return top + (height - top - bottom) * (1 - (v - low) / (high - low))

    label = count_formatter("en").func
    parts = [
        f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'style="font: 11px sans-serif; max-width: {width}px">'
    ]
    for t in ticks:
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="#e5e7eb"/>')
        parts.append(f'<text x="{left - 4}" y="{y(t) + 4:.1f}" text-anchor="end">{label(t, 0)}</text>')
    for i, date in enumerate(dates):
        if date.endswith("-01"):
            parts.append(f'<text x="{x(i):.1f}" y="{height - 6}" text-anchor="middle">{date[:4]}</text>')
    points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values) if np.isfinite(v))
    parts.append(f'<polyline fill="none" stroke="#2b6cb0" stroke-width="2" points="{points}"/>')
    if finite.size == 1:  # a single month: a dot
        i = int(np.flatnonzero(np.isfinite(values))[0])
        parts.append(f'<circle cx="{x(i):.1f}" cy="{y(values[i]):.1f}" r="3" fill="#2b6cb0"/>')
    parts.append("</svg>")
    return "".join(parts)


def chart(indicator: str, title: str) -> Any:
    """A component drawing one indicator of the province month by month, with its latest value as text."""

    @solara.component
    def Chart(model: ClassroomModel) -> None:
        update_counter.get()  # re-drawn after each step (Mesa bumps the counter)
        dates, values = model.series(indicator)
        latest = _number(values[-1]) if len(values) else "—"
        month = dates[-1] if dates else "census day (press Step)"
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f'<div class="ts-chart"><b>{title}</b>: <span class="ts-{indicator}">{latest}</span>'
            f' <span class="ts-month">({month})</span></div>{line_svg(dates, values)}',
        )

    Chart.__name__ = f"Chart_{indicator}"
    return Chart


def _unit_arrays(model: ClassroomModel) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per unit and month so far: population, net moves between units, high-skill talent; and the % change."""
    population = np.array([model.series("population", u)[1] for u in UNITS])
    within = np.array([model.series("net_migration_within_province", u)[1] for u in UNITS])
    talent = np.array([model.series("high_skill_talent", u)[1] for u in UNITS])
    change = 100 * (population[:, -1] / population[:, 0] - 1) if population.shape[1] else np.zeros(len(UNITS))
    return population, within, talent, change


def unit_bars_html(change_pct: np.ndarray) -> str:
    """The units' population change since census day (%) as HTML bars, named in Chinese and pinyin."""
    names = unit_names()
    scale = max(float(np.nanmax(np.abs(change_pct))) if change_pct.size else 0.0, 0.1)
    rows = []
    for unit, value in zip(UNITS, change_pct, strict=True):
        width = 100 * min(abs(value) / scale, 1.0) if np.isfinite(value) else 0.0
        bar = f'<div style="width:{width:.0f}%;height:12px;background:{"#2b6cb0" if value >= 0 else "#c05621"}'
        negative = f'{bar};margin-left:auto"></div>' if value < 0 else ""
        positive = f'{bar}"></div>' if value >= 0 else ""
        rows.append(
            f'<tr><td>{names[unit]}</td><td style="width:130px;border-right:1px solid #555">{negative}</td>'
            f'<td style="width:130px">{positive}</td><td class="num">{value:+.1f} %</td></tr>'
        )
    return f'<table class="ts-unitbars">{"".join(rows)}</table>'


@solara.component
def UnitBars(model: ClassroomModel) -> None:
    """The 11 units side by side: population change since census day."""
    update_counter.get()
    solara.HTML(
        tag="div",
        unsafe_innerHTML="<b>The 11 units: population change since census day, %</b>"
        + unit_bars_html(_unit_arrays(model)[3]),
    )


@solara.component
def UnitTable(model: ClassroomModel) -> None:
    """The 11 units: population, change, net moves between units so far, high-skill talent."""
    update_counter.get()
    names = unit_names()
    population, within, talent, change = _unit_arrays(model)
    rows = "".join(
        f'<tr><td>{names[u]}</td><td class="num">{_number(population[i, -1])}</td>'
        f'<td class="num">{change[i]:+.1f} %</td><td class="num">{_number(within[i].sum())}</td>'
        f'<td class="num">{_number(talent[i, -1])}</td></tr>'
        for i, u in enumerate(UNITS)
    ) if population.shape[1] else ""  # fmt: skip
    solara.HTML(
        tag="div",
        unsafe_innerHTML='<table class="ts-units"><tr><th>unit</th><th>population (persons)</th>'
        "<th>change since census day</th><th>net moves from other units since census day (persons)</th>"
        f"<th>high-skill talent (persons)</th></tr>{rows}</table>",
    )


@solara.component
def People(model: ClassroomModel) -> None:
    """The followed persons: who they are now, their months so far, and a graduate's migration choice."""
    update_counter.get()
    followed = model.followed
    names = unit_names()
    chosen, set_chosen = solara.use_state(0)
    if not followed:
        solara.Text("No person to follow at this scale.")
        return
    chosen = min(chosen, len(followed) - 1)
    labels = [f"#{a.unique_id} {a.role}, person {a.index}" for a in followed]
    rows = "".join(
        f"<tr><td>{a.unique_id}</td><td>{a.role}</td><td>{a.age_years}</td><td>{names[a.region]}</td>"
        f"<td>{a.job}</td><td>{a.education}</td><td>{a.tier}</td><td>{a.human_capital:.3f}</td></tr>"
        for a in followed
    )
    solara.HTML(
        tag="div",
        unsafe_innerHTML='<table class="ts-people"><tr><th>agent</th><th>class</th><th>age</th><th>unit</th>'
        f"<th>job</th><th>education</th><th>tier</th><th>human capital</th></tr>{rows}</table>",
    )
    solara.Select("Follow", value=labels[chosen], values=labels, on_value=lambda v: set_chosen(labels.index(v)))
    agent = followed[chosen]
    history = [r for r in model.trace if r["id"] == agent.unique_id]
    columns = [k for k in history[-1] if k not in ("id", "person", "role")] if history else []
    body = "".join(
        "<tr>" + "".join(f"<td>{names.get(r[c], r[c]) if c == 'region' else r[c]}</td>" for c in columns) + "</tr>"
        for r in history[::-1]
    )
    solara.Markdown(f"**{labels[chosen]}**, month by month (newest first):")
    solara.HTML(
        tag="div",
        unsafe_innerHTML='<div style="max-height:260px;overflow:auto"><table class="ts-history"><tr>'
        + "".join(f"<th>{HISTORY_HEADERS.get(c, c)}</th>" for c in columns)
        + f"</tr>{body}</table></div>",
    )
    if isinstance(agent, Graduate) and agent.status != "dead":
        _Choice(agent, names)
    elif isinstance(agent, Worker) and not isinstance(agent, Graduate):
        solara.Markdown("Workers move too; follow a graduate to see the utilities of the choice.")


def choice_table_html(agent: Graduate, names: dict[str, str], shown: int = 8) -> str:
    """The graduate's migration choice now: the most likely destinations with what their utility weighs (wage
    level, chance of a job, policy benefits), the utility and the probability of choosing each."""
    utility, probability = agent.utilities(), agent.choice_probabilities()
    inputs = agent.choice_inputs()
    here, origin = REGIONS.index(agent.region), REGIONS.index(agent.origin)
    rows = []
    order = list(np.argsort(-probability)[:shown])
    if here not in order:  # staying is always one of the rows
        order.append(here)
    for r in order:
        notes = [n for n, hit in (("here: stay bonus", r == here), ("origin: tie", r == origin)) if hit]
        rows.append(
            f"<tr><td>{names[REGIONS[r]]}{' (' + ', '.join(notes) + ')' if notes else ''}</td>"
            f"<td class='num'>{inputs['wage_yuan_month'][r]:,.0f}</td>"
            f"<td class='num'>{100 * inputs['employment_probability'][r]:.0f} %</td>"
            f"<td class='num'>{inputs['benefit_yuan'][r]:,.0f}</td>"
            f"<td class='num'>{utility[r]:.2f}</td><td class='num'>{100 * probability[r]:.1f} %</td></tr>"
        )
    return (
        '<table class="ts-utilities"><tr><th>destination</th><th>wage level, yuan/month</th>'
        "<th>chance of a job</th><th>policy benefits there, yuan in all</th><th>utility</th>"
        f"<th>probability if considering</th></tr>{''.join(rows)}</table>"
    )


def _Choice(agent: Graduate, names: dict[str, str]) -> None:
    solara.Markdown(
        "**Why stay or leave?** If this graduate considers moving this month (likely in the year after "
        "graduating, rare later), each destination is chosen with the logit probability of its utility. The "
        "utility rises with the wage level there and the person's chance of a job there (for their age and "
        "education), with the policy benefits they would get there (subsidies of the scenario's levers), "
        "with the place's amenities and size; it falls with distance. Staying adds a bonus and the place of "
        "origin a tie. So a subsidy in Jilin raises the Jilin rows' utility and the chance of staying "
        "(`simulator/processes/migration.py`, `utilities`; docs/ODD.md, submodel 5)."
    )
    solara.HTML(tag="div", unsafe_innerHTML=choice_table_html(agent, names))


def _number_input(control: Control, value: Any, on_value: Any) -> None:
    if control.kind == "month":
        solara.Select(control.label, value=value, values=months(), on_value=on_value)
    elif control.kind == "choice":
        solara.Select(control.label, value=str(value), values=list(control.choices), on_value=on_value)
    elif control.kind == "integer":
        solara.InputInt(control.label, value=int(value), on_value=on_value, continuous_update=False)
    else:
        solara.InputFloat(control.label, value=float(value), on_value=on_value, continuous_update=False)


@solara.component
def SettingsCard(draft: solara.Reactive[AppSettings], settings: solara.Reactive[AppSettings]) -> None:
    """The page's settings: base scenario, scale, seed, levers; valid settings are used at the next Reset."""
    problem, set_problem = solara.use_state("")
    saved, set_saved = solara.use_state("")

    def change(new: AppSettings) -> None:
        draft.set(new)
        try:
            new.scenario()
        except ScenarioError as exc:
            set_problem(str(exc))
            return
        set_problem("")
        settings.set(new)

    current = draft.value
    run = run_settings()
    with solara.Card("Scenario"):
        solara.Select(
            "base scenario",
            value=current.base,
            values=base_scenarios(),
            on_value=lambda v: change(_with(current, base=v)),
        )
        solara.InputInt(
            run["scale"].label, value=current.scale, continuous_update=False,
            on_value=lambda v: change(_with(current, scale=int(v))),
        )  # fmt: skip
        solara.InputInt(
            run["seed"].label, value=current.seed, continuous_update=False,
            on_value=lambda v: change(_with(current, seed=int(v))),
        )  # fmt: skip
        on = ", ".join(sorted(current.on)) or "none added"
        with solara.Details(summary=f"levers ({on})", expand=False):
            for kind, table in lever_kinds().items():
                with solara.Details(summary=f"{kind}{' (on)' if kind in current.on else ''}", expand=False):
                    solara.Checkbox(
                        label=f"add a {kind} lever", value=kind in current.on,
                        on_value=lambda v, k=kind: change(draft.value.switched(k, v)),
                    )  # fmt: skip
                    for control in controls_of(table):
                        _number_input(
                            control, current.values[kind][control.key],
                            lambda v, k=kind, key=control.key: change(draft.value.with_value(k, key, v)),
                        )  # fmt: skip
        if problem:
            solara.Error(problem)
        else:
            solara.Text("Valid settings: the next Reset simulates with them.", classes=["ts-valid"])
        solara.InputText("file name", value=current.name, on_value=lambda v: change(_with(current, name=v)))

        def save() -> None:
            try:
                path = settings.value.save(SAVE_DIR)
            except (ScenarioError, OSError) as exc:
                set_saved(f"not saved: {exc}")
                return
            set_saved(f"saved {path} (run it: talentsim run {path})")

        solara.Button("Save scenario file", on_click=save, color="primary", disabled=bool(problem))
        if saved:
            solara.Text(saved, classes=["ts-saved"])


def _with(settings: AppSettings, **changes: Any) -> AppSettings:
    return replace(settings, **changes)


@solara.component
def Page() -> None:
    """The whole page (what `talentsim app` serves)."""
    solara.Style(page_css())
    draft = solara.use_reactive(AppSettings(scale=DEFAULT_SCALE))
    settings = solara.use_reactive(AppSettings(scale=DEFAULT_SCALE))
    model = solara.use_memo(lambda: ClassroomModel(settings.value), [])
    with solara.Sidebar():
        SettingsCard(draft, settings)
    if hasattr(solara_viz, "make_initial_grid_layout"):  # Mesa's default layout, replaced for this page
        solara_viz.make_initial_grid_layout = grid_layout
    SolaraViz(
        model,
        components=[*((chart(i, t), 0) for i, t in CHARTS), (UnitBars, 0), (UnitTable, 0), (People, 1)],
        model_params={"settings": settings},
        name=TITLE,
        play_interval=50,
    )

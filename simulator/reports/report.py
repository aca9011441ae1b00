"""`talentsim report`: the sections of the HTML report of a run folder or a batch store.

`render_report` reads the input, draws the figures, builds the tables, and writes one self-contained HTML file
(default: report.html inside the run folder or store). Bad input raises `ReportError` before anything is written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from simulator import __version__
from simulator.provenance import code_version
from simulator.reports import figures, html, summaries
from simulator.reports.comparison import compare
from simulator.reports.fonts import embedded_font_css
from simulator.reports.html import Cell
from simulator.reports.i18n import LANGUAGES, has_text, paragraphs, text
from simulator.reports.load import (
    PLAN_END,
    ReportError,
    ReportInput,
    Target,
    load_calibration_hashes,
    load_input,
    load_targets,
    load_units,
)

#: Indicators of the paired differences: indicator -> (label key, factor to the shown unit, suffix).
DIFFERENCES = {
    "population": ("population", 1.0, ""),
    "net_migration_interprovincial": ("net_migration_interprovincial", 1.0, ""),
    "graduates_retained_one_year": ("graduates_retained_one_year", 1.0, ""),
    "high_skill_talent": ("high_skill_talent", 1.0, ""),
    "high_skill_share": ("high_skill_share", 100.0, " (pp)"),
}
TARGET_LABELS = {
    "high_skill_talent": "target_high_skill_talent",
    "high_skill_share_pct": "target_high_skill_share",
    "training_person_times": "target_training",
}


def render_report(
    source: Path | str, baseline: str | None = None, lang: str = "en", out: Path | str | None = None
) -> Path:
    """Write the HTML report of a run folder or batch store and return its path.

    Args:
        source: a run folder (`talentsim run`) or a batch store (`talentsim batch`).
        baseline: scenario of a store the others are compared with (paired differences, costs).
        lang: "en" or "zh": the language of headings and labels.
        out: the HTML file to write (default: report.html in `source`).

    Raises:
        ReportError: `source` is not a run or store, the baseline is unknown, or `out` may not be written.
    """
    if lang not in LANGUAGES:
        raise ReportError(f"--lang: expected one of {', '.join(LANGUAGES)} (got {lang!r})")
    data = load_input(source)
    if baseline is not None:
        if data.kind != "store":
            raise ReportError(f"--baseline: {data.path} is a single run; a baseline needs a batch store")
        if baseline not in data.scenarios:
            raise ReportError(
                f"--baseline: no scenario {baseline!r} in {data.path} (scenarios: {', '.join(data.scenarios)})"
            )
    destination = Path(out) if out is not None else data.path / "report.html"
    html.check_destination(destination)
    document = build_html(data, baseline, lang)
    return html.write_atomically(destination, document)


def unit_labels(units: pd.DataFrame) -> dict[str, str]:
    """Unit code -> "长春市 Changchun": the Chinese name beside the pinyin (long English names shortened)."""
    short = units["name_en"].where(units["name_en"].str.len() <= 12, units["name_en"].str.split().str[0])
    return dict(zip(units.index, units["name_zh"] + " " + short, strict=True))


def build_html(data: ReportInput, baseline: str | None, lang: str) -> str:
    """The report page of `data` in `lang`."""
    units = load_units()
    labels = unit_labels(units)
    targets = load_targets()
    first, last = data.months
    with figures.figure_style():
        sections = [
            ("series", text(lang, "sec_series"), _series(data, lang, targets)),
            ("units", text(lang, "sec_units"), _units(data, lang, units, labels, baseline)),
            ("targets", text(lang, "sec_targets"), _targets(data, lang, targets)),
            ("compare", text(lang, "sec_compare"), _compare(data, lang, baseline)),
            ("spending", text(lang, "sec_spending"), _spending(data, lang)),
            ("provenance", text(lang, "sec_provenance"), _provenance(data, lang)),
            ("howto", text(lang, "sec_howto"), "".join(html.paragraph(p) for p in paragraphs(lang, "howto"))),
        ]
    name = _name(data)
    scale = ", ".join(str(s) for s in sorted(data.indicators["scale"].unique()))
    if data.kind == "run":
        seed = data.manifest.get("seed", int(data.indicators["seed"].iloc[0]))
        subtitle = text(lang, "subtitle_run", name=name, start=first, end=last, scale=scale, seed=seed)
    else:
        subtitle = text(
            lang,
            "subtitle_store",
            name=name,
            scenarios=len(data.scenarios),
            runs=data.n_runs,
            start=first,
            end=last,
            scale=scale,
        )
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    footer = text(lang, "generated", version=__version__, when=when)
    title = text(lang, "title", name=name)
    summary = glance(data, lang)
    plain = "".join([title, subtitle, footer, summary, text(lang, "contents"), *(h + b for _, h, b in sections)])
    font = embedded_font_css(plain)
    return html.page(lang, title, subtitle, text(lang, "contents"), sections, footer, font, summary)


def _name(data: ReportInput) -> str:
    if data.kind == "run":
        scenario = data.manifest.get("scenario", {})
        return str(scenario.get("name", data.scenarios[0]) if isinstance(scenario, dict) else scenario)
    for key in ("experiment", "name"):
        if isinstance(data.manifest.get(key), str):
            return data.manifest[key]
    return data.path.name


def _series(data: ReportInput, lang: str, targets: list[Target]) -> str:
    frame, scenarios = data.indicators, data.scenarios
    goal = {t.indicator: (t.value, text(lang, "target")) for t in targets}
    persons = text(lang, "persons")
    charts = [
        _figure(summaries.monthly(frame, i), "date", scenarios, text(lang, i), persons, lang)
        for i in ("population", "working_age_population")
    ]
    band = summaries.yearly_totals(frame, "net_migration_interprovincial")
    title = text(lang, "net_migration_interprovincial")
    charts.append(_figure(band, "year", scenarios, title, text(lang, "persons_per_year"), lang))
    band = summaries.july_values(frame, "graduates_retained_one_year")
    charts.append(_figure(band, "year", scenarios, text(lang, "graduates_retained_one_year"), persons, lang))
    band = summaries.monthly(frame, "high_skill_talent")
    title = text(lang, "high_skill_talent")
    charts.append(_figure(band, "date", scenarios, title, persons, lang, goal.get("high_skill_talent")))
    band = summaries.monthly(frame, "high_skill_share")
    title = text(lang, "high_skill_share")
    percent = text(lang, "percent")
    charts.append(_figure(band, "date", scenarios, title, percent, lang, goal.get("high_skill_share"), True))
    parts = [
        html.paragraph(text(lang, "series_intro_run" if data.n_runs == 1 else "series_intro_store")),
        html.grid(charts),
        html.paragraph(text(lang, "partial_years")),
    ]
    first, last = data.months
    units = load_units()
    band = summaries.cumulative_flow(frame, "net_migration_within_province", list(units.index))
    title = text(lang, "net_migration_within", start=first, end=last)
    if band.empty:
        parts.append(html.paragraph(f"{title}: {text(lang, 'no_data')}"))
    else:
        chart = figures.unit_bars(band, unit_labels(units), scenarios, title, persons, lang)
        parts.append(html.figure(chart, title))
    return "".join(parts)


def glance(data: ReportInput, lang: str) -> str:
    """Key figures of each scenario at the last month (means over runs): the first thing a reader sees."""
    frame = data.indicators
    first, last = data.months

    def at(indicator: str, month: str) -> pd.Series:
        return summaries.monthly(frame, indicator).query("date == @month").set_index("scenario")["mean"]

    population, start = at("population", last), at("population", first)
    talent, share = at("high_skill_talent", last), at("high_skill_share", last)
    migration = summaries.select(frame, "net_migration_interprovincial").groupby("scenario")["value"].sum()
    migration = migration / frame.drop_duplicates(summaries.RUN_KEYS).groupby("scenario").size()
    retained = (
        summaries.july_values(frame, "graduates_retained_one_year").sort_values("year").groupby("scenario").last()
    )
    spend = summaries.spending_by_year(frame).groupby("scenario")["yuan"].sum()
    headers = [text(lang, "th_scenario"), text(lang, "population") + f" {last}", text(lang, "glance_change")]
    goal = {t.indicator: t.value for t in load_targets()}
    headers += [
        text(lang, "high_skill_talent") + text(lang, "glance_target", value=_fmt(goal["high_skill_talent"])),
        text(lang, "high_skill_share") + text(lang, "glance_target", value=_fmt(goal["high_skill_share"], True)),
        text(lang, "glance_retained"),
    ]
    headers += [text(lang, "glance_migration", start=first, end=last), text(lang, "glance_spending")]
    rows = []
    for name in data.scenarios:
        change = 100 * (population.get(name, np.nan) / start.get(name, np.nan) - 1)
        rows.append(
            [
                name,
                Cell(_fmt(population.get(name, np.nan)), True),
                Cell(f"{change:+.1f} %", True),
                Cell(_fmt(talent.get(name, np.nan)), True),
                Cell(_fmt(share.get(name, np.nan), share=True), True),
                Cell(_fmt(retained["mean"].get(name, np.nan)) if len(retained) else "—", True),
                Cell(f"{migration.get(name, np.nan):+,.0f}", True),
                Cell(f"{spend.get(name, 0.0) / 1e6:,.1f}", True),
            ]
        )
    return f"<h3>{html.esc(text(lang, 'glance'))}</h3>" + html.table(headers, rows, "glance")


def _figure(
    band: pd.DataFrame,
    x: str,
    scenarios: list[str],
    title: str,
    ylabel: str,
    lang: str,
    target: tuple[float, str] | None = None,
    percent: bool = False,
) -> str:
    if band.empty:
        return html.paragraph(f"{title}: {text(lang, 'no_data')}")
    return html.figure(figures.series(band, x, scenarios, title, ylabel, lang, target, percent), title)


def _units(data: ReportInput, lang: str, units: pd.DataFrame, labels: dict[str, str], baseline: str | None) -> str:
    frame, scenarios = data.indicators, data.scenarios
    codes = list(units.index)
    _, last = data.months
    shown = baseline or scenarios[0]
    change = summaries.unit_change(frame, "population", codes, percent=True)
    final = change[(change["scenario"] == shown) & (change["date"] == last)].set_index("region")["mean"]
    table = units.assign(label=[labels[c] for c in codes])
    title = text(lang, "map_title", end=last, scenario=shown)
    parts = [
        html.paragraph(text(lang, "units_intro", end=last, scenario=shown)),
        html.figure(
            figures.unit_map(
                table,
                final,
                title,
                text(lang, "population_change_pct"),
                text(lang, "longitude"),
                text(lang, "latitude"),
            ),
            title,
        ),
    ]
    title = text(lang, "units_population")
    parts.append(html.figure(figures.small_multiples(change, labels, scenarios, title, lang, True), title))
    talent = summaries.unit_change(frame, "high_skill_talent", codes, percent=False)
    title = text(lang, "units_high_skill")
    parts.append(html.figure(figures.small_multiples(talent, labels, scenarios, title, lang, False), title))
    parts.append(_unit_table(data, lang, labels, change, talent, shown))
    return "".join(parts)


def _unit_table(
    data: ReportInput, lang: str, labels: dict[str, str], change: pd.DataFrame, talent: pd.DataFrame, shown: str
) -> str:
    """Per unit: census-day population, its change in each scenario, and high-skill talent and net moves
    between units in the shown scenario (means over runs)."""
    first, last = data.months
    codes = list(labels)
    population = summaries.unit_change(data.indicators, "population", codes, percent=False)
    start = population[(population["scenario"] == shown) & (population["date"] == first)].set_index("region")
    at_last = change[change["date"] == last].pivot(index="region", columns="scenario", values="mean")
    talent_last = talent[(talent["scenario"] == shown) & (talent["date"] == last)].set_index("region")["mean"]
    moves = summaries.cumulative_flow(data.indicators, "net_migration_within_province", codes)
    moves = moves[moves["scenario"] == shown].set_index("region")["mean"]
    headers = [text(lang, "th_unit"), text(lang, "population") + f" {first}"]
    headers += [text(lang, "th_change_in", scenario=s) for s in data.scenarios]
    headers += [text(lang, "high_skill_talent") + f" {last} ({shown})", text(lang, "th_moves", scenario=shown)]
    rows = []
    for code in codes:
        row = [labels[code], Cell(_fmt(start["mean"].get(code, np.nan)), True)]
        row += [
            Cell(f"{at_last.at[code, s]:+.1f} %" if code in at_last.index else "—", True) for s in data.scenarios
        ]
        row += [Cell(_fmt(talent_last.get(code, np.nan)), True), Cell(f"{moves.get(code, np.nan):+,.0f}", True)]
        rows.append(row)
    return html.table(headers, rows)


def _fmt(value: float, share: bool = False) -> str:
    if not np.isfinite(value):
        return "—"
    return f"{100 * value:.1f} %" if share else f"{value:,.0f}"


def _targets(data: ReportInput, lang: str, targets: list[Target]) -> str:
    month = summaries.target_month(data.indicators, PLAN_END)
    table = summaries.target_table(data.indicators, targets, month)
    labels = {t.item: text(lang, TARGET_LABELS[t.item]) for t in targets}
    parts = [html.paragraph(text(lang, "targets_intro", month=month))]
    if month != PLAN_END:
        parts.append(html.paragraph(text(lang, "targets_early", month=month), "note"))
    title = text(lang, "targets_title", month=month)
    chart = figures.attainment(table, labels, data.scenarios, title, text(lang, "attainment_pct"))
    parts.append(html.figure(chart, title))
    store = data.kind == "store"
    headers = [text(lang, k) for k in ("th_target", "th_goal", "th_scenario", "th_value", "th_attainment")]
    if store:
        headers += [text(lang, k) for k in ("th_interval", "th_share_reaching", "th_runs")]
    rows = []
    for target in targets:
        share = target.indicator == "high_skill_share"
        for _, row in table[table["target"] == target.item].iterrows():
            cells = [
                labels[target.item],
                Cell(_fmt(target.value, share), True),
                row["scenario"],
                Cell(_fmt(row["mean"], share), True),
                Cell(f"{100 * row['attainment']:.0f} %", True),
            ]
            if store:
                band = f"{_fmt(row['lo'], share)} – {_fmt(row['hi'], share)}"
                cells += [
                    Cell(band, True),
                    Cell(f"{100 * row['share_reaching']:.0f} %", True),
                    Cell(str(row["n"]), True),
                ]
            rows.append(cells)
    parts.append(html.table(headers, rows))
    return "".join(parts)


def _compare(data: ReportInput, lang: str, baseline: str | None) -> str:
    if data.kind == "run":
        return html.paragraph(text(lang, "compare_none_run"), "note")
    if baseline is None:
        return html.paragraph(text(lang, "compare_none_store", names=", ".join(data.scenarios)), "note")
    differences, costs = compare(data, baseline)
    variants = [s for s in data.scenarios if s != baseline]
    if differences.empty or not variants:
        return html.paragraph(text(lang, "no_data"), "note")
    differences = _one_sample(differences)
    year = int(differences["year"].max())
    shown = differences[(differences["region"] == "province") & (differences["year"] == year)].copy()
    shown = shown[shown["indicator"].isin(list(DIFFERENCES))]
    factor = shown["indicator"].map({k: v[1] for k, v in DIFFERENCES.items()})
    for column in ("mean_diff", "lo90", "hi90"):
        shown[column] = shown[column] * factor
    labels = {k: text(lang, v[0]) + v[2] for k, v in DIFFERENCES.items()}
    title = text(lang, "differences_title", baseline=baseline, year=year)
    parts = [html.paragraph(text(lang, "compare_intro", baseline=baseline, year=year))]
    parts.append(html.figure(figures.differences(shown, labels, variants, data.scenarios, title, lang), title))
    headers = [text(lang, k) for k in ("th_variant", "th_indicator", "th_diff", "th_interval", "th_runs")]
    rows = [
        [
            row["variant"],
            labels[row["indicator"]],
            Cell(_signed(row["mean_diff"]), True),
            Cell(f"{_signed(row['lo90'])} – {_signed(row['hi90'])}", True),
            Cell(str(int(row["n"])), True),
        ]
        for _, row in shown.sort_values(["variant", "indicator"]).iterrows()
    ]
    parts.append(html.table(headers, rows))
    parts.append(_costs(costs, lang, year, data, baseline))
    return "".join(parts)


def _signed(value: float) -> str:
    """A difference with its sign: whole numbers from 100 on, three significant digits below."""
    if not np.isfinite(value):
        return "—"
    return f"{value:+,.0f}" if abs(value) >= 100 else f"{value:+.3g}"


def _one_sample(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of the unsampled runs (sample -1), else of the first parameter sample."""
    if "sample" not in frame.columns or frame.empty:
        return frame
    keep = -1 if (frame["sample"] == -1).any() else frame["sample"].min()
    return frame[frame["sample"] == keep]


def _costs(costs: pd.DataFrame, lang: str, year: int, data: ReportInput, baseline: str) -> str:
    parts = [html.paragraph(text(lang, "costs_intro", year=year))]
    costs = _one_sample(costs)
    costs = costs[costs["year"] == year]
    if costs.empty or not np.isfinite(costs["yuan_per_unit_mean"]).any():
        return "".join([*parts, html.paragraph(text(lang, "costs_none"), "note")])
    spend = summaries.spending_by_year(data.indicators)
    levers = spend.groupby("scenario")["lever"].unique().map(set)
    base_levers = levers.get(baseline, set())
    extra = costs.groupby("variant", sort=False)["extra_spending_yuan_mean"].first()
    headers = [text(lang, k) for k in ("th_variant", "th_levers_added", "th_extra_spending")]
    rows = [
        [name, ", ".join(sorted(levers.get(name, set()) - base_levers)) or "—", Cell(f"{value / 1e6:,.1f}", True)]
        for name, value in extra.items()
    ]
    parts.append(html.table(headers, rows))
    headers = [text(lang, k) for k in ("th_variant", "th_outcome", "th_extra_outcome", "th_cost_per_unit")]
    headers.append(text(lang, "th_interval"))
    rows = []
    for _, row in costs.sort_values(["variant", "outcome"]).iterrows():
        interval = f"{_fmt(row['lo90'])} – {_fmt(row['hi90'])}" if np.isfinite(row["yuan_per_unit_mean"]) else "—"
        key = f"outcome_{row['outcome']}"
        label = text(lang, key, year=year) if has_text(lang, key) else str(row["outcome"])
        rows.append(
            [
                row["variant"],
                label,
                Cell(_signed(row["extra_outcome_mean"]), True),
                Cell(_fmt(row["yuan_per_unit_mean"]), True),
                Cell(interval, True),
            ]
        )
    return "".join([*parts, html.table(headers, rows)])


def _spending(data: ReportInput, lang: str) -> str:
    spend = summaries.spending_by_year(data.indicators)
    if spend.empty:
        return html.paragraph(text(lang, "spending_none"), "note")
    titles = {s: text(lang, "spending_title", scenario=s) for s in data.scenarios}
    chart = figures.spending(spend, data.scenarios, titles, text(lang, "million_yuan"))
    parts = [html.paragraph(text(lang, "spending_intro")), html.figure(chart, text(lang, "sec_spending"))]
    years = sorted(spend["year"].unique())
    headers = [text(lang, "th_scenario"), text(lang, "th_lever"), *map(str, years), text(lang, "th_total")]
    pivot = spend.pivot_table(
        index=["scenario", "lever"], columns="year", values="yuan", aggfunc="sum", fill_value=0.0
    )
    order = {s: i for i, s in enumerate(data.scenarios)}
    rows = []
    for (scenario, lever), values in sorted(pivot.iterrows(), key=lambda kv: (order.get(kv[0][0], 0), kv[0][1])):
        cells = [Cell(f"{values.get(y, 0.0) / 1e6:,.1f}", True) for y in years]
        rows.append([scenario, lever, *cells, Cell(f"{values.sum() / 1e6:,.1f}", True)])
    parts.append(html.table(headers, rows))
    return "".join(parts)


def _seeds(values: pd.Series) -> str:
    seeds = sorted({int(v) for v in values})
    shown = ", ".join(map(str, seeds[:12]))
    return shown + (f", … ({len(seeds)})" if len(seeds) > 12 else "")


def _provenance(data: ReportInput, lang: str) -> str:
    first, last = data.months
    frame, manifest = data.indicators, data.manifest
    none = text(lang, "prov_none")
    rows: list[list[str]] = [
        [text(lang, "prov_kind"), text(lang, "prov_kind_run" if data.kind == "run" else "prov_kind_store")],
        [text(lang, "prov_path"), str(data.path)],
        [text(lang, "prov_scenarios"), ", ".join(data.scenarios)],
        [text(lang, "prov_seeds"), _seeds(frame["seed"])],
        [text(lang, "prov_scale"), ", ".join(str(s) for s in sorted(frame["scale"].unique()))],
        [text(lang, "prov_months"), f"{first} – {last}"],
    ]
    if data.kind == "run":
        scenario = manifest.get("scenario", {}) if isinstance(manifest.get("scenario"), dict) else {}
        code = " ".join(str(manifest.get(k)) for k in ("package_version", "git_commit") if manifest.get(k))
        rows += [
            [text(lang, "prov_description"), str(scenario.get("description", none))],
            [text(lang, "prov_code"), code or none],
            [
                text(lang, "prov_persons"),
                f"{manifest.get('persons_simulated', none):,}"
                if isinstance(manifest.get("persons_simulated"), int)
                else none,
            ],
        ]
        hashes = manifest.get("data_file_hashes") or {}
    else:
        rows += _store_rows(data, lang, none)
        hashes = _store_hashes(data)
    note = ""
    if not hashes and data.kind == "store":  # the store records the code version only: show today's files
        hashes = load_calibration_hashes()
        now, stored = code_version(), str(manifest.get("code_version") or none)
        same = text(lang, "prov_same" if now == stored and not now.endswith("-dirty") else "prov_different")
        note = html.paragraph(text(lang, "prov_calibration_now", stored=stored, now=now, same=same), "note")
    parts = [html.paragraph(text(lang, "prov_intro")), html.table(["", ""], rows)]
    if data.kind == "store":
        scenario_hashes = _scenario_hashes(data)
        if scenario_hashes:
            parts.append(f"<h3>{html.esc(text(lang, 'prov_scenario_hashes'))}</h3>")
            parts.append(html.table([text(lang, "th_scenario"), text(lang, "prov_sha")], scenario_hashes))
    parts.append(f"<h3>{html.esc(text(lang, 'prov_calibration'))}</h3>{note}")
    if hashes:
        parts.append(html.table([text(lang, "prov_file"), text(lang, "prov_sha")], sorted(hashes.items())))
    else:
        parts.append(html.paragraph(none))
    return "".join(parts)


def _store_rows(data: ReportInput, lang: str, none: str) -> list[list[str]]:
    manifest = data.manifest
    rows = []
    for keys, label in (
        (("experiment", "name"), "prov_experiment"),
        (("experiment_hash", "hash"), "prov_hash"),
        (("code_version",), "prov_code"),
        (("created",), "prov_created"),
    ):
        value = next((manifest[k] for k in keys if manifest.get(k) is not None), none)
        rows.append([text(lang, label), str(value)])
    if data.runs is not None and "status" in data.runs:
        ok = int((data.runs["status"].astype(str) == "ok").sum())
        rows.append([text(lang, "prov_runs"), f"{ok} / {len(data.runs) - ok}"])
    descriptions = [
        f"{name}: {info.get('description', '')}"
        for name, info in data.scenario_files.items()
        if info.get("description")
    ]
    if descriptions:
        rows.append([text(lang, "prov_description"), " · ".join(descriptions)])
    return rows


def _store_hashes(data: ReportInput) -> dict[str, str]:
    """Calibration file hashes recorded by the store (store.json, a run record or a scenario file), if any."""
    for source in (data.manifest, data.run_record, *data.scenario_files.values()):
        for key in ("data_file_hashes", "calibration_hashes"):
            if isinstance(source.get(key), dict) and source[key]:
                return {str(k): str(v) for k, v in source[key].items()}
    return {}


def _scenario_hashes(data: ReportInput) -> list[list[str]]:
    if data.runs is None or "scenario_hash" not in data.runs:
        return []
    pairs = data.runs[["scenario", "scenario_hash"]].drop_duplicates()
    return [[str(s), str(h)] for s, h in pairs.itertuples(index=False)]

"""The report's figures, drawn with matplotlib (Figure objects without pyplot: no window, no global state),
returned as base64 PNG data.

Every function takes the numbers from `summaries` and the labels already in the report's language, draws
one figure and returns it encoded for an <img src="data:image/png;base64,..."> tag. Call them inside
`figure_style()` so Chinese text uses the CJK font.
"""

from __future__ import annotations

import base64
import contextlib
import io
import textwrap
from collections.abc import Iterator, Sequence

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator, MultipleLocator
from matplotlib.transforms import Bbox

from simulator.reports.fonts import font_families

DPI = 96
COLORS = matplotlib.colormaps["tab10"].colors


@contextlib.contextmanager
def figure_style() -> Iterator[None]:
    """Matplotlib settings of the report's figures (fonts with Chinese glyphs, light grid)."""
    with matplotlib.rc_context(
        {
            "font.family": font_families(),
            "font.size": 9,
            "axes.unicode_minus": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
        }
    ):
        yield


def color_of(scenarios: Sequence[str]) -> dict[str, tuple[float, float, float]]:
    """A colour per scenario, in their order."""
    return {name: COLORS[i % len(COLORS)] for i, name in enumerate(scenarios)}


def label_width_in(labels: Sequence[str], fontsize: float) -> float:
    """Rough width in inches of the longest label (Chinese characters count as 1 em, others as 0.6 em)."""
    ems = max((sum(1.0 if ord(c) > 0x2E80 else 0.6 for c in str(t)) for t in labels), default=0.0)
    return ems * fontsize / 72.0


def adjust(fig: Figure, left: float, right: float, top: float, bottom: float, **spacing: float) -> None:
    """Margins in inches (fixed margins spare matplotlib a layout pass per figure)."""
    width, height = fig.get_size_inches()
    fig.subplots_adjust(
        left=left / width, right=1 - right / width, top=1 - top / height, bottom=bottom / height, **spacing
    )


def encode(fig: Figure, tight: bool = False) -> str:
    """The figure as base64 PNG data, cropped to what is drawn if `tight` (costs a layout pass)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight" if tight else None)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def count_formatter(lang: str) -> FuncFormatter:
    """Tick labels of counts: millions (en) or ten-thousands, 万 (zh), for large numbers."""

    def show(value: float, _position: int) -> str:
        if abs(value) >= 1e6:
            return f"{value / 1e4:,.0f}万" if lang == "zh" else f"{value / 1e6:,.2f} M"
        if abs(value) >= 1e4 and lang == "zh":
            return f"{value / 1e4:,.1f}万"
        return f"{value:,.0f}"

    return FuncFormatter(show)


def compact_formatter(lang: str) -> FuncFormatter:
    """Short tick labels of differences: 30k (en) or 3万 (zh) for thousands, three digits below."""

    def show(value: float, _position: int) -> str:
        if lang == "zh" and abs(value) >= 1e4:
            return f"{value / 1e4:,.3g}万"
        if lang != "zh" and abs(value) >= 1e3:
            return f"{value / 1e3:,.3g}k"
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"

    return FuncFormatter(show)


def _wrap_cjk(label: str, width: int) -> str:
    """Break a Chinese label every `width` characters (Chinese has no spaces to break at)."""
    return "\n".join(label[i : i + width] for i in range(0, len(label), width))


def month_number(dates: pd.Series) -> np.ndarray:
    """YYYY-MM strings as decimal years (2021-07 -> 2021.5)."""
    text = dates.astype(str).to_numpy()
    unique, position = np.unique(text, return_inverse=True)  # a few dozen months among many rows
    years = np.array([int(d[:4]) + (int(d[5:7]) - 1) / 12.0 for d in unique])
    return years[position]


def month_ticks(ax: Axes, dates: pd.Series, count: int = 6) -> None:
    """Ticks of a time axis in decimal years: whole years over two years or more, else months (YYYY-MM)."""
    first, last = month_number(pd.Series([dates.min(), dates.max()])) if len(dates) else (0.0, 0.0)
    if last - first >= 2:
        ax.xaxis.set_major_locator(MaxNLocator(count, integer=True))
        return
    months = round((last - first) * 12)
    step = next((s for s in (1, 2, 3, 6) if months / s <= min(count, 4)), 12)
    ax.xaxis.set_major_locator(MultipleLocator(step / 12))  # on the first of a month

    def label(value: float, _position: int) -> str:
        index = round(value * 12)  # months since year 0
        return f"{index // 12}-{index % 12 + 1:02d}"

    ax.xaxis.set_major_formatter(FuncFormatter(label))


def series(
    band: pd.DataFrame,
    x: str,
    scenarios: Sequence[str],
    title: str,
    ylabel: str,
    lang: str,
    target: tuple[float, str] | None = None,
    percent: bool = False,
) -> str:
    """One line per scenario (mean over runs) with its 90 % band where there are several runs.

    Args:
        band: columns scenario, `x`, mean, lo, hi, n.
        x: "date" (YYYY-MM, drawn as decimal years) or "year".
        scenarios: scenario names in legend order.
        title: figure title.
        ylabel: y-axis label.
        lang: "en" or "zh" (tick labels of large counts).
        target: (value, label) drawn as a dashed line, or None.
        percent: the values are shares drawn as percent.
    """
    fig = Figure(figsize=(6.0, 3.4))
    ax = fig.add_subplot()
    colors = color_of(scenarios)
    scale = 100.0 if percent else 1.0
    for name in scenarios:
        rows = band[band["scenario"] == name].sort_values(x)
        if rows.empty:
            continue
        xs = month_number(rows[x]) if x == "date" else rows[x].to_numpy()
        marker = "o" if x == "year" else None
        ax.plot(xs, rows["mean"] * scale, color=colors[name], label=name, marker=marker, lw=1.6, ms=4)
        if rows["n"].max() > 1:
            ax.fill_between(xs, rows["lo"] * scale, rows["hi"] * scale, color=colors[name], alpha=0.18, lw=0)
    if target is not None:
        ax.axhline(target[0] * scale, color="0.3", ls="--", lw=1)
        ax.annotate(
            target[1], (0.01, target[0] * scale), xycoords=("axes fraction", "data"), va="bottom", fontsize=8
        )
    ax.set_title(title, loc="left", fontsize=10, y=1.01)
    ax.set_ylabel(ylabel)
    if x == "date":
        month_ticks(ax, band[x])
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if not percent:
        ax.yaxis.set_major_formatter(count_formatter(lang))
    ax.legend(fontsize=8, loc="best")
    adjust(fig, left=0.95, right=0.15, top=0.35, bottom=0.35)
    return encode(fig)


def unit_bars(
    band: pd.DataFrame,
    unit_labels: dict[str, str],
    scenarios: Sequence[str],
    title: str,
    xlabel: str,
    lang: str,
) -> str:
    """Grouped horizontal bars: a value per unit and scenario (mean over runs, whiskers the 90 % band)."""
    units = list(unit_labels)
    fig = Figure(figsize=(7.2, 0.32 * len(units) * max(1, len(scenarios)) ** 0.5 + 1.2))
    ax = fig.add_subplot()
    colors = color_of(scenarios)
    height = 0.8 / max(1, len(scenarios))
    positions = np.arange(len(units))
    for i, name in enumerate(scenarios):
        rows = band[band["scenario"] == name].set_index("region").reindex(units)
        ys = positions - 0.4 + height * (i + 0.5)
        ax.barh(ys, rows["mean"], height=height, color=colors[name], label=name)
        if rows["n"].max() > 1:
            err = np.vstack([rows["mean"] - rows["lo"], rows["hi"] - rows["mean"]])
            ax.errorbar(rows["mean"], ys, xerr=err, fmt="none", ecolor="0.25", lw=0.8)
    ax.set_yticks(positions, [unit_labels[u] for u in units])
    ax.invert_yaxis()
    ax.axvline(0, color="0.3", lw=0.8)
    ax.set_title(title, loc="left", fontsize=10, y=1.01)
    ax.set_xlabel(xlabel)
    ax.xaxis.set_major_formatter(count_formatter(lang))
    ax.legend(fontsize=8, loc="best")
    adjust(fig, left=label_width_in(list(unit_labels.values()), 9) + 0.25, right=0.25, top=0.35, bottom=0.55)
    return encode(fig)


def unit_map(
    units: pd.DataFrame, change_pct: pd.Series, title: str, colorbar_label: str, xlabel: str, ylabel: str
) -> str:
    """The units at their coordinates: circle area the census-day population, colour the % change.

    Args:
        units: index unit code; columns label, population, lat, lon.
        change_pct: % change of population by unit code.
        title: figure title.
        colorbar_label: label of the colour scale.
        xlabel: longitude label.
        ylabel: latitude label.
    """
    fig = Figure(figsize=(7.6, 5.4))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    change = change_pct.reindex(units.index).to_numpy(dtype=float)
    # colour range: 90th percentile of |change|, so one small unit's large swing does not wash out the rest
    limit = max(1.0, float(np.nanpercentile(np.abs(change), 90))) if np.isfinite(change).any() else 1.0
    sizes = 2200.0 * units["population"].to_numpy() / units["population"].max() + 30
    points = ax.scatter(
        units["lon"], units["lat"], s=sizes, c=change, cmap="RdBu", vmin=-limit, vmax=limit,
        edgecolors="0.2", linewidths=0.6, alpha=0.85, zorder=3,
    )  # fmt: skip
    ax.set_xlim(units["lon"].min() - 1.2, units["lon"].max() + 1.2)
    ax.set_ylim(units["lat"].min() - 0.9, units["lat"].max() + 0.7)
    ax.set_aspect(1.0 / np.cos(np.deg2rad(units["lat"].mean())))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left", fontsize=10, y=1.01)
    adjust(fig, left=0.7, right=0.3, top=0.35, bottom=0.6)
    fig.colorbar(points, ax=ax, label=colorbar_label, shrink=0.7)
    labels = [
        f"{row['label']}" + ("" if not np.isfinite(change[i]) else f"\n{change[i]:+.1f} %")
        for i, (_, row) in enumerate(units.iterrows())
    ]
    _place_labels(fig, ax, units["lon"].to_numpy(), units["lat"].to_numpy(), np.sqrt(sizes) / 2, labels)
    return encode(fig)


#: Where a map label may go around its circle: (x, y) direction, horizontal and vertical alignment.
_LABEL_SPOTS = (
    ((0, -1), "center", "top"),
    ((0, 1), "center", "bottom"),
    ((1, 0), "left", "center"),
    ((-1, 0), "right", "center"),
    ((1, -1), "left", "top"),
    ((-1, -1), "right", "top"),
    ((1, 1), "left", "bottom"),
    ((-1, 1), "right", "bottom"),
)


def _place_labels(
    fig: Figure, ax: Axes, xs: np.ndarray, ys: np.ndarray, radii_pt: np.ndarray, labels: list[str]
) -> None:
    """Label each circle where its text overlaps the other labels and circles least (largest circles first)."""
    renderer = fig.canvas.get_renderer()
    ax.apply_aspect()
    scale = fig.dpi / 72.0
    centres = ax.transData.transform(np.column_stack([xs, ys]))
    circles = [
        Bbox.from_bounds(cx - r * scale, cy - r * scale, 2 * r * scale, 2 * r * scale)
        for (cx, cy), r in zip(centres, radii_pt, strict=True)
    ]
    placed: list[Bbox] = []
    for i in np.argsort(-radii_pt, kind="stable"):
        others = [b for j, b in enumerate(circles) if j != i] + placed
        best: tuple[float, tuple[float, float], str, str] | None = None
        for gap in (3.0, 12.0, 24.0):
            for (dx, dy), ha, va in _LABEL_SPOTS:
                offset = (dx * (radii_pt[i] + gap), dy * (radii_pt[i] + gap))
                probe = ax.annotate(labels[i], (xs[i], ys[i]), xytext=offset, textcoords="offset points", ha=ha,
                                    va=va, fontsize=7.5, linespacing=1.1)  # fmt: skip
                box = probe.get_window_extent(renderer).padded(2)
                probe.remove()
                outside = box.width * box.height - _overlap(box, ax.bbox)
                cost = sum(_overlap(box, b) for b in others) + 4 * outside + gap
                if best is None or cost < best[0]:
                    best = (cost, offset, ha, va)
                if cost == gap:  # free spot at this distance: no need to look further
                    break
            if best is not None and best[0] == gap:
                break
        assert best is not None
        _, offset, ha, va = best
        far = max(abs(offset[0]), abs(offset[1])) > radii_pt[i] + 3.0
        text = ax.annotate(
            labels[i], (xs[i], ys[i]), xytext=offset, textcoords="offset points", ha=ha, va=va, fontsize=7.5,
            zorder=4, linespacing=1.1, arrowprops={"arrowstyle": "-", "color": "0.5", "lw": 0.5} if far else None,
        )  # fmt: skip
        placed.append(text.get_window_extent(renderer).padded(2))


def _overlap(a: Bbox, b: Bbox) -> float:
    """Area (pixels²) shared by two boxes."""
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(width, 0.0) * max(height, 0.0)


def small_multiples(
    band: pd.DataFrame,
    unit_labels: dict[str, str],
    scenarios: Sequence[str],
    title: str,
    lang: str,
    percent_change: bool,
) -> str:
    """One panel per unit (titled with its Chinese and pinyin names), one line per scenario with its band."""
    units = list(unit_labels)
    cols = 4
    rows_n = int(np.ceil((len(units) + 1) / cols))
    fig = Figure(figsize=(9.6, 2.1 * rows_n + 0.4))
    axes = fig.subplots(rows_n, cols, sharex=True).ravel()
    colors = color_of(scenarios)
    for ax, unit in zip(axes, units, strict=False):
        part = band[band["region"] == unit]
        for name in scenarios:
            rows = part[part["scenario"] == name].sort_values("date")
            if rows.empty:
                continue
            xs = month_number(rows["date"])
            ax.plot(xs, rows["mean"], color=colors[name], lw=1.3)
            if rows["n"].max() > 1:
                ax.fill_between(xs, rows["lo"], rows["hi"], color=colors[name], alpha=0.18, lw=0)
        ax.set_title(unit_labels[unit], fontsize=8.5, y=1.01)
        ax.tick_params(labelsize=7)
        month_ticks(ax, band["date"], 4)
        ax.yaxis.set_major_locator(MaxNLocator(4))
        if percent_change:
            ax.axhline(0, color="0.4", lw=0.6)
        else:
            ax.yaxis.set_major_formatter(count_formatter(lang))
    legend_ax = axes[len(units)]
    for name in scenarios:
        legend_ax.plot([], [], color=colors[name], label=name, lw=2)
    legend_ax.legend(loc="center", fontsize=8)
    legend_ax.axis("off")
    for ax in axes[len(units) + 1 :]:
        ax.axis("off")
    fig.suptitle(title, x=0.01, ha="left", fontsize=10)
    fig.subplots_adjust(left=0.07, right=0.98, top=0.92, bottom=0.06, hspace=0.42, wspace=0.32)
    return encode(fig)


def attainment(
    table: pd.DataFrame, labels: dict[str, str], scenarios: Sequence[str], title: str, xlabel: str
) -> str:
    """One panel per target: a bar per scenario of the attainment (% of target), whiskers the 90 % band."""
    targets = list(labels)
    fig = Figure(figsize=(9.6, 0.35 * len(scenarios) + 1.6))
    axes = fig.subplots(1, len(targets), sharey=True)
    colors = color_of(scenarios)
    positions = np.arange(len(scenarios))
    for ax, item in zip(np.atleast_1d(axes), targets, strict=True):
        rows = table[table["target"] == item].set_index("scenario").reindex(scenarios)
        ax.barh(positions, 100 * rows["attainment"], color=[colors[s] for s in scenarios], height=0.6)
        if rows["n"].max() > 1:
            err = 100 * np.vstack(
                [rows["attainment"] - rows["attainment_lo"], rows["attainment_hi"] - rows["attainment"]]
            )
            ax.errorbar(100 * rows["attainment"], positions, xerr=err, fmt="none", ecolor="0.2", lw=0.9)
        ax.axvline(100, color="0.2", ls="--", lw=1)
        reach = float(np.nanmax(100 * rows[["attainment", "attainment_hi"]].to_numpy(float), initial=100.0))
        ax.set_xlim(0, max(115.0, 1.2 * reach))  # room right of the target line for the labels
        for position, value in zip(positions, 100 * rows["attainment"], strict=True):
            if not np.isfinite(value):
                continue
            inside = value >= 30  # white inside the bar's end, else dark beside it
            ax.text(value - 2 if inside else value + 2, position, f"{value:.0f} %", fontsize=7.5, va="center",
                    ha="right" if inside else "left", color="white" if inside else "0.15", zorder=4)  # fmt: skip
        ax.set_title(labels[item], fontsize=9, y=1.01)
        ax.set_xlabel(xlabel)
    first = np.atleast_1d(axes)[0]
    first.set_yticks(positions, list(scenarios))
    first.invert_yaxis()
    fig.suptitle(title, x=0.01, ha="left", fontsize=10)
    adjust(fig, left=label_width_in(scenarios, 9) + 0.25, right=0.2, top=0.65, bottom=0.55, wspace=0.12)
    return encode(fig)


def differences(
    diff: pd.DataFrame,
    labels: dict[str, str],
    variants: Sequence[str],
    scenarios: Sequence[str],
    title: str,
    lang: str,
) -> str:
    """One panel per indicator: each variant's mean paired difference from the baseline with its 90 % interval.

    Args:
        diff: columns variant, indicator, mean_diff, lo90, hi90.
        labels: indicator -> panel title, in panel order.
        variants: variant names, top to bottom.
        scenarios: every scenario in order (so a variant has its colour of the other figures).
        title: figure title.
        lang: "en" or "zh" (tick labels).
    """
    shown = [i for i in labels if i in set(diff["indicator"])]
    fig = Figure(figsize=(9.6, 0.35 * len(variants) + 2.0))
    axes = np.atleast_1d(fig.subplots(1, max(1, len(shown)), sharey=True))
    colors = color_of(scenarios)
    width = 11 if lang == "zh" else 22
    positions = np.arange(len(variants))
    for ax, indicator in zip(axes, shown, strict=False):
        rows = diff[diff["indicator"] == indicator].set_index("variant").reindex(variants)
        err = np.vstack([rows["mean_diff"] - rows["lo90"], rows["hi90"] - rows["mean_diff"]])
        ax.errorbar(
            rows["mean_diff"],
            positions,
            xerr=np.where(np.isfinite(err), err, 0.0),
            fmt="o",
            color="0.2",
            ecolor="0.4",
            lw=1.2,
            ms=5,
        )
        for position, name in zip(positions, variants, strict=True):
            ax.plot(rows.at[name, "mean_diff"], position, "o", color=colors[name], ms=6, zorder=3)
        ax.axvline(0, color="0.3", lw=0.9)
        label = labels[indicator]
        ax.set_title(
            "\n".join(textwrap.wrap(label, width)) if lang == "en" else _wrap_cjk(label, width),
            fontsize=8.5,
            y=1.01,
        )
        ax.xaxis.set_major_formatter(compact_formatter(lang))
        ax.xaxis.set_major_locator(MaxNLocator(3))
    axes[0].set_yticks(positions, list(variants))
    axes[0].invert_yaxis()
    fig.suptitle(title, x=0.01, ha="left", fontsize=10)
    adjust(fig, left=label_width_in(variants, 9) + 0.25, right=0.2, top=0.95, bottom=0.45, wspace=0.25)
    return encode(fig)


def spending(spend: pd.DataFrame, scenarios: Sequence[str], titles: dict[str, str], ylabel: str) -> str:
    """One panel per scenario with spending: stacked bars of each lever's spending by year (million yuan)."""
    shown = [s for s in scenarios if s in set(spend["scenario"])]
    levers = list(dict.fromkeys(spend.sort_values("lever")["lever"]))
    lever_colors = {lever: matplotlib.colormaps["tab20"].colors[i % 20] for i, lever in enumerate(levers)}
    years = sorted(spend["year"].unique())
    cols = min(3, len(shown))
    rows_n = int(np.ceil(len(shown) / cols))
    fig = Figure(figsize=(9.6, 2.8 * rows_n + 0.8))
    axes = np.atleast_1d(fig.subplots(rows_n, cols, sharey=True, squeeze=False)).ravel()
    for ax, name in zip(axes, shown, strict=False):
        table = spend[spend["scenario"] == name].pivot_table(
            index="year", columns="lever", values="yuan", aggfunc="sum", fill_value=0.0
        )
        table = table.reindex(years, fill_value=0.0) / 1e6
        bottom = np.zeros(len(years))
        for lever in table.columns:
            ax.bar(years, table[lever], bottom=bottom, color=lever_colors[lever], label=lever, width=0.7)
            bottom += table[lever].to_numpy()
        ax.set_title(titles[name], fontsize=9, y=1.01)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(ylabel)
    for ax in axes[len(shown) :]:
        ax.axis("off")
    handles = [Patch(color=lever_colors[lever], label=lever) for lever in levers]
    fig.legend(
        handles=handles, loc="lower center", ncol=min(3, len(levers)), fontsize=7.5, bbox_to_anchor=(0.5, -0.02)
    )
    fig.subplots_adjust(left=0.07, right=0.98, top=0.9, hspace=0.35, wspace=0.12,
                        bottom=0.12 + 0.04 * int(np.ceil(len(levers) / 3)) / rows_n)  # fmt: skip
    return encode(fig)

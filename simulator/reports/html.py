"""One self-contained HTML page: inline CSS, figures as base64 PNG, a subset of the CJK font embedded, no
script and nothing loaded from the network. Written atomically; only a file this module wrote is replaced.

The embedded CJK font comes first in the font list: it holds only the page's non-ASCII characters, so Latin
text falls through to the system font. (Listed after a system font, Chromium drew some Chinese headings as
empty boxes.)
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from simulator import atomic
from simulator.reports.load import ReportError

#: Marks a page as talentsim's own, so a later report may replace it.
GENERATOR = '<meta name="generator" content="talentsim report">'

CSS = """
body { font-family: "TalentsimCJK", system-ui, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans CJK SC",
  "Noto Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif; color: #1d232a; margin: 0; background: #f6f7f9; }
main { max-width: 1020px; margin: 0 auto; padding: 18px 28px 40px; background: #fff; }
header { border-bottom: 3px solid #2b6cb0; margin-bottom: 10px; }
h1 { font-size: 1.6em; margin: 10px 0 4px; }
h2 { font-size: 1.25em; margin-top: 34px; border-bottom: 1px solid #d5dae1; padding-bottom: 3px; }
h3 { font-size: 1.02em; margin: 18px 0 4px; }
p, li { line-height: 1.5; }
.subtitle { color: #4a5563; margin: 0 0 10px; }
nav ol { columns: 2; margin: 4px 0 8px; padding-left: 0; list-style: none; }
figure { margin: 12px 0 18px; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 14px; }
.grid figure { margin: 6px 0; }
.glance td, .glance th { font-size: 1.02em; }
figure img { max-width: 100%; height: auto; border: 1px solid #eef0f3; }
figcaption { font-size: 0.85em; color: #4a5563; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 0.86em; }
th, td { border-bottom: 1px solid #e2e6ea; padding: 3px 9px; text-align: left; vertical-align: top; }
th { background: #f0f3f7; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font-size: 0.92em; }
.note { background: #f4f8fc; border-left: 4px solid #2b6cb0; padding: 6px 12px; }
footer { margin-top: 30px; font-size: 0.8em; color: #6b7480; }
"""


@dataclass(frozen=True)
class Cell:
    """A table cell: its text and whether it is a number (right-aligned)."""

    text: str
    number: bool = False


def esc(text: object) -> str:
    """Text escaped for HTML."""
    return html.escape(str(text), quote=True)


def paragraph(text: str, css: str = "") -> str:
    """A paragraph of plain text."""
    return f'<p class="{css}">{esc(text)}</p>' if css else f"<p>{esc(text)}</p>"


def figure(png_base64: str, alt: str, caption: str = "") -> str:
    """An embedded PNG figure with its alternative text and an optional caption."""
    cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return f'<figure><img src="data:image/png;base64,{png_base64}" alt="{esc(alt)}">{cap}</figure>'


def grid(items: Sequence[str]) -> str:
    """Figures side by side, two to a row."""
    return f'<div class="grid">{"".join(items)}</div>'


def table(headers: Sequence[str], rows: Sequence[Sequence[Cell | str]], css: str = "") -> str:
    """A table with a header row; numbers right-aligned."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers) if any(headers) else ""
    body = []
    for row in rows:
        cells = []
        for cell in row:
            cell = cell if isinstance(cell, Cell) else Cell(str(cell))
            cls = ' class="num"' if cell.number else ""
            cells.append(f"<td{cls}>{esc(cell.text)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    cls = f' class="{css}"' if css else ""
    thead = f"<thead><tr>{head}</tr></thead>" if head else ""
    return f"<table{cls}>{thead}<tbody>{''.join(body)}</tbody></table>"


def section(anchor: str, heading: str, body: str) -> str:
    """A numbered section of the report."""
    return f'<section id="{esc(anchor)}"><h2>{esc(heading)}</h2>{body}</section>'


def page(
    lang: str,
    title: str,
    subtitle: str,
    contents_label: str,
    sections: Sequence[tuple[str, str, str]],
    footer: str,
    font_css: str,
    summary: str = "",
) -> str:
    """The whole page.

    Args:
        lang: "en" or "zh".
        title: page title.
        subtitle: one line under the title.
        contents_label: heading of the table of contents.
        sections: (anchor, heading, body HTML) in order.
        footer: one line at the bottom.
        font_css: @font-face rule embedding the CJK glyphs (may be empty).
        summary: HTML shown under the contents, before the first section.
    """
    html_lang = "zh-CN" if lang == "zh" else "en"
    toc = "".join(f'<li><a href="#{esc(a)}">{esc(h)}</a></li>' for a, h, _ in sections)
    body = "".join(section(a, h, b) for a, h, b in sections)
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}"><head><meta charset="utf-8">{GENERATOR}'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{font_css}{CSS}</style></head><body><main>"
        f'<header><h1>{esc(title)}</h1><p class="subtitle">{esc(subtitle)}</p>'
        f"<nav><strong>{esc(contents_label)}</strong><ol>{toc}</ol></nav>{summary}</header>"
        f"{body}<footer>{esc(footer)}</footer></main></body></html>\n"
    )


def check_destination(path: Path) -> None:
    """Raise `ReportError` unless `path` may be written: its folder exists and it is new or a talentsim report."""
    if not path.parent.is_dir():
        raise ReportError(f"--out {path}: the folder {path.parent} does not exist")
    if path.is_dir():
        raise ReportError(f"--out {path}: is a folder; expected a file name such as report.html")
    if path.exists():
        try:
            with path.open("r", encoding="utf-8", errors="replace") as handle:
                head = handle.read(4096)
        except OSError as exc:
            raise ReportError(f"--out {path}: cannot be read ({exc.strerror})") from None
        if GENERATOR not in head:
            raise ReportError(f"--out {path}: exists and is not a talentsim report; not replaced")


def write_atomically(path: Path, text: str) -> Path:
    """Write `text` to `path` through a temporary file beside it renamed into place."""
    check_destination(path)
    return atomic.write_atomically(path, text)

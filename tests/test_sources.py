"""calibration/SOURCES.md: the repository cites its own source file, and every cited section exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "calibration" / "SOURCES.md"
SCANNED = ("simulator", "scenarios", "calibration", "docs", "benchmarks", "README.md")
SUFFIXES = {".py", ".toml", ".csv", ".md"}


def _files():
    for name in SCANNED:
        path = ROOT / name
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from (p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())


def test_no_citation_points_outside_the_repository():
    offenders = [str(p.relative_to(ROOT)) for p in _files() if "DATA.md" in p.read_text(encoding="utf-8")]
    assert not offenders, offenders


def test_every_cited_section_exists():
    headings = set(re.findall(r"^## §(\d+b?)", SOURCES.read_text(encoding="utf-8"), flags=re.M))
    cited = set()
    for path in _files():
        cited |= set(re.findall(r"SOURCES\.md §(\d+b?)", path.read_text(encoding="utf-8")))
        cited |= set(re.findall(r"SOURCES\.md §\d+b? and §(\d+b?)", path.read_text(encoding="utf-8")))
    assert cited, "no citation found"
    assert cited <= headings, sorted(cited - headings)

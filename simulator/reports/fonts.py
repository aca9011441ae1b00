"""A CJK font for the report's figures and text, so Chinese never shows as empty boxes.

The font is Noto Sans SC from the PyPI package `pylopdf-fonts-zh-cn` (a dependency, so `pip install -e .`
brings it); failing that, a system CJK font that matplotlib finds (Debian's fonts-noto-cjk). Figures draw
with it through matplotlib; the HTML embeds a subset of it holding only the characters the page uses.
"""

from __future__ import annotations

import base64
import functools
import io
from importlib import resources
from pathlib import Path

from fontTools import subset
from matplotlib import font_manager

#: Family names of system CJK fonts tried when the packaged font is missing.
SYSTEM_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
)


@functools.cache
def cjk_font_path() -> Path | None:
    """The file of a font with Simplified Chinese glyphs, or None if there is none."""
    try:
        packaged = Path(str(resources.files("pylopdf_fonts_zh_cn") / "NotoSansSC-Regular.otf"))
        if packaged.is_file():
            return packaged
    except ModuleNotFoundError:
        pass
    for family in SYSTEM_FAMILIES:
        found = font_manager.findfont(family, fallback_to_default=False) if _known(family) else None
        if found:
            return Path(found)
    return None


def _known(family: str) -> bool:
    return any(entry.name == family for entry in font_manager.fontManager.ttflist)


@functools.cache
def cjk_family() -> str | None:
    """Register the CJK font with matplotlib and return its family name (None if there is no CJK font)."""
    path = cjk_font_path()
    if path is None:
        return None
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def font_families() -> list[str]:
    """Matplotlib's font.family for the report: Latin from DejaVu Sans, Chinese from the CJK font."""
    family = cjk_family()
    return ["DejaVu Sans", family] if family else ["DejaVu Sans"]


def embedded_font_css(text: str, family: str = "TalentsimCJK") -> str:
    """A CSS @font-face rule embedding the CJK font's glyphs of the non-ASCII characters of `text` (WOFF).

    Returns an empty string when there is no CJK font or no such character.
    """
    path = cjk_font_path()
    characters = "".join(sorted({c for c in text if ord(c) > 0x7F}))
    if path is None or not characters:
        return ""
    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]
    font = subset.load_font(str(path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    buffer = io.BytesIO()
    subset.save_font(font, buffer, options)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f"@font-face {{ font-family: '{family}'; src: url(data:font/woff;base64,{data}) format('woff'); }}"

"""Places: the 11 census units of Jilin and the outside regions, their codes and names, and distances.

Codes (pinyin) are the stable names of outputs and scenario files; the Chinese names here are the one list
used everywhere (outputs, reports, the page, the docs; `calibration/units_2020.csv` is checked against it).
`region_code` accepts a code, a Chinese name in full or short (长春市, 长春, 延边朝鲜族自治州, 延边), or an English
name, and suggests the nearest code for a misspelling.
"""

from __future__ import annotations

import difflib

import numpy as np

#: The 11 census units of Jilin Province (2020 boundaries), in the order of the census bulletin.
UNITS: tuple[str, ...] = (
    "changchun",
    "jilin",
    "siping",
    "liaoyuan",
    "tonghua",
    "baishan",
    "songyuan",
    "baicheng",
    "yanbian",
    "meihekou",
    "changbaishan",
)
#: Official Chinese names of the units (as in the census bulletins).
UNITS_ZH: dict[str, str] = {
    "changchun": "长春市",
    "jilin": "吉林市",
    "siping": "四平市",
    "liaoyuan": "辽源市",
    "tonghua": "通化市",
    "baishan": "白山市",
    "songyuan": "松原市",
    "baicheng": "白城市",
    "yanbian": "延边朝鲜族自治州",
    "meihekou": "梅河口市",
    "changbaishan": "长白山管委会",
}
#: Short Chinese names, as used in running text and the plan (长春, 延边 ...).
UNITS_ZH_SHORT: dict[str, str] = {
    "changchun": "长春",
    "jilin": "吉林",
    "siping": "四平",
    "liaoyuan": "辽源",
    "tonghua": "通化",
    "baishan": "白山",
    "songyuan": "松原",
    "baicheng": "白城",
    "yanbian": "延边",
    "meihekou": "梅河口",
    "changbaishan": "长白山",
}
#: English names.
UNITS_EN: dict[str, str] = {
    "changchun": "Changchun",
    "jilin": "Jilin City",
    "siping": "Siping",
    "liaoyuan": "Liaoyuan",
    "tonghua": "Tonghua",
    "baishan": "Baishan",
    "songyuan": "Songyuan",
    "baicheng": "Baicheng",
    "yanbian": "Yanbian",
    "meihekou": "Meihekou",
    "changbaishan": "Changbaishan",
}
#: Destinations outside the province (NBS regions; the rest of the Northeast is Liaoning and Heilongjiang).
OUTSIDE: tuple[str, ...] = ("northeast_other", "east", "central", "west")
OUTSIDE_ZH: dict[str, str] = {
    "northeast_other": "东北其他",
    "east": "东部",
    "central": "中部",
    "west": "西部",
}
OUTSIDE_EN: dict[str, str] = {
    "northeast_other": "Rest of the Northeast",
    "east": "East",
    "central": "Central",
    "west": "West",
}
#: All regions a person can live in: the 11 units first, then the outside regions.
REGIONS: tuple[str, ...] = UNITS + OUTSIDE
N_UNITS = len(UNITS)
N_REGIONS = len(REGIONS)
REGION_INDEX: dict[str, int] = {name: i for i, name in enumerate(REGIONS)}
#: Chinese name of every region and of the province (outputs use the code `province`).
REGION_ZH: dict[str, str] = {"province": "吉林省", **UNITS_ZH, **OUTSIDE_ZH}
REGION_EN: dict[str, str] = {"province": "Jilin Province", **UNITS_EN, **OUTSIDE_EN}


def _aliases() -> dict[str, str]:
    out: dict[str, str] = {}
    for table in (REGION_ZH, UNITS_ZH_SHORT, REGION_EN):
        for code, name in table.items():
            out[name.lower()] = code
    out.update({code: code for code in ("province", *REGIONS)})
    out["延边州"] = "yanbian"
    return out


ALIASES: dict[str, str] = _aliases()


class UnknownRegion(ValueError):
    """A region name that is neither a code nor a known Chinese or English name."""


def region_code(name: str, allowed: tuple[str, ...] = ("province", *REGIONS)) -> str:
    """The code of a region given by code, Chinese name (full or short) or English name.

    Raises:
        UnknownRegion: one line naming the input and the nearest code, or the valid codes.
    """
    text = str(name).strip().lower()
    code = ALIASES.get(text)
    if code is not None and code in allowed:
        return code
    names = {alias: code for alias, code in ALIASES.items() if code in allowed}
    close = difflib.get_close_matches(text, list(names), n=1, cutoff=0.7)
    hint = f"did you mean {names[close[0]]!r}?" if close else f"expected one of {', '.join(allowed)}"
    raise UnknownRegion(f"unknown region {name!r}; {hint}")


def label(code: str, lang: str = "en") -> str:
    """'长春市 Changchun' (lang en) or '长春市' (lang zh) for a region code."""
    if lang == "zh":
        return REGION_ZH.get(code, code)
    return f"{REGION_ZH.get(code, '')} {REGION_EN.get(code, code)}".strip()


def haversine_km(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Great-circle distance in km between (lat, lon) degree arrays a (n, 2) and b (m, 2): shape (n, m)."""
    la, lo = np.radians(a[:, 0])[:, None], np.radians(a[:, 1])[:, None]
    lb, lob = np.radians(b[:, 0])[None, :], np.radians(b[:, 1])[None, :]
    h = np.sin((lb - la) / 2) ** 2 + np.cos(la) * np.cos(lb) * np.sin((lob - lo) / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(h))

"""The model's calendar: month 0 is the census month, 2020-11 (census day 2020-11-01)."""

from __future__ import annotations

CENSUS_YEAR, CENSUS_MONTH = 2020, 11
START = "2020-11"


def month_to_date(month: int) -> str:
    """Model month index (0 = 2020-11) as 'YYYY-MM'."""
    total = CENSUS_YEAR * 12 + CENSUS_MONTH - 1 + month
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def date_to_month(date: str) -> int:
    """'YYYY-MM' as model month index (0 = 2020-11). Raises ValueError if malformed."""
    year_s, sep, month_s = date.partition("-")
    if not sep or len(year_s) != 4 or len(month_s) != 2 or not (year_s.isdigit() and month_s.isdigit()):
        raise ValueError(f"not a YYYY-MM month: {date!r}")
    year, month = int(year_s), int(month_s)
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 01-12: {date!r}")
    return year * 12 + month - 1 - (CENSUS_YEAR * 12 + CENSUS_MONTH - 1)


def calendar_month(month: int) -> int:
    """Month of the year (1-12) of model month `month`."""
    return (CENSUS_MONTH - 1 + month) % 12 + 1


def calendar_year(month: int) -> int:
    """Calendar year of model month `month`."""
    return CENSUS_YEAR + (CENSUS_MONTH - 1 + month) // 12

"""Codes of the model's categories: sectors, education levels, labour status and talent tiers.

Every categorical attribute of a person is stored as a small integer; this module is the one place that says
what each integer means (regions are in `simulator.geography`). Names are the stable names used in outputs and
scenario files.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

#: Sectors of the plan's industrial system (吉林 "一主六双" key industries plus the rest of the economy).
SECTORS: tuple[str, ...] = (
    "agriculture",
    "automotive",
    "petrochemicals",
    "agri_processing",
    "pharma_health",
    "equipment_rail",
    "optoelectronics_digital",
    "materials_energy",
    "tourism_ice_snow",
    "logistics_trade",
    "public_services",
    "other_services",
)
SECTOR_INDEX: dict[str, int] = {name: i for i, name in enumerate(SECTORS)}
N_SECTORS = len(SECTORS)
#: Economic sector (1 primary, 2 secondary, 3 tertiary) of each model sector.
SECTOR_CLASS: np.ndarray = np.array([1, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3], dtype=np.int8)
NO_SECTOR = -1


class Edu(IntEnum):
    """Highest education level completed (census categories, with the university level split)."""

    NONE = 0
    PRIMARY = 1
    JUNIOR = 2
    SENIOR = 3  # senior secondary, including secondary vocational (中专)
    COLLEGE = 4  # 大专
    BACHELOR = 5
    MASTER = 6
    PHD = 7


EDU_NAMES: tuple[str, ...] = tuple(e.name.lower() for e in Edu)
#: Years of schooling credited to each level, as in Chinese statistics on average schooling years.
SCHOOLING_YEARS: np.ndarray = np.array([0.0, 6.0, 9.0, 12.0, 15.0, 16.0, 19.0, 22.0], dtype=np.float32)
#: Normal length in years of the programme that leads to each level.
PROGRAMME_YEARS: np.ndarray = np.array([0, 6, 3, 3, 3, 4, 3, 4], dtype=np.int8)


class Status(IntEnum):
    """Labour status. DEAD marks a slot whose person has died (slots are never reused)."""

    CHILD = 0  # below school age
    STUDENT = 1
    EMPLOYED = 2
    UNEMPLOYED = 3
    INACTIVE = 4
    RETIRED = 5
    DEAD = 6


class Tier(IntEnum):
    """Talent tier in the plan's terms."""

    NONE = 0
    SKILLED = 1  # 技能劳动者 below the high-skill grades
    HIGH_SKILL = 2  # 高技能人才 (technician, senior technician and above)
    PROFESSIONAL = 3  # 专业技术人才


class Sex(IntEnum):
    """Sex as recorded by the census."""

    MALE = 0
    FEMALE = 1

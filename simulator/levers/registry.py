"""Every kind of lever, by the name its tables have in scenario files, and building a scenario's levers."""

from __future__ import annotations

import simulator.scenario.schema as schema
from simulator.levers.base import LeverBase
from simulator.levers.benefits import GraduateSubsidy, HighEndSubsidy, HouseholdRegistration, TalentClasses
from simulator.levers.capacity import IndustrialPark
from simulator.levers.training import EnterpriseTraining, IndustryEducation, TechnicalSchools, VocationalTraining

KINDS: dict[str, type[LeverBase]] = {
    "talent_classes": TalentClasses,
    "graduate_subsidy": GraduateSubsidy,
    "high_end_subsidy": HighEndSubsidy,
    "household_registration": HouseholdRegistration,
    "vocational_training": VocationalTraining,
    "enterprise_training": EnterpriseTraining,
    "industry_education": IndustryEducation,
    "technical_schools": TechnicalSchools,
    "industrial_park": IndustrialPark,
}


def build_levers(levers: schema.Levers, scale: int, last_month: int) -> list[LeverBase]:
    """Lever objects for every enabled lever of a scenario, in a fixed order."""
    built: list[LeverBase] = []
    for kind, cls in KINDS.items():
        for config in getattr(levers, kind):
            if config.enabled:
                built.append(cls(config, len(built), scale, last_month))
    return built

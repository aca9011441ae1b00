"""The one schema of scenario files: every setting declared once, with type, unit, range, default, meaning.

The same declarations drive validation (pydantic, unknown keys forbidden), the defaults, and the generated
reference `docs/parameters.md` (`python -m simulator.scenario.docs > docs/parameters.md`). Amounts and volumes
of real instruments come from calibration/SOURCES.md §7 (`calibration/policy_instruments.csv`); the scenario files
say which.
"""

from __future__ import annotations

from types import NoneType, UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import numpy as np
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo

from simulator.codes import SECTORS
from simulator.dates import date_to_month
from simulator.geography import OUTSIDE, UNITS, UnknownRegion, region_code

#: Defaults of a run, and the range of the scale, shared by the command, the model and scenario files.
DEFAULT_SCALE = 100
DEFAULT_SEED = 1
DEFAULT_END = "2025-12"
MAX_SCALE = 100_000
MAX_SEED = 2**63 - 1


def _unit_code(value: Any) -> Any:
    """A unit given by code or by Chinese or English name (长春, 长春市, Changchun) as its code."""
    if not isinstance(value, str):
        return value
    try:
        return region_code(value, allowed=UNITS)
    except UnknownRegion as exc:
        raise ValueError(str(exc)) from None


#: A census unit: its code, or its Chinese (full or short) or English name.
Unit = Annotated[Literal[UNITS], BeforeValidator(_unit_code)]  # type: ignore[valid-type]


def _distinct(units: Any) -> Any:
    """A list of units must name each unit once (长春 and changchun are the same unit)."""
    if isinstance(units, list):
        seen: set[str] = set()
        for unit in units:
            if unit in seen:
                raise ValueError(f"unit {unit!r} is given twice")
            seen.add(unit)
    return units


#: Eligible units: a list naming each unit once, or "all".
UnitList = Annotated[list[Unit] | Literal["all"], AfterValidator(_distinct)]
OutsideRegion = Literal[(*OUTSIDE, "all")]  # type: ignore[valid-type]
Sector = Literal[SECTORS]  # type: ignore[valid-type]


def setting(
    default: Any = ...,
    *,
    unit: str = "",
    meaning: str,
    ge: float | None = None,
    le: float | None = None,
    **kw: Any,
) -> Any:
    """Declare a setting: its default, unit, range and one-line meaning."""
    return Field(default, description=meaning, ge=ge, le=le, json_schema_extra={"unit": unit}, **kw)


def _check_month(value: str) -> str:
    try:
        month = date_to_month(value)
    except ValueError:
        raise ValueError(f"expected a month YYYY-MM (got {value!r})") from None
    if month < 0:
        raise ValueError(f"expected a month from 2020-11 on (got {value!r})")
    return value


Month = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$")]


class Strict(BaseModel):
    """Base of every table: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", validate_default=True)


class RunSettings(Strict):
    """Defaults for `talentsim run` (the command line overrides them)."""

    scale: int = setting(
        DEFAULT_SCALE,
        unit="residents per simulated person",
        ge=1,
        le=MAX_SCALE,
        meaning="one simulated person per `scale` residents; 1 simulates every resident",
    )
    seed: int = setting(DEFAULT_SEED, unit="", ge=0, le=MAX_SEED, meaning="seed of the run's random numbers")
    end: Month = setting(DEFAULT_END, unit="YYYY-MM", meaning="last simulated month (from 2020-12 on)")

    @field_validator("end")
    @classmethod
    def _end(cls, value: str) -> str:
        _check_month(value)
        if date_to_month(value) < 1:
            raise ValueError(f"expected a month from 2020-12 on (got {value!r})")
        return value


class Lever(Strict):
    """What every lever has."""

    name: str = setting(
        unit="",
        meaning="the lever's name, unique in the scenario; its spending is reported as "
        "policy_spending_yuan.<name>",
        pattern=r"^[a-z0-9_]{1,48}$",
    )
    enabled: bool = setting(True, meaning="false switches off a lever inherited through `extends`")
    start: Month = setting(unit="YYYY-MM", meaning="first month the lever acts")
    end: Month | None = setting(
        None, unit="YYYY-MM", meaning="last month the lever acts (default: the end of the run)"
    )
    budget_yuan: float | None = setting(
        None,
        unit="yuan",
        ge=0,
        meaning="total the lever may spend; it stops granting when reached (default: no limit)",
    )

    @field_validator("start", "end")
    @classmethod
    def _month(cls, value: str | None) -> str | None:
        return None if value is None else _check_month(value)

    @model_validator(mode="after")
    def _order(self) -> Lever:
        if self.end is not None and date_to_month(self.end) < date_to_month(self.start):
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class PerClass(Strict):
    """A value for each talent class A-E."""

    def values(self) -> np.ndarray:
        """The five values in class order A-E."""
        return np.array([self.A, self.B, self.C, self.D, self.E], dtype=float)


class ClassShares(PerClass):
    """Shares of the classified talents in each class A-E (percent, summing to 100)."""

    A: float = setting(1.0, unit="%", ge=0, le=100, meaning="top talents (class A)")
    B: float = setting(4.0, unit="%", ge=0, le=100, meaning="national leading talents (class B)")
    C: float = setting(15.0, unit="%", ge=0, le=100, meaning="ministerial-level talents (class C)")
    D: float = setting(30.0, unit="%", ge=0, le=100, meaning="provincial talents (class D)")
    E: float = setting(50.0, unit="%", ge=0, le=100, meaning="basic and young talents (class E)")

    @model_validator(mode="after")
    def _sum(self) -> ClassShares:
        total = float(self.values().sum())
        if abs(total - 100.0) > 0.01:
            raise ValueError(f"class shares must sum to 100 (got {total:g})")
        return self


class ClassUplift(PerClass):
    """Monthly allowance of each class as a percentage of the talent's wage."""

    A: float = setting(20.0, unit="% of wage", ge=0, le=200, meaning="class A: two salary grades (2018-19 rules)")
    B: float = setting(20.0, unit="% of wage", ge=0, le=200, meaning="class B: two salary grades")
    C: float = setting(10.0, unit="% of wage", ge=0, le=200, meaning="class C: one salary grade")
    D: float = setting(10.0, unit="% of wage", ge=0, le=200, meaning="class D: one salary grade")
    E: float = setting(10.0, unit="% of wage", ge=0, le=200, meaning="class E: performance pay +10 %")


class TalentClasses(Lever):
    """Talent classification A-E (人才政策2.0 / 3.0): classified talents get a wage uplift while in Jilin.

    Mechanism: each month the lever classifies a twelfth of `classified_per_year` employees of Jilin firms
    who are high-skill or professional-technical talent and hold no benefit, best human capital first, into
    classes A-E by rank (`class_shares_pct`); a classified person gets the class's share of their wage
    (`wage_uplift_pct`) as a monthly allowance for `months` months while living in Jilin. Holders keep
    it only by staying, and eligible non-holders value the chance of being classified, both in the
    migration utility of every Jilin unit.
    """

    classified_per_year: float = setting(
        1200,
        unit="persons per year",
        ge=0,
        le=1_000_000,
        meaning="talents classified a year (first batch of 2.0: 1,200)",
    )
    class_shares_pct: ClassShares = setting(default_factory=ClassShares, meaning="shares of the classes")
    wage_uplift_pct: ClassUplift = setting(default_factory=ClassUplift, meaning="allowance of each class")
    months: int = setting(
        36, unit="months", ge=1, le=240, meaning="months an allowance is paid after classification"
    )


class DegreeAmounts(Strict):
    """A monthly amount by degree (yuan per month)."""

    college: float = setting(0.0, unit="yuan/month", ge=0, le=100_000, meaning="college (大专) graduates")
    bachelor: float = setting(0.0, unit="yuan/month", ge=0, le=100_000, meaning="bachelor graduates")
    master: float = setting(0.0, unit="yuan/month", ge=0, le=100_000, meaning="master graduates")
    phd: float = setting(0.0, unit="yuan/month", ge=0, le=100_000, meaning="doctoral graduates")


class GraduateSubsidy(Lever):
    """Living subsidy for graduates who take a job in the eligible units in their graduation year.

    Mechanism: a graduate of the last 12 months hired by a firm in an eligible unit, while posts remain
    this year, gets the amount for their degree each month for `months` months while living in Jilin. Its
    present value enters new graduates' migration utility for the eligible units.
    """

    units: UnitList = setting("all", meaning='eligible units (unit codes), or "all" for the province')
    yuan_per_month: DegreeAmounts = setting(meaning="amount by degree")
    months: int = setting(12, unit="months", ge=1, le=120, meaning="months the subsidy is paid")
    posts_per_year: float = setting(
        1e9, unit="persons per year", ge=0, meaning="subsidised graduates a calendar year (default: no limit)"
    )


class HighEndSubsidy(Lever):
    """One-off living subsidy for high-end talent who take a job in the eligible units.

    Mechanism: a professional-technical talent with at least `min_education` hired in an eligible unit,
    while persons remain this year, receives `one_off_yuan` once. Its value enters the migration utility of
    eligible persons for those units.
    """

    units: UnitList = setting("all", meaning='eligible units, or "all"')
    one_off_yuan: float = setting(unit="yuan", ge=0, le=1e8, meaning="amount paid once on taking the job")
    min_education: Literal["bachelor", "master", "phd"] = setting("phd", meaning="lowest degree eligible")
    persons_per_year: float = setting(1e9, unit="persons per year", ge=0, meaning="grants a calendar year")


class HouseholdRegistration(Lever):
    """Zero-threshold household registration (落户零门槛): newcomers face fewer barriers.

    Mechanism: lowers the migration disutility of Jilin for persons whose origin is outside the province
    (`migration.outsider_penalty`) by `penalty_reduction`, for graduates only or for everyone. No spending.
    """

    penalty_reduction: float = setting(
        1.0, unit="utility", ge=0, le=6, meaning="reduction of the outsider penalty (calibrated penalty: 3.5)"
    )
    eligible: Literal["graduates", "all"] = setting("graduates", meaning="who benefits")


class VocationalTraining(Lever):
    """Subsidised vocational training places.

    Mechanism: each month a twelfth of `trainees_per_year` workers in Jilin aged 16-59 (employed,
    unemployed, both, or skilled workers) take a subsidised course: human capital rises by
    `skills.training_gain`; a skilled worker is certified high-skill with `skills.certification_after_training`
    and a worker with no tier becomes a skilled worker with `skills.skilled_after_training`.
    """

    trainees_per_year: float = setting(
        unit="person-times per year", ge=0, le=5_000_000, meaning="subsidised training courses a year"
    )
    subsidy_yuan_per_trainee: float = setting(unit="yuan", ge=0, le=1e6, meaning="subsidy paid per course")
    target: Literal["employed", "unemployed", "both", "skilled"] = setting(
        "both", meaning="who is trained: employed, unemployed, both, or skilled workers (for certification)"
    )


class EnterpriseTraining(Lever):
    """Enterprise training funds, with a minimum share for front-line workers.

    Mechanism: in `firms_share_pct` of firms (drawn once), front-line workers (no tier or skilled) take
    firm-funded training at `training_rate_multiplier` times the usual rate; each course costs
    `yuan_per_trainee`, counted as this lever's spending.
    """

    firms_share_pct: float = setting(100.0, unit="%", ge=0, le=100, meaning="share of firms taking part")
    training_rate_multiplier: float = setting(2.0, unit="ratio", ge=1, le=20, meaning="training rate multiplier")
    frontline_share_pct: float = setting(
        60.0, unit="%", ge=60, le=100, meaning="share of the extra courses for front-line workers (plan: >= 60)"
    )
    yuan_per_trainee: float = setting(1500.0, unit="yuan", ge=0, le=1e6, meaning="cost per course")


class IndustryEducation(Lever):
    """Industry-education integration enterprises and modern apprenticeships.

    Mechanism: the largest industrial firm agents are flagged as integration enterprises until they employ
    `enterprises` x `employees_per_enterprise` workers (one firm agent stands for many real firms); each
    year `apprentices_per_year` young workers (16-30, no tier or skilled) of flagged firms take an
    apprenticeship, a training course (human capital, and the skill test and certification chances of any
    course); skilled workers of flagged firms are certified `certification_multiplier` times as often.
    """

    enterprises: int = setting(
        200, unit="enterprises", ge=0, le=100_000, meaning="integration enterprises (plan: 200)"
    )
    employees_per_enterprise: float = setting(
        500.0,
        unit="persons",
        ge=1,
        le=100_000,
        meaning="workers of a typical integration enterprise (assumption)",
    )
    apprentices_per_year: float = setting(
        20000, unit="persons per year", ge=0, le=1e6, meaning="apprenticeships a year"
    )
    subsidy_yuan_per_apprentice: float = setting(
        3000.0, unit="yuan", ge=0, le=1e6, meaning="subsidy per apprenticeship"
    )
    certification_multiplier: float = setting(
        1.5,
        unit="ratio",
        ge=1,
        le=10,
        meaning="certification chance multiplier for skilled workers in flagged firms",
    )


class TechnicalSchools(Lever):
    """More places in technical (vocational) schools.

    Mechanism: each July `extra_enrolment_per_year` junior-secondary leavers in Jilin who would otherwise
    leave school enrol in a three-year technical programme; on leaving it they are skilled workers.
    """

    extra_enrolment_per_year: float = setting(
        unit="persons per year", ge=0, le=1e6, meaning="additional technical-school entrants a year"
    )
    cost_yuan_per_student_year: float = setting(unit="yuan", ge=0, le=1e6, meaning="cost per student and year")


class IndustrialPark(Lever):
    """An industrial park or platform: jobs and productivity in one unit and sector.

    Mechanism: from `start`, the firms of `unit` and `sector` want `jobs` more workers (spread over
    `ramp_months`) and their productivity (so wages) rises by `productivity_gain_pct`; the unit's
    average wage follows. `cost_yuan` is spent evenly over the ramp-up months.
    """

    unit: Unit = setting(meaning="census unit of the park")
    sector: Sector = setting(meaning="sector of the park")
    jobs: float = setting(unit="jobs", ge=0, le=1e6, meaning="additional jobs when fully built")
    productivity_gain_pct: float = setting(0.0, unit="%", ge=0, le=100, meaning="productivity gain of its firms")
    ramp_months: int = setting(24, unit="months", ge=1, le=120, meaning="months until fully built")
    cost_yuan: float = setting(0.0, unit="yuan", ge=0, le=1e12, meaning="public cost")


class Levers(Strict):
    """Every lever of a scenario, by kind; each kind is a list (TOML arrays of tables)."""

    talent_classes: list[TalentClasses] = setting(default_factory=list, meaning="talent classification A-E")
    graduate_subsidy: list[GraduateSubsidy] = setting(default_factory=list, meaning="graduate living subsidies")
    high_end_subsidy: list[HighEndSubsidy] = setting(default_factory=list, meaning="one-off high-end subsidies")
    household_registration: list[HouseholdRegistration] = setting(
        default_factory=list, meaning="zero-threshold registration"
    )
    vocational_training: list[VocationalTraining] = setting(
        default_factory=list, meaning="subsidised vocational training"
    )
    enterprise_training: list[EnterpriseTraining] = setting(
        default_factory=list, meaning="enterprise training funds"
    )
    industry_education: list[IndustryEducation] = setting(
        default_factory=list, meaning="industry-education integration"
    )
    technical_schools: list[TechnicalSchools] = setting(default_factory=list, meaning="technical-school places")
    industrial_park: list[IndustrialPark] = setting(default_factory=list, meaning="industrial parks and platforms")

    def all(self) -> list[Lever]:
        """Every enabled lever, in declaration order of the kinds."""
        out: list[Lever] = []
        for kind in type(self).model_fields:
            out.extend(lv for lv in getattr(self, kind) if lv.enabled)
        return out

    @model_validator(mode="after")
    def _unique(self) -> Levers:
        seen: set[str] = set()
        for kind in type(self).model_fields:
            for lever in getattr(self, kind):
                if lever.name in seen:
                    raise ValueError(f"lever name {lever.name!r} is used twice")
                seen.add(lever.name)
        return self


class OutsideConditions(Strict):
    """Conditions of a region outside Jilin in one calendar year (exogenous: observed or assumed, never
    fitted). A value holds from January of `year` until a later row of the same region sets it again; after
    the last row, wages grow from its value at `labour.wage_growth_per_year` and unemployment stays. Before
    the first row, the census-day conditions hold (wage of 2020 growing at that rate,
    `labour.outside_unemployment_rate`). `region = "all"` sets every outside region; a row for one region
    overrides it for that year.
    """

    year: int = setting(unit="year", ge=2020, le=2100, meaning="calendar year the values apply to")
    region: OutsideRegion = setting(unit="", meaning="outside region, or all of them")
    wage_yuan_year: float | None = setting(
        None,
        unit="yuan/year",
        ge=1000,
        le=10_000_000,
        meaning="average wage (urban non-private units) of the region in that year",
    )
    unemployment_rate: float | None = setting(
        None, unit="share", ge=0, le=0.5, meaning="average (surveyed urban) unemployment rate in that year"
    )
    youth_unemployment_rate: float | None = setting(
        None,
        unit="share",
        ge=0,
        le=0.9,
        meaning="unemployment rate of persons aged 16-24 in that year (default: the average times the "
        "census-day ratio of youth to average unemployment in Jilin)",
    )


class MobilityShock(Strict):
    """A period in which moves from and to some units are suppressed (such as the 2022 lockdowns): the
    monthly hazard of considering a move of their residents, and the weight of those units as destinations,
    are multiplied by `multiplier`."""

    name: str = setting(unit="", meaning="the shock's name, unique in the scenario", pattern=r"^[a-z0-9_]{1,48}$")
    start: Month = setting(unit="YYYY-MM", meaning="first month of the shock")
    end: Month | None = setting(None, unit="YYYY-MM", meaning="last month of the shock (default: start)")
    units: list[Unit] = setting(unit="", meaning="units under the shock", min_length=1)
    multiplier: float = setting(
        unit="ratio", ge=0, le=1, meaning="multiplier of moves in those months (0: no moves; 1: no shock)"
    )

    @field_validator("start", "end")
    @classmethod
    def _month(cls, value: str | None) -> str | None:
        return None if value is None else _check_month(value)

    @model_validator(mode="after")
    def _order(self) -> MobilityShock:
        if self.end is not None and date_to_month(self.end) < date_to_month(self.start):
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class Conditions(Strict):
    """Exogenous conditions: what happens outside the model (outside wages and unemployment, mobility
    shocks), as yearly or monthly series. Scenario inputs only, never fitting targets; the baseline keeps
    census-day conditions."""

    outside: list[OutsideConditions] = setting(
        default_factory=list, meaning="yearly wages and unemployment of the regions outside Jilin"
    )
    mobility_shock: list[MobilityShock] = setting(default_factory=list, meaning="periods of suppressed moves")

    @model_validator(mode="after")
    def _unique(self) -> Conditions:
        seen: set[tuple[int, str]] = set()
        for row in self.outside:
            if (row.year, row.region) in seen:
                raise ValueError(f"outside conditions of {row.region} in {row.year} are given twice")
            seen.add((row.year, row.region))
        names = [shock.name for shock in self.mobility_shock]
        if len(names) != len(set(names)):
            raise ValueError("two mobility shocks have the same name")
        return self


class ScenarioFile(Strict):
    """A scenario file."""

    name: str = setting(
        meaning="scenario name; outputs go to outputs/<name>/", pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
    )
    description: str = setting("", meaning="one line saying what the scenario is")
    extends: str | None = setting(None, meaning="scenario this one builds on: a name in scenarios/ or a path")
    run: RunSettings = setting(default_factory=RunSettings, meaning="run defaults")
    parameters: dict[str, float] = setting(
        default_factory=dict, meaning="overrides of calibration/parameters.csv by name"
    )
    levers: Levers = setting(default_factory=Levers, meaning="policy levers")
    conditions: Conditions = setting(default_factory=Conditions, meaning="exogenous conditions outside the model")


# --- helpers: finding a setting by its key path (for error messages) and the generated reference ---


def members(annotation: Any) -> list[Any]:
    """The alternatives of a type annotation, with `Annotated` and `| None` removed."""
    if get_origin(annotation) is Annotated:
        return members(get_args(annotation)[0])
    if get_origin(annotation) in (Union, UnionType):
        return [m for arg in get_args(annotation) if arg is not NoneType for m in members(arg)]
    return [annotation]


def _walk(loc: tuple[str | int, ...]) -> tuple[Any, FieldInfo | None] | None:
    """The annotation and declaration at key path `loc`, or None if there is no such setting."""
    annotation: Any = ScenarioFile
    info: FieldInfo | None = None
    for item in loc:
        if isinstance(item, int):
            lists = [m for m in members(annotation) if get_origin(m) is list]
            if not lists:
                return None
            annotation, info = get_args(lists[0])[0], None
        else:
            models = [m for m in members(annotation) if isinstance(m, type) and issubclass(m, BaseModel)]
            if not models or item not in models[0].model_fields:
                return None
            info = models[0].model_fields[item]
            annotation = info.annotation
    return annotation, info


def field_at(loc: tuple[str | int, ...]) -> FieldInfo | None:
    """The declaration of the setting at key path `loc`, e.g. ("levers", "graduate_subsidy", 0, "months")."""
    found = _walk(loc)
    return found[1] if found else None


def model_at(loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The table (model) at key path `loc`; () is the scenario file itself."""
    found = _walk(loc)
    if found is None:
        return None
    models = [m for m in members(found[0]) if isinstance(m, type) and issubclass(m, BaseModel)]
    return models[0] if models else None


def bounds(info: FieldInfo) -> tuple[float | None, float | None]:
    """The range [ge, le] declared for a setting (None where open)."""
    low = next((m.ge for m in info.metadata if getattr(m, "ge", None) is not None), None)
    high = next((m.le for m in info.metadata if getattr(m, "le", None) is not None), None)
    return low, high

"""The policy levers of the plan, each a mechanism acting through the model's decision rules.

Every lever is built from its validated scenario table (`simulator.schema`) and implements some of the
seams of `simulator.policy.PolicySet`: the value of benefits a person would get in each region (migration
utility), benefits granted on hiring, subsidised training places, technical-school places, certification
chances, firms' demand and productivity. A lever never sets an outcome directly. Every yuan it pays is
charged to it; per-person benefits are paid monthly by `PolicySet.pay`, to persons living in Jilin.

Counts in scenario files are real persons a year; levers convert them to simulated persons with the
population scale (fractions are carried to the next month so that no place is lost to rounding).
"""

from __future__ import annotations

import numpy as np

from simulator import schema
from simulator.codes import N_REGIONS, N_UNITS, SECTOR_CLASS, SECTOR_INDEX, UNITS, Edu, Status, Tier
from simulator.flows import MonthFlows
from simulator.population import PersonStore, fresh_graduates
from simulator.rng import sample
from simulator.world import World, calendar_month, date_to_month

DEGREE_KEY = {Edu.COLLEGE: "college", Edu.BACHELOR: "bachelor", Edu.MASTER: "master", Edu.PHD: "phd"}


def _unit_mask(units: list[str] | str) -> np.ndarray:
    """Boolean over regions: which are eligible units."""
    mask = np.zeros(N_REGIONS, dtype=bool)
    if units == "all":
        mask[:N_UNITS] = True
    else:
        mask[[UNITS.index(u) for u in units]] = True
    return mask


class LeverBase:
    """State shared by every lever: when it acts, its budget, what it has spent and granted."""

    def __init__(self, config: schema.Lever, index: int, scale: int, last_month: int) -> None:
        self.config = config
        self.name = config.name
        self.index = index
        self.scale = scale
        self.start_month = date_to_month(config.start)
        self.end_month = min(date_to_month(config.end), last_month) if config.end else last_month
        self.budget_yuan = config.budget_yuan
        self.spent_yuan = 0.0
        self.committed_yuan = 0.0  # granted benefits not yet paid
        self._carry = 0.0  # fractional simulated persons carried to the next month
        self._year_count = 0.0  # real persons granted in the current calendar year
        self._year = -1

    def active(self, month: int) -> bool:
        """Whether the lever acts in `month`."""
        return self.start_month <= month <= self.end_month

    def affordable(self, yuan: float) -> bool:
        """Whether `yuan` more can be committed within the budget."""
        return self.budget_yuan is None or self.spent_yuan + self.committed_yuan + yuan <= self.budget_yuan + 1e-6

    def affordable_count(self, yuan_each: float, wanted: int) -> int:
        """How many of `wanted` grants of `yuan_each` (real yuan) the budget still allows."""
        if self.budget_yuan is None or yuan_each <= 0:
            return wanted
        left = self.budget_yuan - self.spent_yuan - self.committed_yuan
        return int(max(min(wanted, left // yuan_each), 0))

    def release(self, yuan: float) -> None:
        """`yuan` (real yuan) of granted benefits no longer to be paid by a later month: paid now or forfeited."""
        self.committed_yuan = max(self.committed_yuan - yuan, 0.0)

    def charge(self, flows: MonthFlows, yuan: float) -> None:
        """Count `yuan` (real yuan) as spent this month."""
        if yuan:
            self.spent_yuan += yuan
            flows.spending_yuan[self.name] = flows.spending_yuan.get(self.name, 0.0) + yuan

    def pay_persons(self, persons: PersonStore, idx: np.ndarray, yuan_each: float, flows: MonthFlows) -> None:
        """Pay `yuan_each` (real yuan) for each simulated person `idx` (a course, a school year, a one-off):
        credited to the person and charged to the lever for every resident the person stands for."""
        persons.benefit_paid_yuan[idx] += np.float32(yuan_each)
        self.charge(flows, idx.size * yuan_each * self.scale)

    def quota(self, real_persons: float) -> int:
        """Simulated persons standing for `real_persons` this time, the fraction carried to the next time."""
        expected = real_persons / self.scale + self._carry
        count = int(expected)
        self._carry = expected - count
        return count

    def yearly_room(self, month: int, per_year: float) -> float:
        """Real persons that may still be granted in this calendar year."""
        year = (month + 10) // 12
        if year != self._year:
            self._year, self._year_count = year, 0.0
        return per_year - self._year_count

    def grant(self, persons: PersonStore, idx: np.ndarray, yuan_month: np.ndarray, months: int) -> None:
        """Give persons `idx` a monthly benefit of this lever (replacing none they hold)."""
        persons.benefit_lever[idx] = self.index
        persons.benefit_yuan_month[idx] = yuan_month
        persons.benefit_months_left[idx] = months
        self.committed_yuan += float(np.sum(yuan_month)) * months * self.scale
        self._year_count += idx.size * self.scale


class TalentClasses(LeverBase):
    """Talent classification A-E with a monthly allowance (share of wage) while employed in Jilin."""

    config: schema.TalentClasses

    def classify(self, persons: PersonStore, world: World, rng: np.random.Generator) -> None:
        """Classify this month's share of the year's talents, best human capital first."""
        count = self.quota(self.config.classified_per_year / 12.0)
        if count == 0:
            return
        pool = np.flatnonzero(persons.tier >= Tier.HIGH_SKILL)
        pool = pool[(persons.employer[pool] >= 0) & (persons.benefit_lever[pool] < 0)]
        count = min(count, pool.size)
        if count == 0:
            return
        best = pool[np.argsort(-persons.human_capital[pool], kind="stable")[:count]]
        shares = self.config.class_shares_pct
        uplift = self.config.wage_uplift_pct
        cuts = np.cumsum(shares.values()) / 100.0
        rank = (np.arange(count) + 0.5) / count
        klass = np.searchsorted(cuts, rank)
        pct = uplift.values()[np.minimum(klass, 4)] / 100.0
        allowance = (persons.wage_yuan_month[best] * pct).astype(np.float32)
        months = self.config.months
        n = self.affordable_count(float(allowance.mean()) * months * self.scale, best.size)
        self.grant(persons, best[:n], allowance[:n], months)

    def prospective_value(self, persons: PersonStore, idx: np.ndarray, world: World) -> np.ndarray:
        """Expected allowance of an eligible non-holder at any Jilin unit: the yearly chance of being
        classified (classified per year / census talent stock) times the mean allowance over its months."""
        eligible = (persons.tier[idx] >= Tier.HIGH_SKILL) & (persons.benefit_lever[idx] < 0)
        stock = world.data.province["high_skill_talent"] + world.data.province["professional_technical_talent"]
        chance = min(self.config.classified_per_year / stock, 1.0)
        shares, uplift = self.config.class_shares_pct.values(), self.config.wage_uplift_pct.values()
        mean_pct = float(shares @ uplift) / 100.0 / 100.0
        wage = world.wage_level()[:N_UNITS].mean()
        value = np.where(eligible, chance * mean_pct * wage * self.config.months, 0.0)
        inside = np.arange(N_REGIONS) < N_UNITS
        return value[:, None] * inside[None, :]


class GraduateSubsidy(LeverBase):
    """Monthly living subsidy for graduates hired in eligible units within a year of graduating."""

    config: schema.GraduateSubsidy

    def __init__(self, config: schema.GraduateSubsidy, index: int, scale: int, last_month: int) -> None:
        super().__init__(config, index, scale, last_month)
        self.units = _unit_mask(config.units)
        amounts = config.yuan_per_month
        self.by_level = np.zeros(len(Edu), dtype=np.float32)
        for level, key in DEGREE_KEY.items():
            self.by_level[level] = getattr(amounts, key)

    def _fresh(self, persons: PersonStore, idx: np.ndarray, world: World) -> np.ndarray:
        return fresh_graduates(persons.graduation_month[idx], world.month)

    def on_hire(self, persons: PersonStore, hired: np.ndarray, world: World) -> None:
        """Grant the subsidy to eligible graduates just hired, within posts and budget."""
        eligible = hired[
            self._fresh(persons, hired, world)
            & self.units[persons.region[hired]]
            & (persons.benefit_lever[hired] < 0)
        ]
        eligible = eligible[self.by_level[persons.edu[eligible]] > 0]
        room = self.yearly_room(world.month, self.config.posts_per_year)
        eligible = eligible[: max(int(room / self.scale), 0)]
        amount = self.by_level[persons.edu[eligible]]
        n = self.affordable_count(
            float(amount.mean()) * self.config.months * self.scale if eligible.size else 0, eligible.size
        )
        self.grant(persons, eligible[:n], amount[:n], self.config.months)

    def prospective_value(self, persons: PersonStore, idx: np.ndarray, world: World) -> np.ndarray:
        """Fresh graduates value the subsidy at every eligible unit."""
        value = np.where(
            self._fresh(persons, idx, world) & (persons.benefit_lever[idx] < 0),
            self.by_level[persons.edu[idx]] * self.config.months,
            0.0,
        )
        return value[:, None] * self.units[None, :]


class HighEndSubsidy(LeverBase):
    """One-off subsidy for professional-technical talent with a high degree hired in eligible units."""

    config: schema.HighEndSubsidy

    def __init__(self, config: schema.HighEndSubsidy, index: int, scale: int, last_month: int) -> None:
        super().__init__(config, index, scale, last_month)
        self.units = _unit_mask(config.units)
        self.min_level = {"bachelor": Edu.BACHELOR, "master": Edu.MASTER, "phd": Edu.PHD}[config.min_education]
        self.recipients = np.empty(0, dtype=np.int64)
        self.pending = np.empty(0, dtype=np.int64)  # granted this month, paid by `spend`

    def _eligible(self, persons: PersonStore, idx: np.ndarray) -> np.ndarray:
        ok = (persons.tier[idx] == Tier.PROFESSIONAL) & (persons.edu[idx] >= self.min_level)
        return ok & ~np.isin(idx, self.recipients)

    def on_hire(self, persons: PersonStore, hired: np.ndarray, world: World) -> None:
        """Pay the one-off to eligible persons just hired in eligible units."""
        chosen = hired[self._eligible(persons, hired) & self.units[persons.region[hired]]]
        room = self.yearly_room(world.month, self.config.persons_per_year)
        chosen = chosen[: max(int(room / self.scale), 0)]
        chosen = chosen[: self.affordable_count(self.config.one_off_yuan * self.scale, chosen.size)]
        self.recipients = np.concatenate([self.recipients, chosen])
        self.pending = np.concatenate([self.pending, chosen])
        self.committed_yuan += self.config.one_off_yuan * chosen.size * self.scale
        self._year_count += chosen.size * self.scale

    def spend(self, persons: PersonStore, world: World, flows: MonthFlows) -> None:
        """Pay the one-offs granted this month."""
        self.release(self.config.one_off_yuan * self.pending.size * self.scale)
        self.pay_persons(persons, self.pending, self.config.one_off_yuan, flows)
        self.pending = self.pending[:0]

    def prospective_value(self, persons: PersonStore, idx: np.ndarray, world: World) -> np.ndarray:
        """Eligible persons value the one-off at every eligible unit."""
        value = np.where(self._eligible(persons, idx), self.config.one_off_yuan, 0.0)
        return value[:, None] * self.units[None, :]


class HouseholdRegistration(LeverBase):
    """Zero-threshold household registration: a smaller migration penalty of Jilin for outsiders."""

    config: schema.HouseholdRegistration

    def penalty_reduction(self, persons: PersonStore, idx: np.ndarray, world: World) -> np.ndarray:
        """Utility removed from the outsider penalty of persons `idx`."""
        if self.config.eligible == "all":
            return np.full(idx.size, self.config.penalty_reduction)
        fresh = fresh_graduates(persons.graduation_month[idx], world.month)
        return np.where(fresh, self.config.penalty_reduction, 0.0)


class VocationalTraining(LeverBase):
    """Subsidised vocational training courses for workers in Jilin."""

    config: schema.VocationalTraining

    def subsidised_trainees(
        self, persons: PersonStore, world: World, rng: np.random.Generator, flows: MonthFlows
    ) -> np.ndarray:
        """Trainees of this month, drawn at random among the eligible, within the budget."""
        count = self.quota(self.config.trainees_per_year / 12.0)
        count = self.affordable_count(self.config.subsidy_yuan_per_trainee * self.scale, count)
        if count == 0:
            return np.empty(0, dtype=np.int64)
        if self.config.target == "skilled":
            pool = np.flatnonzero(persons.tier == Tier.SKILLED)
            pool = pool[np.isin(persons.status[pool], (Status.EMPLOYED, Status.UNEMPLOYED))]
        else:
            pool = np.flatnonzero(np.isin(persons.status, self._statuses()))
        age = persons.age_years[pool]
        pool = pool[(persons.region[pool] < N_UNITS) & (age >= 16) & (age < 60)]
        chosen = np.sort(rng.choice(pool, size=min(count, pool.size), replace=False))
        self.pay_persons(persons, chosen, self.config.subsidy_yuan_per_trainee, flows)
        return chosen

    def _statuses(self) -> tuple[int, ...]:
        return {
            "employed": (Status.EMPLOYED,),
            "unemployed": (Status.UNEMPLOYED,),
            "both": (Status.EMPLOYED, Status.UNEMPLOYED),
        }[self.config.target]


class EnterpriseTraining(LeverBase):
    """Enterprise training funds: more firm-funded training in participating firms, mostly front-line."""

    config: schema.EnterpriseTraining

    def __init__(self, config: schema.EnterpriseTraining, index: int, scale: int, last_month: int) -> None:
        super().__init__(config, index, scale, last_month)
        self.participating: np.ndarray | None = None

    def subsidised_trainees(
        self, persons: PersonStore, world: World, rng: np.random.Generator, flows: MonthFlows
    ) -> np.ndarray:
        """Extra courses in participating firms: front-line workers first, at the configured share."""
        if self.participating is None:
            self.participating = rng.random(len(world.firms)) < self.config.firms_share_pct / 100.0
        base = 1.0 - (1.0 - world.params["skills.training_rate_per_year"]) ** (1 / 12)
        extra_rate = base * (self.config.training_rate_multiplier - 1.0)
        workers = np.flatnonzero(persons.employer >= 0)
        workers = workers[self.participating[persons.employer[workers]]]
        frontline = workers[persons.tier[workers] <= Tier.SKILLED]
        chosen_front = sample(frontline, extra_rate, rng)
        share = self.config.frontline_share_pct / 100.0
        others_wanted = int(round(chosen_front.size * (1.0 - share) / share)) if share < 1 else 0
        others = workers[persons.tier[workers] > Tier.SKILLED]
        chosen_other = rng.choice(others, size=min(others_wanted, others.size), replace=False)
        chosen = np.union1d(chosen_front, chosen_other)
        chosen = chosen[: self.affordable_count(self.config.yuan_per_trainee * self.scale, chosen.size)]
        self.pay_persons(persons, chosen, self.config.yuan_per_trainee, flows)
        return chosen


class IndustryEducation(LeverBase):
    """Industry-education integration enterprises and apprenticeships."""

    config: schema.IndustryEducation

    def __init__(self, config: schema.IndustryEducation, index: int, scale: int, last_month: int) -> None:
        super().__init__(config, index, scale, last_month)
        self.flagged: np.ndarray | None = None

    def _flag(self, world: World) -> np.ndarray:
        if self.flagged is None:
            sectors = np.array([f.sector for f in world.firms])
            size = np.array([f.target_employment for f in world.firms])
            industrial = SECTOR_CLASS[sectors] == 2
            order = np.argsort(-np.where(industrial, size, -1.0), kind="stable")
            order = order[industrial[order]]
            covered = self.config.enterprises * self.config.employees_per_enterprise / self.scale
            count = int(np.searchsorted(np.cumsum(size[order]), covered)) + 1 if covered > 0 else 0
            self.flagged = np.zeros(len(world.firms), dtype=bool)
            self.flagged[order[:count]] = True
            for k in np.flatnonzero(self.flagged):
                world.firms[k].industry_education = True
        return self.flagged

    def subsidised_trainees(
        self, persons: PersonStore, world: World, rng: np.random.Generator, flows: MonthFlows
    ) -> np.ndarray:
        """Apprentices of this month: young workers of flagged firms, trained (and tested, see skills)."""
        flagged = self._flag(world)
        count = self.quota(self.config.apprentices_per_year / 12.0)
        count = self.affordable_count(self.config.subsidy_yuan_per_apprentice * self.scale, count)
        workers = np.flatnonzero(persons.employer >= 0)
        workers = workers[flagged[persons.employer[workers]]]
        young = workers[(persons.age_years[workers] <= 30) & (persons.tier[workers] <= Tier.SKILLED)]
        chosen = np.sort(rng.choice(young, size=min(count, young.size), replace=False))
        self.pay_persons(persons, chosen, self.config.subsidy_yuan_per_apprentice, flows)
        return chosen

    def certification_multiplier(self, persons: PersonStore, idx: np.ndarray, world: World) -> np.ndarray:
        """Skilled workers of flagged firms are certified more often."""
        flagged = self._flag(world)
        return np.where(flagged[persons.employer[idx]], self.config.certification_multiplier, 1.0)


class TechnicalSchools(LeverBase):
    """Extra technical-school places for junior-secondary leavers; leavers of them are skilled workers."""

    config: schema.TechnicalSchools

    def technical_entrants(
        self, persons: PersonStore, leavers: np.ndarray, world: World, rng: np.random.Generator
    ) -> np.ndarray:
        """Junior-secondary leavers in Jilin who take the extra places this July (fractions carried)."""
        inside = leavers[persons.region[leavers] < N_UNITS]
        count = self.quota(self.config.extra_enrolment_per_year)
        count = self.affordable_count(self.config.cost_yuan_per_student_year * 3 * self.scale, count)
        chosen = np.sort(rng.choice(inside, size=min(count, inside.size), replace=False))
        self.committed_yuan += chosen.size * self.config.cost_yuan_per_student_year * 3 * self.scale
        return chosen

    def spend(self, persons: PersonStore, world: World, flows: MonthFlows) -> None:
        """Each July, pay a year of every technical-school student enrolled by the lever."""
        if calendar_month(world.month) != 7:
            return
        students = np.flatnonzero((persons.technical == self.index + 1) & (persons.status == Status.STUDENT))
        self.release(students.size * self.config.cost_yuan_per_student_year * self.scale)
        self.pay_persons(persons, students, self.config.cost_yuan_per_student_year, flows)


class IndustrialPark(LeverBase):
    """An industrial park: more jobs and higher productivity for one unit and sector, ramped up."""

    config: schema.IndustrialPark

    def adjust_firms(self, world: World, flows: MonthFlows) -> None:
        """During the ramp-up, add a share of the jobs and of the productivity gain each month."""
        done = world.month - self.start_month
        if not 0 <= done < self.config.ramp_months or world.month > self.end_month:
            return
        unit, sector = UNITS.index(self.config.unit), SECTOR_INDEX[self.config.sector]
        firms = [f for f in world.firms if f.unit == unit and f.sector == sector]
        cost = self.config.cost_yuan / self.config.ramp_months
        if not firms or not self.affordable(cost):
            return
        size = np.array([max(f.target_employment, 1.0) for f in firms])
        jobs = self.config.jobs / self.scale / self.config.ramp_months
        step = (1.0 + self.config.productivity_gain_pct / 100.0) ** (1.0 / self.config.ramp_months)
        before = _unit_wage_index(world, unit)
        for firm, share in zip(firms, size / size.sum(), strict=True):
            firm.public_funds_yuan += cost * share
            firm.target_employment += jobs * share
            firm.productivity *= step
            firm.wage_level_yuan_month *= step
            firm.in_park = True
        world.cities[unit].wage_level_yuan_month *= _unit_wage_index(world, unit) / before
        self.charge(flows, cost)


def _unit_wage_index(world: World, unit: int) -> float:
    """Employment-weighted mean productivity of a unit's firms."""
    firms = [f for f in world.firms if f.unit == unit]
    weight = np.array([f.target_employment for f in firms])
    return float(np.dot(weight, [f.productivity for f in firms]) / max(weight.sum(), 1e-9))


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

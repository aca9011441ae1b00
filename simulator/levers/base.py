"""What every lever has: dates, budget, spending and commitments, quotas with carried fractions.

Counts in scenario files are real persons a year; levers convert them to simulated persons with the
population scale (fractions are carried to the next month so that no place is lost to rounding).
"""

from __future__ import annotations

import difflib
import inspect

import numpy as np

import simulator.scenario.schema as schema
from simulator.codes import Edu
from simulator.dates import date_to_month
from simulator.geography import N_REGIONS, N_UNITS, UNITS
from simulator.levers.seams import SEAMS
from simulator.people.store import PersonStore
from simulator.world.flows import MonthFlows

DEGREE_KEY = {Edu.COLLEGE: "college", Edu.BACHELOR: "bachelor", Edu.MASTER: "master", Edu.PHD: "phd"}


def unit_mask(units: list[str] | str) -> np.ndarray:
    """Boolean over regions: which are eligible units."""
    mask = np.zeros(N_REGIONS, dtype=bool)
    if units == "all":
        mask[:N_UNITS] = True
    else:
        mask[[UNITS.index(u) for u in units]] = True
    return mask


class LeverBase:
    """State shared by every lever: when it acts, its budget, what it has spent and granted.

    A subclass implements the seams it declares (`simulator.levers.seams`); a public method that belongs to
    no declared seam (such as a misspelt seam method) is refused when the class is defined.
    """

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        allowed = {name for name in dir(LeverBase) if not name.startswith("_")}
        seam_methods = {name for seam in SEAMS for name in seam.__dict__ if not name.startswith("_")}
        for seam in SEAMS:
            if issubclass(cls, seam):
                allowed |= {name for name in seam.__dict__ if not name.startswith("_")}
        for name, member in cls.__dict__.items():
            if name.startswith("_") or not inspect.isfunction(member) or name in allowed:
                continue
            close = difflib.get_close_matches(name, sorted(seam_methods), n=1)
            hint = f"; did you mean {close[0]!r} (and declaring its seam)?" if close else ""
            raise TypeError(f"lever {cls.__name__}: method {name!r} is not a seam the lever declares{hint}")

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

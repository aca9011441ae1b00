"""The columnar person store: one numpy array per attribute, one slot per person.

A province of 24 million persons cannot be 24 million Python objects (DESIGN.md, "The performance
architecture"), so persons live here as a struct of arrays addressed by index arrays. Slots are appended
for births and new arrivals and never reused: a person who dies keeps the slot with status DEAD, so that a
person's index is a stable identity for the whole run. `PersonView` looks at one person as an object.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.codes import EDU_NAMES, SECTORS, Sex, Status, Tier
from simulator.geography import REGIONS

#: Every attribute of a person: name -> (dtype, fill value for a new slot, meaning with unit).
FIELDS: dict[str, tuple[type, float, str]] = {
    "age_months": (np.int16, 0, "age in completed months"),
    "age_years": (np.int8, 0, "age in completed years, kept equal to age_months // 12 by demography"),
    "birthday_phase": (np.int8, 0, "model month modulo 12 in which age_years goes up (see demography)"),
    "sex": (np.int8, 0, "Sex code"),
    "edu": (np.int8, 0, "highest education level completed (Edu code)"),
    "enrolled": (np.int8, 0, "level being studied for while a student (Edu code), 0 if none"),
    "study_years_left": (np.int8, 0, "school years left in the current programme"),
    "human_capital": (np.float32, 1.0, "skill index, 1.0 = a new worker with no experience"),
    "tier": (np.int8, 0, "talent tier (Tier code)"),
    "sector": (np.int8, -1, "sector of the current or last job (SECTORS index), -1 if none"),
    "status": (np.int8, 0, "labour status (Status code)"),
    "employer": (np.int16, -1, "index of the employing Firm, -1 if none"),
    "wage_yuan_month": (np.float32, 0.0, "monthly wage in yuan (0 if not employed)"),
    "region": (np.int8, 0, "current region (REGIONS index)"),
    "origin": (np.int8, 0, "region of origin (REGIONS index): where the person's ties are"),
    "months_since_move": (np.int16, 120, "months since the last change of region (capped at 32767)"),
    "graduation_month": (
        np.int16,
        -32768,
        "model month of the last graduation from higher education (July 2020 is -4), -32768 if none",
    ),
    "benefit_months_left": (np.int16, 0, "months of a policy benefit still to be paid"),
    "benefit_yuan_month": (np.float32, 0.0, "amount of that benefit per month in yuan"),
    "benefit_lever": (np.int8, -1, "index of the lever paying that benefit, -1 if none"),
    "benefit_paid_yuan": (np.float32, 0.0, "policy benefits received so far in yuan (monthly and one-off)"),
    "graduated_inside": (np.int8, 0, "1 if the last graduation from higher education was in Jilin"),
    "technical": (np.int8, 0, "k + 1 while in (or just finished) a technical-school place of lever k, else 0"),
    "events": (
        np.int8,
        0,
        "life events of this month (bit flags of EVENT_*), cleared at the start of each month",
    ),
}

EVENT_GRADUATED = 1
EVENT_JOB_LOST = 2
NO_GRADUATION = -32768
#: How long after graduating a person counts as a new graduate (months).
FRESH_GRADUATE_MONTHS = 12


def fresh_graduates(graduation_month: np.ndarray, month: int) -> np.ndarray:
    """Mask: who graduated from higher education within the last FRESH_GRADUATE_MONTHS months of `month`."""
    return graduation_month >= month - FRESH_GRADUATE_MONTHS


class PersonStore:
    """Struct of arrays holding every person of the simulated world.

    Attributes are reached as `store.age_months` etc.; each is a view of the first `n` slots. `capacity`
    grows geometrically when `append` needs room. The slots past `n` hold zeros, not the fill values
    (`append` writes every attribute of the slots it adds): large zeroed arrays are pages the system maps
    only when first written, so room not yet used costs neither memory nor time, and a pickled store holds no
    leftover bytes.
    """

    def __init__(self, capacity: int) -> None:
        self.n = 0
        self._columns: dict[str, np.ndarray] = {
            name: np.zeros(max(capacity, 1), dtype=dtype) for name, (dtype, _, _) in FIELDS.items()
        }

    def __getattr__(self, name: str) -> np.ndarray:
        columns = self.__dict__.get("_columns")
        if columns is not None and name in columns:
            return columns[name][: self.n]
        raise AttributeError(name)

    def __setattr__(self, name: str, value: object) -> None:
        # `store.age_months += 1` assigns the (in-place updated) view back: write into the column instead of
        # creating an attribute that would hide the column once the store grows.
        if name in FIELDS:
            column = self._columns[name]
            is_the_column = (
                isinstance(value, np.ndarray)
                and value.shape == (self.n,)
                and value.ctypes.data == column.ctypes.data
                and value.strides == column.strides
            )
            if not is_the_column:  # an in-place update needs no copy
                column[: self.n] = value
            return
        super().__setattr__(name, value)

    @property
    def capacity(self) -> int:
        """Number of slots allocated."""
        return len(self._columns["sex"])

    @property
    def nbytes(self) -> int:
        """Bytes held by the attribute arrays."""
        return sum(a.nbytes for a in self._columns.values())

    def append(self, count: int, **values: np.ndarray | float) -> np.ndarray:
        """Add `count` persons; attributes not given take their fill value. Return the new indices."""
        unknown = set(values) - set(FIELDS)
        if unknown:
            raise KeyError(f"unknown person attributes: {sorted(unknown)}")
        start, stop = self.n, self.n + count
        if stop > self.capacity:
            self._grow(max(stop, int(self.capacity * 1.25) + 1024))
        for name, (_, fill, _) in FIELDS.items():
            self._columns[name][start:stop] = values.get(name, fill)
        self.n = stop
        return np.arange(start, stop)

    def copy(self) -> PersonStore:
        """An independent copy (same slots, same capacity)."""
        other = PersonStore.__new__(PersonStore)
        columns = {}
        for name, column in self._columns.items():
            columns[name] = np.zeros(column.shape, dtype=column.dtype)
            columns[name][: self.n] = column[: self.n]
        other.__dict__["_columns"] = columns
        other.__dict__["n"] = self.n
        return other

    @classmethod
    def from_columns(cls, columns: dict[str, np.ndarray], headroom: float = 1.08) -> PersonStore:
        """A store holding the given columns (each of length n), with room to grow by `headroom`."""
        n = len(next(iter(columns.values())))
        store = cls(capacity=int(n * headroom) + 1024)
        store.append(n, **{name: np.asarray(columns[name]) for name in FIELDS})
        return store

    def _grow(self, capacity: int) -> None:
        for name, (dtype, _, _) in FIELDS.items():
            grown = np.zeros(capacity, dtype=dtype)
            grown[: self.n] = self._columns[name][: self.n]
            self._columns[name] = grown

    def alive(self) -> np.ndarray:
        """Boolean mask of living persons."""
        return self.status != Status.DEAD

    def view(self, index: int) -> PersonView:
        """Look at one person as an object (for teaching and debugging)."""
        if not 0 <= index < self.n:
            raise IndexError(f"person {index} does not exist (store holds {self.n})")
        return PersonView(self, index)


@dataclass(frozen=True)
class PersonView:
    """Read-only look at one person of a `PersonStore`."""

    store: PersonStore
    index: int

    def _get(self, name: str) -> float | int:
        return getattr(self.store, name)[self.index].item()

    @property
    def age_years(self) -> int:
        """Age in completed years."""
        return int(self._get("age_months")) // 12

    @property
    def sex(self) -> str:
        """'male' or 'female'."""
        return Sex(self._get("sex")).name.lower()

    @property
    def education(self) -> str:
        """Highest level completed."""
        return EDU_NAMES[int(self._get("edu"))]

    @property
    def status(self) -> str:
        """Labour status."""
        return Status(self._get("status")).name.lower()

    @property
    def tier(self) -> str:
        """Talent tier."""
        return Tier(self._get("tier")).name.lower()

    @property
    def region(self) -> str:
        """Where the person lives."""
        return REGIONS[int(self._get("region"))]

    @property
    def origin(self) -> str:
        """Region of origin."""
        return REGIONS[int(self._get("origin"))]

    @property
    def sector(self) -> str | None:
        """Sector of the current or last job."""
        code = int(self._get("sector"))
        return SECTORS[code] if code >= 0 else None

    def as_dict(self) -> dict[str, object]:
        """All attributes, raw and decoded."""
        raw = {name: self._get(name) for name in FIELDS}
        decoded = {
            "age_years": self.age_years,
            "sex": self.sex,
            "education": self.education,
            "status": self.status,
            "tier": self.tier,
            "region": self.region,
            "origin": self.origin,
            "sector": self.sector,
        }
        return {**raw, **decoded}

    def __repr__(self) -> str:
        return (
            f"Person({self.index}: {self.age_years}y {self.sex}, {self.education}, {self.status}, "
            f"{self.tier}, in {self.region}, from {self.origin})"
        )

"""TalentFlowModel: the Mesa model that orders the processes month by month.

Schedule of each month m (docs/ODD.md, "Process overview and scheduling"):
record stocks -> demography -> education (July) -> skills -> labour market -> migration -> policy payments
-> record flows. Each process has its own random stream for each month (simulator.rng).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import mesa
import numpy as np

from simulator import demography, education, labour_market, migration, policy, skills
from simulator.agents import City, Firm
from simulator.codes import N_SECTORS, N_UNITS, REGIONS, Status
from simulator.data import CalibrationData, Parameters, load_calibration, load_parameters
from simulator.flows import MonthFlows
from simulator.levers import build_levers
from simulator.policy import PolicySet
from simulator.population import PersonStore
from simulator.recording import Recorder
from simulator.rng import PER_SLOT, slot_uniforms_start, stream
from simulator.scenario import Scenario
from simulator.schema import Levers
from simulator.synthesis import synthesize
from simulator.world import World, date_to_month, distance_matrix_km, month_to_date

Process = Callable[[PersonStore, World, np.random.Generator, MonthFlows], None]
#: The processes of a month in their order, with the name of their random stream.
SCHEDULE: tuple[tuple[str, Process], ...] = (
    ("demography", demography.step),
    ("education", education.step),
    ("skills", skills.step),
    ("labour_market", labour_market.step),
    ("migration", migration.step),
    ("policy", policy.step),
)


class TalentFlowModel(mesa.Model):
    """Jilin Province from census day (2020-11-01), month by month.

    Args:
        scale: one simulated person per `scale` residents (1 = every resident).
        seed: the run's seed; every random number derives from it.
        end: last simulated month, YYYY-MM (default 2025-12).
        parameters: calibration parameters (default: calibration/parameters.csv).
        levers: the scenario's levers (`simulator.schema.Levers`; default: none).
        data: calibration data (default: loaded from calibration/).
    """

    def __init__(
        self,
        scale: int = 100,
        seed: int = 0,
        end: str = "2025-12",
        parameters: Parameters | None = None,
        levers: Levers | None = None,
        data: CalibrationData | None = None,
    ) -> None:
        super().__init__(seed=seed)
        started = time.perf_counter()
        self.seed_value = int(seed)
        self.scale = int(scale)
        self.end_month = date_to_month(end)
        self.months = self.end_month + 1
        self.data = data or load_calibration()
        self.params = parameters or load_parameters()
        self.persons = synthesize(self.data, self.params, self.scale, stream(seed, "synthesis"))
        self.world = World(
            params=self.params,
            data=self.data,
            scale=self.scale,
            cities=[],
            firms=[],
            distance_km=distance_matrix_km(self.data, self.params),
            policy=PolicySet(build_levers(levers, scale, self.end_month) if levers is not None else []),
        )
        self._build_cities()
        self._build_firms()
        self.world.mortality_monthly = demography.mortality_table(self.world)
        self.world.mortality_monthly_by_cell = demography.mortality_by_cell(self.world)
        self.world.fertility_monthly = demography.fertility_table(self.world)
        self.world.migration_hazard = migration.hazard_table(self.world)
        self.world.log_distance = np.log1p(self.world.distance_km / 100.0).astype(np.float32)
        labour_market.normalise_firm_wages(self.persons, self.world)
        self.recorder = Recorder(self.months, self.scale, self.data.plan_targets)
        self.world.seed = self.seed_value
        self._background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="talentsim-uniforms")
        self.timings: dict[str, float] = {name: 0.0 for name, _ in SCHEDULE}
        self.timings["initialisation"] = time.perf_counter() - started
        self.timings["recording"] = 0.0

    @classmethod
    def from_scenario(
        cls,
        scenario: Scenario,
        *,
        scale: int,
        seed: int,
        end: str,
        parameters: Parameters | None = None,
        data: CalibrationData | None = None,
    ) -> TalentFlowModel:
        """A model of a validated scenario: its parameter overrides applied, its levers in force."""
        base = parameters or load_parameters()
        return cls(
            scale=scale,
            seed=seed,
            end=end,
            parameters=base.with_overrides(scenario.parameters),
            levers=scenario.levers,
            data=data,
        )

    @property
    def month(self) -> int:
        """Model month index of the next month to simulate (0 = 2020-11)."""
        return self.world.month

    @property
    def date(self) -> str:
        """The next month to simulate, YYYY-MM."""
        return month_to_date(self.world.month)

    def _build_cities(self) -> None:
        p = self.params
        province_wage = self.data.province["avg_wage_2020_yuan"]
        ratio = np.nan_to_num(self.data.unit_wage_ratio, nan=1.0)
        unemployment = p["labour.unemployment_rate_census"]
        for r, name in enumerate(REGIONS):
            if r < N_UNITS:
                wage = province_wage * ratio[r] / 12.0
                lat_lon = tuple(self.data.unit_lat_lon[r])
                rate = unemployment
            else:
                wage = self.data.outside_wage_yuan_year[r - N_UNITS] / 12.0
                lat_lon = None
                rate = p["labour.outside_unemployment_rate"]
            amenity = p.values.get(f"migration.amenity.{name}", 0.0)
            self.world.cities.append(City(self, r, wage, amenity, rate, lat_lon))

    def _build_firms(self) -> None:
        """Firms per unit and sector; workers spread over them at random, productivity lognormal."""
        rng = stream(self.seed_value, "firms")
        per_cell = int(self.params["labour.firms_per_cell"])
        persons = self.persons
        employed = np.flatnonzero((persons.status == Status.EMPLOYED) & (persons.region < N_UNITS))
        cell = persons.region[employed].astype(np.int64) * N_SECTORS + persons.sector[employed]
        firm_of_worker = cell * per_cell + rng.integers(0, per_cell, size=employed.size)
        counts = np.bincount(firm_of_worker, minlength=N_UNITS * N_SECTORS * per_cell)
        productivity = np.exp(rng.normal(0.0, 0.1, size=counts.size))
        for f in range(counts.size):
            unit, rest = divmod(f, N_SECTORS * per_cell)
            sector = rest // per_cell
            self.world.firms.append(Firm(self, unit, sector, float(productivity[f]), 0.0, float(counts[f])))
        persons.employer[employed] = firm_of_worker.astype(np.int16)
        self.world.firm_employment = counts.astype(np.int64)

    def step(self) -> None:
        """Simulate one month."""
        world, persons = self.world, self.persons
        # the per-slot uniforms of deaths and migration are drawn in a background thread meanwhile (numpy
        # releases the GIL); they depend only on the seed, the month and the number of slots
        world.month_start_slots = persons.n
        world.prefetched = {
            process: self._background.submit(slot_uniforms_start, self.seed_value, process, world.month, persons.n)
            for process in PER_SLOT
        }
        t0 = time.perf_counter()
        labour_market.set_wages(persons, world)
        self.recorder.record_stocks(persons, world, world.month)
        self.timings["recording"] += time.perf_counter() - t0
        persons.events[:] = 0
        flows = MonthFlows()
        world.policy.begin_month(persons, world, flows, stream(self.seed_value, "policy", world.month))
        for name, process in SCHEDULE:
            t0 = time.perf_counter()
            process(persons, world, stream(self.seed_value, name, world.month), flows)
            self.timings[name] += time.perf_counter() - t0
        self.recorder.record_flows(flows, world.month)
        world.month += 1
        if world.month >= self.months:
            self.running = False
            self._background.shutdown(wait=True)

    def run(self, progress: Callable[[int, int], None] | None = None) -> None:
        """Simulate every month to the end, calling `progress(done, total)` after each."""
        while self.running:
            self.step()
            if progress is not None:
                progress(self.world.month, self.months)

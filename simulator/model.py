"""TalentFlowModel: the Mesa model that orders the processes month by month.

Schedule of each month m (docs/ODD.md, "Process overview and scheduling"): wages, record stocks -> levers
begin the month -> demography -> education (July) -> skills -> labour market -> migration -> policy payments
-> record flows. Each process has its own random stream for each month (`simulator.rng`); the list of
processes is `simulator.processes.SCHEDULE`.

The model holds only picklable state (persons, context, state, recorder): `pickle.dumps(model)` between two
months saves a run, and the restored model continues with identical results.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from simulator import mesa_core
from simulator.arrays import warm_kernels
from simulator.codes import N_SECTORS, Status
from simulator.dates import date_to_month, month_to_date
from simulator.geography import N_REGIONS, N_UNITS, REGIONS
from simulator.inputs.calibration import CalibrationData, load_calibration
from simulator.inputs.parameters import Parameters, load_parameters
from simulator.levers import PolicySet, build_levers
from simulator.people.store import PersonStore
from simulator.processes import SCHEDULE, flow_names, labour_market, policy, slot_streams
from simulator.recording.recorder import Recorder
from simulator.rng import FIRMS_STREAM, stream
from simulator.scenario.schema import DEFAULT_END, DEFAULT_SCALE, DEFAULT_SEED, Conditions, Levers
from simulator.synthesis import population as synthesis_population
from simulator.synthesis.cache import census_population
from simulator.world.agents import City, Firm
from simulator.world.conditions import condition_tables
from simulator.world.context import Context, build_context
from simulator.world.flows import MonthFlows
from simulator.world.state import Firms, Regions, SlotDraws, WorldState

#: Parameters read outside the processes: the firms the model builds.
MODEL_PARAMETERS = ("labour.firms_per_cell",)


def required_parameters() -> set[str]:
    """Every row of calibration/parameters.csv some part of the model reads (processes, synthesis, model)."""
    names: set[str] = set(MODEL_PARAMETERS) | set(synthesis_population.PARAMETERS)
    for process in SCHEDULE:
        names.update(process.parameters)
    return names


class TalentFlowModel(mesa_core.Model):
    """Jilin Province from census day (2020-11-01), month by month.

    Args:
        scale: one simulated person per `scale` residents (1 = every resident).
        seed: the run's seed; every random number derives from it.
        end: last simulated month, YYYY-MM.
        parameters: calibration parameters (default: calibration/parameters.csv).
        levers: the scenario's levers (`simulator.scenario.schema.Levers`; default: none).
        data: calibration data (default: loaded from calibration/).
        conditions: the scenario's exogenous conditions (`simulator.scenario.schema.Conditions`; default:
            census-day conditions throughout).
    """

    def __init__(
        self,
        scale: int = DEFAULT_SCALE,
        seed: int = DEFAULT_SEED,
        end: str = DEFAULT_END,
        parameters: Parameters | None = None,
        levers: Levers | None = None,
        data: CalibrationData | None = None,
        conditions: Conditions | None = None,
    ) -> None:
        super().__init__(seed=seed)
        started = time.perf_counter()
        data = data or load_calibration()
        params = parameters or load_parameters()
        warm_kernels(int(data.unit_population.sum()) // max(int(scale), 1))  # in the background, if used
        last_month = date_to_month(end)
        self.months = last_month + 1
        tables: dict[str, np.ndarray] = {}
        for process in SCHEDULE:
            if process.tables is not None:
                tables.update(process.tables(params, data))
        tables.update(condition_tables(conditions, params, data, self.months))
        self.context: Context = build_context(params, data, int(scale), int(seed), last_month, tables)
        self.persons: PersonStore = census_population(data, params, int(scale), int(seed))
        built = build_levers(levers, int(scale), last_month) if levers is not None else []
        self.state = WorldState(
            month=0,
            firms=self._build_firms(),
            regions=self._build_regions(),
            policy=PolicySet(built),
            draws=SlotDraws(int(seed), 0, slot_streams()),
        )
        self.cities = [
            City(self, r, tuple(data.unit_lat_lon[r]) if r < N_UNITS else None) for r in range(N_REGIONS)
        ]
        self.firms = [Firm(self, i) for i in range(len(self.state.firms))]
        labour_market.normalise_firm_wages(self.persons, self.context, self.state)
        regions = self.state.regions
        regions.youth_ratio, regions.youth_share = labour_market.census_youth_weights(self.persons)
        labour_market.update_unemployment_by_group(self.persons, self.context, self.state)
        self.recorder = Recorder(self.months, int(scale), data.plan_targets)
        self.timings: dict[str, float] = {process.name: 0.0 for process in SCHEDULE}
        self.timings["initialisation"] = time.perf_counter() - started
        self.timings["recording"] = 0.0

    @property
    def scale(self) -> int:
        """Residents per simulated person."""
        return self.context.scale

    @property
    def seed_value(self) -> int:
        """The run's seed."""
        return self.context.seed

    @property
    def params(self) -> Parameters:
        """The run's parameter values."""
        return self.context.params

    @property
    def data(self) -> CalibrationData:
        """The calibration data."""
        return self.context.data

    @property
    def month(self) -> int:
        """Model month index of the next month to simulate (0 = 2020-11)."""
        return self.state.month

    @property
    def date(self) -> str:
        """The next month to simulate, YYYY-MM."""
        return month_to_date(self.state.month)

    def _build_regions(self) -> Regions:
        data, p = self.context.data, self.context.params
        province_wage = data.province["avg_wage_2020_yuan"]
        ratio = np.nan_to_num(data.unit_wage_ratio, nan=1.0)
        wage = np.empty(N_REGIONS)
        wage[:N_UNITS] = province_wage * ratio / 12.0
        wage[N_UNITS:] = data.outside_wage_yuan_year / 12.0
        unemployment = np.where(
            np.arange(N_REGIONS) < N_UNITS,
            p["labour.unemployment_rate_census"],
            p["labour.outside_unemployment_rate"],
        )
        amenity = np.array([p.values.get(f"migration.amenity.{name}", 0.0) for name in REGIONS])
        return Regions(wage_level_yuan_month=wage, amenity=amenity, unemployment_rate=unemployment)

    def _build_firms(self) -> Firms:
        """Firms per unit and sector; workers spread over them at random, productivity lognormal."""
        rng = stream(self.context.seed, FIRMS_STREAM)
        per_cell = int(self.context.params["labour.firms_per_cell"])
        persons = self.persons
        employed = np.flatnonzero((persons.status == Status.EMPLOYED) & (persons.region < N_UNITS))
        cell = persons.region[employed].astype(np.int64) * N_SECTORS + persons.sector[employed]
        firm_of_worker = cell * per_cell + rng.integers(0, per_cell, size=employed.size)
        counts = np.bincount(firm_of_worker, minlength=N_UNITS * N_SECTORS * per_cell)
        productivity = np.exp(rng.normal(0.0, 0.1, size=counts.size))
        index = np.arange(counts.size)
        persons.employer[employed] = firm_of_worker.astype(np.int16)
        return Firms(
            unit=index // (N_SECTORS * per_cell),
            sector=((index % (N_SECTORS * per_cell)) // per_cell).astype(np.int8),
            productivity=productivity,
            wage_level_yuan_month=np.zeros(counts.size),
            target_employment=counts.astype(float),
            employment=counts.astype(np.int64),
        )

    def step(self) -> None:
        """Simulate one month."""
        ctx, state, persons = self.context, self.state, self.persons
        month = state.month
        state.draws = SlotDraws(ctx.seed, month, slot_streams())
        t0 = time.perf_counter()
        labour_market.set_wages(persons, ctx, state)
        self.recorder.record_stocks(persons, state, month)
        self.timings["recording"] += time.perf_counter() - t0
        persons.events[:] = 0
        flows = MonthFlows(flow_names())
        state.policy.begin_month(persons, ctx, state, flows, stream(ctx.seed, policy.PROCESS.stream, month))
        for process in SCHEDULE:
            t0 = time.perf_counter()
            process.step(persons, ctx, state, stream(ctx.seed, process.stream, month), flows)
            self.timings[process.name] += time.perf_counter() - t0
        self.recorder.record_flows(flows, month)
        state.month += 1
        state.draws = SlotDraws(ctx.seed, state.month, slot_streams())
        if state.month >= self.months:
            self.running = False

    def run(self, progress: Callable[[int, int], None] | None = None, until: int | None = None) -> None:
        """Simulate every month to the end (or until model month `until`, exclusive), calling
        `progress(done, total)` after each."""
        stop = self.months if until is None else min(until, self.months)
        while self.running and self.state.month < stop:
            self.step()
            if progress is not None:
                progress(self.state.month, self.months)

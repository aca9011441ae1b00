"""Migration among the 11 units and the outside regions, with return moves (ODD submodel 5).

Each month a person aged 16 or more who is not in school considers moving with a hazard that depends on
age, on life events (graduation in the last year, its effect fading over
`migration.graduation_decay_months`; a job lost this month) and on the time since the last move. Those
who consider choose among all regions, their own included, by a random-utility (logit) rule:

    U(d) = b_inc log(expected income at d) + b_emp log P(employed at d) + b_size log(population of d) [d != here]
           + amenity(d) + stay_bonus [d = here] + origin_tie [d = origin]
           - b_dist log(1 + km(here, d) / 100) [d != here]
           - outsider_penalty [d in Jilin and the person's origin is outside]

The size term stands for the number of openings a mover may find at a destination (an aggregate of many
elementary alternatives); it does not apply to staying, so that residents of a small unit are not pushed
out by its size alone (with it, Changbaishan's 61,000 residents left at 11 % a year). Expected income is
the region's wage for the person's education times the probability of being employed there for the
person's age group and education (youth unemployment is several times the average), plus the policy
benefits the person would get there, annuitised over `migration.benefit_horizon_years`. Mobility shocks of
the scenario's conditions multiply the hazard of residents of the units they hit and the weight of those
units as destinations. Children and elderly follow adult movers.
Every move goes through `relocate`, which keeps the flow accounts.
"""

from __future__ import annotations

import functools

import numpy as np

from simulator.arrays import use_kernels
from simulator.codes import Edu, Status
from simulator.geography import N_REGIONS, N_UNITS, REGIONS
from simulator.inputs.calibration import CalibrationData
from simulator.inputs.parameters import Parameters
from simulator.levers.policy_set import benefit_rows, offered_benefits
from simulator.people.labour_profile import YOUTH_MAX_AGE
from simulator.people.store import EVENT_JOB_LOST, FRESH_GRADUATE_MONTHS, PersonStore, fresh_graduates
from simulator.processes.base import Indicator, Process
from simulator.processes.labour_market import end_jobs
from simulator.world.context import EDU_WAGE_PREMIUM, Context
from simulator.world.flows import MOVE_FLOWS, MonthFlows
from simulator.world.state import WorldState

HAZARD_BANDS = (16, 20, 25, 30, 35, 45, 55, 65, 75, 200)
#: Oldest age of a child who may follow a mover, and youngest of an elderly person who may.
CHILD_MAX_AGE = 15
ELDER_MIN_AGE = 65
#: Regions with an amenity constant: every unit and outside region.
AMENITY_REGIONS = REGIONS
HAZARD_NAMES = (
    "age_16_19",
    "age_20_24",
    "age_25_29",
    "age_30_34",
    "age_35_44",
    "age_45_54",
    "age_55_64",
    "age_65_74",
    "age_75_plus",
)


def relocate(
    persons: PersonStore,
    idx: np.ndarray,
    destination: np.ndarray,
    ctx: Context,
    state: WorldState,
    flows: MonthFlows,
) -> None:
    """Move persons `idx` to `destination` regions, ending jobs and benefits that do not travel."""
    source = persons.region[idx].copy()
    moved = source != destination
    idx, destination, source = idx[moved], destination[moved], source[moved]
    flows.add_moves(source, destination, persons.sex[idx], persons.age_years[idx])
    persons.region[idx] = destination
    persons.months_since_move[idx] = 0
    end_jobs(persons, idx[persons.status[idx] == Status.EMPLOYED], state, Status.UNEMPLOYED)
    state.policy.forfeit(persons, idx[destination >= N_UNITS], ctx, state)


def hazard_table(params: Parameters, data: CalibrationData) -> dict[str, np.ndarray]:
    """Monthly consideration hazard by single age 0..127 (0 below 16), as the table "migration_hazard"; and
    the log population (millions) of every region on census day, "log_population_millions" (units:
    calibration/units_2020.csv; outside: the regions' census populations, outside_population_2020.csv)."""
    ages = np.arange(128)
    band = np.digitize(ages, HAZARD_BANDS) - 1
    rates = (
        np.array([params[f"migration.hazard.{n}"] for n in HAZARD_NAMES]) * params["migration.hazard_multiplier"]
    )
    hazard = np.where(ages >= 16, rates[np.clip(band, 0, len(rates) - 1)], 0.0).astype(np.float32)
    population = np.concatenate([data.unit_population, data.outside_population])
    return {"migration_hazard": hazard, "log_population_millions": np.log(population / 1e6)}


def consider(persons: PersonStore, ctx: Context, state: WorldState) -> np.ndarray:
    """Indices of the persons who consider moving this month: those whose uniform in the per-slot stream
    "migration" falls below their hazard (`hazard_factors`), among the living who are not in school.

    The draws do not depend on anyone's state (one per slot). The exact hazard is computed only where it can
    matter: for everyone whose draw falls below a bound of the hazard without life events (numpy: the largest
    hazard of all; the compiled pass: their age's hazard times a bound by months since the move), and for
    every fresh graduate and everyone with a life event. The bounds include the largest mobility multiplier
    when it exceeds 1 (the conditions cap it at 1 today). From `simulator.arrays.kernel_min_slots()` slots on
    a compiled pass does all of it (`simulator.kernels.considering`, from the same tables in the same float32
    operations: the same persons).
    """
    p = ctx.params
    table = ctx.tables["migration_hazard"]
    graduation, recent, job_loss = hazard_factors(
        p["migration.graduation_multiplier"], p["migration.graduation_decay_months"],
        p["migration.recent_move_multiplier"], p["migration.recent_move_decay_months"],
        p["migration.job_loss_multiplier"],
    )  # fmt: skip
    mobility = mobility_multiplier(ctx, state).astype(np.float32)
    above_one = max(1.0, float(mobility.max()))  # the bounds below hold for multipliers of at most 1
    if use_kernels(persons.n):
        from simulator import kernels

        bound = recent_move_ceiling(p["migration.recent_move_multiplier"], p["migration.recent_move_decay_months"])
        return kernels.considering(
            state.draws.key("migration"), persons.age_years, table, table.astype(np.float64) * above_one,
            persons.months_since_move, bound, recent, persons.graduation_month, state.month, graduation,
            persons.events, EVENT_JOB_LOST, job_loss, persons.region, mobility, persons.status, int(Status.DEAD),
            int(Status.STUDENT),
        )  # fmt: skip
    draws = state.draws.uniforms("migration", persons.n)
    special = fresh_graduates(persons.graduation_month, state.month) | (persons.events != 0)
    # the draws below the largest hazard without events (any person's), the fresh graduates, the life events
    maybe = np.flatnonzero((draws < table.max() * recent[0] * above_one) | special)
    hazard = table[persons.age_years[maybe]]
    # graduation multiplies the hazard, the more so the more recent it is
    since = state.month - persons.graduation_month[maybe].astype(np.int64)
    graduated = (since >= 0) & (since <= FRESH_GRADUATE_MONTHS)
    hazard[graduated] *= graduation[since[graduated]]
    hazard[(persons.events[maybe] & EVENT_JOB_LOST) != 0] *= job_loss
    hazard *= recent[persons.months_since_move[maybe]]
    hazard *= mobility[persons.region[maybe]]
    status = persons.status[maybe]
    able = (status != Status.DEAD) & (status != Status.STUDENT)
    return maybe[(draws[maybe] < hazard) & able]


@functools.cache
def hazard_factors(
    graduation_multiplier: float,
    graduation_decay_months: float,
    recent_move_multiplier: float,
    recent_move_decay_months: float,
    job_loss_multiplier: float,
) -> tuple[np.ndarray, np.ndarray, np.float32]:
    """The factors of the consideration hazard, in float32.

    A person's hazard is their age's hazard times those of the factors that apply, multiplied in this order,
    then times the mobility multiplier of their region:

    - graduation, by months since graduating from higher education 0..FRESH_GRADUATE_MONTHS:
      1 + (graduation_multiplier - 1) exp(-months / graduation_decay_months);
    - a job lost this month: job_loss_multiplier;
    - recent move, by months since the last move 0..32767 (every value the column can hold):
      1 + recent_move_multiplier exp(-months / recent_move_decay_months).
    """
    since = np.arange(FRESH_GRADUATE_MONTHS + 1, dtype=np.float32)
    graduation = 1.0 + (graduation_multiplier - 1.0) * np.exp(-since / graduation_decay_months)
    months = np.arange(32768, dtype=np.float32)
    recent = 1.0 + np.float32(recent_move_multiplier) * np.exp(-months / np.float32(recent_move_decay_months))
    return graduation.astype(np.float32), recent.astype(np.float32), np.float32(job_loss_multiplier)


#: Months since a move up to which `recent_move_ceiling` has an entry of its own (later months take the
#: last one).
RECENT_MOVE_MONTHS = 600


@functools.cache
def recent_move_ceiling(multiplier: float, decay_months: float) -> np.ndarray:
    """An upper bound of the hazard's recent-move factor (`hazard_factors`) by months since the move from 0
    to RECENT_MOVE_MONTHS: the factor in float64, raised by 1e-5 against float32 rounding. The factor falls
    with the months, so the last entry bounds all later months. A person whose draw is above their age's
    hazard times this bound does not consider a move unless they graduated recently or had a life event (the
    kernel's thinning)."""
    months = np.arange(RECENT_MOVE_MONTHS + 1, dtype=np.float64)
    return (1.0 + multiplier * np.exp(-months / decay_months)) * (1.0 + 1e-5)


def mobility_multiplier(ctx: Context, state: WorldState) -> np.ndarray:
    """Multiplier of moves from and to each region in the current month (the conditions' mobility shocks)."""
    table = ctx.tables["mobility_multiplier"]
    out = np.ones(N_REGIONS)
    out[:N_UNITS] = table[min(state.month, table.shape[0] - 1)]
    return out


def employment_probability(persons: PersonStore, idx: np.ndarray, state: WorldState) -> np.ndarray:
    """Probability of being employed in every region (columns) for persons `idx` (rows): one minus the
    region's unemployment rate of the person's age group (16-24 or 25+) times the province's relative rate of
    the person's education group within that age group, kept within [0.05, 1]."""
    group, tertiary = _age_and_education_groups(persons, idx)
    return _employment_probability(group, tertiary, state)


def _age_and_education_groups(persons: PersonStore, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(age group: 0 for 16-24, 1 for 25+; 1 for college education or more) of persons `idx`, as int64."""
    group = (persons.age_years[idx] > YOUTH_MAX_AGE).astype(np.int64)
    tertiary = (persons.edu[idx] >= Edu.COLLEGE).astype(np.int64)
    return group, tertiary


def _employment_probability(group: np.ndarray, tertiary: np.ndarray, state: WorldState) -> np.ndarray:
    regions = state.regions
    risk = regions.edu_relative_risk[group, tertiary]
    rate = regions.unemployment_by_age[:, group].T * risk[:, None]
    return np.clip(1.0 - rate, 0.05, 1.0)


def utilities(persons: PersonStore, idx: np.ndarray, ctx: Context, state: WorldState) -> np.ndarray:
    """Systematic utility of every region (columns) for persons `idx` (rows).

    Expected income at d is wage_d x premium_i x P_id (P: probability of employment for the person's age and
    education group at d) plus the benefits annuitised over H years; its log is log(wage_d) + log(P_id) +
    log1p(benefit_id / (H wage_d premium_i P_id)) + log(premium_i), and log(premium_i) is the same for every
    alternative of a person, so it is left out (it cannot change a logit choice). The benefit term is
    computed only when some lever offers a benefit.
    """
    table, rows = utility_table(persons, idx, ctx, state)
    return table if rows is None else table[rows]


def utility_table(
    persons: PersonStore, idx: np.ndarray, ctx: Context, state: WorldState
) -> tuple[np.ndarray, np.ndarray | None]:
    """The utilities of `utilities` as (table, rows): person k's utilities are table[rows[k]], or table[k]
    when rows is None.

    Without a person-specific outsider penalty, the utilities of a person offered no benefit anywhere depend
    on the person only through (region, region of origin, age group, education group): the table has one row
    per such cell present, computed with the same operations as a person's row would be (so the values are
    the same to the last bit), and `rows` gives each person's cell. Persons offered a benefit somewhere
    have a row of their own after the cells' rows. With a person-specific penalty, every person has a row
    of their own (rows is None).
    """
    p = ctx.params
    here = persons.region[idx].astype(np.int64)
    origin = persons.origin[idx].astype(np.int64)
    group, tertiary = _age_and_education_groups(persons, idx)
    terms = state.policy.benefit_terms(persons, idx, ctx, state)
    reduction = state.policy.outsider_penalty_reduction(persons, idx, ctx, state)
    penalty = p["migration.outsider_penalty"] - reduction
    if not np.isscalar(penalty):
        employment = _employment_probability(group, tertiary, state)
        extra = None
        if terms is not None:
            extra = _benefit_term(persons, idx, benefit_rows(terms), employment, ctx, state)
        return _utility_rows(here, origin, employment, extra, penalty, ctx, state), None
    if terms is None:
        return _cell_table(here, origin, group, tertiary, penalty, ctx, state)
    # persons offered no benefit anywhere have their cell's utilities (adding a zero benefit term changes
    # no bit); the others a row of their own, after the cells' rows
    offered = offered_benefits(terms)
    general = np.flatnonzero(~offered)
    own = np.flatnonzero(offered)
    table, cell_rows = _cell_table(
        here[general], origin[general], group[general], tertiary[general], penalty, ctx, state
    )
    employment = _employment_probability(group[own], tertiary[own], state)
    extra = _benefit_term(persons, idx[own], benefit_rows(terms, own), employment, ctx, state)
    own_table = _utility_rows(here[own], origin[own], employment, extra, penalty, ctx, state)
    rows = np.empty(idx.size, dtype=np.int64)
    rows[general] = cell_rows
    rows[own] = table.shape[0] + np.arange(own.size)
    return np.concatenate([table, own_table]), rows


def _cell_table(
    here: np.ndarray,
    origin: np.ndarray,
    group: np.ndarray,
    tertiary: np.ndarray,
    penalty: float,
    ctx: Context,
    state: WorldState,
) -> tuple[np.ndarray, np.ndarray]:
    """Utilities of the (region, origin, age group, education group) cells of some persons, without
    benefits: (one row per cell present, each person's row)."""
    key = ((here * N_REGIONS + origin) * 2 + group) * 2 + tertiary
    # the cells present, in order, and each person's (np.unique's result, by counting: the keys are few)
    present = np.bincount(key, minlength=N_REGIONS * N_REGIONS * 4) > 0
    cells = np.flatnonzero(present)
    rows = (np.cumsum(present) - 1)[key]
    here, origin = cells // (4 * N_REGIONS), (cells // 4) % N_REGIONS
    employment = _employment_probability((cells // 2) % 2, cells % 2, state)
    return _utility_rows(here, origin, employment, None, penalty, ctx, state), rows


def _benefit_term(
    persons: PersonStore,
    idx: np.ndarray,
    benefit: np.ndarray,
    employment: np.ndarray,
    ctx: Context,
    state: WorldState,
) -> np.ndarray:
    """b_inc log1p(benefit / (H years of expected income)) of persons `idx` in every region (columns)."""
    p = ctx.params
    annual = 12.0 * p["migration.benefit_horizon_years"] * EDU_WAGE_PREMIUM[persons.edu[idx]][:, None]
    wage = state.regions.wage_level_yuan_month
    return p["migration.beta_income"] * np.log1p(benefit / (annual * wage[None, :] * employment))


def _utility_rows(
    here: np.ndarray,
    origin: np.ndarray,
    employment: np.ndarray,
    extra: np.ndarray | None,
    penalty: np.ndarray | float,
    ctx: Context,
    state: WorldState,
) -> np.ndarray:
    """Utility of every region (columns) for rows of persons or cells: their region, region of origin and
    probability of employment in every region, the person's benefit term `extra` (or None) and the outsider
    penalty (scalar or by row)."""
    p = ctx.params
    regions = state.regions
    wage = regions.wage_level_yuan_month
    log_employment = np.log(employment)
    size = p["migration.beta_size"] * ctx.tables["log_population_millions"]
    region_term = p["migration.beta_income"] * np.log(wage) + size + regions.amenity
    u = region_term[None, :] + (p["migration.beta_income"] + p["migration.beta_employment"]) * log_employment
    u = u.astype(np.float32)
    if extra is not None:
        u += extra
    rows = np.arange(here.size)
    shock = np.log(np.maximum(mobility_multiplier(ctx, state), 1e-12)).astype(np.float32)
    u += shock[None, :]
    u[rows, here] -= shock[here]
    u -= p["migration.beta_distance"] * ctx.log_distance[here]
    u[rows, here] += p["migration.stay_bonus"] - size[here]  # size counts a destination's openings, not home's
    u[rows, origin] += p["migration.origin_tie"]
    u[:, :N_UNITS] -= (np.maximum(penalty, 0.0) * (origin >= N_UNITS))[:, None]
    return u


def choose(
    utility: np.ndarray, rng: np.random.Generator, rows: np.ndarray | None = None, compiled: bool = False
) -> np.ndarray:
    """Logit choice: one region per row, drawn from the softmax of its utilities with one uniform.

    With `rows`, `utility` is a table and row k of the choice uses utility[rows[k]] (`utility_table`); the
    softmax is computed once per table row, and the choices are those of the gathered rows. With
    `compiled`, a kernel makes the same choices without gathering the rows.
    """
    weight = np.exp(utility - utility.max(axis=1, keepdims=True))
    cumulative = np.cumsum(weight, axis=1)
    uniforms = rng.random(utility.shape[0] if rows is None else rows.size)
    if compiled and rows is not None:
        from simulator import kernels

        return kernels.logit_choices(cumulative, rows, uniforms)
    if rows is not None:
        cumulative = cumulative[rows]
    threshold = uniforms[:, None] * cumulative[:, -1:]
    return np.minimum((cumulative < threshold).sum(axis=1), utility.shape[1] - 1)


def step(
    persons: PersonStore, ctx: Context, state: WorldState, rng: np.random.Generator, flows: MonthFlows
) -> None:
    """Consider, choose, move; children and elderly follow."""
    idx = consider(persons, ctx, state)
    if idx.size == 0:
        return
    table, rows = utility_table(persons, idx, ctx, state)
    destination = choose(table, rng, rows, use_kernels(persons.n)).astype(np.int8)
    movers = persons.region[idx] != destination
    idx, destination = idx[movers], destination[movers]
    source = persons.region[idx].copy()
    relocate(persons, idx, destination, ctx, state, flows)
    _followers(persons, ctx, state, rng, flows, idx, source, destination)


def _followers(
    persons: PersonStore,
    ctx: Context,
    state: WorldState,
    rng: np.random.Generator,
    flows: MonthFlows,
    movers: np.ndarray,
    source: np.ndarray,
    destination: np.ndarray,
) -> None:
    """Each adult mover may take along a child of the same region of departure, and an elderly person
    (alive, not moved this month), drawn at random among those of the region (`_dependants`)."""
    p = ctx.params
    age = persons.age_years[movers]
    groups = (
        (25, 49, p["migration.child_follow_prob"], "children"),
        (30, 59, p["migration.elder_follow_prob"], "elderly"),
    )
    for low, high, prob, kind in groups:
        leading = (age >= low) & (age <= high) & (rng.random(movers.size) < prob)
        if not leading.any():
            continue
        take_src, take_dst = source[leading], destination[leading]
        need = np.bincount(take_src, minlength=N_REGIONS)
        chosen = _dependants(persons, kind, need, rng)
        # the chosen of region r (in random order) go with the first of r's leading movers
        order = np.argsort(take_src, kind="stable")
        src_sorted = take_src[order]
        got = np.bincount(persons.region[chosen], minlength=N_REGIONS)
        followed = order[_rank_in_group(src_sorted) < got[src_sorted]]  # those who take someone, by region
        by_region = chosen[np.argsort(persons.region[chosen], kind="stable")]
        relocate(persons, by_region, take_dst[followed].astype(np.int8), ctx, state, flows)


#: Random slots drawn per dependant wanted in the first round of `_dependants` (a child or elderly person
#: is about one slot in seven), and the rounds before the eligible of a short region are listed.
DRAWS_PER_DEPENDANT = 10
DEPENDANT_ROUNDS = 4


def _dependants(persons: PersonStore, kind: str, need: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """For each region r, min(need[r], eligible of r) distinct persons of r who may follow a mover ("children":
    aged up to CHILD_MAX_AGE, "elderly": from ELDER_MIN_AGE; living, not moved this month), uniformly at
    random, each region's in random order.

    By rejection: slots are drawn uniformly and the eligible kept, the first distinct ones in draw order
    (this is sampling without replacement). A region still short after a few rounds, or one no draw has
    found, has its eligible listed and the rest drawn from them, so the result has exactly the distribution
    of a draw from the full list, at the cost of a few thousand random slots instead of a pass over all.
    """
    n = persons.n
    found = np.empty(0, dtype=np.int64)
    size = 1024 + DRAWS_PER_DEPENDANT * int(need.sum())
    drawn = 0
    for _ in range(DEPENDANT_ROUNDS):
        slots = rng.integers(0, n, size=size)
        drawn += size
        slots = slots[_may_follow(persons, slots, kind)]
        slots = slots[need[persons.region[slots]] > 0]
        found = np.concatenate([found, slots])
        _, first = np.unique(found, return_index=True)
        found = found[np.sort(first)]  # distinct, in draw order
        have = np.bincount(persons.region[found], minlength=N_REGIONS)
        short = np.maximum(need - have, 0)
        if not short.any():
            break
        rate = have / drawn  # eligible found per slot drawn, by region
        if (rate[short > 0] == 0).any():
            break
        size = int(2 * (short[short > 0] / rate[short > 0]).max()) + 64
        if size > n // 8:
            break
    region = persons.region[found]
    order = np.argsort(region, kind="stable")
    found, region = found[order], region[order]
    keep = _rank_in_group(region) < need[region]
    found, region = found[keep], region[keep]
    have = np.bincount(region, minlength=N_REGIONS)
    parts = [found]
    for r in np.flatnonzero(have < need):
        pool = np.flatnonzero(persons.region == r)
        pool = pool[_may_follow(persons, pool, kind)]
        pool = np.setdiff1d(pool, found[region == r], assume_unique=True)
        parts.append(rng.choice(pool, size=min(int(need[r] - have[r]), pool.size), replace=False))
    return np.concatenate(parts)


def _rank_in_group(sorted_keys: np.ndarray) -> np.ndarray:
    """Each element's position within its run of equal keys (0 for the first), for sorted keys."""
    return np.arange(sorted_keys.size) - np.searchsorted(sorted_keys, sorted_keys)


def _may_follow(persons: PersonStore, slots: np.ndarray, kind: str) -> np.ndarray:
    """Whether persons `slots` may follow a mover as `kind` ("children" or "elderly"). The age is read first
    and the rest only for those of the right age (reads at random slots are the cost here)."""
    age = persons.age_years[slots]
    ok = (age <= CHILD_MAX_AGE) if kind == "children" else (age >= ELDER_MIN_AGE)
    aged = slots[ok]
    ok[ok] = (persons.status[aged] != Status.DEAD) & (persons.months_since_move[aged] > 0)
    return ok


def _in_migrants(flows: MonthFlows) -> tuple[np.ndarray, float]:
    return flows.in_within + flows.in_inter, float(flows.in_inter[:N_UNITS].sum())


def _out_migrants(flows: MonthFlows) -> tuple[np.ndarray, float]:
    return flows.out_within + flows.out_inter, float(flows.out_inter[:N_UNITS].sum())


def _net_within(flows: MonthFlows) -> tuple[np.ndarray, float]:
    return flows.in_within - flows.out_within, 0.0


def _net_inter(flows: MonthFlows) -> tuple[np.ndarray, float]:
    net = flows.in_inter - flows.out_inter
    return net, float(net[:N_UNITS].sum())


PROCESS = Process(
    name="migration",
    stream=5,
    step=step,
    flows=MOVE_FLOWS,
    indicators=(
        Indicator(
            "in_migrants", "persons", "flow", True, True, "arrivals (province: from outside only)", _in_migrants
        ),
        Indicator(
            "out_migrants", "persons", "flow", True, True, "departures (province: to outside only)", _out_migrants
        ),
        Indicator(
            "net_migration_within_province",
            "persons",
            "flow",
            True,
            False,
            "arrivals minus departures to and from other units of Jilin",
            _net_within,
        ),
        Indicator(
            "net_migration_interprovincial",
            "persons",
            "flow",
            True,
            True,
            "arrivals minus departures across the provincial border",
            _net_inter,
        ),
    ),
    parameters=(
        *(f"migration.hazard.{n}" for n in HAZARD_NAMES),
        "migration.hazard_multiplier",
        "migration.graduation_multiplier",
        "migration.graduation_decay_months",
        "migration.job_loss_multiplier",
        "migration.recent_move_multiplier",
        "migration.recent_move_decay_months",
        "migration.beta_income",
        "migration.beta_employment",
        "migration.beta_size",
        "migration.stay_bonus",
        "migration.origin_tie",
        "migration.beta_distance",
        *(f"migration.amenity.{r}" for r in AMENITY_REGIONS),
        *(f"migration.distance_km.{r}" for r in ("central", "west")),
        "migration.child_follow_prob",
        "migration.elder_follow_prob",
        "migration.benefit_horizon_years",
        "migration.outsider_penalty",
    ),
    tables=hazard_table,
    slot_streams={"migration": 10},
)

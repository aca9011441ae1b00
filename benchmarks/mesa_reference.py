"""The reference the full-scale benchmark compares with: one Mesa object per person, a simple migration rule.

Each agent has a city (0..9) and a skill. Each step every agent evaluates, for the 10 cities,

    U_j = wage[j] * skill - kappa * dist[city, j] + eps_j,   eps_j ~ Gumbel(0, 1) iid,

takes the best alternative j* != city and moves there with probability
sigmoid(beta * (U_j* - U_city) - move_cost). After all agents have acted, the model counts the cities'
populations and updates wages with a mild congestion elasticity. The agents are stepped in random order
with `model.agents.shuffle_do("step")`, the idiomatic Mesa way. It is the rule of the acceptance check's
reference (checks/accept/bench_mesa_reference.py, `--impl mesa`), written out here so that the benchmark
measures it in the same run as the simulator.

    .venv/bin/python benchmarks/mesa_reference.py --n 100000 --steps 3    # prints one JSON line
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time

import numpy as np

N_CITIES = 10
BETA = 1.0  # logit scale on the utility gain
MOVE_COST = 6.0  # fixed cost in the logit (sets the base move rate)
KAPPA = 0.5  # distance cost per 100 km
WAGE_ELASTICITY = -0.05


def geography(seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """Base wages (10,) and distances in units of 100 km (10, 10) of ten cities in a 500 km square."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0.0, 5.0, size=(N_CITIES, 2))
    dist = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1))
    return np.linspace(1.0, 1.6, N_CITIES), dist


def build(n: int, seed: int):  # noqa: ANN201 - returns a Mesa model class defined inside
    """A Mesa model of `n` Person agents."""
    import mesa

    base_wage, dist = geography()
    rng = np.random.default_rng(seed)
    city0 = rng.integers(0, N_CITIES, size=n)
    skill0 = rng.lognormal(0.0, 0.4, size=n)

    class Person(mesa.Agent):
        """A working-age resident deciding whether to migrate."""

        def __init__(self, model: mesa.Model, city: int, skill: float) -> None:
            super().__init__(model)
            self.city = city
            self.skill = skill
            self.income = 0.0

        def step(self) -> None:
            m = self.model
            rnd = self.random.random
            c, s, wage, kd = self.city, self.skill, m.wage, m.kappa_dist[self.city]
            u_cur, best_u, best_j = 0.0, -math.inf, c
            for j in range(N_CITIES):
                u = wage[j] * s - kd[j] - math.log(-math.log(rnd() + 1e-300))
                if j == c:
                    u_cur = u
                elif u > best_u:
                    best_u, best_j = u, j
            if rnd() < 1.0 / (1.0 + math.exp(MOVE_COST - BETA * (best_u - u_cur))):
                self.city = best_j
                m.n_moves += 1
            self.income = wage[self.city] * s

    class MigrationModel(mesa.Model):
        """Ten cities, fixed distances, wages respond to city population."""

        def __init__(self) -> None:
            super().__init__(seed=seed)
            self.base_wage = base_wage.tolist()
            self.wage = list(self.base_wage)
            self.kappa_dist = (KAPPA * dist).tolist()
            self.n_moves = 0
            Person.create_agents(self, n, city=city0.tolist(), skill=skill0.tolist())

        def step(self) -> None:
            self.n_moves = 0
            self.agents.shuffle_do("step")
            counts = [0] * N_CITIES
            for c in self.agents.get("city"):
                counts[c] += 1
            mean = len(self.agents) / N_CITIES
            pairs = zip(self.base_wage, counts, strict=True)
            self.wage = [w * (max(k, 1) / mean) ** WAGE_ELASTICITY for w, k in pairs]

    return MigrationModel()


def measure(n: int, steps: int, seed: int = 42) -> dict[str, float]:
    """Median seconds of one step of `n` agents over `steps` steps (after one untimed warm-up step)."""
    model = build(n, seed)
    model.step()
    times = []
    for _ in range(steps):
        started = time.perf_counter()
        model.step()
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    return {"n": n, "steps": steps, "step_median_s": median, "ns_per_agent_step": median / n * 1e9}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="agents (default 100000)")
    parser.add_argument("--steps", type=int, default=3, help="timed steps (default 3)")
    args = parser.parse_args()
    print(json.dumps(measure(args.n, args.steps)))


if __name__ == "__main__":
    main()

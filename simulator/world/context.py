"""The static context of a run: parameters, calibration data, scale, seed, distances and the tables
derived from them once (mortality, fertility, migration hazards). Nothing here changes during a run; what
does (the month, firms, regions' conditions, the levers' accounts) is in `simulator.world.state`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from simulator.geography import N_REGIONS, N_UNITS, OUTSIDE, haversine_km
from simulator.inputs.calibration import CalibrationData
from simulator.inputs.parameters import Parameters

#: Relative wage by education level (senior secondary = 1): an assumption shared by wages and migration.
EDU_WAGE_PREMIUM = np.array([0.7, 0.75, 0.85, 1.0, 1.15, 1.35, 1.7, 2.0], dtype=np.float32)


def distance_matrix_km(data: CalibrationData, params: Parameters) -> np.ndarray:
    """Distances between all regions (km).

    Between units: great-circle distances of their centres. To an outside region with cities in
    calibration/places.csv (the rest of the Northeast: Shenyang, Harbin; the East: Beijing ... Shenzhen): the
    mean of the distances to its cities (not the distance to their mean position, which for Shenyang and Harbin
    would lie next to Changchun). Central and West, which have no city there, use an assumed distance.
    """
    units = data.unit_lat_lon
    places = {
        r: data.places[data.places["outside_region"] == r][["lat", "lon"]].to_numpy(dtype=float) for r in OUTSIDE
    }
    dist = np.zeros((N_REGIONS, N_REGIONS))
    dist[:N_UNITS, :N_UNITS] = haversine_km(units, units)
    for k, region in enumerate(OUTSIDE):
        r = N_UNITS + k
        if len(places[region]):
            dist[:N_UNITS, r] = dist[r, :N_UNITS] = haversine_km(units, places[region]).mean(axis=1)
        else:
            dist[:N_UNITS, r] = dist[r, :N_UNITS] = params[f"migration.distance_km.{region}"]
    for i, a_region in enumerate(OUTSIDE):
        for j, b_region in enumerate(OUTSIDE):
            if i == j:
                continue
            a, b = places[a_region], places[b_region]
            if len(a) and len(b):
                d = haversine_km(a, b).mean()
            else:  # via Jilin: the larger of the two regions' distances from the province, as a floor
                d = max(dist[N_UNITS + i, :N_UNITS].mean(), dist[N_UNITS + j, :N_UNITS].mean())
            dist[N_UNITS + i, N_UNITS + j] = d
    return dist


@dataclass(frozen=True)
class Context:
    """What every process reads and none changes.

    Attributes:
        params: the run's parameter values.
        data: the calibration data.
        scale: residents per simulated person.
        seed: the run's seed.
        last_month: the last simulated model month (0 = 2020-11).
        distance_km: distances between regions (REGIONS x REGIONS).
        log_distance: log(1 + km / 100), float32, as the migration utility uses it.
        tables: per-process tables computed once from the parameters and data (see each process's `tables`),
            by name, e.g. "mortality_monthly_by_cell".
    """

    params: Parameters
    data: CalibrationData
    scale: int
    seed: int
    last_month: int
    distance_km: np.ndarray
    log_distance: np.ndarray
    tables: Mapping[str, np.ndarray] = field(default_factory=dict)


def build_context(
    params: Parameters,
    data: CalibrationData,
    scale: int,
    seed: int,
    last_month: int,
    tables: Mapping[str, np.ndarray],
) -> Context:
    """A context with its distances computed."""
    distance = distance_matrix_km(data, params)
    return Context(
        params=params,
        data=data,
        scale=scale,
        seed=seed,
        last_month=last_month,
        distance_km=distance,
        log_distance=np.log1p(distance / 100.0).astype(np.float32),
        tables=dict(tables),
    )

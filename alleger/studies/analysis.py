"""One study, end to end: the grid and the places in, the figures the pages show out (plain JSON).

The arithmetic is `engine`'s; this module picks the places, projects them,
assigns cells to neighbourhoods and names what the engine returns.
"""

from __future__ import annotations

import datetime as dt
import io
import math

import numpy as np
import shapely

from alleger.places import hours
from alleger.territories.geometry import polygon_from_geojson

from . import engine
from .grid import HALF, Cells, cell_id, to_3035, to_wgs84
from .models import Study
from .selectors import study_places

WORST_LISTED = 20


def open_instant(weekday: int, time: dt.time, now: dt.datetime) -> dt.datetime:
    """The next instant (local time, aware) on `weekday` at `time`, from `now` on (today if still to come)."""
    local = now.astimezone(hours.local_zone())
    days = (weekday - local.weekday()) % 7
    candidate = dt.datetime.combine(local.date() + dt.timedelta(days=days), time, tzinfo=hours.local_zone())
    if candidate < local:
        candidate += dt.timedelta(days=7)
    return candidate


def neighbourhood_of_cells(territory, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, list[dict]]:
    """Index (into the returned list) of the neighbourhood holding each cell centre, -1 for none."""
    assigned = np.full(len(lon), -1, dtype=np.int64)
    listed = []
    for neighbourhood in territory.neighbourhoods.order_by("name", "pk"):
        try:
            polygon = polygon_from_geojson(neighbourhood.boundary)
        except Exception:  # a boundary the territory app accepted once but cannot read now: skipped
            continue
        inside = shapely.contains_xy(polygon, lon, lat) & (assigned < 0)
        assigned[inside] = len(listed)
        listed.append({"slug": neighbourhood.slug, "name": neighbourhood.name})
    return assigned, listed


def _round(value, digits=0):
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return round(float(value), digits) if digits else int(round(float(value)))


def _summary(distance, people, poor, radius) -> dict:
    figures = engine.summary(distance, people, radius)
    poor_figures = engine.summary(distance, poor, radius)
    return {
        "population": _round(figures["population"]),
        "covered": _round(figures["covered"]),
        "covered_share": _round(figures["covered_share"], 4),
        "mean_distance": _round(figures["mean_distance"]),
        "median_distance": _round(figures["median_distance"]),
        "poor_households": _round(poor_figures["population"]),
        "poor_covered_share": _round(poor_figures["covered_share"], 4),
    }


def run(study: Study, *, now: dt.datetime) -> tuple[dict, bytes]:
    """The study's results (JSON-ready) and the compressed per-cell distances."""
    cells = Cells.from_bytes(study.grid.cells)
    centres = cells.centres
    radius = float(study.radius_m)
    at = open_instant(study.open_weekday, study.open_time, now) if study.open_weekday is not None else None
    places = study_places(study, at=at)
    if places:
        px, py = to_3035([p["lon"] for p in places], [p["lat"] for p in places])
        place_xy = np.column_stack([px, py])
    else:
        place_xy = np.zeros((0, 2))
    people, poor = cells.ind, cells.men_pauv
    weights = poor if study.weight_poor else people
    near = engine.nearest(centres, place_xy)
    distance = near.distance
    lon, lat = to_wgs84(cells.east + HALF, cells.north + HALF)
    where, neighbourhoods = neighbourhood_of_cells(study.territory, lon, lat)

    per_neighbourhood = []
    for index, neighbourhood in enumerate([*neighbourhoods, None]):
        mask = where == (index if neighbourhood is not None else -1)
        if not mask.any():
            continue
        row = _summary(distance[mask], people[mask], poor[mask], radius)
        row.update(neighbourhood or {"slug": "", "name": ""})
        row["cells"] = int(mask.sum())
        per_neighbourhood.append(row)

    worst = []
    for i in engine.worst_cells(distance, weights, radius, WORST_LISTED):
        worst.append({
            "cell": cell_id(cells.north[i], cells.east[i]),
            "neighbourhood": neighbourhoods[where[i]]["name"] if where[i] >= 0 else "",
            "lat": round(float(lat[i]), 6), "lon": round(float(lon[i]), 6),
            "distance": _round(distance[i]), "population": _round(people[i], 1), "poor_households": _round(poor[i], 1),
        })

    # Candidate sites: the populated cells' centres, or the premises uploaded with the study.
    if study.candidates == Study.Candidates.PREMISES:
        cand_lon = np.asarray([p["lon"] for p in study.premises], float)
        cand_lat = np.asarray([p["lat"] for p in study.premises], float)
        cx, cy = to_3035(cand_lon, cand_lat)
        cand_xy = np.column_stack([cx, cy])
        cand_where, _listed = neighbourhood_of_cells(study.territory, cand_lon, cand_lat)

        def cand_name(j):
            return study.premises[j]["name"]
    else:
        cand_xy, cand_lon, cand_lat, cand_where = centres, lon, lat, where

        def cand_name(j):
            return cell_id(cells.north[j], cells.east[j])
    matrix = engine.coverage_matrix(centres, cand_xy, radius)
    covered = distance <= radius
    picks = engine.greedy(matrix, weights, study.suggestions, covered=covered)
    suggestions, now_covered = [], covered.copy()
    total_people = float(people.sum())
    for rank, pick in enumerate(picks, start=1):
        rows = matrix.indices[matrix.indptr[pick.candidate]:matrix.indptr[pick.candidate + 1]]
        new = rows[~now_covered[rows]]
        now_covered[new] = True
        j = pick.candidate
        suggestions.append({
            "rank": rank, "name": cand_name(j), "lat": round(float(cand_lat[j]), 6),
            "lon": round(float(cand_lon[j]), 6),
            "neighbourhood": neighbourhoods[cand_where[j]]["name"] if cand_where[j] >= 0 else "",
            "added_population": _round(people[new].sum()), "added_poor_households": _round(poor[new].sum(), 1),
            "covered_share_after": _round(people[now_covered].sum() / total_people, 4) if total_people else None,
        })

    cost = engine.closures(near, people, radius, len(places))
    cost_poor = engine.closures(near, poor, radius, len(places))
    served = np.bincount(near.index[near.index >= 0], weights=people[near.index >= 0], minlength=len(places))
    listed_places = []
    for k, place in enumerate(places):
        listed_places.append({
            **place,
            "served": _round(served[k]),
            "lost_population": _round(cost["lost"][k]),
            "lost_poor_households": _round(cost_poor["lost"][k], 1),
            # The mean distance of the whole population rises by this much (m) if it closes.
            "mean_distance_increase": (_round(cost["added_person_metres"][k] / total_people, 1)
                                       if total_people and cost["stranded"][k] == 0 else None),
        })

    buffer = io.BytesIO()
    np.savez_compressed(buffer, distance=distance.astype(np.float32))
    results = {
        "open_at": at.isoformat() if at else None,
        "radius": study.radius_m,
        "summary": _summary(distance, people, poor, radius),
        "neighbourhoods": per_neighbourhood,
        "worst": worst,
        "suggestions": suggestions,
        "candidate_count": len(cand_xy),
        "places": listed_places,
    }
    return results, buffer.getvalue()


def load_distances(study: Study) -> np.ndarray | None:
    if not study.distances:
        return None
    with np.load(io.BytesIO(bytes(study.distances))) as arrays:
        return arrays["distance"].astype(float)

"""Reads: the places a study counts, the studies and grids a person may see, the tables and map layers."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from alleger.places import hours
from alleger.places.models import Place, Service
from alleger.territories.models import Territory, TerritoryRole

from .grid import CELL, HALF, Cells, cell_id, to_wgs84
from .models import PopulationGrid, Study

#: Above this many cells, the map layer groups them by square kilometre (the page stays light).
MAP_CELLS = 3000
#: Above this many places, the map leaves their markers out (unreadable anyway; the table lists them).
MAP_PLACES = 300


def study_places(study: Study, *, at: dt.datetime | None = None) -> list[dict]:
    """The territory's published places the study counts: offering a service of its kinds, or of its
    profile, or of its type; with `at`, only those with a counted service open then."""
    places = Place.objects.filter(territory=study.territory, moderation=Place.Moderation.PUBLISHED)
    services = Service.objects.filter(place__in=places)
    if study.service_kinds:
        services = services.filter(kind__in=study.service_kinds.split(","))
        places = places.filter(pk__in=services.values("place_id"))
    elif study.profile:
        places = places.filter(**{f"profile_{study.profile}": True})
    else:
        places = places.filter(place_type=study.place_type)
    places = list(places.order_by("name", "pk").values("pk", "name", "lat", "lon"))
    if at is not None:
        hours_of: dict[int, list[str]] = {}
        for place_id, expression in services.filter(place_id__in=[p["pk"] for p in places]).values_list(
                "place_id", "opening_hours"):
            hours_of.setdefault(place_id, []).append(expression)
        places = [p for p in places if any(hours.is_open(e, at) for e in hours_of.get(p["pk"], []) if e)]
    return [{"id": p["pk"], "name": p["name"], "lat": p["lat"], "lon": p["lon"]} for p in places]


def managed_territories(user) -> QuerySet[Territory]:
    """Territories where the person may upload grids and run studies (cell members, moderators)."""
    if not user.is_authenticated or not user.is_active:
        return Territory.objects.none()
    if user.is_superuser:
        return Territory.objects.all()
    return Territory.objects.filter(roles__user=user, roles__role__in=[
        TerritoryRole.Role.CELL, TerritoryRole.Role.MODERATOR]).distinct()


def visible_studies(user) -> QuerySet[Study]:
    """Published studies, and every study of the territories the person manages."""
    qs = Study.objects.select_related("territory", "grid")
    if user.is_authenticated and user.is_active and user.is_superuser:
        return qs
    return qs.filter(Q(published=True) | Q(territory__in=managed_territories(user))).order_by(
        "territory__name", "-created_at", "-pk")


def study_get(pk: int) -> Study | None:
    return Study.objects.select_related("territory", "grid").filter(pk=pk).first()


def grid_get(pk: int) -> PopulationGrid | None:
    return PopulationGrid.objects.select_related("territory").filter(pk=pk).first()


def grids_of(territory) -> QuerySet[PopulationGrid]:
    return PopulationGrid.objects.filter(territory=territory).defer("cells")


def published_studies_of(territory) -> QuerySet[Study]:
    return Study.objects.filter(territory=territory, published=True, status=Study.Status.DONE).defer(
        "distances")


def distance_classes(radius: int) -> list[tuple[float, str, str]]:
    """(upper bound in metres, label, colour) of the map's distance classes (colour-blind-safe ramp)."""
    return [
        (radius / 2, _("moins de %(d)d m") % {"d": radius // 2}, "#1a9850"),
        (radius, _("%(a)d à %(b)d m") % {"a": radius // 2, "b": radius}, "#91cf60"),
        (2 * radius, _("%(a)d à %(b)d m") % {"a": radius, "b": 2 * radius}, "#fc8d59"),
        (float("inf"), _("plus de %(d)d m") % {"d": 2 * radius}, "#b2182b"),
    ]


def _square(east, north, size) -> list:
    lon, lat = to_wgs84([east, east + size, east + size, east, east],
                        [north, north, north + size, north + size, north])
    return [[[round(float(a), 5), round(float(b), 5)] for a, b in zip(lon, lat, strict=True)]]


def cell_rows(study: Study, distances: np.ndarray) -> list[dict]:
    """Every cell of the study: id, centre, people, poor households, distance (for the exports)."""
    cells = Cells.from_bytes(study.grid.cells)
    lon, lat = to_wgs84(cells.east + HALF, cells.north + HALF)
    return [{
        "cell": cell_id(cells.north[i], cells.east[i]), "lat": round(float(lat[i]), 6),
        "lon": round(float(lon[i]), 6), "population": round(float(cells.ind[i]), 1),
        "poor_households": round(float(cells.men_pauv[i]), 1),
        "distance": round(float(distances[i])) if np.isfinite(distances[i]) else None,
    } for i in range(len(cells))]


def map_layer(study: Study, distances: np.ndarray | None) -> dict:
    """GeoJSON for the map: cells coloured by distance class (grouped by km² when many), the suggested
    sites and the places counted. Kept light: at most MAP_CELLS squares."""
    features = []
    results = study.results or {}
    if distances is not None:
        cells = Cells.from_bytes(study.grid.cells)
        classes = distance_classes(study.radius_m)
        size = CELL
        east, north, people = cells.east, cells.north, cells.ind
        dist = np.where(np.isfinite(distances), distances, 1e9)
        if len(cells) > MAP_CELLS:
            # Group into squares of 1 km (2 km, 5 km for a metropolis): population-weighted mean distance.
            for size in (1000, 2000, 5000):
                keys, inverse = np.unique(np.column_stack([east // size * size, north // size * size]), axis=0,
                                          return_inverse=True)
                if len(keys) <= MAP_CELLS // 2:
                    break
            inverse = inverse.ravel()
            pop = np.bincount(inverse, weights=people)
            weighted = np.bincount(inverse, weights=people * dist)
            east, north = keys[:, 0], keys[:, 1]
            dist = np.where(pop > 0, weighted / np.maximum(pop, 1e-9), 1e9)
            people = pop
        for e, n, d, p in zip(east, north, dist, people, strict=True):
            colour, label = next((c, lab) for bound, lab, c in classes if d <= bound)
            features.append({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": _square(e, n, size)},
                             "properties": {"colour": colour, "name": f"{label} · {round(float(p))} hab."}})
    places = results.get("places", [])
    for place in places if len(places) <= MAP_PLACES else []:
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [place["lon"], place["lat"]]},
                         "properties": {"name": place["name"]}})
    for s in results.get("suggestions", []):
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [s["lon"], s["lat"]]},
                         "properties": {"name": _("Site suggéré n° %(rank)d (+%(people)s hab.)")
                                        % {"rank": s["rank"], "people": s["added_population"]}}})
    return {"type": "FeatureCollection", "features": features}

"""Distances on the sphere, for "what is near this report" (WGS84 lat/lon, metres)."""

import math

EARTH_RADIUS_M = 6_371_000.0
METRES_PER_DEGREE = EARTH_RADIUS_M * math.pi / 180  # along a meridian


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points, in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bbox_around(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a box that contains the circle; a little larger is fine,
    the exact distance decides afterwards."""
    dlat = radius_m / METRES_PER_DEGREE * 1.01
    cos_lat = max(math.cos(math.radians(lat)), 0.01)
    dlon = radius_m / (METRES_PER_DEGREE * cos_lat) * 1.01
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def within(queryset, *, lat: float, lon: float, radius_m: float, lat_field: str = "lat", lon_field: str = "lon"):
    """[(distance in metres, object)] of the queryset within the radius, nearest first.

    The bounding box narrows the candidates in SQL (an index on lat, lon);
    the haversine distance decides.
    """
    min_lat, max_lat, min_lon, max_lon = bbox_around(lat, lon, radius_m)
    candidates = queryset.filter(**{f"{lat_field}__gte": min_lat, f"{lat_field}__lte": max_lat,
                                    f"{lon_field}__gte": min_lon, f"{lon_field}__lte": max_lon})
    found = []
    for obj in candidates:
        distance = haversine_m(lat, lon, getattr(obj, lat_field), getattr(obj, lon_field))
        if distance <= radius_m:
            found.append((distance, obj))
    found.sort(key=lambda pair: (pair[0], pair[1].pk))
    return found

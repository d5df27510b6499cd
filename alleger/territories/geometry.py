"""GeoJSON boundaries, read and checked with shapely (WGS84 lon/lat)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from shapely.errors import ShapelyError
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry


def polygon_from_geojson(data) -> BaseGeometry:
    """Return the (Multi)Polygon of a GeoJSON geometry or Feature, or raise ValidationError."""
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry")
    if not isinstance(data, dict) or data.get("type") not in {"Polygon", "MultiPolygon"}:
        raise ValidationError(_("Le contour doit être un polygone GeoJSON (Polygon ou MultiPolygon)."))
    try:
        geometry = shape(data)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError, ShapelyError):
        raise ValidationError(_("Le contour GeoJSON est mal formé.")) from None
    if geometry.is_empty or not geometry.is_valid:
        raise ValidationError(_("Le contour GeoJSON n'est pas un polygone valide (côtés croisés ?)."))
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ValidationError(_("Les coordonnées doivent être en longitude/latitude (WGS84)."))
    return geometry


def contains(boundary: dict, lat: float, lon: float) -> bool:
    return shape(boundary).covers(Point(lon, lat))

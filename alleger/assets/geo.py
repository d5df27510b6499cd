"""The map's data: assets in a bounding box as RFC 7946 GeoJSON, clustered on a grid when too many.

One or two SQL statements per request, tuples straight from the cursor (no
model instances), and orjson for the encoding. The statements are plain SQL
that PostgreSQL and SQLite both run, so `bench/assets_bbox.py` can time the
very same statements through psycopg as the floor.

* `SELECT … WHERE <box> LIMIT 2001`: when at most 2 000 assets match, they are
  the features.
* Otherwise the box is cut into a grid of at most GRID × GRID cells (cell
  side: a power of two of a degree, so clusters stay put while the map pans)
  and `GROUP BY floor(lon / cell), floor(lat / cell)` returns one cluster per
  non-empty cell with its count and centroid: (GRID + 1)² = 1 681 < 2 000
  features at most, whatever the box.

Indexes: `asset_bbox` (lat, lon, moderation, status) on both databases
serves the box (a range on lat, lon and the filters read from the index).
"""

import math
import time

import orjson
import psycopg
from django.db import connection
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext as _

from alleger.core.errors import Refused

from .models import Asset, AssetType

MAX_FEATURES = 2000
GRID = 40
STATUSES = frozenset(Asset.Status.values)


def check_status(status: str | None) -> None:
    if status and status not in STATUSES:
        raise Refused("invalid", _("Statut inconnu : utilisez open, openable ou closed."))


def _where(bbox, *, status=None, type_slug=None, kit_slug=None, territory_slug=None) -> tuple[str, list]:
    minlon, minlat, maxlon, maxlat = bbox
    clauses = ["a.lat >= %s", "a.lat <= %s", "a.lon >= %s", "a.lon <= %s", "a.moderation = 'published'"]
    params: list = [minlat, maxlat, minlon, maxlon]
    if status:
        check_status(status)
        clauses.append("a.status = %s")
        params.append(status)
    if type_slug:
        clauses.append("a.asset_type_id IN (SELECT id FROM assets_assettype WHERE slug = %s)")
        params.append(type_slug)
    if kit_slug:
        clauses.append(
            "(a.id IN (SELECT ak.asset_id FROM assets_asset_kits ak JOIN kits_kit k ON k.id = ak.kit_id"
            " WHERE k.slug = %s)"
            " OR a.asset_type_id IN (SELECT tk.assettype_id FROM assets_assettype_kits tk"
            " JOIN kits_kit k2 ON k2.id = tk.kit_id WHERE k2.slug = %s))")
        params += [kit_slug, kit_slug]
    if territory_slug:
        clauses.append("a.territory_id IN (SELECT id FROM territories_territory WHERE slug = %s)")
        params.append(territory_slug)
    return " AND ".join(clauses), params


def cell_size(bbox) -> float:
    """A power-of-two fraction of a degree such that the box spans at most GRID cells each way."""
    span = max(bbox[2] - bbox[0], bbox[3] - bbox[1], 1e-9)
    return 2.0 ** math.ceil(math.log2(span / GRID))


def statements(bbox, **filters) -> tuple[tuple[str, list], tuple[str, list]]:
    """The two SQL statements (features, clusters) with their parameters; the benchmark reuses them."""
    where, params = _where(bbox, **filters)
    features = (f"SELECT a.id, a.lon, a.lat, a.name, a.asset_type_id, a.status FROM assets_asset a"
                f" WHERE {where} LIMIT {MAX_FEATURES + 1}", params)
    cell = cell_size(bbox)
    clusters = (f"SELECT count(*), avg(a.lon), avg(a.lat), min(a.id) FROM assets_asset a WHERE {where}"
                f" GROUP BY floor(a.lon / {cell!r}), floor(a.lat / {cell!r})", params)
    return features, clusters


#: Asset types change a few times a year: each process keeps them TYPES_TTL seconds,
#: which spares a query per map request. They are also forgotten whenever the map's
#: data version changes (mapcache), so a new or renamed type shows with the change.
TYPES_TTL = 60.0
_types_cache: tuple[float, dict] = (0.0, {})


def forget_types() -> None:
    global _types_cache
    _types_cache = (0.0, {})


def _types() -> dict[int, tuple[str, str]]:
    global _types_cache
    expires, types = _types_cache
    now = time.monotonic()
    if now >= expires:
        types = {pk: (slug, name) for pk, slug, name in AssetType.objects.values_list("pk", "slug", "name")}
        _types_cache = (now + TYPES_TTL, types)
    return types


def _type_of(types: dict, type_id: int) -> tuple[str, str]:
    found = types.get(type_id)
    if found is None:  # created since the cache was filled
        found = AssetType.objects.filter(pk=type_id).values_list("slug", "name").first() or ("", "")
        types[type_id] = found
    return found


_prefixes: dict[str, str] = {}


def _url_prefix() -> str:
    """The path of an asset's page without its number ("/dispositifs/"), once per script prefix
    (the same for every request of a site; reversing costs more than a street's features)."""
    script = get_script_prefix()
    found = _prefixes.get(script)
    if found is None:
        found = _prefixes[script] = reverse("assets:detail", kwargs={"pk": 0})[:-2]
    return found


def _features(rows, prefix) -> list[dict]:
    """The GeoJSON feature of each asset row, in one loop (a street's answer is mostly this: 2 to 3 µs a
    feature)."""
    types = _types()
    out = []
    append = out.append
    for pk, lon, lat, name, type_id, status in rows:
        slug, type_name = types.get(type_id) or _type_of(types, type_id)
        append({"type": "Feature", "id": pk, "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"id": pk, "name": name, "type": slug, "type_name": type_name, "status": status,
                               "url": f"{prefix}{pk}/"}})
    return out


def _cursor():
    """A cursor for the map's reads. On PostgreSQL, psycopg's own with server-side binding: the
    parameters go apart from the statement (Django's cursor quotes them into it, in Python, on every
    request); not prepared, as the benchmark's floor (its text changes with the filters and the
    clusters' cell; alleger.core.db prepares only a pledge's few fixed statements). The map only reads, so Django's statement wrappers (the data version's watch)
    have nothing to see here. Where Django logs the statements (DEBUG, the tests'
    CaptureQueriesContext) its own cursor is used."""
    if connection.vendor != "postgresql" or connection.queries_logged:
        return connection.cursor()
    connection.ensure_connection()
    return _Unprepared(connection.connection)


class _Unprepared(psycopg.Cursor):
    def execute(self, query, params=None, **kwargs):
        return super().execute(query, params, prepare=False)


def geojson(bbox, **filters) -> bytes:
    """The FeatureCollection for a box, encoded; never more than MAX_FEATURES features.

    Its RFC 7946 `bbox` member is the box the features were selected in.
    """
    (features_sql, params), (clusters_sql, _params) = statements(bbox, **filters)
    prefix = _url_prefix()
    box = list(bbox)
    with _cursor() as cursor:
        cursor.execute(features_sql, params)
        rows = cursor.fetchall()
        if len(rows) <= MAX_FEATURES:
            return orjson.dumps({"type": "FeatureCollection", "bbox": box, "clustered": False,
                                 "features": _features(rows, prefix)})
        cursor.execute(clusters_sql, params)
        cells = cursor.fetchall()
        singles = [one for count, _lon, _lat, one in cells if count == 1]
        single_rows = {}
        if singles:
            cursor.execute("SELECT a.id, a.lon, a.lat, a.name, a.asset_type_id, a.status FROM assets_asset a"
                           f" WHERE a.id IN ({', '.join(['%s'] * len(singles))})", singles)
            single_rows = {row[0]: row for row in cursor.fetchall()}
    singles = {feature["id"]: feature for feature in _features(single_rows.values(), prefix)} if single_rows else {}
    out, total = [], 0
    for count, lon, lat, one in cells:
        total += count
        if count == 1 and one in singles:
            out.append(singles[one])
        else:
            out.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                        "properties": {"cluster": True, "count": count}})
    return orjson.dumps({"type": "FeatureCollection", "bbox": box, "clustered": True, "total": total,
                         "features": out})

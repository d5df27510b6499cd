"""Assets API: the map's GeoJSON (clustered when dense) and one asset as JSON. Never a cabinet code."""

from typing import Literal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from alleger.accounts.auth import PUBLIC
from alleger.core.api import ErrorOut
from alleger.core.location import parse_bbox

from . import mapcache, selectors

router = Router()


class PointGeometry(Schema):
    type: Literal["Point"]
    coordinates: list[float]


class FeatureOut(Schema):
    type: Literal["Feature"]
    id: int | None = None
    geometry: PointGeometry
    properties: dict


class FeatureCollectionOut(Schema):
    type: Literal["FeatureCollection"]
    bbox: list[float]
    clustered: bool
    total: int | None = None
    features: list[FeatureOut]


class BboxQuery(Schema):
    bbox: str
    status: str | None = None
    type: str | None = None
    kit: str | None = None
    territory: str | None = None


class KitRef(Schema):
    slug: str
    title: str
    url: str


class AssetOut(Schema):
    id: int
    name: str
    url: str
    territory: str
    type: str
    type_name: str
    status: str
    status_label: str
    description: str
    lat: float
    lon: float
    address: str
    neighbourhood: str | None
    kits: list[KitRef]
    max_participants: int | None
    private_actors_allowed: bool
    required_level: int
    conditions: str
    is_tool_cabinet: bool
    photos: list[str]


@router.get(
    "assets.geojson",
    response={200: FeatureCollectionOut, 400: ErrorOut},
    auth=PUBLIC,
    summary="Assets in a bounding box (GeoJSON)",
)
def assets_geojson(request, filters: Query[BboxQuery]):
    """Published assets in `bbox=minlon,minlat,maxlon,maxlat` (WGS84) as an RFC 7946 FeatureCollection,
    coordinates in `[lon, lat]` order. Properties: `id`, `name`, `type` (slug), `type_name`, `status`
    (`open`, `openable`, `closed`), `url`.

    Optional filters: `status`, `type` (asset type slug), `kit` (kit slug: the asset's own kits or its
    type's), `territory` (slug).

    **The answer covers a snapped box, a superset of the request.** The box is widened to a grid aligned
    on powers of two of a degree (cell: 1/8 to 1/4 of the box's larger side, so at most about 1.5 times
    as wide), so that nearby pans share one cached answer. The collection's RFC 7946 `bbox` member gives
    that snapped box `[west, south, east, north]`: the features are those of the snapped box, and a client
    may keep them while its view stays inside it.

    When more than 2 000 assets fall in the (snapped) box, the server groups them on a grid (cell side a
    power of two of a degree, about 40 cells across the box): each cluster is a Point feature at the
    centroid of its assets with properties `{"cluster": true, "count": n}`, and the collection carries
    `"clustered": true, "total": <assets in the box>`. A response never holds more than 2 000 features.

    Caching: answers are cached on the server and sent with `Cache-Control: public, max-age=60` and a
    strong `ETag` (a digest of the body); `If-None-Match` with that ETag answers 304 Not Modified. A
    change to the assets shows on the server within one second; a browser or proxy may keep its copy up
    to 60 seconds.

    A malformed or inverted box answers 400 `{"code": "invalid_bbox", "message": …}`.
    """
    found = mapcache.answer(parse_bbox(filters.bbox), status=filters.status, type_slug=filters.type,
                            kit_slug=filters.kit, territory_slug=filters.territory)
    # Built and encoded by geo.geojson (orjson), returned as is: no per-feature validation. Well-formed
    # requests are usually answered earlier, by the same function, in middleware.MapMiddleware.
    return mapcache.respond(request, found)


@router.get("assets/{asset_id}", response={200: AssetOut, 404: ErrorOut}, auth=PUBLIC,
            summary="One published asset")
def asset_get(request, asset_id: int):
    """A published asset, with its applicable kits (its own and its type's). A tool cabinet's access code
    is never part of the API: it is given on the asset's page to logged-in residents who accept the charter."""
    asset = selectors.asset_public(asset_id)
    if asset is None:
        raise Http404(_("Introuvable."))
    return selectors.asset_data(asset, build_url=request.build_absolute_uri)

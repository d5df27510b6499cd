"""Places API: the published shared places with their services, open now or at an instant, near a point;
one place; the same search as RFC 7946 GeoJSON for maps."""

import datetime as dt
import json
from typing import Literal

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from alleger.accounts.auth import PUBLIC
from alleger.core.api import ErrorOut, Page, api_enum
from alleger.core.errors import Refused
from alleger.territories.selectors import territory_named

from . import hours, selectors
from .models import Access, Place, PlaceType, Profile, ServiceKind, Wheelchair

router = Router()
geojson_router = Router()

PlaceProfile = api_enum(Profile, "PlaceProfile")
PlaceTypeEnum = api_enum(PlaceType, "PlaceType")
PlaceServiceKind = api_enum(ServiceKind, "PlaceServiceKind")
PlaceWheelchair = api_enum(Wheelchair, "PlaceWheelchair")
PlaceServiceAccess = api_enum(Access, "PlaceServiceAccess")


class PlaceSearch(Schema):
    territory: str | None = Field(None, description="territory slug")
    profile: PlaceProfile | None = None
    type: PlaceTypeEnum | None = Field(None, description="type of place")
    service: PlaceServiceKind | None = Field(None, description="places offering a service of this kind; `open_now` "
                                             "and `open_at` then look at those services only")
    neighbourhood: str | None = Field(None, description="neighbourhood slug")
    q: str = Field("", max_length=100, description="Words searched in the name, summary, address, neighbourhood "
                   "and services' names, accents and case ignored.")
    wheelchair: bool = Field(False, description="only places accessible in a wheelchair")
    open_now: bool = Field(False, description="only places open now (one of their services is open)")
    open_at: dt.datetime | None = Field(None, description="only places open at this instant (ISO 8601; without an "
                                        "offset, the territory's local time, Europe/Paris). Wins over `open_now`.")
    lat: float | None = Field(None, ge=-90, le=90, description="with `lon`: nearest first, `distance_m` given")
    lon: float | None = Field(None, ge=-180, le=180)


class PlaceFilters(Page, PlaceSearch):
    pass


class ServiceOut(Schema):
    id: int
    name: str
    kind: str
    kind_name: str
    opening_hours: str = Field(description="OpenStreetMap opening_hours expression ('' when unknown)")
    by_appointment: bool
    hours_note: str
    access: PlaceServiceAccess
    provider_name: str
    open_now: bool
    open_until: dt.datetime | None
    next_opening: dt.datetime | None
    when: str = Field(description="open now or the next opening, in words, in the visitor's language")


class PlaceOut(Schema):
    id: int
    name: str
    url: str
    territory: str
    type: str
    type_name: str
    profiles: list[PlaceProfile]
    origin: str
    summary: str
    address: str
    postcode: str
    city: str
    lat: float
    lon: float
    neighbourhood: str | None
    wheelchair: PlaceWheelchair
    operator: str | None = Field(description="slug of the operator organisation")
    open_now: bool
    open_until: dt.datetime | None
    next_opening: dt.datetime | None
    when: str
    distance_m: float | None = None
    services: list[ServiceOut]


class LinkOut(Schema):
    label: str
    url: str


class PhotoOut(Schema):
    url: str
    alt: str


class PlaceDetailOut(PlaceOut):
    description: str
    shared_by: list[str]
    shared_with: str
    shared_what: str
    accessibility: str
    charter: str
    community: str
    website: str
    email: str
    phone: str
    links: list[LinkOut]
    photos: list[PhotoOut]


class PlacePoint(Schema):
    type: Literal["Point"]
    coordinates: list[float] = Field(description="[longitude, latitude]")


class PlaceFeatureProperties(Schema):
    id: int
    name: str
    type: str
    type_name: str
    profiles: list[str]
    url: str
    open_now: bool
    next_opening: str | None
    when: str


class PlaceFeature(Schema):
    type: Literal["Feature"]
    id: int
    geometry: PlacePoint
    properties: PlaceFeatureProperties


class PlaceFeatureCollection(Schema):
    type: Literal["FeatureCollection"]
    features: list[PlaceFeature]


def _instant(search: PlaceSearch, now: dt.datetime) -> dt.datetime | None:
    if search.open_at is not None:
        at = search.open_at
        return at if at.tzinfo else at.replace(tzinfo=hours.local_zone())
    return now if search.open_now else None


def _found(search: PlaceSearch) -> tuple[list[Place], dt.datetime]:
    if (search.lat is None) != (search.lon is None):
        raise Refused("invalid_point", _("Donnez la latitude et la longitude ensemble."))
    territory = territory_named(search.territory) if search.territory else None
    now = timezone.now()
    instant = _instant(search, now)
    near = selectors.Point(search.lat, search.lon, "") if search.lat is not None else None
    places = selectors.find(territory=territory, profile=search.profile or "", place_type=search.type or "",
                            service_kind=search.service or "", neighbourhood_slug=search.neighbourhood or "",
                            text=search.q, wheelchair=search.wheelchair, open_at_instant=instant, near=near)
    return places, instant or now


def _service(service, at) -> dict:
    timing = selectors.service_timing(service, at)
    return {"id": service.pk, "name": service.name, "kind": service.kind, "kind_name": str(service.get_kind_display()),
            "opening_hours": service.opening_hours, "by_appointment": service.by_appointment,
            "hours_note": service.hours_note, "access": service.access, "provider_name": service.provider_name,
            "open_now": timing.is_open, "open_until": timing.until, "next_opening": timing.next_opening,
            "when": timing.text}


def _out(request, place: Place, at: dt.datetime, kind: str = "") -> dict:
    timing = selectors.place_timing(place, at, kind=kind)
    return {
        "id": place.pk, "name": place.name, "url": request.build_absolute_uri(place.get_absolute_url()),
        "territory": place.territory.slug, "type": place.place_type, "type_name": str(place.get_place_type_display()),
        "profiles": [str(p) for p in place.profiles], "origin": place.origin, "summary": place.summary,
        "address": place.address, "postcode": place.postcode, "city": place.city, "lat": place.lat, "lon": place.lon,
        "neighbourhood": place.neighbourhood.slug if place.neighbourhood_id else None,
        "wheelchair": place.wheelchair, "operator": place.operator.slug if place.operator_id else None,
        "open_now": timing.is_open, "open_until": timing.until, "next_opening": timing.next_opening,
        "when": timing.text, "distance_m": round(place.distance, 1) if hasattr(place, "distance") else None,
        "services": [_service(s, at) for s in place.services.all()],
    }


@router.get("", response={200: list[PlaceOut], 400: ErrorOut, 404: ErrorOut}, auth=PUBLIC,
            summary="Shared places, open now or at an instant")
def place_list(request, filters: Query[PlaceFilters]):
    """Published shared places with their services, by name (nearest first with `lat` and `lon`).

    A place is open at an instant when one of its services (of the `service` kind, if given) is open
    then, by its OpenStreetMap `opening_hours`. Each place and service says `open_now` (at `open_at` when
    given), `open_until`, `next_opening` (ISO 8601, local time) and `when`, the same in words
    (« Fermé, ouvre jeudi à 14 h » / "Closed, opens Thursday at 2 pm"). An unknown territory is a 404;
    `lat` without `lon` a 400 `invalid_point`."""
    places, at = _found(filters)
    return [_out(request, p, at, filters.service or "") for p in filters.of(places)]


@router.get("/{place_id}", response={200: PlaceDetailOut, 404: ErrorOut}, auth=PUBLIC, summary="One shared place")
def place_get(request, place_id: int):
    place = selectors.place_public(place_id)
    if place is None:
        raise Http404(_("Introuvable."))
    return {
        **_out(request, place, timezone.now()),
        "description": place.description, "shared_by": place.shared_by, "shared_with": place.shared_with,
        "shared_what": place.shared_what, "accessibility": place.accessibility, "charter": place.charter,
        "community": place.community, "website": place.website, "email": place.email, "phone": place.phone,
        "links": [{"label": link.label, "url": link.url} for link in place.links.all()],
        "photos": [{"url": request.build_absolute_uri(p.image.url), "alt": p.alt} for p in place.photos.all()],
    }


@geojson_router.get("", response={200: PlaceFeatureCollection, 400: ErrorOut, 404: ErrorOut}, auth=PUBLIC,
                    summary="Shared places (GeoJSON)")
def places_geojson(request, filters: Query[PlaceSearch]):
    """The same search as `/places`, as an RFC 7946 FeatureCollection (`application/geo+json`): Point
    geometries in `[longitude, latitude]` order (WGS 84, no `crs` member), at most 2 000 features.
    Properties: `id`, `name`, `type`, `type_name`, `profiles`, `url`, `open_now`, `next_opening` (ISO 8601
    or null) and `when` (in words)."""
    places, at = _found(filters)
    body = selectors.geojson(places, at=at, build_url=request.build_absolute_uri, kind=filters.service or "")
    return HttpResponse(json.dumps(body), content_type="application/geo+json")

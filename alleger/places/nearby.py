"""The places near a point that lend tools or repair (a repair café, an atelier de quartier, a fab lab),
nearest first, with their hours: open now, or when they next open (alleger.places.hours).

Higher apps import this directly (reports' suggestions, an intervention's page): they sit above places.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.urls import NoReverseMatch
from django.utils import timezone

from . import hours, selectors
from .models import Place, PlaceType, Service, ServiceKind

#: Services that put tools in residents' hands.
TOOL_KINDS = (ServiceKind.TOOL_LENDING, ServiceKind.REPAIR)
#: Places that do, whatever their services say.
TOOL_TYPES = (PlaceType.REPAIR_CAFE, PlaceType.WORKSHOP, PlaceType.FABLAB)
RADIUS_M = 2000
LIMIT = 5
EARTH_RADIUS_M = 6_371_000.0


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def place_url(place) -> str | None:
    """The place's page, or None while the places pages are not wired (a link is then left out)."""
    try:
        return place.get_absolute_url()
    except NoReverseMatch:
        return None


@dataclass
class NearbyPlace:
    place: Place
    distance: float
    services: list = field(default_factory=list)  # the services that lend or repair (or all, for a tool place)
    hours: list = field(default_factory=list)  # (service name, its next seven days in words) of those with hours
    open_now: bool = False
    next_opening: dt.datetime | None = None
    by_appointment: bool = False
    url: str | None = None


def _hours_of(services, at) -> tuple[bool, dt.datetime | None]:
    open_now, openings = False, []
    for service in services:
        if not service.opening_hours:
            continue
        try:
            open_now = open_now or hours.is_open(service.opening_hours, at)
            opening = hours.next_opening(service.opening_hours, at)
        except ValueError:  # an expression stored before the validator knew better: said nothing about it
            continue
        if opening is not None:
            openings.append(opening)
    return open_now, min(openings) if openings else None


def tool_places(*, lat: float | None, lon: float | None, territory=None, radius_m: float = RADIUS_M,
                limit: int = LIMIT, at: dt.datetime | None = None, place_types=()) -> list[NearbyPlace]:
    """Published places within `radius_m` that lend tools or repair, nearest first (then by name).

    `place_types` adds the places of those types (the types a kit applies to: the gardens for the
    gardener's kit)."""
    if lat is None or lon is None:
        return []
    at = at or timezone.now()
    dlat = radius_m / (EARTH_RADIUS_M * math.pi / 180) * 1.01
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    qs = Place.objects.filter(moderation=Place.Moderation.PUBLISHED, lat__gte=lat - dlat, lat__lte=lat + dlat,
                              lon__gte=lon - dlon, lon__lte=lon + dlon).filter(
        Q(place_type__in=[*TOOL_TYPES, *place_types]) | Q(services__kind__in=TOOL_KINDS)).distinct().prefetch_related(
        Prefetch("services", queryset=Service.objects.order_by("name", "pk")))
    if territory is not None:
        qs = qs.filter(territory=territory)
    found = []
    for place in qs:
        distance = distance_m(lat, lon, place.lat, place.lon)
        if distance <= radius_m:
            found.append((distance, place))
    found.sort(key=lambda pair: (pair[0], pair[1].name, pair[1].pk))
    result = []
    for distance, place in found[:limit]:
        services = list(place.services.all())
        tools = [s for s in services if s.kind in TOOL_KINDS] or services
        open_now, next_opening = _hours_of(tools, at)
        in_words = [(s.name, selectors.next_days_in_words(s.opening_hours, at)) for s in tools if s.opening_hours]
        result.append(NearbyPlace(place=place, distance=distance, services=tools, open_now=open_now,
                                  next_opening=next_opening, hours=[(name, text) for name, text in in_words if text],
                                  by_appointment=any(s.by_appointment for s in tools), url=place_url(place)))
    return result

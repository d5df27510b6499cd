"""Bookings API: resources and their spare capacity (public, open data: JSON and GeoJSON), one's own
bookings, booking, cancelling, the waitlist and claiming a held slot (authenticated). Same services,
same refusals as the pages: `{code, message}` with the status the refusal carries."""

from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from alleger.accounts.auth import AUTH, PUBLIC
from alleger.core.api import ErrorOut
from alleger.places.models import Place

from . import selectors, services
from .models import Booking, Resource

router = Router()


class ResourceOut(Schema):
    id: int
    name: str
    kind: str
    place: int
    place_name: str
    capacity: int
    opening_hours: str
    slot_minutes: int
    max_slots: int
    buffer_minutes: int
    book_ahead_days: int
    cancel_hours: int
    pricing: str
    price_cents: int
    training: str | None
    url: str


def _resource_out(r: Resource) -> dict:
    return {"id": r.pk, "name": r.name, "kind": r.kind, "place": r.place_id, "place_name": r.place.name,
            "capacity": r.capacity, "opening_hours": r.opening_hours, "slot_minutes": r.slot_minutes,
            "max_slots": r.max_slots, "buffer_minutes": r.buffer_minutes, "book_ahead_days": r.book_ahead_days,
            "cancel_hours": r.cancel_hours, "pricing": r.pricing, "price_cents": r.price_cents,
            "training": r.training.name if r.training_id else None, "url": r.get_absolute_url()}


class SlotOut(Schema):
    start: datetime
    end: datetime
    free: int


class SpareOut(Schema):
    resource: int
    name: str
    place: int
    place_name: str
    capacity: int
    url: str
    slots: list[SlotOut]


class SpareQuery(Schema):
    place: int | None = None
    days: int = Field(selectors.SPARE_DAYS, ge=1, le=selectors.SPARE_DAYS)


class BookingOut(Schema):
    id: int
    resource: int
    resource_name: str
    place_name: str
    start: datetime
    end: datetime
    seats: int
    status: str
    hold_until: datetime | None
    price_cents: int
    purpose: str
    url: str
    ics: str


def _booking_out(b: Booking) -> dict:
    return {"id": b.pk, "resource": b.resource_id, "resource_name": b.resource.name,
            "place_name": b.resource.place.name, "start": b.start, "end": b.end, "seats": b.seats,
            "status": b.status, "hold_until": b.hold_until, "price_cents": b.price_cents, "purpose": b.purpose,
            "url": b.get_absolute_url(), "ics": b.get_absolute_url().rstrip("/") + ".ics"}


class BookingIn(Schema):
    resource: int
    start: datetime
    end: datetime
    seats: int = Field(1, ge=1, le=1000)
    purpose: str = Field("", max_length=200)


class WaitlistOut(Schema):
    id: int
    resource: int
    start: datetime
    end: datetime
    status: str


def _spare(place=None, days=selectors.SPARE_DAYS):
    return [{"resource": item["resource"].pk, "name": item["resource"].name, "place": item["resource"].place_id,
             "place_name": item["resource"].place.name, "capacity": item["resource"].capacity,
             "url": item["resource"].get_absolute_url(),
             "slots": [{"start": s.start, "end": s.end, "free": s.free} for s in item["slots"]]}
            for item in selectors.spare_capacity(place=place, days=days)]


def _place_or_404(pk):
    if pk is None:
        return None
    return get_object_or_404(Place, pk=pk, moderation=Place.Moderation.PUBLISHED)


@router.get("resources", response=list[ResourceOut], auth=PUBLIC, summary="Bookable resources")
def resources(request, place: int | None = None):
    return [_resource_out(r) for r in selectors.bookable_resources(_place_or_404(place))]


@router.get("resources/{int:resource_id}", response={200: ResourceOut, 404: ErrorOut}, auth=PUBLIC,
            summary="One bookable resource")
def resource(request, resource_id: int):
    r = get_object_or_404(selectors.bookable_resources(), pk=resource_id)
    return _resource_out(r)


@router.get("free-slots", response=list[SpareOut], auth=PUBLIC, summary="Spare capacity: free slots (open data)")
def free_slots(request, filters: Query[SpareQuery]):
    """The free slots of every bookable resource in the coming weeks (at most 21 days), with their free seats."""
    return _spare(_place_or_404(filters.place), filters.days)


class SpareFeatureOut(Schema):
    type: Literal["Feature"]
    id: int
    geometry: dict
    properties: dict


class SpareFeatureCollectionOut(Schema):
    type: Literal["FeatureCollection"]
    features: list[SpareFeatureOut]


@router.get("free-slots.geojson", response=SpareFeatureCollectionOut, auth=PUBLIC,
            summary="Spare capacity by place (GeoJSON, open data)")
def free_slots_geojson(request, filters: Query[SpareQuery]):
    """One point per place with its resources, each with its count of free slots and its next free ones."""
    by_place: dict[int, dict] = {}
    for item in selectors.spare_capacity(place=_place_or_404(filters.place), days=filters.days):
        r = item["resource"]
        feature = by_place.setdefault(r.place_id, {
            "type": "Feature", "id": r.place_id,
            "geometry": {"type": "Point", "coordinates": [r.place.lon, r.place.lat]},
            "properties": {"name": r.place.name, "address": r.place.address, "resources": []}})
        feature["properties"]["resources"].append({
            "id": r.pk, "name": r.name, "kind": r.kind, "capacity": r.capacity, "url": r.get_absolute_url(),
            "free_slots": len(item["slots"]),
            "next_free": [{"start": s.start.isoformat(), "end": s.end.isoformat(), "free": s.free}
                          for s in item["slots"][:5]]})
    return {"type": "FeatureCollection", "features": list(by_place.values())}


@router.get("mine", response=list[BookingOut], auth=AUTH, summary="My bookings")
def mine(request):
    data = selectors.my_bookings(request.user)
    return [_booking_out(b) for b in data["held"] + data["upcoming"]]


@router.post("", response={201: BookingOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
             auth=AUTH, summary="Book a slot")
def book(request, payload: BookingIn):
    """Every rule is checked: refusals such as `slot_taken`, `changeover` (the buffer around a booking), `full`
    (join the waitlist), `closed`, `too_late`, `too_early`, `training_required`, `members_only`, `quota`,
    `too_many_no_shows`."""
    r = get_object_or_404(Resource.objects.select_related("place", "training"), pk=payload.resource)
    if not request.user.has_perm("bookings.view_resource", r):
        raise Http404
    if not request.user.has_perm("bookings.book_resource", r):
        raise PermissionDenied
    b = services.booking_create(resource=r, user=request.user, start=payload.start, end=payload.end,
                                seats=payload.seats, purpose=payload.purpose)
    return Status(201, _booking_out(b))


@router.post("waitlist", response={201: WaitlistOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
             auth=AUTH, summary="Join the waitlist of a full slot")
def waitlist(request, payload: BookingIn):
    r = get_object_or_404(Resource.objects.select_related("place", "training"), pk=payload.resource)
    if not request.user.has_perm("bookings.book_resource", r):
        raise PermissionDenied
    e = services.waitlist_join(resource=r, user=request.user, start=payload.start, end=payload.end,
                               seats=payload.seats)
    return Status(201, {"id": e.pk, "resource": r.pk, "start": e.start, "end": e.end, "status": e.status})


def _mine_or_404(request, booking_id, perm="bookings.view_booking") -> Booking:
    b = get_object_or_404(Booking.objects.select_related("resource__place"), pk=booking_id)
    if not request.user.has_perm("bookings.view_booking", b):
        raise Http404
    if not request.user.has_perm(perm, b):
        raise PermissionDenied
    return b


@router.post("{int:booking_id}/cancel", response={200: BookingOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
             auth=AUTH, summary="Cancel a booking (or let a held slot pass)")
def cancel(request, booking_id: int):
    b = services.booking_cancel(booking=_mine_or_404(request, booking_id, "bookings.cancel_booking"),
                                actor=request.user)
    return _booking_out(b)


@router.post("{int:booking_id}/claim", response={200: BookingOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
             auth=AUTH, summary="Confirm a slot the waitlist offered you")
def claim(request, booking_id: int):
    return _booking_out(services.hold_claim(booking=_mine_or_404(request, booking_id), user=request.user))

"""Reads of the bookings app: resources, free slots (spare capacity), one's bookings, occupancy."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils import timezone

from alleger.places.models import Place
from alleger.territories.models import TerritoryRole

from . import slots
from .models import ACTIVE, Booking, Qualification, Resource, Status, Training, WaitlistEntry

#: How far the published spare capacity looks ahead.
SPARE_DAYS = 21
#: The statuses counted as occupied in the occupancy figures (a no-show released its slot).
OCCUPIED = (Status.CONFIRMED, Status.CHECKED_IN)


def bookable_resources(place: Place | None = None):
    qs = Resource.objects.filter(active=True, place__moderation=Place.Moderation.PUBLISHED).select_related(
        "place", "training")
    return qs.filter(place=place) if place is not None else qs


def place_resources(place: Place):
    """Every resource of a place (its manager sees the inactive ones too)."""
    return Resource.objects.filter(place=place).select_related("training")


@dataclass(frozen=True)
class Slot:
    start: dt.datetime
    end: dt.datetime
    free: int
    capacity: int
    #: Held by no booking, only by the changeover time (buffer) before or after one: « battement », not « complet ».
    changeover: bool = False

    @property
    def is_free(self) -> bool:
        return self.free > 0


def slot_grid(resource: Resource, *, since: dt.datetime | None = None, days: int = 14,
              until: dt.datetime | None = None) -> list[Slot]:
    """Each slot of the coming `days` days (or until `until`) with its free seats (capacity minus the peak
    held)."""
    since = since or timezone.now()
    until = until or since + dt.timedelta(days=min(days, resource.book_ahead_days + 1))
    grid = slots.slots(resource.opening_hours, resource.slot_minutes, since, until)
    if not grid:
        return []
    buffer = dt.timedelta(minutes=resource.buffer_minutes)
    rows = list(Booking.objects.filter(resource=resource, status__in=ACTIVE, start__lt=grid[-1][1] + buffer,
                                       blocked_end__gt=grid[0][0]).values_list("start", "end", "blocked_end", "seats"))
    taken = [(start, blocked_end, seats) for start, _end, blocked_end, seats in rows]
    held = [(start, end, seats) for start, end, _blocked_end, seats in rows]
    grid_slots = []
    for s, e in grid:
        free = max(0, resource.capacity - slots.peak(taken, s, e + buffer))
        changeover = not free and bool(buffer) and slots.peak(held, s, e) < resource.capacity
        grid_slots.append(Slot(s, e, free, resource.capacity, changeover))
    return grid_slots


def free_slots(resource: Resource, *, since=None, days: int = SPARE_DAYS) -> list[Slot]:
    return [s for s in slot_grid(resource, since=since, days=days) if s.is_free]


def busy_ranges(resource: Resource, *, since: dt.datetime, until: dt.datetime):
    """The busy periods of a resource, no names: (start, end, seats) of its active bookings."""
    return list(Booking.objects.filter(resource=resource, status__in=ACTIVE, start__lt=until, end__gt=since)
                .order_by("start").values_list("start", "end", "seats"))


def spare_capacity(*, place: Place | None = None, territory=None, since=None, days: int = SPARE_DAYS) -> list[dict]:
    """The published spare capacity: per resource, its free slots of the coming weeks."""
    resources = bookable_resources(place)
    if territory is not None:
        resources = resources.filter(place__territory=territory)
    return [{"resource": r, "slots": free_slots(r, since=since, days=days)} for r in resources]


def my_bookings(user, *, now=None):
    now = now or timezone.now()
    qs = Booking.objects.filter(user=user).select_related("resource__place", "series")
    return {
        "held": list(qs.filter(status=Status.HELD)),
        "upcoming": list(qs.filter(status__in=(Status.CONFIRMED, Status.CHECKED_IN), end__gt=now)),
        "past": list(qs.filter(Q(end__lte=now) | ~Q(status__in=ACTIVE)).order_by("-start")[:30]),
        "waiting": list(WaitlistEntry.objects.filter(user=user, status=WaitlistEntry.Status.WAITING,
                                                     end__gt=now).select_related("resource__place")),
        "trainings": list(Qualification.objects.filter(user=user).select_related("training__place")),
    }


def feed_bookings(user):
    """What a person's calendar feed shows: their bookings from a month back, the cancelled ones too (marked
    CANCELLED, so that a subscribed calendar removes them)."""
    return (Booking.objects.filter(user=user, status__in=(*ACTIVE, Status.NO_SHOW, Status.CANCELLED),
                                   end__gte=timezone.now() - dt.timedelta(days=31))
            .select_related("resource__place").order_by("start"))


def manager_view(place: Place, *, now=None) -> dict:
    now = now or timezone.now()
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    bookings = (Booking.objects.filter(resource__place=place, end__gte=day_start,
                                       start__lt=now + dt.timedelta(days=14))
                .select_related("resource", "user", "organisation").order_by("start", "pk"))
    return {
        "bookings": list(bookings),
        "waitlist": list(WaitlistEntry.objects.filter(resource__place=place,
                                                      status__in=(WaitlistEntry.Status.WAITING,
                                                                  WaitlistEntry.Status.OFFERED),
                                                      end__gt=now).select_related("resource", "user")),
        "trainings": list(Training.objects.filter(place=place).prefetch_related(
            Prefetch("qualifications", queryset=Qualification.objects.select_related("user")))),
    }


# --- occupancy --------------------------------------------------------------------------------


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def occupancy(resources, *, first: dt.date, weeks: int) -> list[dict]:
    """Per week from `first` (a Monday): open seat-hours, booked seat-hours and their ratio (per cent).

    Open hours come from each resource's own opening hours, times its capacity; booked hours are the
    confirmed and checked-in bookings (a no-show released its slot)."""
    zone = timezone.get_current_timezone()
    first = _week_start(first)
    since = dt.datetime.combine(first, dt.time(), tzinfo=zone)
    until = dt.datetime.combine(first + dt.timedelta(weeks=weeks), dt.time(), tzinfo=zone)
    rows = [{"week": first + dt.timedelta(weeks=i), "open": 0.0, "booked": 0.0} for i in range(weeks)]
    resources = list(resources)

    def index(at: dt.datetime) -> int:
        return (timezone.localtime(at, zone).date() - first).days // 7

    for r in resources:
        for w_start, w_end in slots.windows(r.opening_hours, since, until):
            rows[min(index(w_start), weeks - 1)]["open"] += (w_end - w_start).total_seconds() / 3600 * r.capacity
    for start, end, seats in Booking.objects.filter(resource__in=resources, status__in=OCCUPIED, start__lt=until,
                                                    end__gt=since).values_list("start", "end", "seats"):
        start, end = max(start, since), min(end, until)
        rows[min(index(start), weeks - 1)]["booked"] += (end - start).total_seconds() / 3600 * seats
    for row in rows:
        row["open"] = round(row["open"], 1)
        row["booked"] = round(row["booked"], 1)
        row["percent"] = round(100 * row["booked"] / row["open"]) if row["open"] else 0
    return rows


def managed_resources(user):
    """The bookable resources of the places this person manages (operator's member, territory moderator)."""
    if not user.is_authenticated:
        return Resource.objects.none()
    return bookable_resources().filter(
        Q(place__operator__memberships__user=user)
        | Q(place__territory__roles__user=user, place__territory__roles__role=TerritoryRole.Role.MODERATOR)
    ).distinct().order_by("place__name", "name")


def stranded_bookings(resource: Resource, *, now: dt.datetime | None = None) -> list[Booking]:
    """The bookings to come that the resource's rules no longer hold: outside its opening hours (a closed
    day added, hours cut) or on a resource that is no longer bookable. They stay confirmed until someone
    decides: the manager is told, with each one, to warn the person or cancel it."""
    now = now or timezone.now()
    coming = list(Booking.objects.filter(resource=resource, status__in=ACTIVE, start__gte=now)
                  .select_related("user").order_by("start", "pk"))
    if not resource.active:
        return coming
    return [b for b in coming if slots.window_of(resource.opening_hours, b.start, b.end) is None]

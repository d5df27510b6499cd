"""The shared places track in the watch: places published, and bookings in aggregate.

Registered on import (alleger.cell.apps imports this module): the cell sits above places and bookings in
the layers, so it reads their tables directly. Places have no theme: with a theme filter, neither kind
gives anything (their kinds are not `themed`, so `watch.feed` skips them).

A place has no publication date of its own: it is published when it is created published (the demo, an
import, the admin) or when a moderator accepts the proposal (the review's `PlaceChange`, the only one a
proposed place gets), so `published_places` reads the date of that review, else the creation date.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Max, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from alleger.bookings.models import Booking, Status
from alleger.places.models import Place, PlaceChange

from .watch import Filters, WatchItem, day_event, register_kind

#: The bookings a day's aggregate counts: made and not withdrawn by the place (a waitlist offer not yet
#: claimed, or lapsed, is not a booking made). Cancelled ones count: someone booked that day.
MADE = (Status.CONFIRMED, Status.CHECKED_IN, Status.NO_SHOW, Status.CANCELLED)


def published_places(territory):
    """The territory's published places, each annotated with `published_at` (see the module's docstring)."""
    review = (PlaceChange.objects.filter(place=OuterRef("pk"), source=PlaceChange.Source.REVIEW)
              .order_by("-created_at", "-pk").values("created_at")[:1])
    return (Place.objects.filter(territory=territory, moderation=Place.Moderation.PUBLISHED)
            .annotate(published_at=Coalesce(Subquery(review), "created_at")))


def describe(place: Place) -> str:
    """« Tiers-lieu · Médiation et accès, Création et projets »: its type and its profiles."""
    profiles = ", ".join(str(Place.Profile(p).label) for p in place.profiles)
    return f"{place.get_place_type_display()} · {profiles}" if profiles else place.get_place_type_display()


def _hood(place: Place) -> str:
    return place.neighbourhood.name if place.neighbourhood_id else ""


def place_items(filters: Filters, limit: int):
    """Shared places newly published in the territory, with their type, profiles and neighbourhood."""
    if filters.theme is not None:
        return
    qs = filters.dated(filters.placed(published_places(filters.territory)), "published_at")
    for place in qs.select_related("neighbourhood").order_by("-published_at", "-pk")[:limit]:
        yield WatchItem(kind="place", date=place.published_at, title=place.name, url=place.get_absolute_url(),
                        territory_id=place.territory_id, neighbourhood=_hood(place), summary=describe(place),
                        event=_("publié"), target=("places.place", place.pk))


def booking_items(filters: Filters, limit: int):
    """Bookings per place and local day they were made, in aggregate only: how many and how many hours,
    never who booked nor why."""
    if filters.theme is not None:
        return
    qs = Booking.objects.filter(resource__place__territory=filters.territory, status__in=MADE,
                                resource__place__moderation=Place.Moderation.PUBLISHED)
    qs = filters.dated(filters.placed(qs, "resource__place__neighbourhood"), "created_at")
    rows = list(qs.annotate(day=TruncDate("created_at", tzinfo=ZoneInfo(settings.TIME_ZONE))).order_by()
                .values("resource__place_id", "day")
                .annotate(n=Count("pk"), last=Max("created_at"), seats=Sum("seats"))
                .order_by("-last")[:limit])
    if not rows:
        return
    # The hours booked: one more small query over the same groups (durations are summed in Python: the
    # databases disagree on interval arithmetic).
    zone = ZoneInfo(settings.TIME_ZONE)
    oldest = datetime.datetime.combine(min(r["day"] for r in rows), datetime.time.min, tzinfo=zone)
    hours = {}
    for place_id, day, start, end, seats in (
            qs.filter(resource__place_id__in={r["resource__place_id"] for r in rows}, created_at__gte=oldest)
            .annotate(day=TruncDate("created_at", tzinfo=ZoneInfo(settings.TIME_ZONE)))
            .values_list("resource__place_id", "day", "start", "end", "seats")):
        hours[(place_id, day)] = hours.get((place_id, day), 0) + (end - start).total_seconds() / 3600 * seats
    places = {p.pk: p for p in Place.objects.filter(pk__in={r["resource__place_id"] for r in rows})
              .select_related("neighbourhood")}
    for row in rows:
        place = places[row["resource__place_id"]]
        booked = round(hours.get((place.pk, row["day"]), 0))
        summary = ngettext("%(n)s réservation à %(place)s, %(hours)s h réservées",
                           "%(n)s réservations à %(place)s, %(hours)s h réservées", row["n"]) % {
            "n": row["n"], "place": place.name, "hours": booked}
        yield WatchItem(kind="bookings", date=row["last"], title=place.name, url=place.get_absolute_url(),
                        territory_id=place.territory_id, neighbourhood=_hood(place), summary=summary,
                        event=day_event(), target=("places.place", place.pk))


register_kind("place", gettext_lazy("Lieu partagé"), place_items)
register_kind("bookings", gettext_lazy("Réservations"), booking_items)

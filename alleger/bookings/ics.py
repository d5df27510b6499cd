"""iCalendar feeds (RFC 5545, through icalendar): a person's bookings, a resource's busy and free time,
one booking. The public feed of a resource names nobody: busy periods only, and its free slots."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, FreeBusy, vPeriod

from .models import Booking, Resource, Status

PRODID = "-//Alléger//Réservations//FR"


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    return cal


def _uid(kind: str, pk) -> str:
    host = settings.SITE_URL.split("//")[-1].split("/")[0] or "alleger"
    return f"{kind}-{pk}@{host}"


def booking_event(booking: Booking) -> Event:
    resource = booking.resource
    event = Event()
    event.add("uid", _uid("booking", booking.pk))
    event.add("dtstamp", booking.updated_at or timezone.now())
    event.add("dtstart", booking.start)
    event.add("dtend", booking.end)
    event.add("summary", f"{resource.name} — {resource.place.name}")
    event.add("location", ", ".join(p for p in (resource.place.name, resource.place.address, resource.place.city) if p))
    event.add("url", settings.SITE_URL.rstrip("/") + booking.get_absolute_url())
    if booking.purpose:
        event.add("description", booking.purpose)
    event.add("status", "CANCELLED" if booking.status not in (Status.CONFIRMED, Status.CHECKED_IN, Status.HELD)
              else "TENTATIVE" if booking.status == Status.HELD else "CONFIRMED")
    return event


def booking_calendar(booking: Booking) -> bytes:
    cal = _calendar(booking.resource.name)
    cal.add("method", "PUBLISH")
    cal.add_component(booking_event(booking))
    return cal.to_ical()


def person_calendar(bookings) -> bytes:
    cal = _calendar(_("Mes réservations — Alléger"))
    for booking in bookings:
        cal.add_component(booking_event(booking))
    return cal.to_ical()


def resource_calendar(resource: Resource, busy, free_slots, *, since: dt.datetime, until: dt.datetime) -> bytes:
    """Busy periods as opaque events titled « Occupé » (no names), and a VFREEBUSY listing busy and free."""
    cal = _calendar(f"{resource.name} — {resource.place.name}")
    stamp = timezone.now()
    for start, end, _seats in busy:
        event = Event()
        # Named by its own period, not by its rank: a cancellation earlier in the list must not rename
        # every later event (a calendar would show duplicates and ghosts).
        event.add("uid", _uid(f"resource-{resource.pk}-busy", f"{int(start.timestamp())}-{int(end.timestamp())}"))
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("summary", _("Occupé"))
        event.add("transp", "OPAQUE")
        event.add("class", "PUBLIC")
        cal.add_component(event)
    fb = FreeBusy()
    fb.add("uid", _uid("resource-freebusy", resource.pk))
    fb.add("dtstamp", stamp)
    fb.add("dtstart", since)
    fb.add("dtend", until)
    fb.add("url", settings.SITE_URL.rstrip("/") + resource.get_absolute_url())
    for start, end, _seats in busy:
        fb.add("freebusy", vPeriod((start.astimezone(dt.UTC), end.astimezone(dt.UTC))), parameters={"FBTYPE": "BUSY"})
    for slot in free_slots:
        fb.add("freebusy", vPeriod((slot.start.astimezone(dt.UTC), slot.end.astimezone(dt.UTC))),
               parameters={"FBTYPE": "FREE"})
    cal.add_component(fb)
    return cal.to_ical()

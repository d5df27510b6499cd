"""A person's bookings in their data export; closing the account releases those to come
(alleger.accounts.personal_data), so that a place does not keep a room for nobody."""

from django.utils import timezone
from django.utils.translation import ngettext

from alleger.core.errors import Refused

from .models import ACTIVE, Booking, WaitlistEntry
from .services import booking_cancel


def export(user) -> list[dict]:
    rows = Booking.objects.filter(user=user).select_related("resource__place", "organisation").order_by("start")
    return [{
        "resource": b.resource.name, "place": b.resource.place.name, "start": b.start.isoformat(),
        "end": b.end.isoformat(), "seats": b.seats, "status": b.status, "price_cents": b.price_cents,
        "purpose": b.purpose, "for_group": b.organisation.name if b.organisation else None,
    } for b in rows]


def _coming(user, now):
    return Booking.objects.filter(user=user, status__in=ACTIVE, end__gt=now).select_related("resource").order_by("start")


def warnings(user) -> list[str]:
    n = _coming(user, timezone.now()).count()
    if not n:
        return []
    return [ngettext("Votre réservation à venir sera annulée, et son créneau rendu au lieu.",
                     "Vos %(n)d réservations à venir seront annulées, et leurs créneaux rendus aux lieux.", n) % {"n": n}]


def before_delete(user, now) -> None:
    for booking in _coming(user, now):
        try:
            # The place is not told « X a annulé » for each: nobody cancelled, an account was closed.
            booking_cancel(booking=booking, actor=user, now=now, account_closed=True, tell_place=False)
        except Refused:
            pass  # already ended or cancelled meanwhile
    WaitlistEntry.objects.filter(user=user, status__in=(WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED)
                                 ).update(status=WaitlistEntry.Status.LEFT)

"""E-mails of the bookings track, queued after the transaction that caused them commits (alleger.core.mail).

The person who books hears of every change to their booking that they did not make themselves on the
page: its confirmation (and what cancelling it allows; a weekly series in one e-mail, with the dates it could not
book), a place cancelling it, and a slot freed for
them from the waitlist, which they must confirm before its hold runs out.

The place hears, at the address its manager gave for the resource (`Resource.notify_email`, in the
site's language: a mailbox, not an account), of what people book and cancel themselves: one e-mail per
booking, or per weekly series booked or cancelled at once.
"""

import datetime as dt

from django.conf import settings

from alleger.core.mail import send_later


def _send(template: str, booking, **context) -> None:
    send_later(f"bookings/email/{template}.txt", [booking.user], {"booking": booking, **context})


def booking_confirmed(booking, *, cancel_until, cancellable: bool) -> None:
    _send("booking_confirmed", booking, cancel_until=cancel_until, cancellable=cancellable)


def booking_cancelled_by_place(booking, *, reason: str) -> None:
    _send("booking_cancelled", booking, reason=reason)


def hold_offered(booking) -> None:
    _send("hold_offered", booking)


def series_booked(series, bookings) -> None:
    conflicts = [{**c, "day": dt.date.fromisoformat(c["date"])} for c in series.conflicts]
    send_later("bookings/email/series_booked.txt", [series.user], {
        "series": series, "bookings": bookings, "conflicts": conflicts,
        "total_cents": sum(b.price_cents for b in bookings)})


def _place_mailbox(resource) -> list:
    return [(resource.notify_email, settings.LANGUAGE_CODE)] if resource.notify_email else []


def place_told_booked(bookings, *, series=None) -> None:
    """Bookings just confirmed (one, or a series' dates), to the resource's mailbox."""
    if bookings:
        send_later("bookings/email/place_booked.txt", _place_mailbox(bookings[0].resource),
                   {"bookings": bookings, "series": series, "first": bookings[0]})


def place_told_cancelled(bookings, *, series=None) -> None:
    """Bookings the person cancelled (one, or the dates of a series), to the resource's mailbox."""
    if bookings:
        send_later("bookings/email/place_cancelled.txt", _place_mailbox(bookings[0].resource),
                   {"bookings": bookings, "series": series, "first": bookings[0]})

"""What the person who books is told by e-mail: the confirmation (and what cancelling allows), a place
cancelling their booking (with its reason), and a slot freed for them from the waitlist."""

import datetime as dt

import pytest
from django.core import mail

from alleger.bookings import services
from alleger.bookings.models import Booking, Status
from alleger.core.models import AuditEvent
from alleger.testing.factories import UserFactory

from .conftest import NOW, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run what the services queue after their commit; the e-mails sent, by recipient."""
    def run(fn, *args, **kwargs):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            result = fn(*args, **kwargs)
        return result, {m.to[0]: m for m in mail.outbox}
    return run


def test_a_booking_is_confirmed_by_e_mail_with_its_cancellation_deadline(room, resident, sent):
    booking, mails = sent(services.booking_create, resource=room, user=resident, start=at(2, 10), end=at(2, 11),
                          now=NOW)
    message = mails[resident.email]
    assert message.subject == "[Alléger] Réservation confirmée : Salle Jacquard, mercredi 9 janvier"
    assert "mercredi 9 janvier 2030, 10:00–11:00" in message.body
    assert "Annulation en ligne possible jusqu'au mardi 8 janvier, 10:00." in message.body  # 24 h before
    assert booking.get_absolute_url() in message.body


def test_booked_inside_the_cancellation_window_the_e_mail_says_it_no_longer_cancels_online(room, resident, sent):
    _booking, mails = sent(services.booking_create, resource=room, user=resident, start=at(0, 14), end=at(0, 15),
                           now=NOW)
    body = mails[resident.email].body
    assert "ne s'annule plus en ligne" in body and "Annulation en ligne possible" not in body


def test_a_place_cancelling_tells_the_person_why(room, resident, org_member, sent):
    booking = services.booking_create(resource=room, user=resident, start=at(2, 10), end=at(2, 11), now=NOW)
    _booking, mails = sent(services.booking_cancel, booking=booking, actor=org_member,
                           reason="Dégât des eaux dans la salle.", now=NOW)
    message = mails[resident.email]
    assert message.subject.startswith("[Alléger] Réservation annulée par le lieu : Salle Jacquard")
    assert "Motif : Dégât des eaux dans la salle." in message.body
    assert AuditEvent.objects.get(action="booking.cancel").data["reason"] == "Dégât des eaux dans la salle."
    # The person cancelling their own booking is not e-mailed about it
    own = services.booking_create(resource=room, user=resident, start=at(3, 10), end=at(3, 11), now=NOW)
    _booking, mails = sent(services.booking_cancel, booking=own, actor=resident, now=NOW)
    assert mails == {}


def test_a_reason_too_long_is_refused_and_cancels_nothing(room, resident, org_member):
    booking = services.booking_create(resource=room, user=resident, start=at(2, 10), end=at(2, 11), now=NOW)
    with pytest.raises(services.Refused):
        services.booking_cancel(booking=booking, actor=org_member, reason="x" * 501, now=NOW)
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED


def test_a_freed_slot_is_offered_by_e_mail_with_its_deadline_then_confirmed(room, resident, settings, sent):
    settings.BOOKINGS_HOLD_MINUTES = 120
    first = services.booking_create(resource=room, user=UserFactory(), start=at(2, 10), end=at(2, 11), now=NOW)
    services.waitlist_join(resource=room, user=resident, start=at(2, 10), end=at(2, 11), now=NOW)
    _booking, mails = sent(services.booking_cancel, booking=first, actor=first.user, now=NOW)
    held = Booking.objects.get(user=resident, status=Status.HELD)
    offer = mails[resident.email]
    assert offer.subject == "[Alléger] Un créneau s'est libéré pour vous : Salle Jacquard, mercredi 9 janvier"
    assert "Il vous est réservé jusqu'au lundi 7 janvier, 11:00." in offer.body
    assert held.get_absolute_url() in offer.body
    _claimed, mails = sent(services.hold_claim, booking=held, user=resident, now=NOW + dt.timedelta(minutes=5))
    assert mails[resident.email].subject.startswith("[Alléger] Réservation confirmée : Salle Jacquard")

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


# --- the place, at the address its manager gave for the resource ---------------------------------------------


PLACE_BOX = "reservations@fabrique.example"


def test_the_place_is_told_of_each_booking_and_each_cancellation_made_by_the_person(room, resident, org_member, sent):
    room.notify_email = PLACE_BOX
    room.save()
    booking, mails = sent(services.booking_create, resource=room, user=resident, start=at(2, 10), end=at(2, 11),
                          purpose="Réunion du jardin partagé", now=NOW)
    told = mails[PLACE_BOX]
    assert told.subject == "[Alléger] Nouvelle réservation : Salle Jacquard, mercredi 9 janvier"
    assert f"{resident.public_name} a réservé « Salle Jacquard » (La Fabrique)." in told.body
    assert "Quand : mercredi 9 janvier 2030, 10:00–11:00" in told.body
    assert "Objet : Réunion du jardin partagé" in told.body
    assert f"/reservations/lieux/{room.place_id}/gestion/" in told.body  # the place's bookings
    assert f"La réservation : http://127.0.0.1:8000/reservations/{booking.pk}/" in told.body
    assert "champ « Prévenir à cette adresse » de « Salle Jacquard »" in told.body
    assert resident.email not in told.body  # the person's address stays theirs, as on the manager's page
    assert set(mails) == {resident.email, PLACE_BOX}

    _cancelled, mails = sent(services.booking_cancel, booking=booking, actor=resident, now=NOW)
    told = mails[PLACE_BOX]
    assert told.subject == "[Alléger] Réservation annulée : Salle Jacquard, mercredi 9 janvier"
    assert f"{resident.public_name} a annulé sa réservation de « Salle Jacquard » (La Fabrique)." in told.body
    assert "Le créneau est de nouveau libre" in told.body and "Objet : Réunion du jardin partagé" in told.body

    # The place cancelling itself is not told of what it did; the person is
    other = services.booking_create(resource=room, user=resident, start=at(3, 10), end=at(3, 11), now=NOW)
    _cancelled, mails = sent(services.booking_cancel, booking=other, actor=org_member, now=NOW)
    assert set(mails) == {resident.email}


def test_without_an_address_the_place_is_told_nothing(room, resident, sent):
    assert room.notify_email == ""
    _booking, mails = sent(services.booking_create, resource=room, user=resident, start=at(2, 10), end=at(2, 11),
                           now=NOW)
    assert set(mails) == {resident.email}


def test_a_place_is_told_of_a_series_booked_or_cancelled_in_one_e_mail(room, org_member, sent, organisation):
    room.notify_email = PLACE_BOX
    room.save()
    series, mails = sent(services.series_book, resource=room, user=org_member, start=at(1, 18), end=at(1, 20),
                         weeks=3, title="Répétitions de la chorale", organisation=organisation, now=NOW)
    assert len([m for m in mail.outbox if m.to == [PLACE_BOX]]) == 1
    told = mails[PLACE_BOX]
    assert told.subject == "[Alléger] Série réservée : Salle Jacquard, 3 dates"
    assert f"({organisation.name}) a réservé « Salle Jacquard »" in told.body
    assert "Série : Répétitions de la chorale" in told.body
    assert f"/reservations/series/{series.pk}/" in told.body
    for day in ("mardi 8 janvier 2030", "mardi 15 janvier 2030", "mardi 22 janvier 2030"):
        assert f"- {day}, 18:00–20:00" in told.body

    _result, mails = sent(services.series_cancel, series=series, actor=org_member, now=NOW)
    assert len([m for m in mail.outbox if m.to == [PLACE_BOX]]) == 1
    told = mails[PLACE_BOX]
    assert told.subject == "[Alléger] Série annulée : Salle Jacquard, 3 dates"
    assert f"{org_member.public_name} a annulé les dates à venir de sa série « Répétitions de la chorale »" in told.body
    assert told.body.count("18:00–20:00") == 3 and "Les créneaux sont de nouveau libres" in told.body


def test_the_place_is_told_in_english_when_the_site_speaks_english(room, resident, sent, settings):
    settings.LANGUAGE_CODE = "en"
    room.notify_email = PLACE_BOX
    room.save()
    _booking, mails = sent(services.booking_create, resource=room, user=resident, start=at(2, 10), end=at(2, 11),
                           now=NOW)
    assert mails[PLACE_BOX].subject == "[Alléger] New booking: Salle Jacquard, Wednesday 9 January"
    assert "booked “Salle Jacquard” (La Fabrique)." in mails[PLACE_BOX].body


def test_an_account_closed_frees_its_bookings_without_telling_the_place_that_someone_cancelled(room, resident, sent):
    from alleger.bookings.personal_data import before_delete

    room.notify_email = PLACE_BOX
    room.save()
    booking = services.booking_create(resource=room, user=resident, start=at(2, 10), end=at(2, 11), now=NOW)
    _result, mails = sent(before_delete, resident, NOW)
    assert PLACE_BOX not in mails
    booking.refresh_from_db()
    assert booking.status == Status.CANCELLED


def test_resources_made_before_the_field_tell_their_place_s_own_address(territory, organisation):
    import importlib

    from django.apps import apps

    from alleger.testing.bookings_factories import PlaceFactory, ResourceFactory

    migration = importlib.import_module("alleger.bookings.migrations.0006_resource_notify_place_email")
    with_address = ResourceFactory(place=PlaceFactory(territory=territory, email="accueil@fabrique.example"))
    without = ResourceFactory(place=PlaceFactory(territory=territory, email=""))
    chosen = ResourceFactory(place=with_address.place, notify_email="moi@fabrique.example")
    migration.copy_place_email(apps, None)
    for resource in (with_address, without, chosen):
        resource.refresh_from_db()
    assert (with_address.notify_email, without.notify_email, chosen.notify_email) == (
        "accueil@fabrique.example", "", "moi@fabrique.example")

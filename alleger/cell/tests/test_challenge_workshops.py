"""Workshops of a challenge: in a bookable room of a shared place of the territory (booked through the
bookings service, under its rules, or nothing is written), or in a place named in words."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from alleger.bookings.models import Booking
from alleger.cell import challenge_services as services
from alleger.cell import challenges as challenge_selectors
from alleger.cell.models import Challenge, Workshop
from alleger.core.errors import Refused
from alleger.core.grammar import date_format
from alleger.core.models import AuditEvent
from alleger.testing.bookings_factories import PlaceFactory, ResourceFactory
from alleger.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@pytest.fixture
def challenge(territory, cell_member):
    today = timezone.localdate()
    return services.challenge_create(actor=cell_member, territory=territory, title="Moins de biodéchets",
                                     problem="Trop d'épluchures.", starts_on=today,
                                     ends_on=today + dt.timedelta(days=90), status=Challenge.Status.OPEN)


@pytest.fixture
def room(territory):
    return ResourceFactory(place=PlaceFactory(territory=territory, name="Maison des Prés"), name="Salle du haut")


def test_a_workshop_in_a_room_books_it_in_the_cell_member_s_name(challenge, cell_member, room):
    workshop = services.workshop_add(challenge=challenge, actor=cell_member, room=room, held_at=at(5, 18),
                                     ends_at=at(5, 20), participants="habitants")
    booking = Booking.objects.get()
    assert workshop.room == room and workshop.booking == booking and workshop.place_name == ""
    assert (booking.resource, booking.user, booking.start, booking.end) == (room, cell_member, at(5, 18), at(5, 20))
    assert booking.status == Booking.Status.CONFIRMED and "Moins de biodéchets" in booking.purpose
    assert workshop.place_label == "Maison des Prés"
    assert AuditEvent.objects.get(action="challenge.workshop_add").data["booking"] == booking.pk


def test_a_room_already_booked_refuses_the_workshop_and_nothing_is_written(challenge, cell_member, room):
    someone = UserFactory()
    from alleger.bookings.services import booking_create
    booking_create(resource=room, user=someone, start=at(5, 19), end=at(5, 21))

    with pytest.raises(Refused) as refusal:
        services.workshop_add(challenge=challenge, actor=cell_member, room=room, held_at=at(5, 18),
                              ends_at=at(5, 20))

    assert refusal.value.code == "slot_taken" and refusal.value.status == 409
    day = date_format(at(5, 19), "l j F")
    assert refusal.value.messages[0] == (f"La salle « Salle du haut » (Maison des Prés) est déjà réservée le {day} "
                                         "de 19 h à 21 h : choisissez d'autres heures ou une autre salle.")
    assert not Workshop.objects.exists()
    assert Booking.objects.count() == 1 and not AuditEvent.objects.filter(action="challenge.workshop_add").exists()


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", "La salle « Salle du haut » (Maison des Prés) n'est pas ouverte à ces heures-là. Ses horaires la semaine "
           "de l'atelier : du {monday} au {sunday}, 8 h – 22 h."),
    ("en", "The room “Salle du haut” (Maison des Prés) is not open at those hours. Its hours in the week of the "
           "workshop: from {monday} to {sunday}, 8 am – 10 pm."),
])
def test_a_room_closed_at_those_hours_says_so_and_its_hours_that_week(challenge, cell_member, room, language,
                                                                       expected):
    start = at(5, 7)  # the room opens at 08:00
    monday = start - dt.timedelta(days=start.weekday())
    with translation.override(language):
        with pytest.raises(Refused) as refusal:
            services.workshop_add(challenge=challenge, actor=cell_member, room=room, held_at=start,
                                  ends_at=at(5, 9))
        day = "l j F" if language == "fr" else "l F j"
        assert refusal.value.messages[0] == expected.format(monday=date_format(monday, day),
                                                            sunday=date_format(monday + dt.timedelta(days=6), day))
    assert refusal.value.code == "closed" and not Workshop.objects.exists() and not Booking.objects.exists()


def test_a_room_booked_by_slots_says_which_slots_hold_the_workshop(challenge, cell_member, room):
    with pytest.raises(Refused) as refusal:
        services.workshop_add(challenge=challenge, actor=cell_member, room=room,
                              held_at=at(5, 18) + dt.timedelta(minutes=30), ends_at=at(5, 20))
    assert refusal.value.messages[0] == (
        "La salle « Salle du haut » (Maison des Prés) se réserve par créneaux de 60 minutes à partir de 8 h : "
        "l'atelier doit commencer et finir sur ces créneaux. Par exemple de 18 h à 20 h.")


def test_a_room_booked_just_before_says_when_and_the_time_it_needs_between_bookings(challenge, cell_member,
                                                                                   territory):
    from alleger.bookings.services import booking_create
    hall = ResourceFactory(place=PlaceFactory(territory=territory, name="Salle des fêtes"), name="Grande salle",
                           buffer_minutes=60)
    booking_create(resource=hall, user=UserFactory(), start=at(5, 15), end=at(5, 17))
    with translation.override("en"), pytest.raises(Refused) as refusal:
        services.workshop_add(challenge=challenge, actor=cell_member, room=hall, held_at=at(5, 17),
                              ends_at=at(5, 19))
    with translation.override("en"):
        day = date_format(at(5, 15), "l F j")
    assert refusal.value.messages[0] == (f"The room “Grande salle” (Salle des fêtes) is already booked on {day} "
                                         "from 3 pm to 5 pm: choose other hours or another room. It needs 60 "
                                         "minutes between two bookings.")


@pytest.mark.parametrize(("when", "code"), [
    ((at(-2, 18), at(-2, 20)), "too_late"),  # the booking window: no booking in the past
    ((at(5, 7), at(5, 9)), "closed"),  # before the room opens (08:00)
    ((at(5, 18), at(5, 23)), "too_long"),  # five slots, the room takes four
])
def test_the_room_s_rules_apply(challenge, cell_member, room, when, code):
    with pytest.raises(Refused) as refusal:
        services.workshop_add(challenge=challenge, actor=cell_member, room=room, held_at=when[0], ends_at=when[1])
    assert refusal.value.code == code
    assert not Workshop.objects.exists() and not Booking.objects.exists()


def test_a_room_elsewhere_or_not_a_room_is_refused(challenge, cell_member, other_territory):
    for resource in (ResourceFactory(place=PlaceFactory(territory=other_territory)),
                     ResourceFactory(place=PlaceFactory(territory=challenge.territory), kind="machine")):
        with pytest.raises(Refused) as refusal:
            services.workshop_add(challenge=challenge, actor=cell_member, room=resource, held_at=at(5, 18),
                                  ends_at=at(5, 20))
        assert refusal.value.code == "room_unknown"
    assert not Booking.objects.exists()


def test_a_place_in_words_still_works_and_exactly_one_place_is_given(challenge, cell_member, room):
    workshop = services.workshop_add(challenge=challenge, actor=cell_member, held_at=at(-30, 18),
                                     place_name="Salle paroissiale", place_url="https://example.org/salle")
    assert workshop.room is None and workshop.booking is None and workshop.place_label == "Salle paroissiale"
    with pytest.raises(Refused) as neither:
        services.workshop_add(challenge=challenge, actor=cell_member, held_at=at(5, 18))
    with pytest.raises(Refused) as both:
        services.workshop_add(challenge=challenge, actor=cell_member, held_at=at(5, 18), ends_at=at(5, 20),
                              room=room, place_name="Ailleurs")
    with pytest.raises(Refused) as no_end:
        services.workshop_add(challenge=challenge, actor=cell_member, held_at=at(5, 18), room=room)
    assert (neither.value.code, both.value.code, no_end.value.code) == ("place_required", "place_twice",
                                                                          "end_required")
    assert Workshop.objects.count() == 1 and not Booking.objects.exists()


def test_the_database_holds_exactly_one_place(challenge, room):
    for fields in ({"place_name": ""}, {"place_name": "Ici", "room": room, "ends_at": at(5, 20)},
                   {"room": room}, {"place_name": "Ici", "ends_at": at(5, 17)}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Workshop.objects.create(challenge=challenge, held_at=at(5, 18), **fields)


# --- the page ------------------------------------------------------------------------------------

def test_the_form_offers_the_territory_s_rooms_and_books_one(client, challenge, cell_member, room,
                                                             other_territory):
    ResourceFactory(place=PlaceFactory(territory=other_territory), name="Salle lyonnaise")
    client.force_login(cell_member)
    url = reverse("cell:workshop_new", args=[challenge.territory.slug, challenge.pk])
    page = client.get(url).content.decode()
    assert "Salle du haut (Maison des Prés)" in page and "Salle lyonnaise" not in page

    response = client.post(url, {"held_at": at(5, 18).strftime("%Y-%m-%dT%H:%M"),
                                 "ends_at": at(5, 20).strftime("%Y-%m-%dT%H:%M"), "room": room.pk})
    assert response.status_code == 302
    workshop = Workshop.objects.get()
    assert workshop.booking.resource == room

    detail = client.get(challenge.get_absolute_url()).content.decode()
    assert f'href="{room.place.get_absolute_url()}"' in detail and "Salle du haut" in detail


def test_a_refused_booking_is_a_form_error_and_nothing_is_saved(client, challenge, cell_member, room):
    from alleger.bookings.services import booking_create
    booking_create(resource=room, user=UserFactory(), start=at(5, 18), end=at(5, 19))
    client.force_login(cell_member)
    url = reverse("cell:workshop_new", args=[challenge.territory.slug, challenge.pk])
    response = client.post(url, {"held_at": at(5, 18).strftime("%Y-%m-%dT%H:%M"),
                                 "ends_at": at(5, 20).strftime("%Y-%m-%dT%H:%M"), "room": room.pk})
    assert response.status_code == 400
    page = response.content.decode()
    assert "La salle « Salle du haut » (Maison des Prés) est déjà réservée le " in page
    assert "liste d&#x27;attente" not in page  # the public booking page's advice, meaningless here
    assert not Workshop.objects.exists() and Booking.objects.count() == 1


@pytest.mark.parametrize(("changes", "message"), [
    ({"held_at": "0001-01-01T00:00"}, "entre les années 1900 et 2999"),  # a time zone away from the calendar's end
    ({"held_at": "0026-12-20T18:00"}, "entre les années 1900 et 2999"),  # a two-digit year's typo
    ({"participants_count": "99999999999999999999"}, "Ce nombre est trop grand."),
])
def test_impossible_dates_and_counts_are_form_errors_not_a_500(client, challenge, cell_member, changes, message):
    client.force_login(cell_member)
    url = reverse("cell:workshop_new", args=[challenge.territory.slug, challenge.pk])
    form = {"held_at": at(5, 18).strftime("%Y-%m-%dT%H:%M"), "place_name": "Café des Prés", **changes}
    response = client.post(url, form)
    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    assert not Workshop.objects.exists()


def test_the_form_says_in_english_when_the_room_is_closed_and_its_hours(client, challenge, cell_member, room):
    client.force_login(cell_member)
    client.cookies["django_language"] = "en"
    url = reverse("cell:workshop_new", args=[challenge.territory.slug, challenge.pk])
    response = client.post(url, {"held_at": at(5, 21).strftime("%Y-%m-%dT%H:%M"),
                                 "ends_at": at(5, 23).strftime("%Y-%m-%dT%H:%M"), "room": room.pk})
    assert response.status_code == 400
    page = response.content.decode()
    assert "The room “Salle du haut” (Maison des Prés) is not open at those hours." in page
    assert ", 8 am – 10 pm." in page and "waitlist" not in page and "slots offered" not in page
    assert not Workshop.objects.exists() and not Booking.objects.exists()


def test_the_form_wants_exactly_one_place(client, challenge, cell_member, room):
    client.force_login(cell_member)
    url = reverse("cell:workshop_new", args=[challenge.territory.slug, challenge.pk])
    when = {"held_at": at(5, 18).strftime("%Y-%m-%dT%H:%M")}
    neither = client.post(url, when)
    both = client.post(url, {**when, "ends_at": at(5, 20).strftime("%Y-%m-%dT%H:%M"), "room": room.pk,
                             "place_name": "Ailleurs"})
    assert neither.status_code == both.status_code == 400
    assert "Choisissez une salle d&#x27;un lieu partagé ou dites où l&#x27;atelier a lieu." in neither.content.decode()
    assert "pas les deux" in both.content.decode()
    ok = client.post(url, {**when, "place_name": "Salle paroissiale"})
    assert ok.status_code == 302 and Workshop.objects.get().place_name == "Salle paroissiale"


def test_the_place_page_lists_the_coming_workshops_of_public_challenges(client, challenge, cell_member, room):
    coming = services.workshop_add(challenge=challenge, actor=cell_member, room=room, held_at=at(5, 18),
                                   ends_at=at(5, 20))
    draft = services.challenge_create(actor=cell_member, territory=challenge.territory, title="Encore secret",
                                      problem="P", starts_on=challenge.starts_on, ends_on=challenge.ends_on)
    services.workshop_add(challenge=draft, actor=cell_member, room=room, held_at=at(6, 18), ends_at=at(6, 20))

    page = client.get(room.place.get_absolute_url()).content.decode()

    assert "Ateliers à venir dans ce lieu" in page
    assert f'href="{challenge.get_absolute_url()}#atelier-{coming.pk}"' in page
    assert "Encore secret" not in page  # a draft's workshop is the cell's business


def test_a_workshop_whose_room_booking_is_cancelled_says_so_and_invites_no_one_there(client, challenge,
                                                                                       cell_member, room):
    from alleger.bookings.services import booking_cancel
    from alleger.cell.watch_services import invitable_workshops

    workshop = services.workshop_add(challenge=challenge, actor=cell_member, room=room, held_at=at(5, 18),
                                     ends_at=at(5, 20))
    assert list(invitable_workshops(challenge.territory)) == [workshop]
    listed = "un atelier du défi « Moins de biodéchets »"
    assert listed in client.get(room.place.get_absolute_url()).content.decode().replace("&#x27;", "'")
    booking_cancel(booking=workshop.booking, actor=cell_member)
    caches["pages"].clear()  # a visitor's copy of a page lasts a minute (PAGE_CACHE_SECONDS): not what is tested here
    page = client.get(challenge.get_absolute_url()).content.decode().replace("&#x27;", "'")
    assert "la réservation de la salle a été annulée : lieu à confirmer" in page
    assert list(invitable_workshops(challenge.territory)) == []
    place_page = client.get(room.place.get_absolute_url()).content.decode().replace("&#x27;", "'")
    assert listed not in place_page


def test_the_cell_writes_a_workshop_s_minutes_after_it_and_nobody_else_can(client, challenge, cell_member, resident):
    workshop = services.workshop_add(challenge=challenge, actor=cell_member, held_at=at(-2, 18), ends_at=at(-2, 20),
                                     place_name="Salle des fêtes", participants_count=20,
                                     participants="20 attendus")
    url = reverse("cell:workshop_report", args=[challenge.territory.slug, challenge.pk, workshop.pk])
    client.force_login(cell_member)
    caches["pages"].clear()
    assert f'href="{url}"' in client.get(challenge.get_absolute_url()).content.decode()  # « Écrire le compte rendu »
    page = client.get(url).content.decode()
    assert "Compte rendu de l&#x27;atelier" in page or "Compte rendu de l'atelier" in page
    assert 'value="20"' in page  # what was expected, to correct
    # A count below zero is refused, and nothing changes
    refused = client.post(url, {"participants_count": "-3", "participants": "", "minutes": "x"})
    assert refused.status_code == 400
    workshop.refresh_from_db()
    assert (workshop.participants_count, workshop.minutes) == (20, "")
    response = client.post(url, {"participants_count": "14", "participants": "14 habitants, 2 agents de la Ville",
                                 "minutes": "On a trié **trois** bacs."})
    assert response.status_code == 302 and response["Location"].endswith(f"#atelier-{workshop.pk}")
    workshop.refresh_from_db()
    assert (workshop.participants_count, workshop.participants, workshop.minutes) == (
        14, "14 habitants, 2 agents de la Ville", "On a trié **trois** bacs.")
    assert AuditEvent.objects.filter(action="challenge.workshop_report", data__workshop=workshop.pk).exists()
    caches["pages"].clear()
    detail = client.get(challenge.get_absolute_url()).content.decode()
    assert "On a trié <strong>trois</strong> bacs." in detail and "14 participants" in detail
    # Nobody outside the cell writes them: the page refuses, and so does the service
    client.force_login(resident)
    assert client.post(url, {"participants_count": "1", "participants": "", "minutes": "Faux"}).status_code == 403
    with pytest.raises(Refused):
        services.workshop_report(workshop=workshop, actor=resident, participants_count=1, minutes="Faux")
    workshop.refresh_from_db()
    assert workshop.minutes == "On a trié **trois** bacs."


def test_a_workshop_to_come_has_no_minutes_yet_and_overlong_ones_are_refused(client, challenge, cell_member):
    coming = services.workshop_add(challenge=challenge, actor=cell_member, held_at=at(3, 18), place_name="Mairie")
    url = reverse("cell:workshop_report", args=[challenge.territory.slug, challenge.pk, coming.pk])
    client.force_login(cell_member)
    caches["pages"].clear()
    assert f'href="{url}"' not in client.get(challenge.get_absolute_url()).content.decode()
    assert client.get(url).status_code == 302
    with pytest.raises(Refused) as refused:
        services.workshop_report(workshop=coming, actor=cell_member, participants_count=3, minutes="Trop tôt")
    assert refused.value.code == "not_held_yet"
    held = services.workshop_add(challenge=challenge, actor=cell_member, held_at=at(-1, 18), place_name="Mairie")
    with pytest.raises(Refused) as refused:
        services.workshop_report(workshop=held, actor=cell_member, participants_count=3, participants="x" * 301)
    assert refused.value.code == "too_long"
    held.refresh_from_db()
    assert (held.participants_count, held.participants) == (None, "")


def test_the_cell_calls_a_workshop_off_its_room_is_released_and_the_people_invited_are_told(
        client, challenge, cell_member, room, resident, django_capture_on_commit_callbacks, mailoutbox):
    from alleger.cell.models import CellAction
    from alleger.cell.watch_services import invitable_workshops
    from alleger.testing.funding_factories import ProjectFactory

    workshop = services.workshop_add(challenge=challenge, actor=cell_member, room=room, held_at=at(5, 10),
                                     ends_at=at(5, 12))
    project = ProjectFactory(live=True, territory=challenge.territory, holder=resident)
    CellAction.objects.create(kind="invite", territory=challenge.territory, actor=cell_member, workshop=workshop,
                              target_type=ContentType.objects.get_for_model(project), target_id=project.pk)
    url = reverse("cell:workshop_cancel", args=[challenge.territory.slug, challenge.pk, workshop.pk])
    client.force_login(resident)  # not of the cell: refused, nothing changes
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(cell_member)
    caches["pages"].clear()
    assert f'action="{url}"' in client.get(challenge.get_absolute_url()).content.decode()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "La salle est inondée."})
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.cancelled_at is not None and workshop.cancel_reason == "La salle est inondée."
    assert workshop.booking.status == "cancelled"  # the room is free again
    [told] = [m for m in mailoutbox if m.to == [resident.email]]
    assert told.subject == f"[Alléger] Atelier annulé : défi « {challenge.title} »"
    assert "Motif : La salle est inondée." in told.body and "Maison des Prés" in told.body
    assert not invitable_workshops(challenge.territory).filter(pk=workshop.pk).exists()
    assert AuditEvent.objects.filter(action="challenge.workshop_cancel").count() == 1
    caches["pages"].clear()
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert "— annulé" in page and f'action="{url}"' not in page and "salle libérée" in page
    # The open data says it is off
    data = client.get(f"/api/v1/challenges/{challenge.pk}").json()
    [off] = [w for w in data["workshops"] if w["cancelled_at"]]
    assert off["cancel_reason"] == "La salle est inondée."
    # No minutes for a workshop called off, even once its date has passed
    with pytest.raises(Refused):
        services.workshop_report(workshop=workshop, actor=cell_member, participants_count=3,
                                 now=at(6, 10))
    # Twice, or a workshop already begun: refused, nothing changes
    with pytest.raises(Refused) as refused:
        services.workshop_cancel(workshop=workshop, actor=cell_member)
    assert refused.value.code == "not_cancellable"
    held = services.workshop_add(challenge=challenge, actor=cell_member, held_at=at(-1, 18), place_name="Mairie")
    with pytest.raises(Refused):
        services.workshop_cancel(workshop=held, actor=cell_member)
    held.refresh_from_db()
    assert held.cancelled_at is None


def test_a_workshop_called_off_too_late_to_release_its_room_online_says_to_tell_the_place(
        client, challenge, cell_member, territory):
    hall = ResourceFactory(place=PlaceFactory(territory=territory, name="Salle des fêtes"), name="Grande salle",
                           cancel_hours=72)
    workshop = services.workshop_add(challenge=challenge, actor=cell_member, room=hall, held_at=at(1, 10),
                                     ends_at=at(1, 12))
    client.force_login(cell_member)
    response = client.post(reverse("cell:workshop_cancel", args=[territory.slug, challenge.pk, workshop.pk]),
                           follow=True)
    page = response.content.decode()
    assert "La salle reste réservée" in page and "Prévenez le lieu" in page
    workshop.refresh_from_db()
    assert workshop.cancelled_at is not None and workshop.booking.status == "confirmed"
    caches["pages"].clear()
    again = client.get(challenge.get_absolute_url()).content.decode()  # not only once, in a message
    assert "Prévenez le lieu (Salle des fêtes)" in again
    # Its room still booked, the place's page does not announce it any more
    assert not challenge_selectors.place_section(rf_request(client), hall.place)


def rf_request(client):
    """A request for a section's context, as the visitor the client is."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return request

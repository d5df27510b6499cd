"""The booking pages without JavaScript: book, refusals with their message, waitlist, series, .ics, feeds,
the manager's page, trainings, occupancy, the place and profile sections."""

import datetime as dt
import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone
from icalendar import Calendar

from alleger.bookings import services
from alleger.bookings.models import (
    Booking,
    CalendarToken,
    Qualification,
    Series,
    Status,
    WaitlistEntry,
)
from alleger.core import sections
from alleger.core.grammar import date_format
from alleger.testing.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def tomorrow(hour):
    day = timezone.localdate() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def slot_post(start, slots=1, **extra):
    local = timezone.localtime(start)
    return {"day": local.date().isoformat(), "start": local.strftime("%H:%M"), "slots": slots, "seats": 1, **extra}


def test_a_visitor_sees_the_list_and_the_resource_and_is_asked_to_log_in(client, room):
    listing = client.get("/reservations/").content.decode().replace('&#x27;', "'")
    # A room of capacity 1 takes one booking at a time: not « 1 place » for a hall of 150
    assert room.name in listing and "une réservation à la fois" in listing and "1 place," not in listing
    page = client.get(room.get_absolute_url()).content.decode().replace('&#x27;', "'")
    assert "Connectez-vous pour réserver" in page and "Créneaux des sept prochains jours" in page


def test_the_grid_pages_through_the_weeks_of_the_booking_window(client, room, resident):
    """Booked up to 60 days ahead: the page shows the seven days from now, then each week after, up to the
    window's end, and a date beyond the first week can be seen (and booked) without typing it."""
    later = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=16), dt.time(10)))
    services.booking_create(resource=room, user=resident, start=later, end=later + dt.timedelta(hours=1))
    page = client.get(room.get_absolute_url()).content.decode()
    assert "Créneaux des sept prochains jours" in page and 'href="?semaine=1#creneaux-titre"' in page
    assert "Semaine précédente" not in page
    week = client.get(room.get_absolute_url(), {"semaine": "2"}).content.decode().replace("&#x27;", "'")
    first = timezone.localdate() + dt.timedelta(days=14)
    assert f"Créneaux du {date_format(first, 'l j F')} au {date_format(first + dt.timedelta(days=6), 'l j F')}" in week
    day = week.split(f"<h3>{date_format(later, 'l j F')}</h3>")[1].split("<h3>")[0]
    assert "10:00–11:00 · réservé" in day and "11:00–12:00" in day  # one booking at a time: not « complet »
    assert 'href="?semaine=1#creneaux-titre"' in week and 'href="?semaine=3#creneaux-titre"' in week
    # The last week (from day 56, up to the 60th: no slot past the window) has no « next »; anything else shows
    # the nearest week there is.
    last = client.get(room.get_absolute_url(), {"semaine": "99"}).content.decode()
    assert "Semaine suivante" not in last and "Semaine précédente" in last
    beyond = timezone.localdate() + dt.timedelta(days=61)
    assert f"<h3>{date_format(beyond, 'l j F')}</h3>" not in last  # past the 60 days: it would be refused
    for bad in ("-1", "abc", "1e9", "٣"):
        assert "Créneaux des sept prochains jours" in client.get(room.get_absolute_url(), {"semaine": bad}).content.decode()


def test_a_slot_that_would_no_longer_cancel_online_says_so_before_it_is_booked(client_of, room, resident):
    """Cancelled online up to 24 h before: a slot starting sooner is marked on its button."""
    page = client_of(resident).get(room.get_absolute_url()).content.decode()
    buttons = re.findall(r'<button type="submit" class="slot-button">(.*?)</button>', page, re.S)
    limit = timezone.now() + dt.timedelta(hours=24)
    marked = [b for b in buttons if "non annulable en ligne" in b]
    assert marked and len(marked) < len(buttons)
    for button in buttons:
        start = re.search(r"(\d\d):(\d\d)–", button)
        day = re.search(r'<span class="visually-hidden"> (.*?)</span>', button).group(1)
        assert ("non annulable en ligne" in button) == any(
            date_format(timezone.localtime(s.start), "l j F") == day and timezone.localtime(s.start).strftime("%H:%M")
            == start.group(0)[:-1] and s.start < limit for s in _slots(room))


def _slots(room):
    from alleger.bookings import selectors
    return selectors.slot_grid(room, days=7)


def test_the_grid_tells_a_booked_slot_from_the_changeover_time_around_it(client, room, resident):
    services.booking_create(resource=room, user=resident, start=tomorrow(14), end=tomorrow(15))
    page = client.get(room.get_absolute_url()).content.decode().replace('&#x27;', "'")
    day = page.split(f"<h3>{date_format(timezone.localdate(tomorrow(14)), 'l j F')}</h3>")[1].split("<h3>")[0]
    rows = {line.split(" · ")[0].split(">")[-1]: line.split(" · ")[1] for line in day.splitlines()
            if line.strip().startswith("<span>") and " · " in line}
    assert rows["14:00–15:00"].startswith("réservé")
    assert rows["15:00–16:00"].startswith("indisponible (battement de 15 min)")
    assert rows["13:00–14:00"].startswith("indisponible (battement de 15 min)")
    assert rows["16:00–17:00"].startswith("libre")
    # Asking for it anyway says why, not « vient d'être réservé » with a waitlist
    client.force_login(UserFactory())
    response = client.post(f"/reservations/ressources/{room.pk}/reserver/", slot_post(tomorrow(15)))
    page = response.content.decode().replace('&#x27;', "'")
    assert response.status_code == 409 and "il faut 15 minutes de battement" in page
    assert "vient d'être réservé" not in page and "liste d'attente" not in page.split("<main")[1].split("</form>")[0]


def test_book_from_the_form_then_a_refusal_with_its_message_and_the_waitlist(client_of, room, resident,
                                                                             other_resident):
    client = client_of(resident)
    response = client.post(f"/reservations/ressources/{room.pk}/reserver/", slot_post(tomorrow(10)))
    booking = Booking.objects.get()
    assert response.status_code == 302 and response["Location"] == booking.get_absolute_url()
    assert client.get(booking.get_absolute_url()).status_code == 200

    client = client_of(other_resident)
    response = client.post(f"/reservations/ressources/{room.pk}/reserver/", slot_post(tomorrow(10)))
    assert response.status_code == 409
    page = response.content.decode().replace('&#x27;', "'")
    assert "Ce créneau vient d'être réservé" in page and "M'inscrire sur la liste d'attente" in page
    response = client.post(f"/reservations/ressources/{room.pk}/attente/", slot_post(tomorrow(10)))
    assert response.status_code == 302
    assert WaitlistEntry.objects.get().user == other_resident


def test_a_closed_slot_is_refused_on_its_field(client_of, room, resident):
    response = client_of(resident).post(f"/reservations/ressources/{room.pk}/reserver/", slot_post(tomorrow(23)))
    assert response.status_code == 409
    assert "n'est pas ouvert à la réservation" in response.content.decode().replace('&#x27;', "'")
    assert not Booking.objects.exists()


def test_the_english_message(client_of, room, resident, settings):
    client = client_of(resident)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(f"/reservations/ressources/{room.pk}/reserver/", slot_post(tomorrow(23)))
    assert "is not open for booking" in response.content.decode().replace('&#x27;', "'")


def test_a_recurring_booking_lists_its_conflicts(client_of, room, resident, org_member, organisation):
    services.booking_create(resource=room, user=resident, start=tomorrow(18) + dt.timedelta(weeks=2),
                            end=tomorrow(19) + dt.timedelta(weeks=2))
    member = client_of(org_member)
    form = {**{f"serie-{k}": v for k, v in slot_post(tomorrow(18)).items()}, "serie-weeks": 4, "serie-title": "Chorale",
            "serie-organisation": organisation.pk}
    response = member.post(f"/reservations/ressources/{room.pk}/recurrente/", form)
    # The result has its own address: reloading it books nothing again, and it can be found later
    series = Series.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reservations/series/{series.pk}/"
    page = member.get(response["Location"]).content.decode().replace('&#x27;', "'")
    assert "3 dates réservées" in page and "1 date non réservée" in page
    assert "Ce créneau vient d'être réservé" in page
    conflict = timezone.localtime(tomorrow(18) + dt.timedelta(weeks=2)).date()
    assert date_format(conflict, "l j F Y") in page and conflict.isoformat() not in page  # a date in words
    assert client_of(UserFactory()).get(response["Location"]).status_code == 404  # not someone else's
    assert client_of(UserFactory()).post(f"/reservations/series/{series.pk}/annuler/").status_code == 404
    # The group it was booked for sees it (its other members too); cancelling stays the booker's.
    fellow = UserFactory()
    MembershipFactory(organisation=organisation, user=fellow)
    assert "pour " + organisation.name in client_of(fellow).get(response["Location"]).content.decode().replace(
        "&#x27;", "'")
    assert client_of(fellow).post(f"/reservations/series/{series.pk}/annuler/").status_code == 404
    assert series.bookings.filter(status=Status.CONFIRMED).count() == 3

    # Its dates to come are cancelled in one go from its page (the first may be too close: it stays, named).
    assert "Annuler les 3 dates à venir" in page
    member = client_of(org_member)
    done = member.post(f"/reservations/series/{series.pk}/annuler/", follow=True).content.decode()
    assert "annulées ; leurs créneaux sont proposés à la liste d'attente" in done.replace('&#x27;', "'")
    assert not series.bookings.filter(status=Status.CONFIRMED, start__gt=tomorrow(18)).exists()
    assert "Annuler les 3 dates à venir" not in done

    # A series none of whose dates can be booked is a refusal on the form, and nothing is kept
    taken = {f"serie-{k}": v for k, v in slot_post(tomorrow(18) + dt.timedelta(weeks=2)).items()}
    alone = {k: v for k, v in form.items() if k != "serie-organisation"}
    response = member.post(f"/reservations/ressources/{room.pk}/recurrente/", {**alone, **taken, "serie-weeks": 1})
    assert response.status_code in (400, 409)
    assert "Aucune date n'a pu être réservée" in response.content.decode().replace('&#x27;', "'")
    assert Series.objects.count() == 1


def test_the_ics_of_a_booking_the_personal_feed_and_its_revocation(client_of, client, room, resident):
    booking = services.booking_create(resource=room, user=resident, start=tomorrow(10), end=tomorrow(12),
                                      purpose="Réunion du collectif")
    me = client_of(resident)
    response = me.get(f"/reservations/{booking.pk}.ics")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert response["Content-Type"].startswith("text/calendar")
    assert event["SUMMARY"] == f"{room.name} — {room.place.name}" and event.decoded("DTSTART") == tomorrow(10)

    me.post("/reservations/agenda/lien/")
    page = me.get("/reservations/mes-reservations/").content.decode().replace('&#x27;', "'")
    url = page.split('class="feed-url">')[1].split("<")[0]
    path = url.split("testserver")[1]
    client.logout()
    feed = Calendar.from_ical(client.get(path).content)
    assert [str(e["SUMMARY"]) for e in feed.walk("VEVENT")] == [f"{room.name} — {room.place.name}"]
    me = client_of(resident)
    me.post(f"/reservations/agenda/lien/{CalendarToken.objects.get().pk}/supprimer/")
    client.logout()
    assert client.get(path).status_code == 404
    assert client.get("/reservations/agenda/cal_nope.ics").status_code == 404


def test_the_public_feed_shows_busy_and_free_without_names(client, room, resident):
    services.booking_create(resource=room, user=resident, start=tomorrow(10), end=tomorrow(11),
                            purpose="Secret")
    body = client.get(f"/reservations/ressources/{room.pk}/disponibilites.ics").content
    cal = Calendar.from_ical(body)
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["Occupé"]
    assert b"FBTYPE=FREE" in body and b"FBTYPE=BUSY" in body
    assert b"Secret" not in body and resident.display_name.encode() not in body


def test_a_busy_period_keeps_its_uid_when_an_earlier_one_is_cancelled(client, room, resident):
    # A calendar matches events by UID: a later event must keep its own when an earlier booking goes.
    # Two days ahead: tomorrow at 10:00 is inside the room's 24-hour cancellation limit after 10:00 today.
    later = dt.timedelta(days=2)
    first = services.booking_create(resource=room, user=resident, start=tomorrow(10) + later, end=tomorrow(11) + later)
    services.booking_create(resource=room, user=resident, start=tomorrow(15) + later, end=tomorrow(16) + later)

    def uids():
        body = client.get(f"/reservations/ressources/{room.pk}/disponibilites.ics").content
        return {e.decoded("DTSTART"): str(e["UID"]) for e in Calendar.from_ical(body).walk("VEVENT")}

    before = uids()
    services.booking_cancel(booking=first, actor=resident)
    after = uids()
    assert len(before) == 2 and list(after.items()) == [(tomorrow(15) + later, before[tomorrow(15) + later])]


def test_the_manager_page_attendance_and_trainings(client_of, room, laser, training, resident, org_member):
    booking = Booking.objects.create(resource=room, user=resident, start=timezone.now() - dt.timedelta(minutes=10),
                                     end=timezone.now() + dt.timedelta(minutes=50),
                                     blocked_end=timezone.now() + dt.timedelta(minutes=50))
    services.training_request(training=training, user=resident)
    assert client_of(resident).get(f"/reservations/lieux/{room.place.pk}/gestion/").status_code == 403
    manager = client_of(org_member)
    page = manager.get(f"/reservations/lieux/{room.place.pk}/gestion/").content.decode().replace('&#x27;', "'")
    assert resident.display_name in page and "Valider la formation" in page
    manager.post(f"/reservations/{booking.pk}/presence/", {"action": "check_in"})
    assert Booking.objects.get(pk=booking.pk).status == Status.CHECKED_IN
    manager.post(f"/reservations/formations/{training.pk}/personnes/{resident.pk}/", {"action": "validate"})
    assert Qualification.objects.get(user=resident).status == Qualification.Status.VALIDATED
    # now the machine is bookable for her
    response = client_of(resident).post(f"/reservations/ressources/{laser.pk}/reserver/", slot_post(tomorrow(14)))
    assert response.status_code == 302 and Booking.objects.filter(resource=laser).exists()


def test_a_machine_without_training_says_so(client_of, laser, resident):
    client = client_of(resident)
    page = client.get(laser.get_absolute_url()).content.decode().replace('&#x27;', "'")
    assert "M'inscrire à la formation" in page
    # No booking form before the training is validated: it says when booking opens
    assert "La réservation s'ouvre quand le lieu a validé votre formation" in page and "booking-form" not in page
    response = client.post(f"/reservations/ressources/{laser.pk}/reserver/", slot_post(tomorrow(14)))
    assert response.status_code == 400 and "demande la formation" in response.content.decode().replace('&#x27;', "'")
    client.post(f"/reservations/formations/{laser.training.pk}/inscription/", {"next": laser.get_absolute_url()})
    assert "Vous êtes inscrit(e) à la formation" in client.get(laser.get_absolute_url()).content.decode().replace('&#x27;', "'")


def test_occupancy_for_the_innovation_cell_not_for_a_resident(client_of, room, resident, cell_member):
    assert client_of(resident).get(f"/reservations/lieux/{room.place.pk}/occupation/").status_code == 403
    page = client_of(cell_member).get(f"/reservations/lieux/{room.place.pk}/occupation/").content.decode().replace('&#x27;', "'")
    assert "Occupation du lieu, par semaine" in page and "<table>" in page


def test_cancel_and_claim_from_the_pages(client_of, room, resident, other_resident, settings):
    booking = services.booking_create(resource=room, user=resident, start=tomorrow(10) + dt.timedelta(days=2),
                                      end=tomorrow(11) + dt.timedelta(days=2))
    services.waitlist_join(resource=room, user=other_resident, start=booking.start, end=booking.end)
    client_of(resident).post(f"/reservations/{booking.pk}/annuler/")
    assert Booking.objects.get(pk=booking.pk).status == Status.CANCELLED
    held = Booking.objects.get(user=other_resident)
    other = client_of(other_resident)
    assert "Créneaux libérés pour vous" in other.get("/reservations/mes-reservations/").content.decode().replace('&#x27;', "'")
    other.post(f"/reservations/{held.pk}/confirmer/")
    assert Booking.objects.get(pk=held.pk).status == Status.CONFIRMED


def test_the_place_and_profile_sections(room, resident, org_member, client_of):
    request = RequestFactory().get("/")
    request.user = org_member
    parts = sections.of("place", request, room.place)
    html = "".join(render_to_string(p.template, {"section": p.context, "request": request}) for p in parts)
    assert room.name in html and "Gérer les réservations du lieu" in html and "créneaux libres" in html
    services.booking_create(resource=room, user=resident, start=tomorrow(10), end=tomorrow(11))
    assert room.name in client_of(resident).get("/compte/").content.decode().replace('&#x27;', "'")


@pytest.mark.django_db
def test_a_place_manager_adds_and_changes_a_resource_audited_and_bad_hours_are_refused(client):
    from alleger.core.models import AuditEvent
    from alleger.organisations.models import Membership
    from alleger.testing.factories import MembershipFactory, OrganisationFactory, UserFactory

    organisation = OrganisationFactory()
    manager = UserFactory()
    MembershipFactory(organisation=organisation, user=manager, role=Membership.Role.ADMIN)
    from alleger.testing.bookings_factories import PlaceFactory

    place = PlaceFactory(operator=organisation, email="accueil@jardin.example")
    client.force_login(UserFactory())
    assert client.get(f"/reservations/lieux/{place.pk}/ressources/nouvelle/").status_code == 403
    client.force_login(manager)
    # A new resource tells the place's own address of its bookings, until the manager changes it
    new = client.get(f"/reservations/lieux/{place.pk}/ressources/nouvelle/").content.decode()
    assert 'name="notify_email" value="accueil@jardin.example"' in new
    fields = {"name": "Salle du jardin", "kind": "room", "capacity": 1, "opening_hours": "Mo-Fr 09:00-18:00",
              "slot_minutes": 60, "max_slots": 4, "buffer_minutes": 0, "book_ahead_days": 60,
              "min_notice_minutes": 0, "cancel_hours": 0, "max_future_bookings": 0, "pricing": "free",
              "price_cents": 0, "active": "on"}
    refused = client.post(f"/reservations/lieux/{place.pk}/ressources/nouvelle/", {**fields, "opening_hours": "Moo"})
    assert refused.status_code == 200 and "Horaires illisibles" in refused.content.decode()
    assert not place.resources.exists()
    # Extra zeros typed by mistake: a form error each, not a resource nobody can book
    for name, value in (("slot_minutes", 100_000), ("book_ahead_days", 99_999_999), ("capacity", 1_000_000),
                        ("cancel_hours", 100_000)):
        refused = client.post(f"/reservations/lieux/{place.pk}/ressources/nouvelle/", {**fields, name: value})
        assert refused.status_code == 200 and "inférieure ou égale à" in refused.content.decode(), name
    assert not place.resources.exists()
    response = client.post(f"/reservations/lieux/{place.pk}/ressources/nouvelle/", fields)
    assert response.status_code == 302
    resource = place.resources.get()
    assert resource.name == "Salle du jardin" and resource.notify_email == ""  # emptied: nobody is told
    assert client.post(f"/reservations/lieux/{place.pk}/ressources/{resource.pk}/modifier/",
                       {**fields, "notify_email": "pas une adresse"}).status_code == 200
    resource.refresh_from_db()
    assert resource.notify_email == ""
    response = client.post(f"/reservations/lieux/{place.pk}/ressources/{resource.pk}/modifier/",
                           {**fields, "capacity": 6})
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.capacity == 6
    assert list(AuditEvent.objects.filter(target_id=str(resource.pk)).values_list("action", flat=True)
                .order_by("pk")) == ["resource.create", "resource.change"]
    assert "Salle du jardin" in client.get(f"/reservations/lieux/{place.pk}/gestion/").content.decode()

    # The price is typed in euros: « 25 » is 25 €, and a paid resource has a price, a free one none.
    edit = f"/reservations/lieux/{place.pk}/ressources/{resource.pk}/modifier/"
    for pricing, price, error in (("paid", "0", "Une ressource payante a un prix"),
                                  ("free", "5", "Une ressource gratuite n'a pas de prix")):
        refused = client.post(edit, {**fields, "pricing": pricing, "price_cents": price})
        assert refused.status_code == 200 and error in refused.content.decode().replace("&#x27;", "'")
    assert client.post(edit, {**fields, "capacity": 6, "pricing": "paid", "price_cents": "25"}).status_code == 302
    resource.refresh_from_db()
    assert (resource.pricing, resource.price_cents) == ("paid", 2500)
    assert 'value="25"' in client.get(edit).content.decode()
    fields = {**fields, "pricing": "paid", "price_cents": "25"}

    # Closed on the day someone booked: the booking stays, and the manager is told which one to deal with.
    booked = services.booking_create(resource=resource, user=UserFactory(display_name="Odile"),
                                     start=_next_weekday(10), end=_next_weekday(11))
    closed_day = timezone.localtime(booked.start).strftime("%b %d").replace(" 0", " ")
    response = client.post(f"/reservations/lieux/{place.pk}/ressources/{resource.pk}/modifier/",
                           {**fields, "capacity": 6, "opening_hours": f"Mo-Fr 09:00-18:00; {closed_day} off"},
                           follow=True)
    page = response.content.decode().replace("&#x27;", "'")
    assert "Une réservation à venir n'est plus dans ses horaires" in page and "(Odile)" in page
    assert Booking.objects.get(pk=booked.pk).status == Status.CONFIRMED
    # The manager's list writes the month as French does, in lower case (« 7 déc. », not « 7 Déc. »)
    from alleger.core.grammar import date_format

    manage = client.get(f"/reservations/lieux/{place.pk}/gestion/").content.decode()
    written = date_format(timezone.localtime(booked.start), "D j N, H:i")
    assert written in manage and written == written.lower()
    # A change that leaves every booking in its hours says nothing of the kind.
    response = client.post(f"/reservations/lieux/{place.pk}/ressources/{resource.pk}/modifier/",
                           {**fields, "capacity": 6}, follow=True)
    assert "n'est plus dans ses horaires" not in response.content.decode().replace("&#x27;", "'")


def _next_weekday(hour):
    day = timezone.localdate() + dt.timedelta(days=2)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def test_a_place_cancels_with_a_reason_the_person_is_told_and_past_the_deadline_no_button_lies(
        client_of, room, resident, org_member, django_capture_on_commit_callbacks, mailoutbox):
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=3)
    booking = Booking.objects.create(resource=room, user=resident, start=start, end=start + dt.timedelta(hours=1),
                                     blocked_end=start + dt.timedelta(hours=1), exclusive=True)
    manager = client_of(org_member)
    page = manager.get(booking.get_absolute_url()).content.decode()
    assert 'name="reason"' in page and "Motif, envoyé par courriel à" in page
    content = page.split('id="contenu"', 1)[1]
    assert "Mes réservations" not in content and ".ics" not in content  # not the manager's own booking
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(f"/reservations/{booking.pk}/annuler/", {"reason": "Salle inondée."}, follow=True)
    assert "en est prévenu·e par courriel" in response.content.decode()
    [message] = mailoutbox
    assert message.to == [resident.email] and "Motif : Salle inondée." in message.body
    booking.refresh_from_db()
    assert booking.status == Status.CANCELLED

    # Booked inside the cancellation window (24 h): the page says it no longer cancels online, no button
    soon = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(hours=2)
    late = Booking.objects.create(resource=room, user=resident, start=soon, end=soon + dt.timedelta(hours=1),
                                  blocked_end=soon + dt.timedelta(hours=1), exclusive=True)
    page = client_of(resident).get(late.get_absolute_url()).content.decode()
    assert "ne s'annule plus en ligne" in page
    assert f"/reservations/{late.pk}/annuler/" not in page


def test_a_booking_that_took_place_is_listed_as_past_not_confirmed(client_of, room, resident):
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(days=2)
    Booking.objects.create(resource=room, user=resident, start=start, end=start + dt.timedelta(hours=1),
                           blocked_end=start + dt.timedelta(hours=1), exclusive=True)
    page = client_of(resident).get("/reservations/mes-reservations/").content.decode()
    past = page[page.index('id="passe-titre"'):]
    assert "passée" in past and "Confirmée" not in past

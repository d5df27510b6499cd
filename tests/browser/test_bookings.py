"""Bookings in the browser: book a room, find it in one's calendar feed, cancel it; a manager validates a
training and the machine becomes bookable; the booking form is axe-clean, works without JavaScript
and does not scroll sideways on a phone."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser]

SHOTS = os.environ.get("BOOKINGS_SCREENSHOTS")  # a folder: the pages are also saved there


def shoot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.fixture
def place(territory, member):
    from alleger.organisations.models import Membership
    from alleger.testing.bookings_factories import PlaceFactory
    from alleger.testing.factories import MembershipFactory, OrganisationFactory

    operator = OrganisationFactory(name="Le Fab lab", slug="fab-lab", territory=territory)
    MembershipFactory(organisation=operator, user=member, role=Membership.Role.ADMIN)
    return PlaceFactory(territory=territory, operator=operator, name="Fab lab de Jacquard")


@pytest.fixture
def room(place):
    from alleger.testing.bookings_factories import ResourceFactory

    return ResourceFactory(place=place, name="Salle de réunion", opening_hours="Mo-Su 08:00-22:00", capacity=1)


@pytest.fixture
def laser(place):
    from alleger.bookings.models import Resource
    from alleger.testing.bookings_factories import ResourceFactory, TrainingFactory

    return ResourceFactory(place=place, name="Découpeuse laser", kind=Resource.Kind.MACHINE,
                           opening_hours="Mo-Su 08:00-22:00", training=TrainingFactory(place=place))


def login(context, live_server, user):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": live_server.url}])


def test_book_a_room_see_it_in_the_calendar_feed_then_cancel(page, live_server, logged_in, room, check_axe):
    from django.utils import timezone

    from alleger.bookings.models import Booking

    page.goto(f"{live_server.url}/reservations/ressources/{room.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Salle de réunion")
    check_axe(page)
    shoot(page, "resource-1366")
    page.locator(".slot-free .slot-button").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Réservation")
    booking = Booking.objects.get()
    assert page.url.endswith(booking.get_absolute_url())
    check_axe(page)
    shoot(page, "booking-1366")
    # the same slot through the form: refused with its message on the form (hers already), which stays axe-clean
    local = timezone.localtime(booking.start)
    page.goto(f"{live_server.url}/reservations/ressources/{room.pk}/")
    page.locator("#id_day").fill(local.date().isoformat())
    page.locator("#id_start").fill(local.strftime("%H:%M"))
    page.get_by_role("button", name="Réserver ce créneau").click()
    expect(page.get_by_role("alert")).to_contain_text("Vous avez déjà une réservation sur ce créneau.")
    check_axe(page)
    assert Booking.objects.count() == 1

    page.goto(live_server.url + booking.get_absolute_url())
    page.locator("main").get_by_role("link", name="Mes réservations").click()
    page.get_by_role("button", name="Créer un lien d'agenda").click()
    feed_url = page.locator(".feed-url").inner_text()
    check_axe(page)
    shoot(page, "mine-1366")
    feed = page.request.get(feed_url)
    assert feed.ok and "Salle de réunion" in feed.text() and "BEGIN:VEVENT" in feed.text()

    page.goto(live_server.url + booking.get_absolute_url())
    page.get_by_role("button", name="Annuler la réservation").click()
    expect(page.locator(".badge")).to_have_text("Annulée")
    assert Booking.objects.get().status == "cancelled"
    assert "STATUS:CANCELLED" in page.request.get(feed_url).text()


def test_a_manager_validates_a_training_and_the_machine_becomes_bookable(new_context, live_server, member, laser,
                                                                         check_axe):
    from alleger.bookings.models import Booking
    from alleger.testing.factories import UserFactory

    trainee = UserFactory(display_name="Clémence")
    theirs = new_context()
    login(theirs, live_server, trainee)
    page = theirs.new_page()
    page.goto(f"{live_server.url}/reservations/ressources/{laser.pk}/")
    expect(page.locator(".slot-button")).to_have_count(0)  # not bookable yet: no slot buttons… but the form
    page.get_by_role("button", name="M'inscrire à la formation").click()
    expect(page.get_by_text("Vous êtes inscrit(e) à la formation", exact=False).first).to_be_visible()

    mine = new_context()
    login(mine, live_server, member)
    manager = mine.new_page()
    manager.goto(f"{live_server.url}/reservations/lieux/{laser.place.pk}/gestion/")
    check_axe(manager)
    shoot(manager, "manage-1366")
    manager.get_by_role("button", name="Valider la formation : Clémence").click()
    expect(manager.get_by_text("La formation de Clémence est validée.")).to_be_visible()

    page.reload()
    page.locator(".slot-free .slot-button").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Découpeuse laser")
    assert Booking.objects.filter(resource=laser, user=trainee, status="confirmed").exists()


def test_the_booking_form_without_javascript_and_on_a_phone(new_context, live_server, member, room):
    from django.utils import timezone

    from alleger.bookings.models import Booking

    context = new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    login(context, live_server, member)
    page = context.new_page()
    page.goto(f"{live_server.url}/reservations/ressources/{room.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shoot(page, "resource-390")
    day = (timezone.localdate() + timezone.timedelta(days=2)).isoformat()
    page.locator("#id_day").fill(day)
    page.locator("#id_start").fill("14:00")
    page.locator("#id_slots").select_option("2")
    page.locator("#id_purpose").fill("Réunion du collectif")
    page.get_by_role("button", name="Réserver ce créneau").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Réservation")
    booking = Booking.objects.get()
    assert (timezone.localtime(booking.start).hour, booking.purpose) == (14, "Réunion du collectif")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shoot(page, "booking-390")
    # her own slot again: already hers, and no waitlist to join for it
    page.goto(f"{live_server.url}/reservations/ressources/{room.pk}/")
    page.locator("#id_day").fill(day)
    page.locator("#id_start").fill("15:00")
    page.get_by_role("button", name="Réserver ce créneau").click()
    expect(page.get_by_role("alert")).to_contain_text("Vous avez déjà une réservation sur ce créneau.")
    expect(page.get_by_role("button", name="M'inscrire sur la liste d'attente")).to_have_count(0)
    # someone else's slot: refused on the page, with the waitlist offered, nothing written
    from alleger.bookings.services import booking_create
    from alleger.testing.factories import UserFactory

    evening = timezone.make_aware(timezone.datetime.combine(timezone.localdate() + timezone.timedelta(days=2),
                                                            timezone.datetime.min.time().replace(hour=18)))
    booking_create(resource=room, user=UserFactory(), start=evening, end=evening + timezone.timedelta(hours=1))
    page.locator("#id_day").fill(day)
    page.locator("#id_start").fill("18:00")
    page.locator("#id_slots").select_option("1")
    page.get_by_role("button", name="Réserver ce créneau").click()
    expect(page.get_by_role("alert")).to_contain_text("Ce créneau vient d'être réservé")
    shoot(page, "refused-390")  # (axe needs JavaScript: the refusal page is checked in the test above)
    page.get_by_role("button", name="M'inscrire sur la liste d'attente").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes réservations")
    assert Booking.objects.count() == 2


def test_a_refused_weekly_booking_brings_its_errors_into_view_on_a_phone(new_context, live_server, member, room):
    # The series form is far down the page: after a refusal, the error summary gets the focus and is in view
    # (alleger/site.js), instead of the page coming back at its top.
    from alleger.bookings.models import Booking

    context = new_context(viewport={"width": 390, "height": 844})
    login(context, live_server, member)
    page = context.new_page()
    page.goto(f"{live_server.url}/reservations/ressources/{room.pk}/")
    # The bookable hours in words first (Mo-Su 08:00-22:00), the OpenStreetMap expression beside them
    rules = page.locator(".resource-rules")
    expect(rules.locator(".resource-week li")).to_have_count(7)
    expect(rules).to_contain_text("8 h – 22 h")
    expect(rules.locator("code")).to_have_text("Mo-Su 08:00-22:00")
    page.get_by_text("Réserver le même créneau chaque semaine").click()
    page.locator("#id_serie-title").fill("Atelier du jeudi")
    page.locator("#id_serie-weeks").fill("0")
    page.get_by_role("button", name="Réserver chaque semaine").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary).to_contain_text("Nombre de semaines")
    assert page.evaluate("window.scrollY") > 0
    assert not Booking.objects.exists()

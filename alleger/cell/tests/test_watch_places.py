"""The shared places track in the watch: places published (with their type, profiles and neighbourhood) and
bookings in aggregate only, per place and day — on the page, its filters, the digests, the Atom feed and the
API, never with a booker's name, e-mail or purpose."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from alleger.bookings.models import Booking, Status
from alleger.cell import watch, watch_services
from alleger.cell.models import CellAction
from alleger.cell.watch import day_event
from alleger.places.models import Place, PlaceChange
from alleger.places.services import place_propose, place_review
from alleger.testing.bookings_factories import BookingFactory, ResourceFactory
from alleger.testing.factories import NeighbourhoodFactory, UserFactory, box
from alleger.testing.funding_factories import ThemeFactory
from alleger.testing.places_factories import PlaceFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
DAY = datetime.timedelta(days=1)
BOOKER = {"display_name": "Bernadette Réservante", "email": "bernadette.reservante@example.org"}
PURPOSE = "Entretien confidentiel de Bernadette"


@pytest.fixture
def fabrique(territory, neighbourhood):
    return PlaceFactory(territory=territory, neighbourhood=neighbourhood, name="La Fabrique",
                        place_type=Place.PlaceType.COWORKING, profile_mediation=False, profile_work=True,
                        profile_creation=True)


@pytest.fixture
def booker(db):
    return UserFactory(**BOOKER)


def made(resource, user, *, when, hours=2, seats=1, status=Status.CONFIRMED):
    """A booking made at `when` (its creation date), used a week later."""
    start = when + 7 * DAY
    booking = BookingFactory(resource=resource, user=user, start=start, end=start + datetime.timedelta(hours=hours),
                             seats=seats, status=status, purpose=PURPOSE,
                             hold_until=start if status == Status.HELD else None)
    Booking.objects.filter(pk=booking.pk).update(created_at=when)
    return booking


def items(territory, kind=None, **filters):
    found = watch.feed(watch.Filters(territory=territory, **filters), limit=100)
    return [i for i in found if kind is None or i.kind == kind]


@pytest.fixture
def busy(territory, fabrique, booker):
    """Three bookings made at La Fabrique today (two rooms, 5 hours), one yesterday, a waitlist offer not yet
    claimed and a lapsed one (not bookings made), and one at another place of another neighbourhood."""
    today = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    room, desks = ResourceFactory(place=fabrique), ResourceFactory(place=fabrique, capacity=6)
    made(room, booker, when=today, hours=2)
    made(room, UserFactory(), when=today + datetime.timedelta(hours=3), hours=1)  # no overlap: one room
    made(desks, UserFactory(), when=today, hours=1, seats=2)
    made(room, booker, when=today - DAY, hours=3)
    made(desks, booker, when=today, status=Status.HELD)
    made(desks, booker, when=today, status=Status.EXPIRED)
    elsewhere = NeighbourhoodFactory(territory=territory, name="Montreynaud", slug="montreynaud",
                                     boundary=box(4.40, 45.46, 4.42, 45.48))
    hall = PlaceFactory(territory=territory, neighbourhood=elsewhere, name="Salle des fêtes")
    made(ResourceFactory(place=hall), booker, when=today)
    return {"today": today, "hall": hall}


# --- the selectors -------------------------------------------------------------------------------

def test_a_published_place_is_an_item_with_its_type_profiles_and_neighbourhood(territory, fabrique):
    PlaceFactory(territory=territory, name="Pas encore relu", moderation=Place.Moderation.PROPOSED)

    [item] = items(territory, "place")

    assert (item.title, item.neighbourhood, item.event) == ("La Fabrique", "Jacquard", "publié")
    assert item.summary == "Espace de coworking · Travail et entrepreneuriat, Création et projets"
    assert item.url == fabrique.get_absolute_url() == f"/lieux/{fabrique.pk}/"
    assert item.target == ("places.place", fabrique.pk) and item.kind_label == "Lieu partagé"


def test_a_proposed_place_enters_the_watch_on_the_day_it_is_published(territory, resident, moderator):
    place = place_propose(user=resident, territory=territory, name="Repair café des Prés", place_type="repair_cafe",
                          profiles=["creation"], address="2 rue des Prés", lat=45.43, lon=4.37)
    assert items(territory, "place") == []
    place_review(place=place, moderator=moderator, decision="publish")
    proposed, reviewed = timezone.now() - 10 * DAY, timezone.now() - 2 * DAY
    Place.objects.filter(pk=place.pk).update(created_at=proposed)
    PlaceChange.objects.filter(place=place, source="review").update(created_at=reviewed)

    [item] = items(territory, "place")
    assert item.date == reviewed  # its publication, not its proposal
    today = timezone.localdate()
    assert items(territory, "place", since=today - 3 * DAY)
    assert items(territory, "place", until=today - 5 * DAY) == []


def test_bookings_come_in_aggregate_per_place_and_day(territory, fabrique, busy):
    found = items(territory, "bookings")

    assert [(i.title, i.summary) for i in found] == [
        ("La Fabrique", "3 réservations à La Fabrique, 5 h réservées"),  # 2 h + 1 h + 1 h × 2 seats
        ("Salle des fêtes", "1 réservation à Salle des fêtes, 2 h réservées"),
        ("La Fabrique", "1 réservation à La Fabrique, 3 h réservées"),
    ]
    first = found[0]
    assert first.event == day_event() == "de la journée" and first.neighbourhood == "Jacquard"
    assert first.date == busy["today"] + datetime.timedelta(hours=3)  # the day's last booking
    assert first.url == fabrique.get_absolute_url() and first.target == ("places.place", fabrique.pk)
    text = repr(found)
    assert "Bernadette" not in text and "example.org" not in text and PURPOSE not in text


def test_the_filters_apply_to_places_and_bookings(territory, neighbourhood, fabrique, busy):
    hood = [(i.kind, i.title) for i in items(territory, neighbourhood=neighbourhood)
            if i.kind in ("place", "bookings")]
    assert ("place", "La Fabrique") in hood and ("bookings", "La Fabrique") in hood
    assert all(title == "La Fabrique" for _kind, title in hood)
    # Places have no theme: a theme filter leaves them out, as it leaves out kits and reports.
    theme = ThemeFactory(territory=territory)
    assert items(territory, "place", theme=theme) == [] and items(territory, "bookings", theme=theme) == []
    assert list(watch.KINDS["place"].selector(watch.Filters(territory=territory, theme=theme), 10)) == []
    # The period: only yesterday's bookings.
    yesterday = busy["today"].date() - DAY
    assert [i.summary for i in items(territory, "bookings", since=yesterday, until=yesterday)] == [
        "1 réservation à La Fabrique, 3 h réservées"]
    assert items(territory, "bookings", kinds=frozenset({"place"})) == []


def test_another_territorys_places_stay_out(territory, other_territory, fabrique):
    PlaceFactory(territory=other_territory, name="Tiers-lieu lyonnais", lat=45.75, lon=4.85)
    assert [i.title for i in items(other_territory, "place")] == ["Tiers-lieu lyonnais"]
    assert [i.title for i in items(territory, "place")] == ["La Fabrique"]


# --- the page, its filters, acting on a place ------------------------------------------------------

def test_the_page_shows_them_and_its_checkboxes_filter_them(client_of, territory, cell_member, fabrique, busy):
    client = client_of(cell_member)
    page = client.get(reverse("cell:watch", args=[territory.slug])).content.decode()
    assert 'name="kind" value="place"' in page and 'name="kind" value="bookings"' in page
    assert "3 réservations à La Fabrique, 5 h réservées" in page
    assert "Espace de coworking · Travail et entrepreneuriat" in page

    page = client.get(reverse("cell:watch", args=[territory.slug]) + "?kind=bookings").content.decode()
    assert "3 réservations à La Fabrique" in page and "Espace de coworking ·" not in page
    page = client.get(reverse("cell:watch", args=[territory.slug]) + "?kind=place").content.decode()
    assert "Espace de coworking ·" in page and "réservations à La Fabrique" not in page
    for secret in ("Bernadette", "example.org", PURPOSE):
        assert secret not in page


def test_the_page_in_english(client_of, territory, cell_member, fabrique, busy):
    client = client_of(cell_member)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("cell:watch", args=[territory.slug])).content.decode()
    assert "3 bookings at La Fabrique, 5 h booked" in page
    assert "Coworking space · Work and entrepreneurship, Creation and projects" in page
    assert ">Shared place<" in page and "Bernadette" not in page


def test_the_cell_tags_a_place_with_a_challenge(client_of, territory, cell_member, fabrique):
    """Tagging a place links it to a real challenge, and the place becomes one of its responses."""
    from alleger.cell.challenge_services import challenge_create
    from alleger.cell.models import ChallengeResponse

    today = timezone.localdate()
    challenge = challenge_create(actor=cell_member, territory=territory, title="Des rez-de-chaussée vivants",
                                 problem="Des vitrines vides.", starts_on=today, ends_on=today + 90 * DAY,
                                 status="open")
    target = f"places.place:{fabrique.pk}"
    url = reverse("cell:watch_item", args=[territory.slug, target])
    page = client_of(cell_member).get(url).content.decode()
    assert "Agir sur « La Fabrique »" in page and 'value="follow"' not in page and 'value="invite"' not in page
    response = client_of(cell_member).post(url, {"kind": "tag", "challenge": challenge.pk, "note": "Un lieu ouvert"})
    assert response.status_code == 302
    action = CellAction.objects.get()
    assert (action.kind, action.target_id, action.challenge, action.note) == ("tag", fabrique.pk, challenge,
                                                                               "Un lieu ouvert")
    assert ChallengeResponse.objects.get(challenge=challenge).place == fabrique


# --- digests, Atom, API ------------------------------------------------------------------------------

def test_the_digest_lists_them_without_the_bookers(territory, cell_member, fabrique, busy,
                                                   django_capture_on_commit_callbacks):
    saved = watch_services.saved_watch_create(user=cell_member, territory=territory, name="Les lieux",
                                              filters={"kind": ["place", "bookings"]}, frequency="daily")
    tomorrow = busy["today"].date() + DAY
    with django_capture_on_commit_callbacks(execute=True):
        assert watch_services.digests_send_due(today=tomorrow) == (1, 1)
    [message] = mail.outbox
    assert message.to == [saved.user.email]
    assert "Réservations (" in message.body and "3 réservations à La Fabrique, 5 h réservées" in message.body
    for secret in ("Bernadette", "bernadette.reservante", PURPOSE):
        assert secret not in message.body


def test_the_atom_feed_lists_them_without_the_bookers(client, territory, cell_member, fabrique, busy):
    saved = watch_services.saved_watch_create(user=cell_member, territory=territory, name="Les lieux",
                                              filters={"kind": ["place", "bookings"]}, frequency="none")
    body = client.get(reverse("cell:watch_atom", args=[saved.token])).content.decode()
    assert "Lieu partagé · La Fabrique (publié)" in body
    assert "3 réservations à La Fabrique, 5 h réservées" in body
    assert "<category term=\"Réservations\"" in body
    for secret in ("Bernadette", "bernadette.reservante", PURPOSE):
        assert secret not in body


def test_the_api_lists_them_without_the_bookers(client_of, territory, cell_member, fabrique, busy):
    client = client_of(cell_member)
    response = client.get(f"/api/v1/watch/{territory.slug}/items", {"kind": ["place", "bookings"]})
    assert response.status_code == 200
    found = response.json()["items"]
    assert {i["kind"] for i in found} == {"place", "bookings"}
    bookings = [i for i in found if i["kind"] == "bookings"]
    assert bookings[0]["summary"] == "3 réservations à La Fabrique, 5 h réservées"
    assert bookings[0]["target"] == f"places.place:{fabrique.pk}"
    assert bookings[0]["url"].endswith(fabrique.get_absolute_url())
    for secret in ("Bernadette", "bernadette.reservante", PURPOSE):
        assert secret not in response.content.decode()
    # The kinds are documented (and validated): an unknown one is a 422, never a 500.
    document = client.get("/api/v1/openapi.json").json()
    kinds = document["paths"]["/api/v1/watch/{slug}/items"]["get"]["parameters"]
    kind = next(p for p in kinds if p["name"] == "kind")
    assert {"place", "bookings"} <= set(kind["schema"]["items"]["enum"])
    assert "bookings come in aggregate only" in document["paths"]["/api/v1/watch/{slug}/items"]["get"]["description"]
    assert client.get(f"/api/v1/watch/{territory.slug}/items", {"kind": "lieux"}).status_code == 422

"""« Occupancy rising »: a shared place's booked share of its open seat-hours, the last 4 weeks against the 4
before, on constructed histories — a place filling up rises, a steady one does not, a tiny one stays under
the minimum of booked hours, a place never open divides nothing by zero."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from alleger.bookings.models import Status
from alleger.cell import traction
from alleger.testing.bookings_factories import BookingFactory, ResourceFactory
from alleger.testing.factories import NeighbourhoodFactory, UserFactory, box
from alleger.testing.places_factories import PlaceFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
#: Away from the clock changes: both windows (from 20 April) have 12 open hours a day, 336 hours each.
NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=PARIS)
DAY = datetime.timedelta(days=1)


def place_with_room(territory, name, *, hours="Mo-Su 08:00-20:00", capacity=1, **fields):
    place = PlaceFactory(territory=territory, name=name, **fields)
    return place, ResourceFactory(place=place, opening_hours=hours, capacity=capacity)


def book(resource, days_ago, hours, *, at=10, status=Status.CONFIRMED, seats=1):
    """A booking `days_ago` days before NOW, from `at` o'clock for `hours` hours (days 1–27 are the recent
    window, 29–55 the one before: no booking straddles a boundary)."""
    start = datetime.datetime.combine((NOW - days_ago * DAY).date(), datetime.time(at), tzinfo=PARIS)
    return BookingFactory(resource=resource, start=start, end=start + datetime.timedelta(hours=hours), seats=seats,
                          status=status, user=UserFactory())


@pytest.fixture
def history(territory, neighbourhood):
    filling, room = place_with_room(territory, "La Fabrique", neighbourhood=neighbourhood)
    for days_ago in range(29, 50):  # 21 × 4 h = 84 h of 336: 25 %
        book(room, days_ago, 4)
    for days_ago in range(1, 22):  # 21 × 8 h = 168 h of 336: 50 %
        book(room, days_ago, 8)
    steady, hall = place_with_room(territory, "Salle des fêtes")
    for days_ago in [*range(29, 50), *range(1, 22)]:  # 84 h in each window
        book(hall, days_ago, 4)
    book(hall, 3, 4, at=15, status=Status.CANCELLED)  # withdrawn: not counted
    book(hall, 4, 4, at=15, status=Status.NO_SHOW)  # the no-show released its slot
    tiny, drill = place_with_room(territory, "Atelier de Carnot", hours="Sa 10:00-12:00")  # 8 open hours a window
    book(drill, 44, 1)  # 1 h of 8 before (Saturday 2 May)
    for days_ago in (2, 9, 16, 23):  # the four Saturdays: 8 h of 8, but only 8 hours
        book(drill, days_ago, 2)
    never, nowhere = place_with_room(territory, "Lieu sans horaires", hours="off")
    book(nowhere, 5, 2)  # a booking written as is, in a resource that never opens
    return {"filling": filling, "steady": steady, "tiny": tiny, "never": never}


def occupancy(territory, neighbourhood=None):
    return {s.title: s for s in traction.signals(territory, neighbourhood, now=NOW) if s.key == "occupancy"}


def test_a_place_filling_up_rises_and_says_both_rates(territory, history):
    found = occupancy(territory)
    signal = found["La Fabrique"]
    assert signal.rising and signal.strength == pytest.approx(2.0)
    assert signal.explanation == ("Taux d'occupation 50\xa0% ces 4 dernières semaines, contre 25\xa0% les 4 précédentes "
                                  "(168 h réservées sur 336 h ouvertes)")
    assert signal.target == ("places.place", history["filling"].pk)
    assert signal.url == history["filling"].get_absolute_url() and signal.neighbourhood == "Jacquard"
    assert "4 dernières semaines" in signal.method and "1,5 fois" in signal.method


def test_a_steady_place_does_not_rise(territory, history):
    signal = occupancy(territory)["Salle des fêtes"]
    assert not signal.rising and signal.strength == pytest.approx(1.0)
    assert signal.explanation.startswith("Taux d'occupation 25\xa0% ces 4 dernières semaines, contre 25\xa0%")


def test_a_small_place_needs_its_minimum_of_booked_hours(territory, history):
    signal = occupancy(territory)["Atelier de Carnot"]
    assert signal.strength == pytest.approx(8.0)  # 100 % against 12,5 %
    assert not signal.rising  # 8 booked hours, under traction.OCCUPANCY_MIN_BOOKED_HOURS
    assert traction.OCCUPANCY_MIN_BOOKED_HOURS > 8


def test_a_place_never_open_says_nothing_and_divides_nothing(territory, history):
    assert "Lieu sans horaires" not in occupancy(territory)


def test_a_place_with_nothing_booked_before_counts_from_the_floor(territory):
    place, room = place_with_room(territory, "Nouvelle salle")
    for days_ago in range(1, 15):  # 14 × 2 h = 28 h of 336 (8 %), nothing before
        book(room, days_ago, 2)
    signal = occupancy(territory)["Nouvelle salle"]
    assert signal.explanation.startswith("Taux d'occupation 8\xa0% ces 4 dernières semaines, contre 0\xa0%")
    assert signal.strength == pytest.approx((28 / 336) / traction.OCCUPANCY_FLOOR)
    assert signal.rising


def test_the_neighbourhood_narrows_it_and_it_costs_two_queries(territory, neighbourhood, history,
                                                               django_assert_num_queries):
    with django_assert_num_queries(2):
        found = list(traction.occupancy(territory, None, NOW))
    assert len(found) == 3
    assert set(occupancy(territory, neighbourhood)) == {"La Fabrique"}
    other = NeighbourhoodFactory(territory=territory, name="Montreynaud", slug="montreynaud",
                                 boundary=box(4.40, 45.46, 4.42, 45.48))
    assert occupancy(territory, other) == {}


def test_it_is_in_the_rising_view_and_the_api(client_of, territory, cell_member, history, monkeypatch):
    monkeypatch.setattr(traction.timezone, "now", lambda: NOW)
    page = client_of(cell_member).get(reverse("cell:watch_rising", args=[territory.slug])).content.decode()
    assert "Taux d&#x27;occupation 50\xa0% ces 4 dernières semaines, contre 25\xa0% les 4 précédentes" in page
    assert "Salle des fêtes" not in page  # steady: not rising
    assert reverse("cell:watch_item", args=[territory.slug, f"places.place:{history['filling'].pk}"]) in page
    rising = client_of(cell_member).get(f"/api/v1/watch/{territory.slug}/rising").json()
    [signal] = [s for s in rising if s["key"] == "occupancy"]
    assert signal["target"] == f"places.place:{history['filling'].pk}" and signal["rising"]
    assert "4 dernières semaines" in signal["method"]


def test_the_demo_has_a_place_filling_up_and_a_steady_one(demo):
    from alleger.territories.models import Territory

    found = {s.title: s for s in traction.signals(Territory.objects.get(slug="saint-etienne"))
             if s.key == "occupancy"}
    assert found["La Fabrique, coworking"].rising
    assert not found["Salle des fêtes de Jacquard"].rising

"""Searching places: open now / open at over their services, the next opening in words, filters, text
without accents, near a point; two queries whatever the number of places."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from alleger.places import selectors
from alleger.places.models import Place
from alleger.testing.factories import NeighbourhoodFactory, box
from alleger.testing.places_factories import PlaceFactory, ServiceFactory, fab_lab, france_services

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
THURSDAY_3PM = dt.datetime(2026, 12, 3, 15, 0, tzinfo=PARIS)
FRIDAY_10AM = dt.datetime(2026, 12, 4, 10, 0, tzinfo=PARIS)
FRIDAY_6PM = dt.datetime(2026, 12, 4, 18, 0, tzinfo=PARIS)


@pytest.fixture
def places(territory):
    return {"fs": france_services(territory), "fab": fab_lab(territory, wheelchair="yes")}


def test_on_thursday_at_3_pm_the_caf_desk_is_open_until_5_pm(places):
    caf = places["fs"].services.get(name="Permanence CAF")
    timing = selectors.service_timing(caf, THURSDAY_3PM)
    assert timing.is_open and timing.until == dt.datetime(2026, 12, 3, 17, 0, tzinfo=PARIS)
    with translation.override("fr"):
        assert timing.text == "Ouvert jusqu'à 17 h"
    with translation.override("en"):
        assert timing.text == "Open until 5 pm"
    found = selectors.places_open_at(THURSDAY_3PM, service_kind="family_benefits")
    assert [p.name for p in found] == ["France Services du Crêt de Roch"]


def test_on_friday_the_caf_desk_opens_next_thursday_at_2_pm(places):
    caf = places["fs"].services.get(name="Permanence CAF")
    timing = selectors.service_timing(caf, FRIDAY_10AM)
    assert not timing.is_open
    assert timing.next_opening == dt.datetime(2026, 12, 10, 14, 0, tzinfo=PARIS)
    with translation.override("fr"):
        assert timing.text == "Fermé, ouvre jeudi à 14 h"
    with translation.override("en"):
        assert timing.text == "Closed, opens Thursday at 2 pm"
    assert selectors.places_open_at(FRIDAY_10AM, service_kind="family_benefits") == []
    # The place itself is open: its general desk is.
    assert [p.name for p in selectors.places_open_at(FRIDAY_10AM)] == ["France Services du Crêt de Roch"]
    with translation.override("fr"):
        assert selectors.place_timing(places["fs"], FRIDAY_10AM).text == "Ouvert jusqu'à 12 h"


def test_next_opening_says_today_tomorrow_a_weekday_or_a_date(territory, places):
    with translation.override("fr"):
        assert selectors.place_timing(places["fs"], FRIDAY_6PM).text == "Fermé, ouvre lundi à 9 h"
        assert selectors.place_timing(places["fab"], FRIDAY_6PM).text == "Fermé, ouvre demain à 14 h"
        assert selectors.place_timing(places["fab"], dt.datetime(2026, 12, 5, 9, 0, tzinfo=PARIS)).text == \
            "Fermé, ouvre aujourd'hui à 14 h"
        monthly = PlaceFactory(territory=territory)
        ServiceFactory(place=monthly, opening_hours="Sa[1] 14:00-18:00")
        assert selectors.place_timing(monthly, FRIDAY_6PM).text == "Fermé, ouvre demain à 14 h"  # 1st Saturday
        monday = dt.datetime(2026, 12, 7, 18, 0, tzinfo=PARIS)
        assert selectors.place_timing(monthly, monday).text == "Fermé, ouvre le 2 janvier à 14 h"
        unknown = PlaceFactory(territory=territory)
        ServiceFactory(place=unknown, opening_hours="", by_appointment=True)
        assert selectors.place_timing(unknown, FRIDAY_6PM).text == "Sur rendez-vous"
    with translation.override("en"):
        assert selectors.place_timing(places["fs"], dt.datetime(2026, 12, 4, 12, 30, tzinfo=PARIS)).text == \
            "Closed, opens today at 1:30 pm"


def test_the_week_schedule_in_words(places):
    caf = places["fs"].services.get(name="Permanence CAF")
    with translation.override("fr"):
        assert selectors.week_schedule(caf.opening_hours, FRIDAY_10AM) == [("jeudi 10 décembre", "14 h – 17 h")]


@pytest.mark.parametrize(("language", "expression", "expected"), [
    ("fr", "Mo-Fr 09:00-19:00; Sa 10:00-12:00",
     "du lundi 7 décembre au vendredi 11 décembre, 9 h – 19 h ; samedi 12 décembre, 10 h – 12 h"),
    ("en", "Mo-Fr 09:00-19:00; Sa 10:00-12:00",
     "from Monday December 7 to Friday December 11, 9 am – 7 pm; Saturday December 12, 10 am – 12 pm"),
    ("fr", "Tu,Th 17:00-20:00; We 09:00-12:00,14:00-18:00",
     "mardi 8 décembre, 17 h – 20 h ; mercredi 9 décembre, 9 h – 12 h, 14 h – 18 h ; jeudi 10 décembre, 17 h – 20 h"),
    ("fr", "Jan 10:00-12:00", ""),  # closed all that week
])
def test_a_week_in_one_line_the_following_days_with_the_same_hours_together(language, expression, expected):
    with translation.override(language):
        assert selectors.week_in_words(expression, dt.date(2026, 12, 10)) == expected


def test_filters_profile_type_kind_neighbourhood_wheelchair(territory, places):
    hood = NeighbourhoodFactory(territory=territory, slug="cret-de-roch", name="Crêt de Roch",
                                boundary=box(4.40, 45.43, 4.415, 45.445))
    Place.objects.filter(pk=places["fs"].pk).update(neighbourhood=hood)
    PlaceFactory(territory=territory, name="Proposé", moderation="proposed")

    def names(**filters):
        return sorted(p.name for p in selectors.place_search(territory=territory, **filters))

    assert names() == ["Fab lab de Jacquard", "France Services du Crêt de Roch"]
    assert names(profile="creation") == ["Fab lab de Jacquard"]
    assert names(place_type="france_services") == ["France Services du Crêt de Roch"]
    assert names(service_kind="fabrication") == ["Fab lab de Jacquard"]
    assert names(neighbourhood_slug="cret-de-roch") == ["France Services du Crêt de Roch"]
    assert names(wheelchair=True) == ["Fab lab de Jacquard"]


@pytest.mark.parametrize(("text", "expected"), [
    ("cret de ROCH", ["France Services du Crêt de Roch"]),
    ("FAB lab jacquard", ["Fab lab de Jacquard"]),
    ("caf", ["France Services du Crêt de Roch"]),  # a service's name
    ("Élise", ["France Services du Crêt de Roch"]),  # the address, accents folded both ways
    ("piscine", []),
    # What a service offers, in either language: the fab lab's laser cutter, France Services' procedures.
    ("laser", ["Fab lab de Jacquard"]),
    ("démarches", ["France Services du Crêt de Roch"]),
    ("paperwork", ["France Services du Crêt de Roch"]),
    ("fab", ["Fab lab de Jacquard"]),  # the place's kind, as its name
])
def test_text_search_ignores_accents_and_case(places, text, expected):
    assert [p.name for p in selectors.place_search(text=text)] == expected


def test_near_a_point_or_a_neighbourhood_nearest_first(territory, places):
    NeighbourhoodFactory(territory=territory, slug="jacquard", name="Jacquard", boundary=box(4.365, 45.43, 4.38, 45.445))
    jacquard = selectors.locate("jacquard", territory)
    assert jacquard.label == "Jacquard"
    assert selectors.locate("JACQUARD") == jacquard
    ordered = selectors.by_distance(selectors.place_search(), jacquard)
    assert [p.name for p in ordered] == ["Fab lab de Jacquard", "France Services du Crêt de Roch"]
    assert 2500 < ordered[1].distance < 3000
    point = selectors.locate("45.4372, 4.4071")
    assert (point.lat, point.lon) == (45.4372, 4.4071)
    assert selectors.by_distance(selectors.place_search(), point)[0].name.startswith("France Services")
    assert selectors.locate("Atlantis") is None and selectors.locate("95,4") is None


def test_find_open_near_keeps_its_queries_bounded(territory, places, django_assert_max_num_queries):
    for _n in range(20):
        ServiceFactory(place=PlaceFactory(territory=territory), opening_hours="Mo-Su 00:00-24:00")
    with django_assert_max_num_queries(2):
        found = selectors.find(open_at_instant=FRIDAY_10AM, near=selectors.Point(45.43, 4.39, ""))
        selectors.with_timings(found, FRIDAY_10AM)
    assert len(found) == 21


def test_geojson_is_rfc_7946(places):
    data = selectors.geojson(selectors.place_search(), at=THURSDAY_3PM)
    assert data["type"] == "FeatureCollection" and "crs" not in data
    feature = next(f for f in data["features"] if f["properties"]["name"].startswith("Fab"))
    assert feature["geometry"] == {"type": "Point", "coordinates": [4.3722, 45.4368]}
    assert feature["properties"]["open_now"] is False
    assert feature["properties"]["next_opening"] == "2026-12-05T14:00:00+01:00"
    assert feature["properties"]["profiles"] == ["creation"]


def test_a_members_only_session_does_not_make_a_place_open_to_all(territory):
    """Saturday 10:00: the fab lab's members-only training runs, the public opens at 14:00."""
    saturday_10am = dt.datetime(2026, 12, 5, 10, 0, tzinfo=PARIS)
    lab = PlaceFactory(territory=territory, name="Fab lab")
    ServiceFactory(place=lab, name="Formation laser (membres)", opening_hours="Sa 09:00-12:00",
                   access="members")
    ServiceFactory(place=lab, name="Accès libre", opening_hours="Sa 14:00-18:00")
    assert not selectors.place_is_open(lab, saturday_10am)
    timing = selectors.place_timing(lab, saturday_10am)
    assert not timing.is_open and timing.next_opening == saturday_10am.replace(hour=14)
    # A place whose every service is for its members keeps their hours.
    club = PlaceFactory(territory=territory, name="Club")
    ServiceFactory(place=club, opening_hours="Sa 09:00-12:00", access="members")
    assert selectors.place_is_open(club, saturday_10am)

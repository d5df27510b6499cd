"""Shared places in the browser: find a place open at a chosen time near a neighbourhood with the
list's form, open its page; the list and the page are axe-clean and fit a 390 px phone."""

import pytest

from tests.browser.test_phones import MEASURE, PHONE

pytestmark = [pytest.mark.browser]


@pytest.fixture
def places(territory):
    from alleger.places.models import Place, Service

    def make(name, lat, lon, hours, kind="procedures", **fields):
        place = Place.objects.create(territory=territory, name=name, place_type=fields.pop("place_type", "epn"),
                                     profile_mediation=True, address="1 place de la Mairie, Villeclaire", lat=lat,
                                     lon=lon, neighbourhood=territory.neighbourhoods.get(slug="pentes")
                                     if lon < 4.84 else territory.neighbourhoods.get(slug="bord-saone"),
                                     wheelchair="yes", accessibility="Boucle magnétique.", **fields)
        Service.objects.create(place=place, name=f"Accueil de {name}", kind=kind, opening_hours=hours,
                               provider_name="CAF du Rhône")
        return place

    return {
        "caf": make("Maison des services des Pentes", 45.75, 4.81, "Th 14:00-17:00",
                    summary="Un guichet pour toutes les démarches, avec une permanence de la CAF le jeudi."),
        "far": make("France Services de la Saône", 45.76, 4.86, "Th 14:00-17:00", place_type="france_services"),
        "closed": make("Atelier du mardi", 45.751, 4.811, "Tu 09:00-12:00", kind="tool_lending",
                       place_type="workshop"),
    }


def test_find_a_place_open_on_thursday_afternoon_near_a_neighbourhood(page, live_server, places, check_axe):
    page.goto(live_server.url + "/lieux/", wait_until="load")
    check_axe(page)
    page.get_by_label("Quand").select_option("le")
    page.get_by_label("Jour").fill("2026-12-03")
    page.get_by_label("Heure").fill("15:00")
    page.get_by_label("Près de").fill("Les Pentes")
    page.get_by_role("button", name="Chercher").click()
    page.wait_for_load_state("load")
    cards = page.locator(".place-cards > li")
    assert cards.count() == 2  # the Tuesday workshop is closed on Thursday
    assert cards.nth(0).inner_text().startswith("Maison des services des Pentes")  # the nearest first
    assert "Ouvert jusqu'à 17 h" in cards.nth(0).inner_text()
    check_axe(page)
    page.get_by_role("link", name="Maison des services des Pentes").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("heading", level=1).inner_text() == "Maison des services des Pentes"
    main = page.inner_text("main")
    assert "Th 14:00-17:00" in main and "CAF du Rhône" in main and "Boucle magnétique" in main
    check_axe(page)


def test_the_list_map_shows_the_places(page, live_server, places):
    page.goto(live_server.url + "/lieux/", wait_until="load")
    page.wait_for_selector("#places-map .leaflet-marker-icon, #places-map .leaflet-interactive")
    assert page.locator("#places-map .leaflet-marker-icon, #places-map .leaflet-interactive").count() == 3


def test_on_a_phone_the_places_pages_do_not_scroll_sideways(new_context, live_server, places, check_axe):
    page = new_context(**PHONE).new_page()
    for path in ("/lieux/", "/lieux/?ouvert=le&date=2026-12-03&heure=15:00&pres=pentes", f"/lieux/{places['caf'].pk}/"):
        page.goto(live_server.url + path, wait_until="load")
        width = page.evaluate(MEASURE)
        assert width["scroll"] <= 390 and width["inner"] <= 390, (path, width)
        check_axe(page)

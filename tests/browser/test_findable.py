"""The home and territory pages with live content and a territory's own colours: axe-core clean,
no CSP violation, no sideways scroll at 390 px, and the menu's tracks on a phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_csp import Watched
from tests.browser.test_phones import MEASURE, PHONE

pytestmark = [pytest.mark.browser]


@pytest.fixture
def city(demo, transactional_db):
    from alleger.territories.models import Territory

    city = Territory.objects.get(slug="saint-etienne")
    city.colour, city.text_colour = "#8a2b0f", "#ffffff"
    city.full_clean()
    city.save()
    return city


def test_the_live_home_and_a_themed_territory_are_accessible_and_csp_clean(page, live_server, city, check_axe):
    watched = Watched(page, live_server.url)
    for path in ("/", f"/t/{city.slug}/"):
        watched.open(path)
        watched.assert_clean()
        check_axe(page)
    banner = page.locator(".territory-banner")
    assert banner.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(138, 43, 15)"
    assert page.locator(".territory-banner h1").evaluate("e => getComputedStyle(e).color") == "rgb(255, 255, 255)"


def test_on_a_phone_the_live_pages_fit_and_the_menu_shows_the_tracks(new_context, live_server, city, check_axe):
    page = new_context(**PHONE).new_page()
    for path in ("/", f"/t/{city.slug}/"):
        page.goto(live_server.url + path, wait_until="load")
        width = page.evaluate(MEASURE)
        assert width["scroll"] <= 390 and width["inner"] <= 390, (path, width)
    page.locator("summary", has_text="Menu").click()
    nav = page.get_by_role("navigation", name="Navigation principale")
    for name in ("Projets", "Kits", "Carte des dispositifs", "Propositions"):
        expect(nav.get_by_role("link", name=name)).to_be_visible()
    expect(nav.get_by_text("Partager des lieux")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    check_axe(page)

"""The innovation cell's watch in Chromium: a cell member opens it from the menu, filters it without
JavaScript tricks (a GET form), sees a traction signal explained; axe-core clean, CSP clean, no sideways
scroll on a phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_csp import Watched
from tests.browser.test_phones import DESKTOP, MEASURE, PHONE, _log_in, demo  # noqa: F401 — demo is a fixture

pytestmark = [pytest.mark.browser]


@pytest.fixture
def cluster(demo):  # noqa: F811
    """Five reports of one category along 240 m of a street this month: a cluster the watch must explain."""
    from alleger.reports.models import ReportCategory
    from alleger.testing.reports_factories import make_report, north_of

    category = (ReportCategory.objects.filter(territory=demo["territory"]).exclude(attributes__required=True)
                .order_by("pk").first())
    for i in range(5):
        lat, lon = north_of(45.4397, 4.3872, 60 * i)
        make_report(category=category, lat=lat, lon=lon, description="Encore un de plus dans la rue.")
    return category


@pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["390px", "1366px"])
def test_a_cell_member_filters_the_watch_and_reads_a_signal_explained(
        new_context, live_server, demo, cluster, check_axe, screen):  # noqa: F811
    context = new_context(**screen)
    _log_in(context, live_server, demo["users"]["remi"])
    watched = Watched(context.new_page(), live_server.url)
    watched.open("/")
    page = watched.page
    if screen is PHONE:
        page.locator("summary", has_text="Menu").click()
    page.get_by_role("link", name="Veille", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Veille de Saint-Étienne")
    check_axe(page)
    page.screenshot(path=f"/tmp/watch-top-{screen['viewport']['width']}.png", full_page=False)

    page.get_by_role("checkbox", name="Signalement", exact=True).check()
    page.get_by_role("button", name="Afficher").click()
    assert "kind=report" in page.url
    items = page.locator("ol.watch-items > li")
    expect(items.first.locator(".badge").first).to_have_text("Signalement")
    signal = page.locator(".signal-rising").first
    # Five made here, and the demo's own reports of that category nearby.
    expect(signal).to_contain_text(re.compile(rf"\d+ signalements « {re.escape(cluster.name)} » ces 30 derniers "
                                              "jours à moins de 300 m"))
    signal.locator("summary", has_text="Comment c'est calculé").click()
    expect(signal.locator("details p")).to_contain_text("Un regroupement compte à partir de 5")
    width = page.evaluate(MEASURE)
    assert width["scroll"] <= width["inner"], width
    check_axe(page)
    page.screenshot(path=f"/tmp/watch-feed-{screen['viewport']['width']}.png", full_page=False)

    page.get_by_role("link", name="Ce qui monte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ce qui monte à Saint-Étienne")
    expect(page.locator(".signal").first).to_be_visible()
    assert page.evaluate(MEASURE)["scroll"] <= page.evaluate(MEASURE)["inner"]
    check_axe(page)
    page.screenshot(path=f"/tmp/watch-rising-{screen['viewport']['width']}.png", full_page=False)
    watched.assert_clean()


def test_a_cell_member_saves_a_watch_and_acts_on_an_item(new_context, live_server, demo, cluster, check_axe):  # noqa: F811
    context = new_context(**DESKTOP)
    _log_in(context, live_server, demo["users"]["remi"])
    watched = Watched(context.new_page(), live_server.url)
    watched.open(f"/cellule/{demo['territory'].slug}/veille/?kind=report")
    page = watched.page
    page.locator("summary", has_text="Enregistrer ces filtres comme une veille").click()
    page.get_by_label("Nom de la veille").fill("Les signalements")
    page.get_by_label("Résumé par e-mail").select_option("daily")
    page.get_by_role("button", name="Enregistrer la veille").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes veilles enregistrées")
    expect(page.get_by_role("link", name="Les signalements")).to_be_visible()
    check_axe(page)

    page.get_by_role("link", name="Les signalements").click()
    page.locator(".signal-rising").first.locator("xpath=ancestor::li").get_by_role("link", name="Agir").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Agir sur")
    check_axe(page)
    page.get_by_label("Défi").fill("Défi : des rues réparées vite")
    page.get_by_role("button", name="Rattacher").click()
    expect(page.get_by_text("Défi : des rues réparées vite")).to_be_visible()
    page.screenshot(path="/tmp/watch-item-1366.png", full_page=True)
    watched.assert_clean()

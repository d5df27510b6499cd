"""The innovation cell's watch in Chromium: a cell member opens it from the menu, filters it without
JavaScript tricks (a GET form), sees a traction signal explained; finds a rising project, links it to a
challenge, then reads a chart's table on the neighbourhood dashboard. axe-core clean, CSP clean, no
sideways scroll on a phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_csp import Watched
from tests.browser.test_phones import DESKTOP, MEASURE, PHONE, _log_in, demo  # noqa: F401 — demo is a fixture

pytestmark = [pytest.mark.browser]

#: The demo's open challenge (alleger/cell/demo.py).
CHALLENGE = "Quartier des Prés : nos biodéchets en circuit court"


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
    page.get_by_label("Défi", exact=True).select_option(label=CHALLENGE)
    page.get_by_role("button", name="Rattacher").click()
    expect(page.get_by_role("link", name=CHALLENGE)).to_be_visible()  # in « Ce que la cellule a fait »
    page.screenshot(path="/tmp/watch-item-1366.png", full_page=True)
    watched.assert_clean()


@pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["390px", "1366px"])
def test_the_cell_links_a_rising_project_to_a_challenge_then_reads_the_neighbourhood_dashboard(
        new_context, live_server, demo, check_axe, screen):  # noqa: F811
    from alleger.cell.models import ChallengeResponse

    project = demo["project"]  # the café: four new followers this week in the demo, far above its usual pace
    context = new_context(**screen)
    _log_in(context, live_server, demo["users"]["remi"])
    watched = Watched(context.new_page(), live_server.url)
    watched.open(f"/cellule/{demo['territory'].slug}/veille/")
    page = watched.page

    # « Ce qui monte »: the project is there, its signal says why.
    page.get_by_role("link", name="Ce qui monte").click()
    card = page.locator("ol.cards > li", has=page.get_by_role("link", name=project.title, exact=True)).filter(
        has_text="nouveaux abonnés ces 7 derniers jours, contre")
    expect(card.locator(".signal-rising")).to_contain_text(re.compile(r"\d+ nouveaux abonnés ces 7 derniers jours, "
                                                                      r"contre [\d,]+ par semaine en moyenne"))
    check_axe(page)
    card.get_by_role("link", name=re.compile("^Agir")).click()

    # Link it to the demo's challenge: the tag is recorded and the project becomes one of its responses.
    expect(page.get_by_role("heading", level=1)).to_contain_text(project.title)
    page.get_by_label("Défi", exact=True).select_option(label=CHALLENGE)
    page.get_by_label("Note publique (facultative)", exact=False).fill("Le café collecte les épluchures de ses clients.")
    page.get_by_role("button", name="Rattacher").click()
    expect(page.locator("[role=status], .messages").first).to_contain_text("C'est noté")
    journal = page.get_by_role("link", name=CHALLENGE)
    expect(journal).to_be_visible()
    check_axe(page)
    assert ChallengeResponse.objects.filter(challenge__title=CHALLENGE, project=project, status="accepted").exists()
    journal.click()
    expect(page.locator("#reponses")).to_contain_text(project.title)

    # The project's neighbourhood dashboard: a chart, and the same figures as a table.
    hood = project.neighbourhood
    watched.open(f"/cellule/{demo['territory'].slug}/tableau-de-bord/?quartier={hood.slug}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(hood.name)
    figure = page.locator("details.chart-figures").first
    figure.locator("summary").click()
    table = figure.locator("table")
    expect(table).to_be_visible()
    expect(table.locator("caption")).not_to_be_empty()
    assert table.locator("tbody tr").count() >= 1
    assert table.locator("thead th").count() >= 2
    width = page.evaluate(MEASURE)
    assert width["scroll"] <= width["inner"], width
    check_axe(page)
    page.screenshot(path=f"/tmp/watch-dashboard-{screen['viewport']['width']}.png", full_page=False)
    watched.assert_clean()

"""The innovation cell's dashboard in Chromium: Rémi (the cell) chooses a neighbourhood with the GET form,
reads the shared places' occupancy chart — an SVG described in words — and its table of figures; axe-core
clean, CSP clean, no sideways scroll at 390 and 1366 px."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_csp import Watched
from tests.browser.test_phones import DESKTOP, MEASURE, PHONE, _log_in, demo  # noqa: F401 — demo is a fixture

pytestmark = [pytest.mark.browser]


@pytest.fixture
def occupancy(demo):  # noqa: F811
    """A week of La Fabrique's occupancy as the metrics job leaves it (its own rows, whatever the demo's)."""
    from alleger.cell.models import Metric
    from alleger.places.models import Place

    place = Place.objects.select_related("neighbourhood").get(name="La Fabrique, coworking")
    today = timezone.localdate()
    Metric.objects.filter(key__in=["seat_minutes_open", "seat_minutes_booked"]).delete()
    for days_ago in range(7):
        day = today - datetime.timedelta(days=days_ago)
        for key, value in (("seat_minutes_open", 600), ("seat_minutes_booked", 150 + 30 * days_ago)):
            Metric.objects.create(territory=place.territory, neighbourhood=place.neighbourhood, day=day, key=key,
                                  dimension=str(place.pk), value=value)
    return place


@pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["390px", "1366px"])
def test_the_cell_reads_a_neighbourhoods_occupancy_chart_and_its_table(
        new_context, live_server, demo, occupancy, check_axe, screen):  # noqa: F811
    context = new_context(**screen)
    _log_in(context, live_server, demo["users"]["remi"])
    watched = Watched(context.new_page(), live_server.url)
    watched.open(f"/cellule/{occupancy.territory.slug}/tableau-de-bord/")
    page = watched.page
    hood = occupancy.neighbourhood.name
    page.get_by_label("Quartier", exact=True).select_option(label=hood)
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Tableau de bord de Saint-Étienne : {hood}")

    chart = page.locator("figure.chart", has=page.locator("#occupation-caption"))
    svg = chart.locator("svg")
    expect(svg).to_have_attribute("role", "img")
    expect(svg.locator("#occupation-title")).to_have_text(f"Taux d'occupation des lieux partagés à {hood}")
    assert "réservée chaque période" in svg.locator("desc").text_content()
    figures = page.locator("details.chart-figures", has=page.locator("#occupation-table"))
    figures.locator("summary").click()
    table = figures.locator("table")
    expect(table).to_be_visible()
    today = table.locator("tbody tr").last
    # Today: 150 booked minutes of 600 open: 25 %, 10 open hours, 2 booked hours (2.5, rounded).
    expect(today.locator("td")).to_have_text(["25\u202f%", "10", "2"])
    places = page.locator("table", has=page.locator("#occupation-lieux-table"))
    expect(places.locator("tbody tr").first).to_contain_text("La Fabrique, coworking")

    width = page.evaluate(MEASURE)
    assert width["scroll"] <= width["inner"], width
    check_axe(page)
    page.screenshot(path=f"/tmp/dashboard-{screen['viewport']['width']}.png", full_page=True)
    watched.assert_clean()


def test_the_printed_dashboard_keeps_every_column_and_opens_its_figures(
        new_context, live_server, demo, occupancy):  # noqa: F811
    """For the mayor's office: on A4, no table is cut at the page's edge (they scroll sideways on screen),
    and what a closed « Les chiffres » summary hides is printed open (site.js, on beforeprint)."""
    context = new_context(viewport={"width": 794, "height": 1123})  # A4 at 96 dpi
    _log_in(context, live_server, demo["users"]["remi"])
    page = context.new_page()
    page.goto(f"{live_server.url}/cellule/{occupancy.territory.slug}/tableau-de-bord/")
    closed = page.locator("main details:not([open])").count()
    assert closed > 0
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("main details:not([open])").count() == 0
    cut = page.evaluate("""Array.from(document.querySelectorAll('main table')).filter(
        t => t.getBoundingClientRect().width > 0 && t.scrollWidth > t.parentElement.clientWidth + 1).map(
        t => [t.querySelector('caption') && t.querySelector('caption').textContent, t.scrollWidth,
              t.parentElement.clientWidth, t.parentElement.className])""")
    assert cut == []
    page.screenshot(path="/tmp/dashboard-print.png", full_page=True)  # to look at
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.locator("main details:not([open])").count() == closed
    assert page.pdf(format="A4")[:4] == b"%PDF"

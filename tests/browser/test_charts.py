"""The charts of the sponsor space and the holder's page in Chromium, on a phone: drawn, described,
their figures one click away in a table, no axe-core violation, no CSP violation, no sideways scroll."""

import itertools

import pytest
from playwright.sync_api import expect

from tests.browser.test_csp import Watched
from tests.browser.test_phones import DESKTOP, MEASURE, PHONE, _log_in, demo  # noqa: F401 — demo is a fixture

pytestmark = [pytest.mark.browser]


@pytest.mark.parametrize(("who", "path"), [("helene", "/mecenat/"), ("clement", "gerer/")])
def test_the_charts_are_accessible_on_a_phone(new_context, live_server, demo, check_axe, who, path):  # noqa: F811
    if path == "gerer/":
        path = f"{demo['project'].get_absolute_url()}gerer/"
    context = new_context(**PHONE)
    _log_in(context, live_server, demo["users"][who])
    watched = Watched(context.new_page(), live_server.url)
    watched.open(path)
    page = watched.page
    chart = page.locator("svg.chart-svg")
    expect(chart).to_have_count(1)
    expect(chart).to_have_attribute("role", "img")
    assert chart.bounding_box()["width"] > 300
    assert page.locator("svg.chart-svg > desc").text_content().strip()
    page.locator("details.chart-figures summary").click()
    table = page.locator("details.chart-figures table")
    expect(table).to_be_visible()
    assert table.locator("tbody tr").count() >= 1
    width = page.evaluate(MEASURE)
    assert width["scroll"] <= 390 and width["inner"] <= 390, width
    check_axe(page)
    watched.assert_clean()


#: Every label a chart draws, as the screen shows it: its size in CSS pixels (the font size in the chart's
#: units times the drawing's scale), its box against the drawing's, and which axis it is on.
LABELS = """() => [...document.querySelectorAll('svg.chart-svg')].map(svg => {
  const box = svg.getBoundingClientRect(), scale = box.width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll('.chart-text text')].filter(t => getComputedStyle(t).display !== 'none')
    .map(t => { const r = t.getBoundingClientRect();
      return {text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale,
              inside: r.left >= box.left - 0.5 && r.right <= box.right + 0.5 && r.bottom <= box.bottom + 0.5,
              x_axis: t.classList.contains('chart-x'), left: r.left, right: r.right}; });
})"""


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["390px", "1366px"])
def test_the_dashboard_charts_labels_are_legible_whole_and_apart(new_context, live_server, demo, screen,  # noqa: F811
                                                                language):
    """A year of weeks: long labels (« semaine du 29 déc. 2025 » in the table), amounts up to 50 000 €. On a
    phone as on a computer, every label of the axes is about 12 px on screen, inside the drawing, and the
    dates of the x axis do not overlap."""
    import datetime

    from django.utils import timezone

    from alleger.cell.models import Metric

    territory = demo["territory"]
    today = timezone.localdate()
    for weeks_ago in (0, 20, 40):
        Metric.objects.create(territory=territory, day=today - datetime.timedelta(weeks=weeks_ago),
                              key="pledged_cents", dimension="", value=4_000_000)
    context = new_context(**screen)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    first = today - datetime.timedelta(days=360)
    page.goto(f"{live_server.url}/cellule/{territory.slug}/tableau-de-bord/?du={first:%Y-%m-%d}&au={today:%Y-%m-%d}")
    charts = page.evaluate(LABELS)
    assert len(charts) >= 3
    for labels in charts:
        assert labels and all(11 <= label["px"] <= 16 for label in labels), labels
        assert all(label["inside"] for label in labels), labels
        dates = sorted((label for label in labels if label["x_axis"]), key=lambda label: label["left"])
        assert len(dates) >= 2, dates
        assert all(a["right"] <= b["left"] for a, b in itertools.pairwise(dates)), dates


def test_the_dashboard_tables_captions_are_whole_on_a_phone(new_context, live_server, demo):  # noqa: F811
    """A table wider than the phone scrolls in its box; its caption stays in view, wrapped to the screen."""
    context = new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/cellule/{demo['territory'].slug}/tableau-de-bord/")
    boxes = page.evaluate("""() => [...document.querySelectorAll('.table-scroll caption')].map(c => {
      const r = c.getBoundingClientRect(); return {text: c.textContent.trim(), left: r.left, right: r.right}; })""")
    assert boxes
    assert all(box["left"] >= 0 and box["right"] <= 390 for box in boxes), boxes

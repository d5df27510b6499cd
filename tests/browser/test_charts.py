"""The charts of the sponsor space and the holder's page in Chromium, on a phone: drawn, described,
their figures one click away in a table, no axe-core violation, no CSP violation, no sideways scroll."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_csp import Watched
from tests.browser.test_phones import MEASURE, PHONE, _log_in, demo  # noqa: F401 — demo is a fixture

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

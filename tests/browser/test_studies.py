"""The implantation study pages: axe-core clean, no sideways scroll on a phone, the map draws the cells."""

import pytest
from playwright.sync_api import expect

from alleger.testing.browser import log_in as _log_in
from alleger.testing.browser import open_page as _open

pytestmark = [pytest.mark.browser]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


@pytest.fixture
def demo(demo, transactional_db):
    from alleger.studies.models import PopulationGrid, Study
    from alleger.testing.demo import demo_person

    return {"epn": Study.objects.get(title="Où manque-t-il un EPN ?"),
            "food": Study.objects.get(title="Où manque-t-il une épicerie coopérative ?"),
            "grid": PopulationGrid.objects.get(), "remi": demo_person("remi")}


def _pages(demo):
    epn, food = demo["epn"], demo["food"]
    closing = epn.results["places"][0]["id"] if epn.results["places"] else ""
    return {
        None: ["/etudes/", epn.get_absolute_url(), f"{epn.get_absolute_url()}?ferme={closing}",
               food.get_absolute_url()],
        "remi": ["/etudes/", "/etudes/saint-etienne/nouvelle/", "/etudes/saint-etienne/carroyages/",
                 f"/etudes/carroyages/{demo['grid'].pk}/"],
    }


@pytest.mark.parametrize("device", [DESKTOP, PHONE], ids=["1366", "390"])
def test_the_study_pages_are_axe_clean_and_never_scroll_sideways(new_context, live_server, demo, check_axe, device):
    for who, paths in _pages(demo).items():
        context = new_context(**device)
        if who:
            _log_in(context, live_server, demo[who])
        page = context.new_page()
        for path in paths:
            _open(page, live_server.url + path)
            check_axe(page)
            assert page.evaluate("document.documentElement.scrollWidth") <= device["viewport"]["width"], path


def test_the_map_draws_the_cells_by_distance_class(page, live_server, demo):
    _open(page, live_server.url + demo["epn"].get_absolute_url())
    page.locator("#study-map.leaflet-container path.leaflet-interactive").first.wait_for()
    assert page.locator("#study-map path.leaflet-interactive").count() == demo["grid"].cell_count


def test_the_form_with_errors_is_axe_clean(new_context, live_server, demo, check_axe):
    context = new_context(**DESKTOP)
    _log_in(context, live_server, demo["remi"])
    page = context.new_page()
    _open(page, live_server.url + "/etudes/saint-etienne/nouvelle/")
    page.fill("#id_title", "Deux choix")
    page.check("input[name=service_kinds][value=food]")
    page.select_option("#id_place_type", "epn")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check_axe(page)

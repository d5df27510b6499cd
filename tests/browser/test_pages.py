"""The trust pages in Chromium: axe-core clean, no CSP violation, reachable from every footer; the
JSON-LD of a kit page is data the browser leaves alone."""

import pytest
from playwright.sync_api import expect

from alleger.pages.models import Slug

from .test_csp import Watched

pytestmark = [pytest.mark.browser]


@pytest.mark.parametrize("slug", Slug.values)
def test_each_trust_page_is_accessible_and_runs_within_the_csp(page, live_server, transactional_db, check_axe,
                                                               slug):
    watched = Watched(page, live_server.url)
    watched.open(f"/{slug}/")
    expect(page.locator("h1")).to_have_text(str(Slug(slug).label))
    check_axe(page)
    watched.assert_clean()


def test_the_footer_leads_to_the_accessibility_statement(page, live_server, transactional_db, check_axe):
    page.goto(live_server.url + "/", wait_until="load")
    footer = page.get_by_role("contentinfo")
    footer.get_by_role("navigation", name="Informations légales").get_by_role(
        "link", name="Accessibilité : partiellement conforme").click()
    expect(page).to_have_url(live_server.url + "/accessibilite/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Déclaration d'accessibilité")
    check_axe(page)


def test_a_kit_page_with_json_ld_runs_within_the_csp(page, live_server, territory, check_axe):
    from alleger.testing.interventions_factories import published_kit

    kit = published_kit(territory, title="Fleurir un pied d'arbre")
    watched = Watched(page, live_server.url)
    watched.open(kit.get_absolute_url())
    data = page.evaluate("JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)")
    assert data["@type"] == "HowTo" and data["name"] == "Fleurir un pied d'arbre"
    watched.assert_clean()
    check_axe(page)

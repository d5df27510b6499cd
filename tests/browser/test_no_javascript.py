"""Without JavaScript the content stays reachable: the map's list alternative, the sign-up form."""

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD

pytestmark = [pytest.mark.browser]


@pytest.fixture
def nojs_page(new_context):
    return new_context(java_script_enabled=False).new_page()


def test_territory_lists_neighbourhoods_without_javascript(nojs_page, live_server, territory):
    page = nojs_page
    page.goto(f"{live_server.url}/t/{territory.slug}/")
    assert (
        page.evaluate("1 + 1") == 2
    )  # Playwright's own evaluation still works; the page's scripts do not.
    canvas = page.locator("#territory-map")
    expect(canvas).not_to_have_class("leaflet-container")
    # The empty map says why, and the list carries the same information.
    hint = canvas.evaluate("el => getComputedStyle(el, '::after').content")
    assert "JavaScript" in hint, hint
    neighbourhoods = page.get_by_role("list", name="Quartiers")
    expect(neighbourhoods.get_by_role("listitem")).to_have_text(["Bord de Saône", "Les Pentes"])


def test_sign_up_without_javascript(nojs_page, live_server, transactional_db, mailoutbox):
    from alleger.accounts.models import User

    page = nojs_page
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("Courriel").fill("alexis@example.org")
    page.get_by_label("Nom affiché").fill("Alexis")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(live_server.url + "/accounts/confirm-email/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert User.objects.filter(email="alexis@example.org", display_name="Alexis").exists()
    assert [m.to for m in mailoutbox] == [["alexis@example.org"]]

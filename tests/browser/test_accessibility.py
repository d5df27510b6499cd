"""axe-core on the main pages (no serious or critical violation), and the keyboard path."""

import re

import pytest
from playwright.sync_api import expect

from alleger.testing.browser import open_page as _open

pytestmark = [pytest.mark.browser]



def test_home(page, live_server, territory, check_axe):
    _open(page, live_server.url + "/")
    expect(page.get_by_role("link", name="Villeclaire", exact=True).first).to_be_visible()
    check_axe(page)


def test_territory_front_page(page, live_server, territory, check_axe):
    _open(page, f"{live_server.url}/t/{territory.slug}/")
    # The Leaflet map rendered its polygons (tiles are blocked, the vectors are not).
    page.locator("#territory-map.leaflet-container path.leaflet-interactive").first.wait_for()
    assert page.locator("#territory-map path.leaflet-interactive").count() == 2
    check_axe(page)


def test_signup_page(page, live_server, transactional_db, check_axe):
    _open(page, live_server.url + "/accounts/signup/")
    check_axe(page)
    # Help texts are tied to their fields, including Django's list of password rules.
    expect(page.get_by_label("Nom affiché")).to_have_accessible_description(
        re.compile("pseudonyme")
    )
    expect(page.locator("#id_password1")).to_have_accessible_description(re.compile("8 caractères"))


def test_signup_page_with_errors(page, live_server, transactional_db, check_axe):
    _open(page, live_server.url + "/accounts/signup/")
    # Valid for the browser, refused by the server: the error summary and
    # the field errors must be accessible too.
    page.fill("#id_email", "clemence@example.org")
    page.fill("#id_display_name", "Clémence")
    page.fill("#id_password1", "abc")
    page.fill("#id_password2", "abd")
    page.locator("main form button[type=submit]").click()
    summary = page.locator(".error-summary")
    expect(summary).to_have_attribute("role", "alert")
    check_axe(page)
    # Each error in the summary links to its field, and the field says it is invalid.
    for href in summary.locator("a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    ):
        expect(page.locator(href)).to_have_count(1)
    password = page.locator("#id_password1")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description(re.compile("trop court"))


def test_login_page(page, live_server, transactional_db, check_axe):
    _open(page, live_server.url + "/accounts/login/")
    check_axe(page)


def test_profile_page(page, live_server, logged_in, territory, check_axe):
    _open(page, live_server.url + "/compte/")
    assert "/compte/" in page.url
    check_axe(page)


def test_organisation_list(page, live_server, member, territory, check_axe):
    from alleger.organisations.services import organisation_create

    organisation_create(
        creator=member, name="Les Jardins Partagés", kind="association", territory=territory
    )
    _open(page, live_server.url + "/organisations/")
    check_axe(page)


def test_skip_link_is_first_and_moves_focus_to_main(page, live_server, transactional_db):
    _open(page, live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({cls: document.activeElement.className, href: document.activeElement.getAttribute('href'),"
        " text: document.activeElement.textContent.trim()})"
    )
    assert focused == {"cls": "skip-link", "href": "#contenu", "text": "Aller au contenu"}, focused
    # Visible once focused (it sits off-screen otherwise).
    box = page.locator(".skip-link").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0 and box["width"] > 0, box
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.id === 'contenu'"
    )
    assert page.evaluate("document.activeElement.tagName") == "MAIN"
    # The next Tab continues from the main content, not from the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('contenu').contains(document.activeElement)")


def test_api_docs(page, live_server, transactional_db, axe_source):
    """The API's documentation is a page of the site too: its landmarks, language and contrast."""
    from .conftest import axe_run, format_violations

    _open(page, live_server.url + "/api/v1/docs")
    page.locator(".swagger-ui .opblock").first.wait_for()
    page.locator(".swagger-ui .opblock-summary").first.click()  # one operation opened: its table and buttons
    page.locator(".swagger-ui .opblock-body").first.wait_for()
    violations = axe_run(page, axe_source)
    assert not violations, format_violations(page.url, violations)

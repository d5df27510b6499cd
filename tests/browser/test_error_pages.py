"""The error pages are axe-clean, in French and in English."""

import pytest

pytestmark = [pytest.mark.browser]


@pytest.mark.parametrize("lang, heading", [("fr", "Cette page n'existe pas"), ("en", "This page does not exist")])
def test_the_404_page(page, live_server, transactional_db, check_axe, lang, heading):
    page.context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
    response = page.goto(live_server.url + "/nulle-part/")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == heading
    check_axe(page)


def test_the_403_page(page, live_server, logged_in, check_axe):
    response = page.goto(live_server.url + "/dispositifs/relecture/")
    assert response.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == "Vous n'avez pas accès à cette page"
    check_axe(page)


def test_the_500_page(page, live_server, transactional_db, check_axe, monkeypatch):
    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr("alleger.core.views.live_overview", broken)
    response = page.goto(live_server.url + "/")
    assert response.status == 500
    assert page.get_by_role("heading", level=1).inner_text() == "Une erreur est survenue de notre côté"
    check_axe(page)


def test_the_csrf_failure_page(page, live_server, member, check_axe):
    from tests.browser.conftest import PASSWORD

    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_login", member.email)
    page.fill("#id_password", PASSWORD)
    page.context.clear_cookies(name="csrftoken")  # as when the form stayed open too long
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Your form could not be sent"
    check_axe(page)

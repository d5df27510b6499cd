"""Home, health probe, and the language: French by default, English on request."""

import pytest
from django.conf import settings

from alleger.core.tests.test_translations import compiled_locale, translated  # noqa: F401 (fixtures)

COOKIE = settings.LANGUAGE_COOKIE_NAME


def _lang(response):
    return response.content.decode().split('<html lang="', 1)[1].split('"', 1)[0]


def test_healthz_answers_ok_without_touching_the_database(client):
    # No django_db mark: any query here would raise
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    # A load balancer must never see a cached answer
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_home_lists_territories(client, territory, other_territory, neighbourhood):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="/t/saint-etienne/"' in body and 'href="/t/lyon/"' in body


@pytest.mark.django_db
def test_it_speaks_french_even_to_an_english_browser(client):
    # Given a browser that prefers English
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    # Then the page is French all the same
    assert response.status_code == 200
    assert _lang(response) == "fr"
    assert response["Content-Language"] == "fr"
    assert "Connexion" in response.content.decode()


@pytest.mark.django_db
def test_the_language_cookie_switches_to_english(client, translated):  # noqa: F811
    client.cookies[COOKIE] = "en"
    response = client.get("/accounts/login/")
    assert _lang(response) == "en"
    assert response["Content-Language"] == "en"
    assert "Sign in" in response.content.decode()  # allauth's words, reworded by our catalogue
    # Caches must keep the two languages apart
    assert "Cookie" in response["Vary"]


@pytest.mark.django_db
def test_an_unknown_language_cookie_falls_back_to_french(client):
    client.cookies[COOKIE] = "de"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="de")
    assert _lang(response) == "fr"


@pytest.mark.django_db
def test_the_language_switch_sets_the_cookie_and_goes_back(client):
    # When a visitor picks English in the switch on the organisations page
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/organisations/"})
    # Then they come back to that page, now in English
    assert response.status_code == 302
    assert response["Location"] == "/organisations/"
    assert response.cookies[COOKIE].value == "en"
    assert _lang(client.get("/organisations/")) == "en"
    # And they can switch back to French
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert _lang(client.get("/organisations/")) == "fr"


@pytest.mark.django_db
def test_the_language_switch_refuses_to_redirect_elsewhere(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


@pytest.mark.django_db
def test_the_base_template_is_accessible(client):
    body = client.get("/").content.decode()
    assert 'class="skip-link" href="#contenu"' in body
    assert '<main id="contenu"' in body
    assert 'role="banner"' in body and 'role="contentinfo"' in body
    assert '<label for="language-select">' in body


@pytest.mark.django_db
def test_after_a_form_sent_back_with_errors_the_language_switch_returns_to_the_form_s_page(client, resident):
    """The address a form posts to may answer only POST (a 405 once switched): back to the page it was on."""
    client.force_login(resident)
    page = client.post("/lieux/proposer/", {}, HTTP_REFERER="http://testserver/lieux/proposer/").content.decode()
    form = page.split('class="language-switch"', 1)[1].split("</form>", 1)[0]
    assert 'name="next" type="hidden" value="http://testserver/lieux/proposer/"' in form
    back = client.get("/langue/", {"language": "en", "next": "http://testserver/lieux/proposer/"})
    assert back.status_code == 302 and client.get(back["Location"]).status_code == 200
    page = client.get("/organisations/").content.decode()
    assert 'value="/organisations/"' in page.split('class="language-switch"', 1)[1].split("</form>", 1)[0]

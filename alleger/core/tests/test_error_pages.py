"""Error pages: inside the layout, in the visitor's language, with somewhere to go; JSON for
the machine interfaces; the 500 page needs neither the database nor the request's context."""

import json

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import OperationalError
from django.test import Client, RequestFactory, override_settings

from alleger.core import error_views

COOKIE = settings.LANGUAGE_COOKIE_NAME


def _in_layout(response, lang):
    body = response.content.decode()
    assert f'<html lang="{lang}">' in body
    assert 'class="skip-link" href="#contenu"' in body and 'class="site-header"' in body
    assert 'href="/"' in body  # the way home
    return body


def _english(client):
    client.cookies[COOKIE] = "en"
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("lang, text", [("fr", "Cette page n'existe pas"), ("en", "This page does not exist")])
def test_it_shows_a_404_page_in_the_layout(client, lang, text):
    if lang == "en":
        _english(client)
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    body = _in_layout(response, lang)
    assert text in body and "Not Found" not in body


@pytest.mark.django_db
@pytest.mark.parametrize("lang, text", [("fr", "Vous n'avez pas accès à cette page"),
                                        ("en", "You do not have access to this page")])
def test_it_shows_a_403_page_to_a_person_without_the_right(client_of, resident, lang, text):
    client = client_of(resident)
    if lang == "en":
        _english(client)
    response = client.get("/dispositifs/relecture/")
    assert response.status_code == 403
    body = _in_layout(response, lang)
    assert text in body and "403 Forbidden" not in body
    assert "/accounts/login/?next=" not in body  # already signed in


@pytest.mark.django_db
@pytest.mark.parametrize("lang, text", [("fr", "Se connecter"), ("en", "Sign in")])
def test_the_403_page_offers_to_sign_in_when_anonymous(lang, text):
    request = RequestFactory().get("/dispositifs/relecture/?x=1")
    request.user = AnonymousUser()
    with override_settings(LANGUAGE_CODE=lang):
        from django.utils import translation

        with translation.override(lang):
            response = error_views.permission_denied(request)
    assert response.status_code == 403
    body = response.content.decode()
    assert f'href="/accounts/login/?next=/dispositifs/relecture/%3Fx%3D1">{text}</a>' in body


@pytest.mark.django_db
@pytest.mark.parametrize("lang, text", [("fr", "Nous n'avons pas compris cette demande"),
                                        ("en", "We could not understand this request")])
def test_it_shows_a_400_page_for_a_bad_request(client, lang, text):
    if lang == "en":
        _english(client)
    response = client.get("/", HTTP_HOST="ailleurs.example")  # a host not in ALLOWED_HOSTS
    assert response.status_code == 400
    assert text in _in_layout(response, lang)


@pytest.mark.django_db
@pytest.mark.parametrize("lang, text", [("fr", "Votre formulaire n'a pas pu être envoyé"),
                                        ("en", "Your form could not be sent")])
def test_a_csrf_failure_explains_and_changes_nothing(lang, text, resident, password):
    client = Client(enforce_csrf_checks=True)
    if lang == "en":
        _english(client)
    response = client.post("/accounts/login/", {"login": resident.email, "password": password},
                           HTTP_REFERER="http://testserver/accounts/login/")
    assert response.status_code == 403
    body = _in_layout(response, lang)
    assert text in body and "CSRF" not in body
    assert 'href="http://testserver/accounts/login/"' in body  # back where the form was
    assert "_auth_user_id" not in client.session  # not signed in


@pytest.mark.django_db
@pytest.mark.parametrize("lang, text", [("fr", "Une erreur est survenue de notre côté"),
                                        ("en", "Something went wrong on our side")])
def test_a_crash_shows_the_500_page_even_when_the_database_is_down(monkeypatch, lang, text):
    def broken():
        raise OperationalError("the database is gone")

    monkeypatch.setattr("alleger.core.views.live_overview", broken)
    client = Client(raise_request_exception=False)
    if lang == "en":
        _english(client)
    response = client.get("/")
    assert response.status_code == 500
    assert text in _in_layout(response, lang)


def test_the_500_page_makes_no_query_and_needs_no_session_or_user():
    # No django_db mark: any query here would raise
    request = RequestFactory().get("/projets/")  # no session, no user: middleware may not have run
    response = error_views.server_error(request)
    assert response.status_code == 500
    assert 'class="site-header"' in response.content.decode()


@override_settings(CONTACT_EMAIL="aide@alleger.example")
def test_the_error_pages_give_the_contact_address_when_there_is_one():
    response = error_views.server_error(RequestFactory().get("/"))
    assert 'href="mailto:aide@alleger.example"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/open311/nulle-part", "/api/nulle-part"])
@pytest.mark.parametrize("lang, message", [("fr", "Cette page n'existe pas."), ("en", "This page does not exist.")])
def test_machine_paths_get_json_errors(client, path, lang, message):
    if lang == "en":
        _english(client)
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    if path.startswith("/open311/"):  # Open311's own shape (registered by alleger.reports)
        assert json.loads(response.content) == [{"code": 404, "description": message}]
    else:
        assert json.loads(response.content) == {"code": "not_found", "message": message}


def test_a_crash_under_the_api_answers_json():
    response = error_views.server_error(RequestFactory().get("/api/v1/projects"))
    assert response.status_code == 500
    assert json.loads(response.content)["code"] == "server_error"


@pytest.mark.django_db
@pytest.mark.parametrize("lang, text", [("fr", "Cette adresse s'utilise depuis un formulaire"),
                                        ("en", "This address is used from a form")])
def test_opening_a_form_target_shows_a_page_not_a_blank(client_of, resident, lang, text):
    from alleger.discussions.models import Comment

    client = client_of(resident)
    if lang == "en":
        _english(client)
    response = client.get("/commentaires/1/repondue/")  # @require_POST
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert text in _in_layout(response, lang)
    assert not Comment.objects.exists()

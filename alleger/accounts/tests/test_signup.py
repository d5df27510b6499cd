"""Sign-up with e-mail verification, log in, password reset — through allauth's views."""

import re

import pytest
from allauth.account.models import EmailAddress

from alleger.accounts.models import User
from alleger.core.tests.test_translations import compiled_locale, translated  # noqa: F401
from alleger.testing.factories import UserFactory

NEW_PASSWORD = "un-autre-mot-de-passe-long"
pytestmark = pytest.mark.django_db


def _link(message, pattern):
    match = re.search(rf"https?://testserver(/accounts/{pattern}[^\s]*/)", message.body)
    assert match, message.body
    return match.group(1)


def _logged_in_as(client):
    return client.session.get("_auth_user_id")


def _signup(client, email="nouvelle@example.org", password=NEW_PASSWORD, **extra):
    data = {"email": email, "display_name": "Nouvelle", "password1": password, "password2": password}
    data.update(extra)
    return client.post("/accounts/signup/", data)


def test_the_signup_form_asks_for_a_display_name(client):
    body = client.get("/accounts/signup/").content.decode()
    for field in ("email", "display_name", "password1", "password2"):
        assert f'name="{field}"' in body


def test_it_signs_up_verifies_the_address_and_logs_in(client, mailoutbox):
    # When a person signs up
    response = _signup(client)
    # Then they are sent to "check your e-mail", not logged in yet
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="nouvelle@example.org")
    assert user.display_name == "Nouvelle"
    assert user.check_password(NEW_PASSWORD)
    assert not EmailAddress.objects.get(user=user).verified
    assert _logged_in_as(client) is None
    # And a verification e-mail with a confirmation link went out
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nouvelle@example.org"]
    assert mailoutbox[0].subject.startswith("[Alléger]")
    link = _link(mailoutbox[0], "confirm-email/")

    # When they open the link, the page asks for a confirmation (GET changes nothing)
    assert client.get(link).status_code == 200
    assert not EmailAddress.objects.get(user=user).verified
    # And they confirm
    response = client.post(link)
    # Then the address is verified and they are logged in
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert _logged_in_as(client) == str(user.pk)
    assert client.get("/compte/").status_code == 200


def test_it_refuses_a_signup_without_display_name(client, mailoutbox):
    response = _signup(client, display_name="")
    assert response.status_code == 200
    assert response.context["form"].errors["display_name"]
    assert not User.objects.exists()
    assert mailoutbox == []


def test_it_refuses_mismatched_or_weak_passwords(client, mailoutbox):
    assert _signup(client, password2="autre-chose-encore").status_code == 200
    assert _signup(client, password="12345678").status_code == 200
    assert not User.objects.exists()
    assert mailoutbox == []


def test_it_refuses_an_address_already_in_use(client, resident, mailoutbox):
    # Given an existing account (whatever the case of the address)
    response = _signup(client, email=resident.email.upper())
    # Then no second account is created for it
    assert User.objects.filter(email__iexact=resident.email).count() == 1
    assert _logged_in_as(client) is None
    # allauth may answer "check your e-mail" to avoid revealing accounts; it must not log anyone in
    assert response.status_code in (200, 302)


def test_it_refuses_login_before_the_address_is_verified(client, mailoutbox, password):
    # Given an account whose address is not verified
    user = UserFactory(email="pasencore@example.org", verified=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    # When they try to log in with the right password
    response = client.post("/accounts/login/", {"login": user.email, "password": password})
    # Then they are not logged in, and get a new verification e-mail instead
    assert _logged_in_as(client) is None
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert client.get("/compte/").status_code == 302
    assert [m.to for m in mailoutbox] == [[user.email]]


def test_it_logs_in_and_out(client, resident, password):
    response = client.post("/accounts/login/", {"login": resident.email, "password": password})
    assert response.status_code == 302
    assert _logged_in_as(client) == str(resident.pk)
    client.post("/accounts/logout/")
    assert _logged_in_as(client) is None


def test_it_refuses_a_wrong_password(client, resident):
    response = client.post("/accounts/login/", {"login": resident.email, "password": "pas-le-bon"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert _logged_in_as(client) is None


def test_it_resets_a_forgotten_password(client, resident, mailoutbox, password):
    # When a person asks for a reset
    response = client.post("/accounts/password/reset/", {"email": resident.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [resident.email]
    # The e-mail comes from Alléger, never from Django's default site « example.com »
    mail = mailoutbox[0]
    assert "[Alléger]" in mail.subject and "Alléger" in mail.body and "example.com" not in mail.subject + mail.body
    link = _link(mailoutbox[0], "password/reset/key/")
    # And follows the link (allauth moves the key into the session, then shows the form)
    response = client.get(link)
    assert response.status_code == 302
    form_url = response["Location"]
    assert client.get(form_url).status_code == 200
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    # Then the new password works and the old one no longer does
    resident.refresh_from_db()
    assert resident.check_password(NEW_PASSWORD)
    assert not resident.check_password(password)
    client.logout()
    client.post("/accounts/login/", {"login": resident.email, "password": NEW_PASSWORD})
    assert _logged_in_as(client) == str(resident.pk)


def test_a_reset_link_works_only_once(client, resident, mailoutbox):
    client.post("/accounts/password/reset/", {"email": resident.email})
    link = _link(mailoutbox[0], "password/reset/key/")
    form_url = client.get(link)["Location"]
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    client.logout()
    # When the same link is opened again
    response = client.get(link, follow=True)
    # Then it no longer offers to set a password
    assert "password1" not in response.content.decode()


def test_a_reset_for_an_unknown_address_sends_no_reset_link(client, mailoutbox):
    client.post("/accounts/password/reset/", {"email": "personne@example.org"})
    assert all("password/reset/key/" not in m.body for m in mailoutbox)


def test_a_person_who_signs_up_in_english_gets_the_e_mails_in_english(client, mailoutbox, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    _signup(client)
    assert User.objects.get(email="nouvelle@example.org").preferred_language == "en"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    _signup(client, email="francaise@example.org")
    assert User.objects.get(email="francaise@example.org").preferred_language == "fr"


def test_the_sign_up_button_says_what_it_does_in_french(client, translated):  # noqa: F811
    body = client.get("/accounts/signup/").content.decode()
    assert "Créer un compte" in body and "Création de compte" not in body


def test_an_account_without_a_language_takes_the_one_it_logs_in_with(client, resident, password, settings):
    """Made before sign-up stored it: its e-mails came in French to someone who reads English."""
    resident.preferred_language = ""
    resident.save(update_fields=["preferred_language"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.post("/accounts/login/", {"login": resident.email, "password": password}).status_code == 302
    resident.refresh_from_db()
    assert resident.preferred_language == "en"
    # A language the person chose stays theirs, whatever they browse in.
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    client.post("/accounts/login/", {"login": resident.email, "password": password})
    resident.refresh_from_db()
    assert resident.preferred_language == "en"


def test_a_browser_s_language_we_do_not_speak_is_not_taken_for_a_choice(client, resident, password):
    resident.preferred_language = ""
    resident.save(update_fields=["preferred_language"])
    client.post("/accounts/login/", {"login": resident.email, "password": password}, HTTP_ACCEPT_LANGUAGE="de-DE")
    resident.refresh_from_db()
    assert resident.preferred_language == ""
    client.logout()
    client.post("/accounts/login/", {"login": resident.email, "password": password},
                HTTP_ACCEPT_LANGUAGE="de-DE,en-GB;q=0.8")
    resident.refresh_from_db()
    assert resident.preferred_language == "en"

"""API tokens end: on a password change or reset (the person is told), at their chosen expiry."""

import datetime
import html
import re

import pytest
from django.utils import timezone

from alleger.accounts.models import ApiToken
from alleger.accounts.services import account_password_set, api_token_create
from alleger.core.models import AuditEvent

NEW_PASSWORD = "un-autre-mot-de-passe-long"
pytestmark = pytest.mark.django_db


def _me(client, raw):
    return client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_a_password_change_revokes_the_tokens_and_says_so(client, resident, other_resident, password, mailoutbox,
                                                          django_capture_on_commit_callbacks):
    _, raw = api_token_create(user=resident, name="cli")
    api_token_create(user=resident, name="tableur")
    _, theirs = api_token_create(user=other_resident, name="autre")
    client.force_login(resident)
    # When the resident changes their password
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/change/", {"oldpassword": password, "password1": NEW_PASSWORD,
                                                             "password2": NEW_PASSWORD}, follow=True)
    assert response.status_code == 200
    # Then their tokens no longer open the API, and the page says so
    assert "Vos 2 jetons d'API sont révoqués" in html.unescape(response.content.decode())
    client.logout()
    assert _me(client, raw).status_code == 401
    assert not ApiToken.objects.filter(user=resident).exists()
    # And an e-mail tells them (in case it was not them)
    revoked_mail = [m for m in mailoutbox if "jetons d'API sont révoqués" in m.body]
    assert len(revoked_mail) == 1 and revoked_mail[0].to == [resident.email]
    # Someone else's token is untouched
    assert _me(client, theirs).status_code == 200
    assert AuditEvent.objects.filter(action="account.password_set", actor=resident).count() == 1


def test_a_password_reset_revokes_the_tokens(client, resident, mailoutbox):
    _, raw = api_token_create(user=resident, name="cli")
    client.post("/accounts/password/reset/", {"email": resident.email})
    link = re.search(r"https?://testserver(/accounts/password/reset/key/[^\s]*/)", mailoutbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.check_password(NEW_PASSWORD)
    assert _me(client, raw).status_code == 401
    assert not ApiToken.objects.exists()


def test_a_password_changed_in_the_admin_revokes_the_tokens(client, resident, platform_admin):
    _, raw = api_token_create(user=resident, name="cli")
    platform_admin.is_staff = platform_admin.is_superuser = True
    platform_admin.save()
    client.force_login(platform_admin)
    response = client.post(f"/admin/accounts/user/{resident.pk}/password/",
                           {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "set_usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    assert _me(client, raw).status_code == 401


def test_a_wrong_old_password_changes_nothing(client, resident, password):
    _, raw = api_token_create(user=resident, name="cli")
    client.force_login(resident)
    client.post("/accounts/password/change/", {"oldpassword": "pas-le-bon", "password1": NEW_PASSWORD,
                                               "password2": NEW_PASSWORD})
    client.logout()
    assert _me(client, raw).status_code == 200


def test_without_tokens_no_mail_is_sent(resident, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert account_password_set(user=resident, password=NEW_PASSWORD) == 0
    assert mailoutbox == []


def test_a_token_created_with_an_expiry_gets_401_after_it(client, resident):
    client.force_login(resident)
    response = client.post("/compte/jetons/", {"name": "un mois", "expires_in_days": "30"})
    raw = response.context["raw"]
    token = ApiToken.objects.get(user=resident)
    assert abs(token.expires_at - (timezone.now() + datetime.timedelta(days=30))) < datetime.timedelta(minutes=1)
    client.logout()
    assert _me(client, raw).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = _me(client, raw)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


@pytest.mark.parametrize("value", ["0", "7", "-1", "abc", "100000"])
def test_it_refuses_an_expiry_not_offered(client, resident, value):
    client.force_login(resident)
    response = client.post("/compte/jetons/", {"name": "x", "expires_in_days": value})
    assert response.status_code == 302
    assert not ApiToken.objects.exists()


def test_the_api_creates_a_token_with_an_expiry(client, resident, password):
    response = client.post("/api/v1/auth/token", {"email": resident.email, "password": password,
                                                  "expires_in_days": 7}, content_type="application/json")
    assert response.status_code == 201
    expires = datetime.datetime.fromisoformat(response.json()["expires_at"])
    assert datetime.timedelta(days=6) < expires - timezone.now() <= datetime.timedelta(days=7)
    bad = client.post("/api/v1/auth/token", {"email": resident.email, "password": password,
                                             "expires_in_days": 0}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_expiry"
    assert ApiToken.objects.count() == 1


def test_the_profile_lists_last_use_and_expiry(client, resident):
    token, raw = api_token_create(user=resident, name="cli", expires_in_days=30)
    _me(client, raw)
    first_use = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first_use is not None
    # Used again within the minute: no new write
    _me(client, raw)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first_use
    client.force_login(resident)
    body = client.get("/compte/").content.decode()
    assert "Dernier usage" in body and "Expiration" in body
    assert timezone.localtime(token.expires_at).strftime("%d/%m/%Y") in body


def test_a_password_change_is_e_mailed_even_without_tokens(client, resident, password, mailoutbox,
                                                           django_capture_on_commit_callbacks):
    # Whoever changed it (the person, or someone who got into the account), the owner hears of it
    client.force_login(resident)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/change/", {"oldpassword": password, "password1": NEW_PASSWORD,
                                                   "password2": NEW_PASSWORD})
    notices = [m for m in mailoutbox if m.to == [resident.email] and "mot de passe" in m.subject.lower()]
    assert len(notices) == 1, [m.subject for m in mailoutbox]


def test_a_token_s_name_too_long_is_refused_not_cut(client, resident, password):
    response = client.post("/api/v1/auth/token", {"email": resident.email, "password": password, "name": "x" * 81},
                           content_type="application/json")
    assert response.status_code == 400 and "80 caractères" in response.json()["message"]
    assert not ApiToken.objects.exists()
    response = client.post("/api/v1/auth/token", {"email": resident.email, "password": password, "name": "x" * 80},
                           content_type="application/json")
    assert response.status_code == 201 and ApiToken.objects.get().name == "x" * 80

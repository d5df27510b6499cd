"""Personal API tokens: shown once, stored hashed, accepted as Bearer, revocable."""

import hashlib
import json

import pytest
from allauth.account.models import EmailAddress

from alleger.accounts import services
from alleger.accounts.models import ApiToken
from alleger.accounts.services import api_token_create
from alleger.core.models import AuditEvent
from alleger.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def _bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_it_creates_a_token_shown_once_and_stored_hashed(client, resident):
    client.force_login(resident)
    # When a resident creates a token from their profile
    response = client.post("/compte/jetons/", {"name": "script de la mairie"})
    # Then the raw value is on that page
    assert response.status_code == 200
    raw = response.context["raw"]
    assert raw.startswith("alg_") and len(raw) > 40
    assert raw in response.content.decode()
    # And only its hash is stored
    token = ApiToken.objects.get(user=resident)
    assert token.name == "script de la mairie"
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert raw.startswith(token.hint)
    # And it is never shown again
    assert raw not in client.get("/compte/").content.decode()
    assert AuditEvent.objects.filter(action="account.token_create", actor=resident).count() == 1


def test_it_refuses_a_token_without_a_name(client, resident):
    client.force_login(resident)
    response = client.post("/compte/jetons/", {"name": ""})
    assert response.status_code == 302
    assert not ApiToken.objects.exists()


def test_token_creation_requires_login_and_post(client, resident):
    assert client.post("/compte/jetons/", {"name": "x"}).status_code == 302
    client.force_login(resident)
    assert client.get("/compte/jetons/").status_code == 405
    assert not ApiToken.objects.exists()


def test_a_bearer_token_authenticates_api_calls(client, resident):
    _, raw = api_token_create(user=resident, name="cli")
    response = client.get("/api/v1/me", **_bearer(raw))
    assert response.status_code == 200
    assert response.json()["email"] == resident.email
    assert response.json()["display_name"] == "Clémence"
    assert ApiToken.objects.get(user=resident).last_used_at is not None


@pytest.mark.parametrize("header", ["Bearer alg_nope", "Bearer ", "Token abc", "Bearer not-even-prefixed"])
def test_it_refuses_an_unknown_token_with_json(client, resident, header):
    api_token_create(user=resident, name="cli")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert response.json()["message"]


def test_a_revoked_token_gets_401(client, resident):
    token, raw = api_token_create(user=resident, name="cli")
    client.force_login(resident)
    # When the resident revokes it from their profile
    response = client.post(f"/compte/jetons/{token.pk}/revoquer/")
    assert response.status_code == 302
    client.logout()
    # Then it no longer opens the API
    response = client.get("/api/v1/me", **_bearer(raw))
    assert response.status_code == 401
    assert set(response.json()) >= {"code", "message"}
    assert not ApiToken.objects.exists()
    assert AuditEvent.objects.filter(action="account.token_revoke").count() == 1


def test_it_refuses_to_revoke_someone_elses_token(client, resident, other_resident):
    token, raw = api_token_create(user=other_resident, name="theirs")
    client.force_login(resident)
    client.post(f"/compte/jetons/{token.pk}/revoquer/")
    assert ApiToken.objects.filter(pk=token.pk).exists()
    client.logout()
    assert client.get("/api/v1/me", **_bearer(raw)).status_code == 200


def test_a_deactivated_accounts_token_gets_401(client, resident):
    _, raw = api_token_create(user=resident, name="cli")
    resident.is_active = False
    resident.save()
    assert client.get("/api/v1/me", **_bearer(raw)).status_code == 401


# --- POST /api/v1/auth/token -------------------------------------------------


def _token_request(client, body):
    payload = body if isinstance(body, str) else json.dumps(body)
    return client.post("/api/v1/auth/token", payload, content_type="application/json")


def test_it_exchanges_good_credentials_for_a_token(client, resident, password):
    response = _token_request(client, {"email": "  CLEMENCE@example.org ", "password": password, "name": "app"})
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "app"
    token = ApiToken.objects.get(user=resident)
    assert token.key_hash == hashlib.sha256(body["token"].encode()).hexdigest()
    assert client.get("/api/v1/me", **_bearer(body["token"])).json()["email"] == resident.email


@pytest.mark.parametrize(
    "credentials",
    [
        {"email": "clemence@example.org", "password": "pas-le-bon"},
        {"email": "personne@example.org", "password": "une-phrase-de-passe-solide"},
        {"email": "", "password": ""},
    ],
)
def test_it_refuses_bad_credentials(client, resident, credentials):
    response = _token_request(client, credentials)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    assert response.json()["message"]
    assert not ApiToken.objects.exists()


def test_it_refuses_a_token_to_a_deactivated_account(client, resident, password):
    resident.is_active = False
    resident.save()
    response = _token_request(client, {"email": resident.email, "password": password})
    assert response.status_code == 401
    assert not ApiToken.objects.exists()


def test_it_refuses_a_token_before_the_address_is_verified(client, password):
    # Given an account that signed up but never confirmed its address
    user = UserFactory(email="pasencore@example.org", verified=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    # Then the API does not let it in through the back door either
    response = _token_request(client, {"email": user.email, "password": password})
    assert response.status_code == 401
    assert response.json()["code"] == "unverified"
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "body",
    ['{"email": "clemence@example.org", "password": ', "not json", "null", "[]", '{"email": 3}', ""],
)
def test_it_answers_malformed_requests_with_a_json_4xx(client, resident, body):
    response = _token_request(client, body)
    assert 400 <= response.status_code < 500
    assert response["Content-Type"].startswith("application/json")
    assert {"code", "message"} <= set(response.json())
    assert not ApiToken.objects.exists()


# --- rate limits on POST /api/v1/auth/token -----------------------------------------


def test_the_right_password_after_many_wrong_ones_is_refused_with_429(client, resident, password):
    # Given someone trying passwords on one account (allauth's default: 5 failures per 5 minutes)
    for _ in range(30):
        response = _token_request(client, {"email": resident.email, "password": "pas-le-bon"})
        assert response.status_code in (401, 429)
    # When the right one comes
    response = _token_request(client, {"email": resident.email, "password": password})
    # Then it is refused too, with a JSON reason and when to come back
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert "Réessayez dans" in response.json()["message"]
    assert 1 <= int(response["Retry-After"]) <= 300
    assert not ApiToken.objects.exists()


def test_the_limit_is_per_account_and_counted_before_hashing(client, resident, other_resident, password,
                                                              settings, monkeypatch):
    settings.ACCOUNT_RATE_LIMITS = {"login": "100/m/ip", "login_failed": "100/m/ip,3/5m/key"}
    hashed = []
    real = services.authenticate
    monkeypatch.setattr(services, "authenticate", lambda *a, **kw: hashed.append(1) or real(*a, **kw))
    statuses = [_token_request(client, {"email": resident.email, "password": "x"}).status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 429, 429]
    # The refused attempts never reached the password hasher
    assert len(hashed) == 3
    # Another account from the same address is not locked by them
    assert _token_request(client, {"email": other_resident.email, "password": password}).status_code == 201


def test_a_success_does_not_use_up_the_failures_allowed(client, resident, password, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login": "100/m/ip", "login_failed": "100/m/ip,2/5m/key"}
    for _ in range(3):
        assert _token_request(client, {"email": resident.email, "password": password}).status_code == 201
    assert ApiToken.objects.count() == 3


def test_the_limit_per_address_holds_across_accounts(client, resident, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login": "100/m/ip", "login_failed": "4/m/ip,100/5m/key"}
    emails = [f"essai{i}@example.org" for i in range(6)]
    statuses = [_token_request(client, {"email": e, "password": "x"}).status_code for e in emails]
    assert statuses == [401] * 4 + [429] * 2
    # Another address is not affected
    response = client.post("/api/v1/auth/token", json.dumps({"email": "a@example.org", "password": "x"}),
                           content_type="application/json", REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 401


def test_the_refusal_speaks_the_visitors_language(client, resident, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login": "1/m/ip", "login_failed": "100/m/ip"}
    client.cookies["django_language"] = "en"
    _token_request(client, {"email": resident.email, "password": "x"})
    response = _token_request(client, {"email": resident.email, "password": "x"})
    assert response.status_code == 429
    assert response.json()["message"].startswith("Too many requests")
    assert int(response["Retry-After"]) <= 60

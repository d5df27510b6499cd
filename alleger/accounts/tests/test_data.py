"""Personal data: export as JSON, and deletion of one's account by anonymisation."""

import io
import json

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from alleger.accounts.models import ApiToken, User
from alleger.accounts.services import api_token_create, profile_update
from alleger.core.models import AuditEvent
from alleger.organisations.models import Membership
from alleger.territories.models import TerritoryRole
from alleger.testing.factories import MembershipFactory, TerritoryRoleFactory

pytestmark = pytest.mark.django_db


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (0, 128, 0)).save(buffer, format="PNG")
    return SimpleUploadedFile("moi.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def rich_resident(resident, neighbourhood, organisation, territory):
    """A resident with something in every section of the export."""
    resident.neighbourhood = neighbourhood
    resident.bio = "Cycliste du quotidien."
    resident.save()
    MembershipFactory(user=resident, organisation=organisation, role=Membership.Role.MEMBER)
    TerritoryRoleFactory(user=resident, territory=territory, role=TerritoryRole.Role.MODERATOR)
    api_token_create(user=resident, name="mon script")
    return resident


def test_it_exports_personal_data_as_json(client, rich_resident):
    client.force_login(rich_resident)
    response = client.get("/compte/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["email"] == "clemence@example.org"
    assert data["account"]["display_name"] == "Clémence"
    assert data["account"]["bio"] == "Cycliste du quotidien."
    assert data["account"]["neighbourhood"] == "Jacquard"
    assert data["email_addresses"] == [{"email": "clemence@example.org", "verified": True, "primary": True}]
    assert [t["name"] for t in data["api_tokens"]] == ["mon script"]
    assert data["organisations"][0]["organisation"] == "Le Café d'à Côté"
    assert data["organisations"][0]["role"] == "member"
    assert data["territory_roles"] == [{"territory": "Saint-Étienne", "role": "moderator"}]


def test_the_export_holds_no_secret(client, rich_resident):
    client.force_login(rich_resident)
    text = client.get("/compte/export/").content.decode()
    assert rich_resident.password not in text
    assert ApiToken.objects.get().key_hash not in text
    assert "password" not in text and "key_hash" not in text


def test_the_export_holds_only_the_requesters_data(client, rich_resident, other_resident):
    client.force_login(other_resident)
    text = client.get("/compte/export/").content.decode()
    assert "clemence@example.org" not in text
    assert "mon script" not in text


def test_the_export_is_also_in_the_api(client, rich_resident):
    _, raw = api_token_create(user=rich_resident, name="export")
    response = client.get("/api/v1/me/export", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["account"]["email"] == rich_resident.email


def test_the_export_requires_login(client):
    assert client.get("/compte/export/").status_code == 302


# --- deletion ------------------------------------------------------------------


def _snapshot(user):
    return {
        "user": User.objects.values().get(pk=user.pk),
        "tokens": ApiToken.objects.filter(user=user).count(),
        "memberships": Membership.objects.filter(user=user).count(),
        "roles": TerritoryRole.objects.filter(user=user).count(),
        "addresses": EmailAddress.objects.filter(user=user).count(),
        "audit": AuditEvent.objects.filter(action="account.delete").count(),
    }


def test_it_refuses_deletion_with_a_wrong_password(client, rich_resident):
    client.force_login(rich_resident)
    before = _snapshot(rich_resident)
    response = client.post("/compte/supprimer/", {"password": "pas-le-bon", "confirm": "on"})
    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    assert _snapshot(rich_resident) == before
    assert client.get("/compte/").status_code == 200  # still logged in


def test_it_refuses_deletion_without_the_confirmation_box(client, rich_resident, password):
    client.force_login(rich_resident)
    before = _snapshot(rich_resident)
    response = client.post("/compte/supprimer/", {"password": password})
    assert response.status_code == 200
    assert "confirm" in response.context["form"].errors
    assert _snapshot(rich_resident) == before


def test_it_deletes_an_account_by_anonymising_it(client, rich_resident, organisation, password, mailoutbox):
    # Given a resident with an avatar, memberships, roles and tokens
    with_avatar = profile_update(user=rich_resident, display_name="Clémence", bio="Cycliste du quotidien.",
                                 neighbourhood=rich_resident.neighbourhood, avatar=_png())
    avatar_name = with_avatar.avatar.name
    assert with_avatar.avatar.storage.exists(avatar_name)
    client.force_login(rich_resident)
    pk = rich_resident.pk
    # When the resident deletes their account with their password
    response = client.post("/compte/supprimer/", {"password": password, "confirm": "on"})
    # Then they are logged out and sent home
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session
    # And the row stays (others' records point to it) but says nothing about them
    user = User.objects.get(pk=pk)
    assert user.email == f"deleted-{pk}@deleted.invalid"
    assert (user.display_name, user.bio, user.neighbourhood, user.avatar.name) == ("", "", None, "")
    assert not with_avatar.avatar.storage.exists(avatar_name)
    assert not user.is_active and not user.is_staff and not user.is_superuser
    assert user.deleted_at is not None
    assert not user.has_usable_password()
    assert user.public_name == "Compte supprimé"
    assert not User.objects.filter(email="clemence@example.org").exists()
    # And everything that gave access is gone
    assert not ApiToken.objects.filter(user=user).exists()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not TerritoryRole.objects.filter(user=user).exists()
    assert not Membership.objects.filter(user=user).exists()
    assert organisation.pk and organisation.__class__.objects.filter(pk=organisation.pk).exists()
    # And the deletion is on record
    event = AuditEvent.objects.get(action="account.delete")
    assert (event.actor_id, event.target_type, event.target_id) == (pk, "accounts.user", str(pk))
    # And the old credentials no longer open anything
    client.post("/accounts/login/", {"login": "clemence@example.org", "password": password})
    assert "_auth_user_id" not in client.session
    response = client.post("/api/v1/auth/token", {"email": "clemence@example.org", "password": password},
                           content_type="application/json")
    assert response.status_code == 401


def test_a_deleted_account_frees_its_address_for_a_new_signup(client, resident, password, mailoutbox):
    client.force_login(resident)
    client.post("/compte/supprimer/", {"password": password, "confirm": "on"})
    client.post("/accounts/signup/", {"email": "clemence@example.org", "display_name": "Clémence",
                                      "password1": "un-nouveau-depart-long", "password2": "un-nouveau-depart-long"})
    fresh = User.objects.get(email="clemence@example.org")
    assert fresh.pk != resident.pk


def test_a_deleted_last_admin_leaves_the_organisation_to_the_platform_admins(
    client, org_admin, organisation, platform_admin, password
):
    # Given the only admin of an organisation deletes their account
    client.force_login(org_admin)
    client.post("/compte/supprimer/", {"password": password, "confirm": "on"})
    # Then the organisation survives without them, and a platform admin can still manage it
    assert not organisation.memberships.filter(user=org_admin).exists()
    assert platform_admin.has_perm("organisations.manage_members", organisation)

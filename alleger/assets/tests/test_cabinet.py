"""Tool cabinets: the code goes only to logged-in residents who accept the charter; every reveal is
recorded; the manager changes the code (audited) and sees the log; the code is never cached nor in the API."""

import pytest
from django.test import override_settings

from alleger.assets.models import AssetChange, CabinetCodeReveal
from alleger.core.models import AuditEvent
from alleger.testing.assets_factories import AssetFactory

pytestmark = pytest.mark.django_db

CODE = "7319"


@pytest.fixture
def cabinet(territory, org_admin):
    return AssetFactory(territory=territory, name="Armoire du café", is_tool_cabinet=True, cabinet_code=CODE,
                        cabinet_charter="Remettre les outils en place.", manager=org_admin)


def test_a_visitor_sees_how_to_get_the_code_never_the_code(client, cabinet):
    response = client.get(cabinet.get_absolute_url())
    assert response.status_code == 200
    assert "Se connecter pour obtenir le code" in response.text and "Remettre les outils" in response.text
    assert CODE not in response.text
    response = client.post(f"/dispositifs/{cabinet.pk}/armoire/code/", {"accept": "on"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not CabinetCodeReveal.objects.exists()


def test_the_charter_must_be_accepted(client_of, resident, cabinet):
    response = client_of(resident).post(f"/dispositifs/{cabinet.pk}/armoire/code/", {})
    assert response.status_code == 400
    assert "Acceptez la charte" in response.text and CODE not in response.text
    assert not CabinetCodeReveal.objects.exists()


def test_a_resident_who_accepts_gets_the_code_and_the_reveal_is_recorded(client_of, resident, cabinet):
    response = client_of(resident).post(f"/dispositifs/{cabinet.pk}/armoire/code/", {"accept": "on"})
    assert response.status_code == 200 and CODE in response.text
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    reveal = CabinetCodeReveal.objects.get()
    assert (reveal.user, reveal.asset) == (resident, cabinet)


@override_settings(PAGE_CACHE_SECONDS=60)
def test_the_code_never_lands_in_the_page_cache(client, client_of, resident, cabinet):
    client.get(cabinet.get_absolute_url())  # an anonymous render, cached
    client_of(resident).post(f"/dispositifs/{cabinet.pk}/armoire/code/", {"accept": "on"})
    client.logout()
    client.cookies.clear()
    assert CODE not in client.get(cabinet.get_absolute_url()).text


def test_the_code_is_not_in_the_api_nor_the_admin(client, client_of, platform_admin, cabinet):
    assert CODE not in client.get(f"/api/v1/assets/{cabinet.pk}").text
    assert CODE not in client.get("/api/v1/assets.geojson", {"bbox": "4,45,5,46"}).text
    admin = client_of(platform_admin).get(f"/admin/assets/asset/{cabinet.pk}/change/")
    assert admin.status_code == 200 and CODE not in admin.text


def test_the_manager_changes_the_code_and_sees_the_log(client_of, org_admin, resident, cabinet):
    client_of(resident).post(f"/dispositifs/{cabinet.pk}/armoire/code/", {"accept": "on"})
    client = client_of(org_admin)
    page = client.get(f"/dispositifs/{cabinet.pk}/armoire/")
    assert page.status_code == 200 and "Clémence" in page.text and CODE not in page.text
    response = client.post(f"/dispositifs/{cabinet.pk}/armoire/", {"code": "2468"})
    assert response.status_code == 302
    cabinet.refresh_from_db()
    assert cabinet.cabinet_code == "2468"
    change = AssetChange.objects.get(source="cabinet")
    assert change.actor == org_admin and "2468" not in str(change.fields) and CODE not in str(change.fields)
    event = AuditEvent.objects.get(action="asset.cabinet_code_change")
    assert "2468" not in str(event.data)
    # The next reveal gives the new code
    assert "2468" in client_of(resident).post(f"/dispositifs/{cabinet.pk}/armoire/code/", {"accept": "on"}).text


@pytest.mark.parametrize("typed", ["12", "48 21", "abcd", "4821a", "12345678901"])
def test_a_code_is_3_to_10_digits_and_anything_else_is_refused_unchanged(client_of, org_admin, cabinet, typed):
    response = client_of(org_admin).post(f"/dispositifs/{cabinet.pk}/armoire/", {"code": typed})
    assert response.status_code in (200, 400) and response.context["form"].errors["code"]
    cabinet.refresh_from_db()
    assert cabinet.cabinet_code == CODE


def test_a_resident_cannot_manage_the_cabinet(client_of, resident, cabinet):
    client = client_of(resident)
    assert client.get(f"/dispositifs/{cabinet.pk}/armoire/").status_code == 403
    assert client.post(f"/dispositifs/{cabinet.pk}/armoire/", {"code": "0000"}).status_code == 403
    cabinet.refresh_from_db()
    assert cabinet.cabinet_code == CODE


@pytest.mark.parametrize("code, message", [("", "Ce champ est obligatoire"), (CODE, "déjà le code"),
                                           ("1" * 11, "10 caractères"),
                                           ("48 21", "que des chiffres")])
def test_a_bad_new_code_is_refused_and_changes_nothing(client_of, moderator, cabinet, code, message):
    response = client_of(moderator).post(f"/dispositifs/{cabinet.pk}/armoire/", {"code": code})
    assert response.status_code == 400 and message in response.text
    cabinet.refresh_from_db()
    assert cabinet.cabinet_code == CODE and not AssetChange.objects.exists()


def test_an_ordinary_asset_has_no_code_to_reveal(client_of, resident, territory):
    bench = AssetFactory(territory=territory)
    assert client_of(resident).post(f"/dispositifs/{bench.pk}/armoire/code/", {"accept": "on"}).status_code == 403

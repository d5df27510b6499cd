"""The kits API: search, read, versions, and drafts written and submitted through it."""

import pytest

from alleger.accounts.services import api_token_create
from alleger.kits.models import SECTION_MAX_LENGTH, Kit
from alleger.testing.kits_factories import make_kit

pytestmark = pytest.mark.django_db

BODY = {"title": "Un banc pour lire", "summary": "Poser un banc devant la médiathèque.",
        "category": "furniture_repair", "axis": "dur", "steps": "1. Demander\n2. Poser"}


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert response.json()["message"]


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='test')[1]}"}


def test_the_list_shows_published_kits_only_with_filters(client, territory, other_territory):
    make_kit(status=Kit.Status.PUBLISHED, title="Fleurir les pieds d'arbres", territory=territory)
    make_kit(status=Kit.Status.PUBLISHED, title="Cartopartie", category=Kit.Category.DATA_MAPPING,
             axis=Kit.Axis.INFORMATION, territory=other_territory)
    make_kit(status=Kit.Status.PUBLISHED, title="Bombes à graines")  # valid everywhere
    make_kit(title="Brouillon secret", territory=territory)
    make_kit(status=Kit.Status.SUBMITTED, title="En relecture", territory=territory)

    titles = [kit["title"] for kit in client.get("/api/v1/kits").json()["items"]]
    assert titles == ["Bombes à graines", "Cartopartie", "Fleurir les pieds d'arbres"]

    mine = client.get(f"/api/v1/kits?territory={territory.slug}").json()["items"]
    assert [kit["title"] for kit in mine] == ["Bombes à graines", "Fleurir les pieds d'arbres"]
    assert [k["title"] for k in client.get("/api/v1/kits?category=data_mapping").json()["items"]] == ["Cartopartie"]
    assert [k["title"] for k in client.get("/api/v1/kits?q=graines").json()["items"]] == ["Bombes à graines"]
    first = mine[1]
    assert first["territory"] == territory.slug and first["status"] == "published"
    assert first["url"].endswith(f"/kits/{first['slug']}/")


def test_bad_filters_are_json_errors(client):
    assert_error(client.get("/api/v1/kits?territory=atlantide"), 404, "not_found")
    assert_error(client.get("/api/v1/kits?level=7"), 422, "invalid")
    assert_error(client.get("/api/v1/kits?axis=diagonal"), 422, "invalid")


def test_the_detail_has_the_sections_and_the_versions(client, territory):
    kit = make_kit(status=Kit.Status.PUBLISHED, territory=territory)
    data = client.get(f"/api/v1/kits/{kit.slug}").json()
    assert data["sections"]["steps"] == "1. Repérer\n2. Planter\n3. Arroser"
    assert data["sections"]["rules"] == "Pas de pesticides."
    assert data["versions_count"] == 1
    versions = client.get(f"/api/v1/kits/{kit.slug}/versions").json()
    assert [v["number"] for v in versions] == [1]


def test_a_draft_is_invisible_to_others(client, territory, resident):
    draft = make_kit(territory=territory)
    assert_error(client.get(f"/api/v1/kits/{draft.slug}"), 404, "not_found")
    assert_error(client.get(f"/api/v1/kits/{draft.slug}", **bearer(resident)), 404, "not_found")
    assert client.get(f"/api/v1/kits/{draft.slug}", **bearer(draft.author)).status_code == 200


def test_writing_needs_an_account(client):
    assert_error(client.post("/api/v1/kits", BODY, content_type="application/json"), 401, "unauthenticated")
    assert not Kit.objects.exists()


def test_a_resident_writes_a_draft_edits_it_and_submits_it(client, territory, resident):
    auth = bearer(resident)
    response = client.post("/api/v1/kits", {**BODY, "territory": territory.slug}, content_type="application/json",
                           **auth)
    assert response.status_code == 201, response.content
    slug = response.json()["slug"]
    kit = Kit.objects.get(slug=slug)
    assert (kit.status, kit.author, kit.territory) == (Kit.Status.DRAFT, resident, territory)

    response = client.patch(f"/api/v1/kits/{slug}", {"rules": "Respecter le voisinage.", "note": "Règles"},
                            content_type="application/json", **auth)
    assert response.status_code == 200
    assert response.json()["versions_count"] == 2
    assert kit.versions.get(number=2).note == "Règles"

    assert client.post(f"/api/v1/kits/{slug}/submit", **auth).json()["status"] == "submitted"
    # Once submitted the author may no longer change it.
    assert_error(client.patch(f"/api/v1/kits/{slug}", {"title": "Autre"}, content_type="application/json", **auth),
                 403, "forbidden")
    assert_error(client.post(f"/api/v1/kits/{slug}/submit", **auth), 403, "forbidden")
    kit.refresh_from_db()
    assert kit.title == BODY["title"]


def test_others_cannot_change_a_kit(client, territory, resident):
    kit = make_kit(status=Kit.Status.PUBLISHED, territory=territory)
    assert_error(client.patch(f"/api/v1/kits/{kit.slug}", {"title": "Pirate"}, content_type="application/json",
                              **bearer(resident)), 403, "forbidden")
    kit.refresh_from_db()
    assert kit.title != "Pirate"


def test_bad_input_is_refused_and_nothing_is_written(client, resident):
    auth = bearer(resident)
    assert_error(client.post("/api/v1/kits", {**BODY, "category": "teleportation"},
                             content_type="application/json", **auth), 422, "invalid")
    assert_error(client.post("/api/v1/kits", {**BODY, "title": "x" * 151}, content_type="application/json",
                             **auth), 422, "invalid")
    assert_error(client.post("/api/v1/kits", {**BODY, "title": ""}, content_type="application/json", **auth),
                 400, "invalid")
    assert_error(client.post("/api/v1/kits", {**BODY, "territory": "atlantide"}, content_type="application/json",
                             **auth), 404, "not_found")
    assert_error(client.post("/api/v1/kits", {**BODY, "rules": "x" * (SECTION_MAX_LENGTH + 1)},
                             content_type="application/json", **auth), 422, "invalid")
    assert not Kit.objects.exists()


def test_an_edit_with_a_section_over_the_limit_changes_nothing(client, resident):
    kit = make_kit(author=resident)
    response = client.patch(f"/api/v1/kits/{kit.slug}", {"steps": "x" * (SECTION_MAX_LENGTH + 1)},
                            content_type="application/json", **bearer(resident))
    assert_error(response, 422, "invalid")
    assert response.json()["detail"][0]["loc"][-1] == "steps"
    assert (Kit.objects.get().steps, kit.versions.count()) == (kit.steps, 1)

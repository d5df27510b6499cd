"""GET /api/v1/organisations and /api/v1/organisations/{slug}."""

import pytest

from alleger.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_it_lists_organisations(client, organisation, sponsor_organisation, org_admin, org_member, territory):
    response = client.get("/api/v1/organisations")
    assert response.status_code == 200
    items = {item["slug"]: item for item in response.json()}
    assert set(items) == {"cafe-d-a-cote", "fondation-nouveau-monde"}
    cafe = items["cafe-d-a-cote"]
    assert cafe == {
        "slug": "cafe-d-a-cote",
        "name": "Le Café d'à Côté",
        "kind": "association",
        "website": "",
        "territory": "saint-etienne",
        "is_sponsor": False,
        "member_count": 2,
        "url": "http://testserver/organisations/cafe-d-a-cote/",
    }
    assert items["fondation-nouveau-monde"]["is_sponsor"] is True


def test_it_filters_by_kind(client, organisation):
    OrganisationFactory(slug="ferme", kind="company")
    response = client.get("/api/v1/organisations?kind=company")
    assert [item["slug"] for item in response.json()] == ["ferme"]


def test_it_refuses_an_unknown_kind_with_json(client, organisation):
    response = client.get("/api/v1/organisations?kind=secte")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_it_shows_one_organisation(client, organisation, org_admin):
    response = client.get("/api/v1/organisations/cafe-d-a-cote")
    assert response.status_code == 200
    assert response.json()["name"] == "Le Café d'à Côté"
    assert response.json()["member_count"] == 1


def test_an_unknown_organisation_is_404_json(client):
    response = client.get("/api/v1/organisations/nexiste-pas")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert response.json()["message"]

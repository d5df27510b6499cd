"""API: /api/v1/challenges and /api/v1/metrics, and their OpenAPI description."""

import datetime

import pytest

from alleger.cell.models import Challenge, Metric

pytestmark = pytest.mark.django_db


@pytest.fixture
def challenge(demo):
    return Challenge.objects.get(title__startswith="Quartier des Prés")


def test_the_list_filters_by_territory_and_status(client, challenge):
    found = client.get("/api/v1/challenges", {"territory": "saint-etienne", "status": "open"}).json()
    assert [c["id"] for c in found] == [challenge.pk]
    assert found[0]["neighbourhoods"] == ["cret-de-roch", "jacquard"]
    assert client.get("/api/v1/challenges", {"status": "closed"}).json() == []
    bad = client.get("/api/v1/challenges", {"status": "draft"})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid"


def test_the_detail_has_responses_progress_and_series(client, challenge):
    data = client.get(f"/api/v1/challenges/{challenge.pk}").json()
    kinds = sorted(r["kind"] for r in data["responses"])
    assert "project" in kinds and "kit" in kinds and kinds.count("intervention") == 2
    assert all(r["status"] == "accepted" for r in data["responses"])
    project = next(r for r in data["responses"] if r["title"] == "Déchets à partager !")
    assert project["progress"]["raised_cents"] == 159_000 and project["progress"]["goal_cents"] == 150_000
    kit = next(r for r in data["responses"] if r["kind"] == "kit")
    assert kit["progress"]["interventions_done"] == 2
    assert data["summary"]["interventions_done"] == 2
    (series,) = data["series"]
    assert series["unit"] == "kg" and len(series["points"]) == 34
    assert data["workshops"][0]["participants_count"] == 23


def test_a_draft_is_not_in_the_api(client, challenge):
    Challenge.objects.filter(pk=challenge.pk).update(status="draft")
    assert client.get("/api/v1/challenges").json() == []
    response = client.get(f"/api/v1/challenges/{challenge.pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_metrics_are_paginated_and_filtered(client, territory, neighbourhood):
    day = datetime.date(2026, 3, 1)
    for i in range(5):
        Metric.objects.create(territory=territory, day=day + datetime.timedelta(days=i), key="contributions",
                              value=i + 1, neighbourhood=neighbourhood if i % 2 else None)
    Metric.objects.create(territory=territory, day=day, key="pledged_cents", value=500)
    page = client.get("/api/v1/metrics", {"territory": territory.slug, "key": "contributions", "limit": 2}).json()
    assert page == [{"day": "2026-03-01", "territory": territory.slug, "neighbourhood": None, "key": "contributions",
                     "dimension": "", "value": 1, "unit": "count"},
                    {"day": "2026-03-02", "territory": territory.slug, "neighbourhood": "jacquard",
                     "key": "contributions", "dimension": "", "value": 2, "unit": "count"}]
    second = client.get("/api/v1/metrics", {"territory": territory.slug, "key": "contributions", "limit": 2,
                                            "offset": 4}).json()
    assert [m["value"] for m in second] == [5]
    hood = client.get("/api/v1/metrics", {"territory": territory.slug, "neighbourhood": "jacquard"}).json()
    assert [m["value"] for m in hood] == [2, 4]
    none = client.get("/api/v1/metrics", {"territory": territory.slug, "neighbourhood": "none",
                                          "from": "2026-03-02", "to": "2026-03-05"}).json()
    assert [m["value"] for m in none] == [3, 5]
    assert client.get("/api/v1/metrics", {"territory": territory.slug, "key": "nope"}).status_code == 422
    assert client.get("/api/v1/metrics", {"territory": "nowhere"}).status_code == 404


def test_openapi_documents_both_with_their_enums(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/challenges", "/api/v1/challenges/{challenge_id}", "/api/v1/metrics"} <= set(schema["paths"])
    params = {p["name"]: p for p in schema["paths"]["/api/v1/metrics"]["get"]["parameters"]}
    assert "interventions_done" in str(params["key"]["schema"])
    assert "interventions_done" in schema["paths"]["/api/v1/metrics"]["get"]["description"]

"""Reports in the ninja API: /api/v1/reports."""

import pytest
from django.core import mail

from alleger.accounts.services import api_token_create
from alleger.reports.models import Report
from alleger.testing.reports_factories import make_category, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def category(territory):
    return make_category(territory=territory)


def test_the_list_is_public_and_filters(client, territory, category, resident):
    lights = make_category(territory=territory, service_code="eclairage", name="Éclairage")
    bike = make_report(category=category, reporter=resident)
    make_report(category=lights)
    response = client.get("/api/v1/reports", {"territory": "saint-etienne", "category": "velo-partage",
                                              "status": "open"})
    assert response.status_code == 200
    [item] = response.json()
    assert (item["id"], item["category"], item["open311_status"], item["reporter_name"]) == (
        bike.pk, "velo-partage", "open", None)
    assert resident.email not in response.content.decode()
    assert client.get("/api/v1/reports", {"status": "fixed"}).json() == []
    assert client.get("/api/v1/reports", {"status": "bof"}).status_code == 422
    assert client.get("/api/v1/reports", {"territory": "atlantide"}).status_code == 404


def test_the_detail_has_the_timeline_and_suggestions(client, category, resident):
    report = make_report(category=category, reporter=resident, show_name=True)
    other = make_report(category=category)
    body = client.get(f"/api/v1/reports/{report.pk}").json()
    assert body["reporter_name"] == "Clémence"
    assert [u["status"] for u in body["timeline"]] == ["open"]
    assert body["possible_duplicates"] == [other.pk]
    assert client.get("/api/v1/reports/999999").json()["code"] == "not_found"


def test_creating_needs_authentication(client, category):
    response = client.post("/api/v1/reports", {"territory": "saint-etienne", "category": "velo-partage",
                                               "description": "Freins", "lat": 45.44, "lon": 4.39},
                           content_type="application/json")
    assert response.status_code == 401 and not Report.objects.exists()


def test_creating_with_a_token_routes_the_report(client, category, resident, django_capture_on_commit_callbacks):
    _, raw = api_token_create(user=resident, name="test")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/reports", {"territory": "saint-etienne", "category": "velo-partage",
                                                   "description": "Freins", "lat": 45.44, "lon": 4.39},
                               content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 201
    report = Report.objects.get()
    assert (response.json()["id"], report.reporter, report.source) == (report.pk, resident, "api")
    assert mail.outbox[0].to == ["velos@ville.example"]


@pytest.mark.parametrize(("changes", "code"), [
    ({"category": "licorne"}, "unknown_category"),
    ({"lat": 48.85, "lon": 2.35}, "out_of_territory"),
    ({"lat": None, "lon": None}, "location_required"),
])
def test_refusals_are_400_with_a_french_message(client_of, category, resident, changes, code):
    payload = {"territory": "saint-etienne", "category": "velo-partage", "description": "Freins", "lat": 45.44,
               "lon": 4.39, **changes}
    response = client_of(resident).post("/api/v1/reports", payload, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == code
    assert not Report.objects.exists()

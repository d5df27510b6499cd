"""The watch in the API (/api/v1/watch/…), documented in the OpenAPI document."""

import pytest

from alleger.cell.models import CellAction, SavedWatch
from alleger.testing.factories import UserFactory
from alleger.testing.funding_factories import ProjectFactory, pledge
from alleger.testing.reports_factories import make_category, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(territory):
    project = ProjectFactory(territory=territory, live=True, title="Le café associatif")
    pledge(project, UserFactory(display_name="Bernadette"), 1_500)
    return project


def test_it_is_documented(client):
    document = client.get("/api/v1/openapi.json").json()
    paths = document["paths"]
    assert {"/api/v1/watch/{slug}/items", "/api/v1/watch/{slug}/rising", "/api/v1/watch/{slug}/actions",
            "/api/v1/watch/saved", "/api/v1/watch/saved/{watch_id}", "/api/v1/watch/saved/{watch_id}/token"} <= set(paths)
    assert {"explanation", "method", "strength"} <= set(document["components"]["schemas"]["SignalOut"]["properties"])


def test_who_reads_it(client_of, territory, resident, moderator, visitor):
    assert client_of(visitor).get(f"/api/v1/watch/{territory.slug}/items").status_code == 401
    response = client_of(resident).get(f"/api/v1/watch/{territory.slug}/items")
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert client_of(moderator).get(f"/api/v1/watch/{territory.slug}/items").status_code == 200


def test_the_items_with_their_filters(client_of, territory, cell_member, project):
    make_report(category=make_category(territory=territory, name="Nid-de-poule"))
    client = client_of(cell_member)
    body = client.get(f"/api/v1/watch/{territory.slug}/items").json()
    kinds = {item["kind"] for item in body["items"]}
    assert {"project", "contributions", "report"} <= kinds
    [aggregate] = [i for i in body["items"] if i["kind"] == "contributions"]
    assert aggregate["summary"] == "1 contribution, 15\u00a0€" and "Bernadette" not in str(body)
    assert aggregate["target"] == f"funding.project:{project.pk}"
    only = client.get(f"/api/v1/watch/{territory.slug}/items?kind=report").json()["items"]
    assert [i["kind"] for i in only] == ["report"]
    refused = client.get(f"/api/v1/watch/{territory.slug}/items?since=2026-12-09&until=2026-12-01")
    assert (refused.status_code, refused.json()["code"]) == (422, "invalid")
    assert client.get(f"/api/v1/watch/{territory.slug}/items?page=99").status_code == 422


def test_the_rising_signals_are_explained(client_of, territory, cell_member):
    category = make_category(territory=territory, name="Nid-de-poule")
    for i in range(5):
        make_report(category=category, lat=45.44 + i * 0.0005, lon=4.39)
    [signal] = client_of(cell_member).get(f"/api/v1/watch/{territory.slug}/rising").json()
    assert signal["key"] == "report_cluster" and signal["rising"]
    assert signal["explanation"].startswith("5 signalements « Nid-de-poule »")
    assert "300 m" in signal["method"]


def test_the_cell_acts_and_moderators_may_not(client_of, territory, cell_member, moderator, project):
    import datetime

    from alleger.cell.models import Challenge, ChallengeResponse

    today = datetime.date.today()
    challenge = Challenge.objects.create(territory=territory, title="Des rez-de-chaussée vivants", problem="P",
                                         starts_on=today, ends_on=today, status="open")
    payload = {"target": f"funding.project:{project.pk}", "kind": "tag", "challenge": challenge.pk,
               "note": "Il y répond"}
    refused = client_of(moderator).post(f"/api/v1/watch/{territory.slug}/actions", payload,
                                        content_type="application/json")
    assert refused.status_code == 403 and not CellAction.objects.exists()
    client = client_of(cell_member)
    response = client.post(f"/api/v1/watch/{territory.slug}/actions", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    assert (response.json()["kind"], response.json()["challenge"]) == ("tag", challenge.pk)
    assert ChallengeResponse.objects.get().project == project
    listed = client.get(f"/api/v1/watch/{territory.slug}/actions?target=funding.project:{project.pk}").json()
    assert [(a["note"], a["challenge"]) for a in listed] == [("Il y répond", challenge.pk)]
    unknown = client.post(f"/api/v1/watch/{territory.slug}/actions", {**payload, "target": "funding.project:0"},
                          content_type="application/json")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_target")
    nameless = client.post(f"/api/v1/watch/{territory.slug}/actions", {**payload, "challenge": None},
                           content_type="application/json")
    assert (nameless.status_code, nameless.json()["code"]) == (400, "challenge_required")


def test_saved_watches(client_of, territory, cell_member, other_resident):
    client = client_of(cell_member)
    response = client.post("/api/v1/watch/saved", {"territory": territory.slug, "name": "Projets", "kind": ["project"],
                                                   "frequency": "daily"}, content_type="application/json")
    assert response.status_code == 201, response.content
    saved = response.json()
    assert saved["filters"] == {"kind": ["project"]} and saved["atom_url"].endswith(".atom")
    renewed = client.post(f"/api/v1/watch/saved/{saved['id']}/token").json()
    assert renewed["atom_url"] != saved["atom_url"]
    assert client_of(other_resident).delete(f"/api/v1/watch/saved/{saved['id']}").status_code == 404
    assert client_of(cell_member).delete(f"/api/v1/watch/saved/{saved['id']}").status_code == 204
    assert not SavedWatch.objects.exists()

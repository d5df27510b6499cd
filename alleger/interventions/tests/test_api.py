"""The interventions API: list and filters, detail, declare, join (refusal codes), leave, journal, GeoJSON."""

import json

import pytest

from alleger.accounts.services import api_token_create
from alleger.interventions.models import Intervention, JournalEntry, Participation
from alleger.organisations.models import Organisation
from alleger.testing.assets_factories import AssetFactory
from alleger.testing.factories import MembershipFactory, OrganisationFactory, UserFactory
from alleger.testing.interventions_factories import make_intervention, published_kit

pytestmark = pytest.mark.django_db


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["message"], body
    return body


@pytest.fixture
def kit(territory):
    return published_kit(territory)


@pytest.fixture
def asset(territory):
    return AssetFactory(territory=territory, max_participants=2)


@pytest.fixture
def logged(client, resident):
    client.force_login(resident)
    return client


def test_the_list_filters_by_territory_status_kit_and_asset(client, territory, other_territory, kit, asset):
    done = make_intervention(territory=territory, kit=kit, asset=asset, status="done")
    planned = make_intervention(territory=territory)
    far = make_intervention(territory=other_territory, asset=None, lat=45.75, lon=4.85)

    def ids(**query):
        response = client.get("/api/v1/interventions", query)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()}

    assert ids() == {done.pk, planned.pk, far.pk}
    assert ids(territory=territory.slug) == {done.pk, planned.pk}
    assert ids(status="done") == {done.pk}
    assert ids(kit=kit.slug) == {done.pk}
    assert ids(asset=asset.pk) == {done.pk}
    row = client.get("/api/v1/interventions", {"asset": asset.pk}).json()[0]
    assert (row["kit"], row["asset"], row["max_participants"], row["participants_count"], row["status"]) == (
        kit.slug, asset.pk, 2, 1, "done")
    assert_error(client.get("/api/v1/interventions", {"status": "nope"}), 422, "invalid")
    assert_error(client.get("/api/v1/interventions", {"territory": "nulle-part"}), 404, "not_found")


def test_the_detail_has_participants_and_journal(client, territory):
    from alleger.interventions.services import journal_add

    intervention = make_intervention(territory=territory, participants=[UserFactory()])
    journal_add(intervention=intervention, author=intervention.organiser, text="On a commencé.")
    body = client.get(f"/api/v1/interventions/{intervention.pk}").json()
    assert [p["role"] for p in body["participants"]] == ["organiser", "participant"]
    assert body["journal"][0]["text"] == "On a commencé."
    assert_error(client.get("/api/v1/interventions/999999"), 404, "not_found")


def test_declaring_needs_an_account(client, kit, asset):
    response = post(client, "/api/v1/interventions", {"kit": kit.slug, "asset": asset.pk, "title": "T",
                                                       "description": "D", "starts_on": "2026-05-02",
                                                       "charter_accepted": True})
    assert_error(response, 401, "unauthenticated")


def test_declaring_with_a_token_on_an_asset(client, resident, kit, asset):
    _, raw = api_token_create(user=resident, name="test")
    response = post(client, "/api/v1/interventions",
                    {"kit": kit.slug, "asset": asset.pk, "title": "Capucines", "description": "Semis.",
                     "starts_on": "2026-05-02", "charter_accepted": True}, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["asset"] == asset.pk and body["participants"][0]["role"] == "organiser"


@pytest.mark.parametrize(("changes", "status", "code"), [
    ({"charter_accepted": False}, 400, "charter_not_accepted"),
    ({"lat": 48.85, "lon": 2.35}, 400, "out_of_territory"),
    ({"kit": "inconnu"}, 400, "kit_not_published"),
    ({"territory": "nulle-part"}, 400, "unknown_territory"),
    ({"ends_on": "2026-04-01"}, 400, "dates_invalid"),
    ({"starts_on": "hier"}, 422, "invalid"),
])
def test_declaration_refusals_write_nothing(logged, kit, territory, changes, status, code):
    body = {"kit": kit.slug, "territory": territory.slug, "lat": 45.43, "lon": 4.37, "title": "T",
            "description": "D", "starts_on": "2026-05-02", "charter_accepted": True, **changes}
    assert_error(post(logged, "/api/v1/interventions", body), status, code)
    assert not Intervention.objects.exists()


def test_joining_and_its_refusal_codes(client, territory, asset, resident):
    intervention = make_intervention(territory=territory, asset=asset)
    client.force_login(resident)
    url = f"/api/v1/interventions/{intervention.pk}/participants"
    assert_error(post(client, url, {}), 400, "charter_not_accepted")
    response = post(client, url, {"charter_accepted": True})
    assert response.status_code == 201 and response.json()["participants_count"] == 2
    assert_error(post(client, url, {"charter_accepted": True}), 409, "already_participant")
    client.force_login(UserFactory())
    assert_error(post(client, url, {"charter_accepted": True}), 409, "asset_full")
    assert Participation.objects.filter(intervention=intervention).count() == 2


def test_level_and_private_actor_refusals(client, territory, moderator, platform_admin):
    from alleger.reputation.services import level_grant

    asset = AssetFactory(territory=territory, required_level=2)
    organiser = UserFactory()
    level_grant(user=organiser, level=2, granted_by=platform_admin, reason="Pro.")
    intervention = make_intervention(territory=territory, asset=asset, organiser=organiser)
    url = f"/api/v1/interventions/{intervention.pk}/participants"
    newcomer = UserFactory()
    client.force_login(newcomer)
    assert_error(post(client, url, {"charter_accepted": True}), 403, "level_too_low")
    level_grant(user=newcomer, level=2, granted_by=moderator, reason="Pro.", territory=territory)
    company = OrganisationFactory(kind=Organisation.Kind.COMPANY, territory=territory)
    MembershipFactory(organisation=company, user=newcomer)
    assert_error(post(client, url, {"charter_accepted": True, "organisation": company.slug}), 403,
                 "private_not_allowed")
    assert Participation.objects.filter(user=newcomer).count() == 0


def test_joining_an_abandoned_intervention_or_a_closed_asset(client, territory, resident):
    over = make_intervention(territory=territory, status="abandoned")
    client.force_login(resident)
    assert_error(post(client, f"/api/v1/interventions/{over.pk}/participants", {"charter_accepted": True}),
                 409, "intervention_over")
    closed_asset = AssetFactory(territory=territory)
    live = make_intervention(territory=territory, asset=closed_asset)
    type(closed_asset).objects.filter(pk=closed_asset.pk).update(status="closed")
    assert_error(post(client, f"/api/v1/interventions/{live.pk}/participants", {"charter_accepted": True}),
                 409, "asset_closed")


def test_leaving_frees_the_place(client, territory, asset, resident):
    intervention = make_intervention(territory=territory, asset=asset, participants=[resident])
    client.force_login(resident)
    url = f"/api/v1/interventions/{intervention.pk}/participants"
    assert client.delete(url).status_code == 204
    assert_error(client.delete(url), 404, "not_participant")
    client.force_login(intervention.organiser)
    assert_error(client.delete(url), 409, "organiser_cannot_leave")


def test_the_journal_accepts_participants_only(client, territory, resident, other_resident):
    intervention = make_intervention(territory=territory, organiser=resident)
    url = f"/api/v1/interventions/{intervention.pk}/journal"
    client.force_login(other_resident)
    assert_error(post(client, url, {"text": "Intrus"}), 403, "forbidden")
    client.force_login(resident)
    assert_error(post(client, url, {"text": "  "}), 400, "text_required")
    response = post(client, url, {"text": "Arrosage fait."})
    assert response.status_code == 201 and response.json()["text"] == "Arrosage fait."
    assert JournalEntry.objects.count() == 1


def test_the_geojson_includes_done_interventions_within_the_bbox(client, territory, other_territory):
    done = make_intervention(territory=territory, asset=None, lat=45.43, lon=4.37, status="done")
    make_intervention(territory=territory, asset=None, lat=45.43, lon=4.37, status="abandoned")
    make_intervention(territory=other_territory, asset=None, lat=45.75, lon=4.85)
    response = client.get("/api/v1/interventions.geojson", {"bbox": "4.30,45.40,4.45,45.50"})
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert [f["properties"]["id"] for f in body["features"]] == [done.pk]
    assert body["features"][0]["geometry"] == {"type": "Point", "coordinates": [4.37, 45.43]}
    assert_error(client.get("/api/v1/interventions.geojson", {"bbox": "1,2,3"}), 400, "invalid_bbox")
    assert_error(client.get("/api/v1/interventions.geojson", {"bbox": "a,b,c,d"}), 400, "invalid_bbox")

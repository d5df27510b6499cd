"""Writes that can flood are rate-limited per account (per IP for visitors), on every channel:
pages answer 429 with the reason, the API 429 `{code, message}`, Open311 its error list; all with
Retry-After, in the person's language, and the refused write changes nothing.
"""

import html
import json

import pytest
from django.urls import reverse

from alleger.accounts.services import api_token_create
from alleger.assets.models import Asset, AssetProposal
from alleger.discussions.models import Comment, Flag
from alleger.funding.models import Contribution
from alleger.kits.models import Kit
from alleger.proposals.models import Proposal, Support
from alleger.reports.models import Report
from alleger.testing.assets_factories import AssetFactory, AssetTypeFactory
from alleger.testing.discussions_factories import make_comment, make_proposal
from alleger.testing.factories import UserFactory
from alleger.testing.kits_factories import make_kit
from alleger.testing.money import published_project
from alleger.testing.reports_factories import BRAKES, make_category

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def low_limits(settings):
    settings.RATE_LIMITS = {action: "2/h" for action in settings.RATE_LIMITS}


@pytest.fixture
def kit(territory, other_resident):
    return make_kit(author=other_resident, territory=territory, status=Kit.Status.PUBLISHED)


@pytest.fixture
def bearer(resident):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=resident, name='t')[1]}"}


def assert_page_429(response, language="fr"):
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    body = html.unescape(response.content.decode())
    assert ("Trop de demandes en peu de temps" if language == "fr" else "Too many requests") in body


def assert_api_429(response):
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert response.json()["message"].startswith("Trop de demandes")
    assert 1 <= int(response["Retry-After"]) <= 3600


# --- comments and flags -------------------------------------------------------------


def test_comments_on_the_page_stop_at_the_limit(client_of, resident, kit):
    client = client_of(resident)
    for n in range(2):
        assert client.post("/commentaires/nouveau/", {"target": f"kit:{kit.pk}", "body": f"n{n}"}).status_code == 302
    assert_page_429(client.post("/commentaires/nouveau/", {"target": f"kit:{kit.pk}", "body": "encore"}))
    assert Comment.objects.count() == 2
    # Reading the form is not counted
    assert client.get("/commentaires/nouveau/", {"target": f"kit:{kit.pk}"}).status_code == 200


def test_the_page_says_it_in_english_too(client_of, resident, kit):
    client = client_of(resident)
    client.cookies["django_language"] = "en"
    for _ in range(2):
        client.post("/commentaires/nouveau/", {"target": f"kit:{kit.pk}", "body": "hi"})
    assert_page_429(client.post("/commentaires/nouveau/", {"target": f"kit:{kit.pk}", "body": "hi"}), "en")


def test_the_limit_is_per_person_and_shared_by_page_and_api(client, client_of, resident, other_resident, kit,
                                                            bearer):
    page = client_of(resident)
    page.post("/commentaires/nouveau/", {"target": f"kit:{kit.pk}", "body": "page"})
    api = {"target": f"kit:{kit.pk}", "body": "api", "is_question": False}
    page.logout()
    assert client.post("/api/v1/comments", api, content_type="application/json", **bearer).status_code == 201
    assert_api_429(client.post("/api/v1/comments", api, content_type="application/json", **bearer))
    assert Comment.objects.count() == 2
    # Someone else is not affected
    assert client_of(other_resident).post("/commentaires/nouveau/",
                                          {"target": f"kit:{kit.pk}", "body": "moi"}).status_code == 302


def test_flags_stop_at_the_limit(client, kit, bearer):
    comments = [make_comment(kit) for _ in range(3)]
    statuses = [client.post("/api/v1/flags", {"target": f"comment:{c.pk}", "reason": "spam"},
                            content_type="application/json", **bearer).status_code for c in comments]
    assert statuses == [201, 201, 429]
    assert Flag.objects.count() == 2


def test_flags_on_the_page_stop_at_the_limit(client_of, resident, kit):
    client = client_of(resident)
    comments = [make_comment(kit) for _ in range(3)]
    for c in comments[:2]:
        assert client.post("/moderation/signaler/", {"target": f"comment:{c.pk}", "reason": "spam"}).status_code == 302
    assert_page_429(client.post("/moderation/signaler/", {"target": f"comment:{comments[2].pk}", "reason": "spam"}))
    assert Flag.objects.count() == 2


# --- reports: page, API and Open311 share one count -----------------------------------


def test_reports_stop_at_the_limit_on_every_channel(client, client_of, resident, territory, bearer):
    make_category(territory=territory, attributes=[BRAKES])
    page = client_of(resident)
    response = page.post("/signalements/t/saint-etienne/nouveau/", {
        "categorie": "velo-partage", "description": "Freins HS", "lat": "45.44", "lon": "4.39", "address": "",
        "attr_panne": "freins"})
    assert response.status_code == 302
    page.logout()
    api_body = {"territory": "saint-etienne", "category": "velo-partage", "description": "Freins HS",
                "lat": 45.44, "lon": 4.39, "attributes": {"panne": "freins"}}
    assert client.post("/api/v1/reports", api_body, content_type="application/json", **bearer).status_code == 201
    assert_api_429(client.post("/api/v1/reports", api_body, content_type="application/json", **bearer))
    raw = bearer["HTTP_AUTHORIZATION"].split()[1]
    response = client.post("/open311/v2/requests.json", {"api_key": raw, "service_code": "velo-partage",
                                                         "lat": "45.44", "long": "4.39", "attribute[panne]": "freins"})
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert response.json()[0]["code"] == 429 and "Trop de demandes" in response.json()[0]["description"]
    assert Report.objects.count() == 2


def test_refused_reports_do_not_use_up_the_allowance_on_any_channel(client, client_of, resident, territory, bearer):
    """Correcting a form (or a client its requests) is not flooding: only what is created counts."""
    make_category(territory=territory, attributes=[BRAKES])
    page = client_of(resident)
    good = {"categorie": "velo-partage", "description": "Freins HS", "lat": "45.44", "lon": "4.39", "address": "",
            "attr_panne": "freins"}
    for _ in range(3):  # sent back with an error, three times
        assert page.post("/signalements/t/saint-etienne/nouveau/", {**good, "description": ""}).status_code == 400
    raw = bearer["HTTP_AUTHORIZATION"].split()[1]
    for _ in range(3):  # refused by Open311
        assert client.post("/open311/v2/requests.json", {"api_key": raw, "service_code": "velo-partage",
                                                         "lat": "45.44"}).status_code == 400
    api_body = {"territory": "saint-etienne", "category": "velo-partage", "description": "",
                "lat": 45.44, "lon": 4.39, "attributes": {"panne": "freins"}}
    for _ in range(3):  # refused by the API
        assert client.post("/api/v1/reports", api_body, content_type="application/json", **bearer).status_code == 400
    assert page.post("/signalements/t/saint-etienne/nouveau/", good).status_code == 302
    assert client.post("/api/v1/reports", {**api_body, "description": "Freins HS"}, content_type="application/json",
                       **bearer).status_code == 201
    assert_api_429(client.post("/api/v1/reports", {**api_body, "description": "Freins HS"},
                               content_type="application/json", **bearer))
    assert Report.objects.count() == 2


# --- proposals and supports --------------------------------------------------------


def test_proposals_stop_at_the_limit(client_of, resident, territory):
    client = client_of(resident)
    data = {"territory": territory.pk, "kind": "open_space", "title": "Ouvrir la cour", "body": "Le samedi."}
    assert [client.post("/propositions/nouvelle/", data).status_code for _ in range(3)] == [302, 302, 429]
    assert Proposal.objects.count() == 2


def test_asset_proposals_count_as_proposals(client_of, resident, territory):
    client = client_of(resident)
    trees = AssetTypeFactory(territory=territory)
    data = {"territory": territory.pk, "asset_type": trees.pk, "name": "Pied d'arbre", "lat": "45.43",
            "lon": "4.37", "status": "openable", "message": "Les voisins l'entretiendront."}
    assert client.post("/dispositifs/proposer/", data).status_code == 302
    closed = AssetFactory(territory=territory, status=Asset.Status.OPENABLE)
    assert client.post(f"/dispositifs/{closed.pk}/demander-ouverture/", {"message": "Le samedi ?"}).status_code == 302
    assert_page_429(client.post("/dispositifs/proposer/", {**data, "name": "Un autre"}))
    assert AssetProposal.objects.count() == 2


def test_supports_stop_at_the_limit(client, client_of, resident, territory, bearer):
    proposals = [make_proposal(territory=territory, author=UserFactory()) for _ in range(4)]
    page = client_of(resident)
    assert page.post(f"/propositions/{proposals[0].pk}/soutenir/").status_code == 302
    page.logout()
    assert client.post(f"/api/v1/proposals/{proposals[1].pk}/supports", **bearer).status_code == 201
    assert_api_429(client.post(f"/api/v1/proposals/{proposals[2].pk}/supports", **bearer))
    page.force_login(resident)
    assert_page_429(page.post(f"/propositions/{proposals[3].pk}/soutenir/"))
    assert Support.objects.count() == 2


# --- contributions -----------------------------------------------------------------


def test_contributions_stop_at_the_limit(client, client_of, resident, territory, bearer):
    project = published_project(territory=territory)
    page = client_of(resident)
    form = {"amount": "20", "kind": "donation", "reward": "", "provider": "simulated_card",
            "card_number": "4242 4242 4242 4242", "idempotency_key": "page-1", "message": ""}
    assert page.post(reverse("funding:contribute", args=[project.slug]), form).status_code == 302
    page.logout()
    url = f"/api/v1/projects/{project.pk}/contributions"
    body = json.dumps({"amount_cents": 1_000, "kind": "donation", "provider": "simulated_card",
                       "card_number": "4242424242424242"})
    assert client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="api-1",
                       **bearer).status_code == 201
    assert_api_429(client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="api-2", **bearer))
    page.force_login(resident)
    assert_page_429(page.post(reverse("funding:contribute", args=[project.slug]), {**form, "idempotency_key": "p2"}))
    assert Contribution.objects.count() == 2


# --- settings -----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["lots", "0/h", "5/x", "5/h/user", "5/h,"])
def test_a_malformed_limit_in_the_environment_is_refused(monkeypatch, value):
    from django.core.exceptions import ImproperlyConfigured

    from alleger.settings import envrate

    monkeypatch.setenv("RATE_LIMIT_COMMENT", value)
    with pytest.raises(ImproperlyConfigured, match="RATE_LIMIT_COMMENT"):
        envrate("RATE_LIMIT_COMMENT", "20/10m")


# --- the same class elsewhere: interventions, journals, kits ------------------------


def test_declarations_stop_at_the_limit(client, territory, resident, bearer):
    from alleger.interventions.models import Intervention
    from alleger.testing.interventions_factories import published_kit

    kit, asset = published_kit(territory), AssetFactory(territory=territory)
    body = {"kit": kit.slug, "asset": asset.pk, "title": "Capucines", "description": "Semis.",
            "starts_on": "2026-05-02", "charter_accepted": True}
    statuses = [client.post("/api/v1/interventions", body, content_type="application/json", **bearer).status_code
                for _ in range(3)]
    assert statuses == [201, 201, 429]
    assert Intervention.objects.count() == 2


def test_journal_entries_stop_at_the_limit(client, territory, resident, bearer):
    from alleger.interventions.models import JournalEntry
    from alleger.testing.interventions_factories import make_intervention

    intervention = make_intervention(territory=territory, organiser=resident)
    url = f"/api/v1/interventions/{intervention.pk}/journal"
    statuses = [client.post(url, {"text": "On avance."}, content_type="application/json", **bearer).status_code
                for _ in range(3)]
    assert statuses == [201, 201, 429]
    assert JournalEntry.objects.count() == 2


def test_kits_stop_at_the_limit(client, territory, resident, bearer):
    body = {"title": "Un banc pour lire", "summary": "Poser un banc.", "category": "furniture_repair",
            "axis": "dur", "steps": "1. Demander\n2. Poser", "territory": territory.slug}
    statuses = [client.post("/api/v1/kits", {**body, "title": f"Banc {n}"}, content_type="application/json",
                            **bearer).status_code for n in range(3)]
    assert statuses == [201, 201, 429]
    assert Kit.objects.filter(author=resident).count() == 2


def test_a_visitor_is_counted_by_address(client, settings):
    # No anonymous write is open today; the helper still counts a visitor by IP, not as one shared account.
    from django.test import RequestFactory

    from alleger.core.ratelimit import RateLimited, consume

    settings.RATE_LIMITS = {"comment": "1/h"}
    factory = RequestFactory()

    def visitor(ip):
        from django.contrib.auth.models import AnonymousUser

        request = factory.post("/", REMOTE_ADDR=ip)
        request.user = AnonymousUser()
        return request

    consume(visitor("10.0.0.1"), action="comment")
    consume(visitor("10.0.0.2"), action="comment")
    with pytest.raises(RateLimited) as caught:
        consume(visitor("10.0.0.1"), action="comment")
    assert caught.value.code == "rate_limited" and 3500 <= caught.value.retry_after <= 3600

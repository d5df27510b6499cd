"""The crowdfunding API's contract: paths, fields, status codes, error codes, idempotency.

Every refusal answers JSON `{code, message}` with its documented status and
leaves the money untouched (`money_snapshot` before and after); malformed
requests never reach a 500.
"""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from alleger.accounts.services import api_token_create
from alleger.funding.models import Contribution, Project, WebhookEvent
from alleger.funding.providers import (
    CARD_CAPTURE_ALWAYS_FAILS,
    CARD_DECLINED,
    SimulatedCardProvider,
)
from alleger.funding.services import needs as need_services
from alleger.funding.services import settlement
from alleger.testing.factories import TerritoryFactory, UserFactory
from alleger.testing.funding_factories import ThemeFactory
from alleger.testing.money import books_problems, contribute, money_snapshot, published_project

pytestmark = pytest.mark.django_db

PROJECT_FIELDS = {"id", "slug", "title", "territory", "status", "goal_cents", "pledged_cents", "matched_cents",
                  "contributors_count", "deadline", "url"}


def contributions_url(project) -> str:
    return f"/api/v1/projects/{project.pk}/contributions"


def post_contribution(client, project, body, *, key="cle-1", **headers):
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    payload = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(contributions_url(project), payload, content_type="application/json", **headers)


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) >= {"code", "message"}
    assert body["message"]
    if code is not None:
        assert body["code"] == code, body
    return body


@pytest.fixture
def live(territory):
    """A live campaign: goal 1 000 €, cap 2 000 € (the territory's 200 %), a reward of 20 € with a stock of 1."""
    return published_project(territory=territory, goal_cents=100_000,
                             rewards=[{"title": "Un panier de légumes", "min_amount_cents": 2_000, "quantity": 1}])


@pytest.fixture
def backer_client(client, resident):
    client.force_login(resident)
    return client


# --- projects -----------------------------------------------------------------


def test_the_list_shows_public_projects_with_the_documented_fields(client, territory, live):
    draft_holder = UserFactory()
    draft = published_project(territory=territory, holder=draft_holder)
    Project.objects.filter(pk=draft.pk).update(status=Project.Status.DRAFT)
    contribute(live, UserFactory(), 5_000)

    response = client.get("/api/v1/projects")

    assert response.status_code == 200
    rows = response.json()
    assert [row["id"] for row in rows] == [live.pk]
    row = rows[0]
    assert PROJECT_FIELDS <= set(row)
    assert row["slug"] == live.slug
    assert row["territory"] == "saint-etienne"
    assert row["status"] == "published"
    assert (row["goal_cents"], row["pledged_cents"], row["matched_cents"], row["contributors_count"]) == \
        (100_000, 5_000, 0, 1)
    assert row["deadline"].startswith(live.deadline.date().isoformat())
    assert row["url"] == f"http://testserver/projets/{live.slug}/"


def test_the_list_filters_by_territory_status_and_theme(client, territory, other_territory):
    theme = ThemeFactory(territory=territory, slug="circuits-courts", name="Circuits courts")
    food = published_project(territory=territory, themes=[theme], title="Épicerie coopérative")
    park = published_project(territory=territory, title="Tables de pique-nique")
    lyon = published_project(territory=other_territory, title="Jardin à Lyon")
    ended = published_project(territory=territory, title="Four à pain", now=timezone.now() - timedelta(days=40))
    settlement.settle_project(project_id=ended.pk)  # nobody backed it: failed

    def ids(query):
        response = client.get(f"/api/v1/projects{query}")
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()}

    assert ids("") == {food.pk, park.pk, lyon.pk, ended.pk}
    assert ids("?territory=saint-etienne") == {food.pk, park.pk, ended.pk}
    assert ids("?territory=lyon") == {lyon.pk}
    assert ids("?status=published") == {food.pk, park.pk, lyon.pk}
    assert ids("?status=failed") == {ended.pk}
    assert ids("?status=succeeded") == set()
    assert ids("?theme=circuits-courts") == {food.pk}
    assert ids("?territory=saint-etienne&status=published&theme=circuits-courts") == {food.pk}


def test_list_filters_that_make_no_sense_are_json_errors(client, live):
    assert_error(client.get("/api/v1/projects?territory=atlantide"), 404, "not_found")
    assert_error(client.get("/api/v1/projects?status=draft"), 422, "invalid")
    assert_error(client.get("/api/v1/projects?limit=0"), 422, "invalid")
    assert_error(client.get("/api/v1/projects?offset=-1"), 422, "invalid")


def test_the_detail_shows_rewards_needs_and_stretch_goals(client, live):
    need_services.need_add(project=live, actor=live.holder, kind="volunteers", title="Des bras")

    response = client.get(f"/api/v1/projects/{live.pk}")

    assert response.status_code == 200
    body = response.json()
    assert PROJECT_FIELDS <= set(body)
    assert body["id"] == live.pk and body["story"] == live.story
    reward = live.rewards.get()
    assert body["rewards"] == [{"id": reward.pk, "title": "Un panier de légumes", "description": "",
                                "min_amount_cents": 2_000, "quantity": 1, "remaining": 1}]
    assert [n["title"] for n in body["needs"]] == ["Des bras"]
    assert body["stretch_goals"] == []


def test_unknown_and_non_public_projects_are_404_json(client, territory, resident):
    draft = published_project(territory=territory)
    Project.objects.filter(pk=draft.pk).update(status=Project.Status.SUBMITTED)

    assert_error(client.get("/api/v1/projects/999999"), 404, "not_found")
    assert_error(client.get(f"/api/v1/projects/{draft.pk}"), 404, "not_found")
    client.force_login(resident)
    assert_error(client.get(f"/api/v1/projects/{draft.pk}"), 404, "not_found")
    assert_error(post_contribution(client, draft, {"amount_cents": 1_000}), 404, "not_found")
    assert not Contribution.objects.exists()
    # Its holder does see it.
    client.force_login(draft.holder)
    assert client.get(f"/api/v1/projects/{draft.pk}").status_code == 200


# --- contributing -------------------------------------------------------------


def test_contributing_needs_an_account(client, live):
    assert_error(post_contribution(client, live, {"amount_cents": 1_000}), 401, "unauthenticated")
    assert not Contribution.objects.exists()


def test_a_key_replayed_with_another_body_or_on_another_project_is_refused(backer_client, live, resident,
                                                                           territory):
    first = post_contribution(backer_client, live, {"amount_cents": 2_500}, key="panier-42")
    assert first.status_code == 201, first.content
    other = published_project(territory=territory)
    before = money_snapshot()
    # Another amount under the same key, or the same body on another project: refused, nothing moves
    for project, payload in ((live, {"amount_cents": 9_900}), (other, {"amount_cents": 2_500})):
        response = post_contribution(backer_client, project, payload, key="panier-42")
        assert_error(response, 422, "idempotency_key_reused")
        assert "clé" in response.json()["message"]
    assert money_snapshot() == before
    assert Contribution.objects.filter(contributor=resident).count() == 1


def test_contributing_needs_an_idempotency_key(backer_client, live):
    assert_error(post_contribution(backer_client, live, {"amount_cents": 1_000}, key=None), 422, "invalid")
    assert_error(post_contribution(backer_client, live, {"amount_cents": 1_000}, key="   "), 400, "invalid")
    assert_error(post_contribution(backer_client, live, {"amount_cents": 1_000}, key="k" * 81), 400, "invalid")
    assert not Contribution.objects.exists()


def test_a_contribution_is_created_once_per_idempotency_key(backer_client, live, resident):
    first = post_contribution(backer_client, live, {"amount_cents": 2_500, "anonymous": True,
                                                    "message": "Bravo !"}, key="panier-42")
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["project_id"] == live.pk and body["amount_cents"] == 2_500
    assert body["status"] == "authorised" and body["kind"] == "donation" and body["anonymous"] is True
    assert body["provider"] == "simulated_card" and body["provider_reference"]
    assert body["cancellable_until"]

    # The same request again returns the first contribution.
    again = post_contribution(backer_client, live, {"amount_cents": 2_500, "anonymous": True,
                                                    "message": "Bravo !"}, key="panier-42")
    assert again.status_code == 200
    assert again.json()["id"] == body["id"] and again.json()["amount_cents"] == 2_500

    assert Contribution.objects.filter(contributor=resident).count() == 1
    live.refresh_from_db()
    assert (live.pledged_cents, live.contributors_count) == (2_500, 1)
    # Another key is another contribution.
    assert post_contribution(backer_client, live, {"amount_cents": 1_000}, key="panier-43").status_code == 201
    assert books_problems() == []


def test_a_contribution_with_a_reward_and_an_offline_payment(backer_client, live):
    reward = live.rewards.get()
    response = post_contribution(backer_client, live, {"amount_cents": 2_000, "reward_id": reward.pk,
                                                       "provider": "offline"})
    assert response.status_code == 201, response.content
    assert response.json()["reward_id"] == reward.pk
    assert response.json()["status"] == "pending"
    reward.refresh_from_db()
    assert reward.claimed == 1


def _refusal(client, project, body, status, code, *, key="refus"):
    before = money_snapshot()
    count = Contribution.objects.count()
    error = assert_error(post_contribution(client, project, body, key=key), status, code)
    assert money_snapshot() == before
    assert Contribution.objects.count() == count
    return error


@pytest.mark.parametrize("body", [
    {"amount_cents": "１００0"}, {"amount_cents": "²"}, {"amount_cents": True}, {"amount_cents": 10.5},
    {"amount_cents": 1_000, "card_number": "4242 4242 4242 424x"},
    {"amount_cents": 1_000, "card_number": "４２４２４２４２４２４２４２４２"},
])
def test_the_api_refuses_what_the_form_refuses(backer_client, live, body):
    # Unicode digits, booleans, fractions, card numbers with letters: the same rules as the form
    error = _refusal(backer_client, live, body, 422, "invalid")
    assert error["message"]


def test_the_api_takes_a_card_number_with_spaces_like_the_form(backer_client, live):
    response = post_contribution(backer_client, live, {"amount_cents": 1_000, "card_number": "4242 4242 4242 4242"})
    assert response.status_code == 201, response.content


def test_over_cap_is_409_and_names_the_room_left(backer_client, live):
    contribute(live, UserFactory(), 150_000)  # cap is 2 000 €: 500 € left

    error = _refusal(backer_client, live, {"amount_cents": 60_000}, 409, "over_cap")

    assert "500" in error["message"]


def test_reward_sold_out_is_409(backer_client, live):
    reward = live.rewards.get()
    contribute(live, UserFactory(), 2_000, reward=reward)

    _refusal(backer_client, live, {"amount_cents": 2_000, "reward_id": reward.pk}, 409, "reward_sold_out")


def test_campaign_closed_is_409(backer_client, territory):
    ended = published_project(territory=territory, now=timezone.now() - timedelta(days=31), duration_days=30)

    _refusal(backer_client, ended, {"amount_cents": 1_000}, 409, "campaign_closed")


def test_below_minimum_is_400(backer_client, live):
    _refusal(backer_client, live, {"amount_cents": 99}, 400, "below_minimum")


def test_payment_declined_is_402(backer_client, live):
    _refusal(backer_client, live, {"amount_cents": 1_000, "card_number": CARD_DECLINED}, 402, "payment_declined")


def test_kind_not_accepted_is_400(backer_client, live):
    _refusal(backer_client, live, {"amount_cents": 1_000, "kind": "loan"}, 400, "kind_not_accepted")


def test_a_reward_of_another_project_is_refused(backer_client, live, territory):
    other = published_project(territory=territory, rewards=[{"title": "Ailleurs", "min_amount_cents": 500}])

    _refusal(backer_client, live, {"amount_cents": 1_000, "reward_id": other.rewards.get().pk}, 400, "invalid")


def test_a_loan_where_loans_are_allowed(backer_client):
    territory = TerritoryFactory(slug="prets", allow_loan=True)
    project = published_project(territory=territory, accepts_loan=True, loan_term_months=10)

    response = post_contribution(backer_client, project, {"amount_cents": 20_000, "kind": "loan"})

    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "loan"


@pytest.mark.parametrize("body", [
    "{", "[]", "null", '"texte"', "42", "", "{\"amount_cents\": }",
    {"amount_cents": "beaucoup"}, {"amount_cents": 0}, {"amount_cents": -500}, {"amount_cents": 10 ** 30},
    {"amount_cents": 12.5}, {"amount_cents": 1_000, "kind": "equity"}, {"amount_cents": 1_000, "reward_id": "x"},
    {"amount_cents": 1_000, "provider": "bitcoin"}, {"amount_cents": 1_000, "message": "m" * 501},
    {"amount_cents": 1_000, "anonymous": {"oui": True}}, {},
])
def test_malformed_contributions_are_4xx_json_never_500(backer_client, live, body):
    before = money_snapshot()

    response = post_contribution(backer_client, live, body)

    assert 400 <= response.status_code < 500, response.content
    assert_error(response, response.status_code)
    assert money_snapshot() == before


def test_a_body_that_is_not_utf8_or_not_json_is_4xx(backer_client, live):
    for payload, content_type in ((b"\xff\xfe\x00", "application/json"), ("amount_cents=1000", "text/plain"),
                                  ("amount_cents=1000", "application/x-www-form-urlencoded")):
        response = backer_client.post(contributions_url(live), payload, content_type=content_type,
                                      HTTP_IDEMPOTENCY_KEY="k")
        assert 400 <= response.status_code < 500, (payload, response.content)
        assert_error(response, response.status_code)
    assert not Contribution.objects.exists()


def test_unknown_projects_are_404_for_contributions(backer_client):
    response = backer_client.post("/api/v1/projects/999999/contributions", json.dumps({"amount_cents": 1_000}),
                                  content_type="application/json", HTTP_IDEMPOTENCY_KEY="k")
    assert_error(response, 404, "not_found")


# --- tokens ---------------------------------------------------------------------


def test_a_bearer_token_authenticates_contributions(client, live, resident):
    _, raw = api_token_create(user=resident, name="script")

    response = post_contribution(client, live, {"amount_cents": 1_500}, HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert response.status_code == 201, response.content
    assert Contribution.objects.get().contributor == resident
    mine = client.get("/api/v1/me/contributions", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert [c["id"] for c in mine.json()] == [response.json()["id"]]


def test_a_wrong_or_malformed_token_is_401(client, live):
    for header in ("Bearer alg_nope", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 5000):
        assert_error(post_contribution(client, live, {"amount_cents": 1_500}, HTTP_AUTHORIZATION=header),
                     401, "unauthenticated")
    assert not Contribution.objects.exists()


# --- my contributions, cancelling ---------------------------------------------


def test_my_contributions_lists_mine_only_newest_first(client, live, resident, other_resident):
    first = contribute(live, resident, 1_000)
    second = contribute(live, resident, 2_000)
    contribute(live, other_resident, 3_000)

    assert_error(client.get("/api/v1/me/contributions"), 401, "unauthenticated")
    client.force_login(resident)
    response = client.get("/api/v1/me/contributions")

    assert response.status_code == 200
    rows = response.json()
    assert [r["id"] for r in rows] == [second.pk, first.pk]
    assert rows[0]["project_title"] == live.title and rows[0]["amount_cents"] == 2_000
    assert {"id", "project_id", "kind", "amount_cents", "matched_cents", "status", "created_at",
            "cancellable_until"} <= set(rows[0])


def test_i_cancel_my_contribution(backer_client, live, resident):
    contribution = contribute(live, resident, 4_000)

    response = backer_client.delete(f"/api/v1/contributions/{contribution.pk}")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    live.refresh_from_db()
    assert (live.pledged_cents, live.contributors_count) == (0, 0)
    # Cancelling again changes nothing and says so.
    assert backer_client.delete(f"/api/v1/contributions/{contribution.pk}").json()["status"] == "cancelled"
    assert books_problems() == []


def test_cancelling_someone_elses_or_an_unknown_contribution_is_404(client, live, resident, other_resident):
    theirs = contribute(live, other_resident, 4_000)
    before = money_snapshot()

    assert_error(client.delete(f"/api/v1/contributions/{theirs.pk}"), 401, "unauthenticated")
    client.force_login(resident)
    assert_error(client.delete(f"/api/v1/contributions/{theirs.pk}"), 404, "not_found")
    assert_error(client.delete("/api/v1/contributions/999999"), 404, "not_found")

    assert money_snapshot() == before


def test_cancelling_after_the_cutoff_is_409_too_late(backer_client, territory, resident):
    # The campaign ends in 12 hours: the 24-hour cutoff has passed.
    closing = published_project(territory=territory, duration_days=30,
                                now=timezone.now() - timedelta(days=29, hours=12))
    contribution = contribute(closing, resident, 4_000)
    before = money_snapshot()

    assert_error(backer_client.delete(f"/api/v1/contributions/{contribution.pk}"), 409, "too_late")

    assert money_snapshot() == before


# --- webhooks ---------------------------------------------------------------------


def _webhook(client, provider, body: bytes, signature: str | None = None):
    headers = {}
    if signature is not None:
        headers["HTTP_X_SIMULATED_SIGNATURE"] = signature
    return client.post(f"/api/v1/payments/webhooks/{provider}", body, content_type="application/json", **headers)


def test_a_signed_webhook_is_processed_once(client, territory):
    # A campaign succeeded, but the processor refused the capture; it then captures on its side and says so.
    project = published_project(territory=territory, now=timezone.now() - timedelta(days=31), duration_days=30,
                                goal_cents=1_000)
    backer = UserFactory()
    contribution = contribute(project, backer, 2_000, payment_details={"card_number": CARD_CAPTURE_ALWAYS_FAILS},
                              now=project.published_at + timedelta(days=1))
    settlement.settle_project(project_id=project.pk)
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.CAPTURE_FAILED
    body = json.dumps({"id": "evt_1", "type": "charge.captured",
                       "reference": contribution.provider_reference}).encode()
    signature = SimulatedCardProvider.signature(body)

    first = _webhook(client, "simulated_card", body, signature)
    assert first.status_code == 200, first.content
    assert first.json() == {"received": True, "duplicate": False}
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.CAPTURED

    again = _webhook(client, "simulated_card", body, signature)
    assert again.status_code == 200
    assert again.json() == {"received": True, "duplicate": True}
    assert WebhookEvent.objects.count() == 1
    assert contribution.transfers.count() == 1
    assert books_problems() == []


def test_a_webhook_with_control_characters_is_recorded_clean(client):
    body = b'{"id": "evt_3", "type": "charge.refunded", "reference": "SIM-x", "note": "a\\u0000b\\u001bc"}'
    response = _webhook(client, "simulated_card", body, SimulatedCardProvider.signature(body))
    assert response.status_code == 200, response.content
    assert WebhookEvent.objects.get().payload["note"] == "abc"


def test_webhooks_with_a_bad_signature_or_a_bad_body_are_400(client):
    body = json.dumps({"id": "evt_2", "type": "charge.captured", "reference": "SIM-x"}).encode()

    assert_error(_webhook(client, "simulated_card", body), 400, "invalid_webhook")
    assert_error(_webhook(client, "simulated_card", body, "0" * 64), 400, "invalid_webhook")
    assert_error(_webhook(client, "simulated_card", body + b" ", SimulatedCardProvider.signature(body)), 400,
                 "invalid_webhook")
    for malformed in (b"{", b"[]", b'{"id": 1}', b"\xff\xfe", b""):
        response = _webhook(client, "simulated_card", malformed, SimulatedCardProvider.signature(malformed))
        assert_error(response, 400, "invalid_webhook")
    # Offline payments send no webhooks; unknown providers do not exist.
    assert_error(_webhook(client, "offline", body, SimulatedCardProvider.signature(body)), 400, "invalid_webhook")
    assert_error(_webhook(client, "paypal", body), 404, "not_found")
    assert not WebhookEvent.objects.exists()


# --- documentation ------------------------------------------------------------------


def test_the_openapi_document_describes_the_funding_api(client):
    document = client.get("/api/v1/openapi.json").json()
    paths = document["paths"]

    assert "get" in paths["/api/v1/projects"]
    assert {p["name"] for p in paths["/api/v1/projects"]["get"]["parameters"]} >= {"territory", "status", "theme"}
    assert "get" in paths["/api/v1/projects/{project_id}"]
    post = paths["/api/v1/projects/{project_id}/contributions"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" and p["required"]
               for p in post["parameters"])
    assert {"200", "201"} <= set(post["responses"])
    assert "get" in paths["/api/v1/me/contributions"]
    assert "delete" in paths["/api/v1/contributions/{contribution_id}"]
    assert "post" in paths["/api/v1/payments/webhooks/{provider}"]
    schemas = document["components"]["schemas"]
    assert PROJECT_FIELDS <= set(schemas["ProjectOut"]["properties"])
    assert {"amount_cents", "kind", "reward_id", "anonymous", "message"} <= set(
        schemas["ContributionIn"]["properties"])

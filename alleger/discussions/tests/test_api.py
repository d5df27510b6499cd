"""Comments and flags API: GET/POST /api/v1/comments, POST /api/v1/flags."""

import pytest

from alleger.accounts.services import api_token_create
from alleger.discussions.models import Comment, Flag
from alleger.kits.models import Kit
from alleger.testing.discussions_factories import flag_by, make_comment
from alleger.testing.kits_factories import make_kit

pytestmark = pytest.mark.django_db


@pytest.fixture
def kit(territory, other_resident):
    return make_kit(author=other_resident, territory=territory, status=Kit.Status.PUBLISHED)


@pytest.fixture
def bearer(resident):
    _, raw = api_token_create(user=resident, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_it_lists_a_thread_in_order_with_hidden_bodies_masked(client, kit, resident, moderator):
    top = make_comment(kit, body="Première **question** ?", is_question=True)
    reply = make_comment(kit, author=resident, body="Une réponse", parent=top)
    hidden = make_comment(kit, body="Spam")
    flag_by(hidden, 3)
    response = client.get("/api/v1/comments", {"target": f"kit:{kit.pk}"})
    assert response.status_code == 200
    rows = response.json()
    assert [(r["id"], r["parent"]) for r in rows] == [(top.pk, None), (reply.pk, top.pk), (hidden.pk, None)]
    assert rows[0]["body_html"] == "<p>Première <strong>question</strong> ?</p>\n" and rows[0]["is_question"]
    assert (rows[2]["hidden"], rows[2]["body"], rows[2]["author"]) == (True, None, None)
    client.force_login(moderator)
    assert client.get("/api/v1/comments", {"target": f"kit:{kit.pk}"}).json()[2]["body"] == "Spam"


@pytest.mark.parametrize("target", ["kit:999999", "user:1", "kit", ""])
def test_unknown_targets_are_404_with_a_code(client, target):
    response = client.get("/api/v1/comments", {"target": target})
    assert response.status_code == 404 and response.json()["code"] in ("unknown_target", "not_found")


def test_a_draft_kit_thread_is_not_public(client, territory, other_resident):
    draft = make_kit(author=other_resident, territory=territory)
    assert client.get("/api/v1/comments", {"target": f"kit:{draft.pk}"}).status_code == 404


def test_it_posts_a_comment_with_a_token(client, kit, bearer, resident):
    response = client.post("/api/v1/comments", {"target": f"kit:{kit.pk}", "body": "Je viens !",
                                                "is_question": False}, content_type="application/json", **bearer)
    assert response.status_code == 201
    comment = Comment.objects.get()
    assert response.json()["id"] == comment.pk and comment.author == resident


def test_posting_refuses_empty_anonymous_and_invalid(client, kit, bearer):
    url = "/api/v1/comments"
    assert client.post(url, {"target": f"kit:{kit.pk}", "body": "x"}, content_type="application/json"
                       ).status_code == 401
    response = client.post(url, {"target": f"kit:{kit.pk}", "body": "  "}, content_type="application/json",
                           **bearer)
    assert response.status_code == 400 and response.json()["code"] == "empty_comment"
    assert "vide" in response.json()["message"]
    assert client.post(url, {"target": f"kit:{kit.pk}"}, content_type="application/json",
                       **bearer).status_code == 422
    assert not Comment.objects.exists()


def test_flagging_once_then_twice(client, kit, bearer):
    comment = make_comment(kit)
    payload = {"target": f"comment:{comment.pk}", "reason": "abusive"}
    response = client.post("/api/v1/flags", payload, content_type="application/json", **bearer)
    assert response.status_code == 201
    assert response.json() == {"id": Flag.objects.get().pk, "target": f"comment:{comment.pk}",
                               "reason": "abusive", "content_hidden": False}
    response = client.post("/api/v1/flags", payload, content_type="application/json", **bearer)
    assert response.status_code == 409 and response.json()["code"] == "already_flagged"
    assert Flag.objects.count() == 1


def test_the_third_flag_reports_the_content_hidden(client, kit, bearer):
    flag_by(kit, 2)
    response = client.post("/api/v1/flags", {"target": f"kit:{kit.pk}", "reason": "spam"},
                           content_type="application/json", **bearer)
    assert response.json()["content_hidden"] is True


def test_flagging_needs_a_known_reason_and_not_ones_own(client, kit, bearer, resident):
    comment = make_comment(kit)
    response = client.post("/api/v1/flags", {"target": f"comment:{comment.pk}", "reason": "boring"},
                           content_type="application/json", **bearer)
    assert response.status_code == 400 and response.json()["code"] == "invalid_reason"
    own = make_comment(kit, author=resident)
    response = client.post("/api/v1/flags", {"target": f"comment:{own.pk}", "reason": "spam"},
                           content_type="application/json", **bearer)
    assert response.status_code == 403
    assert not Flag.objects.exists()

"""Proposals API: list, detail, support and withdraw."""

import pytest

from alleger.accounts.services import api_token_create
from alleger.proposals.models import Support
from alleger.proposals.services import proposal_answer, proposal_support
from alleger.testing.discussions_factories import flag_by, make_proposal
from alleger.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bearer(resident):
    _, raw = api_token_create(user=resident, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_it_lists_with_filters(client, territory, other_territory, moderator):
    a = make_proposal(territory=territory, title="A")
    b = make_proposal(territory=territory, title="B")
    make_proposal(territory=other_territory, title="Lyon")
    proposal_support(proposal=a, user=UserFactory())
    proposal_answer(proposal=b, moderator=moderator, status="under_review", answer="")
    rows = client.get("/api/v1/proposals", {"territory": territory.slug, "sort": "supports"}).json()
    assert [r["title"] for r in rows] == ["A", "B"] and rows[0]["supports_count"] == 1
    rows = client.get("/api/v1/proposals", {"territory": territory.slug, "status": "under_review"}).json()
    assert [r["title"] for r in rows] == ["B"]
    assert client.get("/api/v1/proposals", {"status": "nonsense"}).status_code == 422
    assert client.get("/api/v1/proposals", {"territory": "nowhere"}).status_code == 404


def test_the_detail_and_a_hidden_proposal(client, territory):
    p = make_proposal(territory=territory)
    data = client.get(f"/api/v1/proposals/{p.pk}").json()
    assert (data["title"], data["status"], data["supported"], data["territory"]) == (
        p.title, "submitted", False, territory.slug)
    flag_by(p, 3)
    assert client.get(f"/api/v1/proposals/{p.pk}").status_code == 404
    assert client.get("/api/v1/proposals").json() == []


def test_support_then_twice_then_withdraw(client, territory, bearer):
    p = make_proposal(territory=territory)
    url = f"/api/v1/proposals/{p.pk}/supports"
    assert client.post(url).status_code == 401
    response = client.post(url, **bearer)
    assert response.status_code == 201 and response.json() == {"proposal": p.pk, "supports_count": 1,
                                                               "supported": True}
    response = client.post(url, **bearer)
    assert response.status_code == 409 and response.json()["code"] == "already_supported"
    assert client.get(f"/api/v1/proposals/{p.pk}", **bearer).json()["supports_count"] == 1
    response = client.delete(url, **bearer)
    assert response.status_code == 200 and response.json()["supports_count"] == 0
    response = client.delete(url, **bearer)
    assert response.status_code == 409 and response.json()["code"] == "not_supported"
    assert not Support.objects.exists()


def test_an_answered_proposal_refuses_supports(client, territory, bearer, moderator):
    p = make_proposal(territory=territory)
    proposal_answer(proposal=p, moderator=moderator, status="accepted", answer="Oui.")
    response = client.post(f"/api/v1/proposals/{p.pk}/supports", **bearer)
    assert response.status_code == 409 and response.json()["code"] == "not_open"

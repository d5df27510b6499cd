"""Races on PostgreSQL: real threads, each with its own connection, released together by a barrier.

Supports are counted under the proposal's row lock, so the cached count is
exact and one person's many simultaneous clicks make one support."""

import pytest

from alleger.proposals.models import Support
from alleger.proposals.services import proposal_support
from alleger.testing.concurrency import all_at_once
from alleger.testing.discussions_factories import make_proposal
from alleger.testing.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_people_supporting_at_once_make_exactly_twenty(territory):
    proposal = make_proposal(territory=territory)
    people = [UserFactory() for _ in range(20)]
    results = all_at_once(20, lambda i: proposal_support(proposal=proposal, user=people[i]))
    proposal.refresh_from_db()
    assert [r[0] for r in results] == ["ok"] * 20
    assert proposal.supports_count == Support.objects.filter(proposal=proposal).count() == 20


def test_one_person_clicking_ten_times_at_once_supports_once(territory):
    proposal = make_proposal(territory=territory)
    person = UserFactory()
    results = all_at_once(10, lambda i: proposal_support(proposal=proposal, user=person))
    proposal.refresh_from_db()
    assert sorted(r[0] for r in results) == ["ok"] + ["refused"] * 9
    assert {r[1] for r in results if r[0] == "refused"} == {"already_supported"}
    assert proposal.supports_count == Support.objects.filter(proposal=proposal).count() == 1

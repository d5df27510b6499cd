"""Challenges on PostgreSQL, all at once: an object proposed five times answers once; two cell members
deciding the same response: one decision stands, the other is told it was already decided."""

import datetime

import pytest

from alleger.cell import challenge_services as services
from alleger.cell.models import ChallengeResponse
from alleger.core.models import AuditEvent
from alleger.territories.models import TerritoryRole
from alleger.testing.concurrency import all_at_once
from alleger.testing.factories import UserFactory
from alleger.testing.money import published_project

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def challenge(territory, cell_member):
    day = datetime.date(2026, 3, 1)
    return services.challenge_create(actor=cell_member, territory=territory, title="Défi", problem="P",
                                     starts_on=day, ends_on=day, status="open")


def test_one_object_proposed_five_times_at_once_answers_once(challenge, territory, resident):
    project = published_project(territory=territory, holder=resident)
    results = all_at_once(5, lambda i: services.response_propose(challenge=challenge, actor=resident,
                                                                 kind="project", target=project))
    assert sorted(r[0] for r in results) == ["ok"] + ["refused"] * 4
    assert {r[1] for r in results if r[0] == "refused"} == {"already_linked"}
    assert ChallengeResponse.objects.count() == 1


@pytest.mark.parametrize("attempt", range(3))
def test_two_members_deciding_at_once_make_one_decision(challenge, territory, resident, cell_member, attempt):
    other = UserFactory()
    TerritoryRole.objects.create(user=other, territory=territory, role=TerritoryRole.Role.CELL)
    project = published_project(territory=territory, holder=resident)
    response = services.response_propose(challenge=challenge, actor=resident, kind="project", target=project)
    members = [cell_member, other]
    results = all_at_once(2, lambda i: services.response_decide(response=response, actor=members[i],
                                                                accept=i == 0, reason="" if i == 0 else "Non"))
    assert sorted(r[0] for r in results) == ["ok", "refused"]
    assert [r[1] for r in results if r[0] == "refused"] == ["already_decided"]
    assert AuditEvent.objects.filter(action="challenge.response_decide").count() == 1

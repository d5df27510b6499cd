"""Challenges: the services' rules (the cell's role, four eyes, holders propose only what they hold)."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from alleger.cell import challenge_services as services
from alleger.cell.models import Challenge, ChallengeResponse
from alleger.core.errors import Refused
from alleger.core.models import AuditEvent
from alleger.testing.factories import UserFactory
from alleger.testing.interventions_factories import make_intervention, published_kit
from alleger.testing.money import published_project

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 1)


@pytest.fixture
def challenge(territory, cell_member, neighbourhood):
    return services.challenge_create(actor=cell_member, territory=territory, title="Moins de biodéchets",
                                     problem="Trop d'épluchures à la poubelle.", starts_on=DAY,
                                     ends_on=DAY + datetime.timedelta(days=200), neighbourhoods=[neighbourhood],
                                     status=Challenge.Status.OPEN)


def test_only_the_cell_states_a_challenge(territory, resident, moderator):
    for person in (resident, moderator):
        with pytest.raises(Refused) as refusal:
            services.challenge_create(actor=person, territory=territory, title="T", problem="P", starts_on=DAY,
                                      ends_on=DAY)
        assert refusal.value.code == "forbidden" and refusal.value.status == 403
    assert not Challenge.objects.exists()


def test_a_challenge_is_created_with_its_neighbourhoods_and_audited(challenge, neighbourhood):
    assert list(challenge.neighbourhoods.all()) == [neighbourhood]
    assert AuditEvent.objects.filter(action="challenge.create", target_id=str(challenge.pk)).exists()


def test_a_reversed_period_is_refused(territory, cell_member):
    with pytest.raises(Refused) as refusal:
        services.challenge_create(actor=cell_member, territory=territory, title="T", problem="P", starts_on=DAY,
                                  ends_on=DAY - datetime.timedelta(days=1))
    assert refusal.value.code == "period_reversed"


def test_a_holder_proposes_their_project_and_another_cell_member_accepts(challenge, territory, resident,
                                                                        cell_member):
    project = published_project(territory=territory, holder=resident)
    response = services.response_propose(challenge=challenge, actor=resident, kind="project", target=project,
                                         note="Il répond !")
    assert response.status == "proposed" and response.proposed_by == resident
    decided = services.response_decide(response=response, actor=cell_member, accept=True)
    assert decided.status == "accepted" and decided.decided_by == cell_member and decided.decided_at
    assert AuditEvent.objects.filter(action="challenge.response_decide").count() == 1
    with pytest.raises(Refused) as again:
        services.response_decide(response=response, actor=cell_member, accept=False, reason="Non")
    assert again.value.code == "already_decided" and again.value.status == 409


def test_nobody_proposes_what_they_do_not_hold(challenge, territory, resident, other_resident):
    project = published_project(territory=territory, holder=resident)
    with pytest.raises(Refused) as refusal:
        services.response_propose(challenge=challenge, actor=other_resident, kind="project", target=project)
    assert refusal.value.code == "not_yours" and refusal.value.status == 403
    assert not ChallengeResponse.objects.exists()


def test_an_object_answers_a_challenge_once(challenge, territory, resident, cell_member):
    kit = published_kit(territory, author=resident)
    services.response_propose(challenge=challenge, actor=resident, kind="kit", target=kit)
    with pytest.raises(Refused) as refusal:
        services.response_link(challenge=challenge, actor=cell_member, kind="kit", target=kit)
    assert refusal.value.code == "already_linked" and refusal.value.status == 409
    with pytest.raises(IntegrityError), transaction.atomic():  # the database's backstop
        ChallengeResponse.objects.create(challenge=challenge, kind="kit", kit=kit)


def test_a_response_names_exactly_the_object_of_its_kind(challenge, territory):
    kit = published_kit(territory)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChallengeResponse.objects.create(challenge=challenge, kind="project", kit=kit)


def test_a_draft_or_closed_challenge_takes_no_proposal(challenge, territory, resident, cell_member):
    project = published_project(territory=territory, holder=resident)
    for status in ("draft", "closed"):
        services.challenge_update(challenge=challenge, actor=cell_member, status=status)
        with pytest.raises(Refused) as refusal:
            services.response_propose(challenge=challenge, actor=resident, kind="project", target=project)
        assert refusal.value.code == "not_open"


def test_four_eyes_the_cell_member_who_holds_an_object_does_not_accept_it(challenge, territory, cell_member):
    other = UserFactory()
    from alleger.territories.models import TerritoryRole
    TerritoryRole.objects.create(user=other, territory=territory, role=TerritoryRole.Role.CELL)
    kit = published_kit(territory, author=cell_member)
    # The cell member links their own kit: it waits for another member instead of being accepted at once.
    response = services.response_link(challenge=challenge, actor=cell_member, kind="kit", target=kit)
    assert response.status == "proposed"
    with pytest.raises(Refused) as refusal:
        services.response_decide(response=response, actor=cell_member, accept=True)
    assert refusal.value.code == "conflict_of_interest" and refusal.value.status == 403
    assert not cell_member.has_perm("cell.decide_response", response)
    assert other.has_perm("cell.decide_response", response)
    assert services.response_decide(response=response, actor=other, accept=True).status == "accepted"


def test_declining_needs_a_reason_and_keeps_it(challenge, territory, resident, cell_member):
    intervention = make_intervention(territory=territory, organiser=resident, asset=None)
    response = services.response_propose(challenge=challenge, actor=resident, kind="intervention",
                                         target=intervention)
    with pytest.raises(Refused) as refusal:
        services.response_decide(response=response, actor=cell_member, accept=False, reason="  ")
    assert refusal.value.code == "reason_required"
    response.refresh_from_db()
    assert response.status == "proposed"
    declined = services.response_decide(response=response, actor=cell_member, accept=False,
                                        reason="Hors du périmètre du défi.")
    assert declined.status == "declined" and declined.reason == "Hors du périmètre du défi."


def test_a_resident_does_not_decide(challenge, territory, resident, other_resident):
    project = published_project(territory=territory, holder=resident)
    response = services.response_propose(challenge=challenge, actor=resident, kind="project", target=project)
    with pytest.raises(Refused) as refusal:
        services.response_decide(response=response, actor=other_resident, accept=True)
    assert refusal.value.code == "forbidden"


def test_objects_of_another_territory_are_refused(challenge, other_territory, resident):
    project = published_project(territory=other_territory, holder=resident)
    with pytest.raises(Refused) as refusal:
        services.response_propose(challenge=challenge, actor=resident, kind="project", target=project)
    assert refusal.value.code == "other_territory"


def test_a_workshop_is_added_by_the_cell(challenge, cell_member, resident):
    from django.utils import timezone
    workshop = services.workshop_add(challenge=challenge, actor=cell_member, held_at=timezone.now(),
                                     place_name="Salle des fêtes de Jacquard", participants_count=23,
                                     minutes="**Compte rendu**")
    assert challenge.workshops.get() == workshop
    with pytest.raises(Refused):
        services.workshop_add(challenge=challenge, actor=resident, held_at=timezone.now(), place_name="Ici")
    # Ten years is not a workshop (a weekend's hackathon is): refused, nothing written.
    with pytest.raises(Refused) as refusal:
        services.workshop_add(challenge=challenge, actor=cell_member, held_at=timezone.now(), place_name="Ici",
                              ends_at=timezone.now() + datetime.timedelta(days=3650))
    assert refusal.value.code == "too_long" and challenge.workshops.count() == 1
    services.workshop_add(challenge=challenge, actor=cell_member, held_at=timezone.now(), place_name="Hackathon",
                          ends_at=timezone.now() + datetime.timedelta(days=2))


def test_a_person_backing_two_answering_projects_is_one_backer(challenge, territory, cell_member, resident):
    from alleger.cell.challenges import progress
    from alleger.testing.funding_factories import pledge

    first, second = (published_project(territory=territory, holder=UserFactory()) for _ in range(2))
    both, one = UserFactory(), UserFactory()
    pledge(first, both, 1_000)
    pledge(second, both, 2_000)
    pledge(second, one, 500)
    for project in (first, second):
        services.response_link(challenge=challenge, actor=cell_member, kind="project", target=project)
    found, summary = progress(challenge, list(challenge.responses.all()))
    assert sorted(p.backers for p in found.values()) == [1, 2]  # each project counts its own
    assert summary.backers == 2  # the challenge counts people: « both » once

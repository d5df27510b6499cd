"""Four eyes on money and reviews: nobody confirms receipt of a pledge, or reviews a project, they have a stake in.

The permission matrix (test_permissions.py) walks the same cases for the
permissions; here the services refuse them even when called directly, and
the moderation pages offer no button for them.
"""

import pytest
from django.urls import reverse

from alleger.core.errors import Refused
from alleger.core.models import AuditEvent
from alleger.funding import ledger
from alleger.funding.models import Contribution, Project
from alleger.funding.services import projects
from alleger.funding.services.contributions import contribution_confirm_receipt
from alleger.territories.models import TerritoryRole
from alleger.testing.factories import MembershipFactory, OrganisationFactory, UserFactory
from alleger.testing.money import (
    DAY,
    T0,
    books_problems,
    contribute,
    money_snapshot,
    published_project,
)

pytestmark = pytest.mark.django_db

GOAL = 100_000
DURING = T0 + DAY


@pytest.fixture
def second_moderator(territory):
    user = UserFactory(display_name="Paul")
    TerritoryRole.objects.create(user=user, territory=territory, role=TerritoryRole.Role.MODERATOR)
    return user


@pytest.fixture
def project(territory, second_moderator):
    return published_project(territory=territory, moderator=second_moderator, goal_cents=GOAL, now=T0)


def refused_with_nothing_changed(code, call, **kwargs) -> Refused:
    before = money_snapshot(), AuditEvent.objects.count()
    with pytest.raises(Refused) as caught:
        call(**kwargs)
    assert caught.value.code == code, caught.value.messages
    assert (money_snapshot(), AuditEvent.objects.count()) == before
    return caught.value


def test_a_moderator_cannot_confirm_receipt_of_her_own_offline_pledge_that_would_tip_the_goal(
        project, moderator):
    # Given the moderator's own offline promise of the whole goal, and another backer's card hold
    backer = UserFactory()
    contribute(project, backer, 10_000, now=DURING)
    own = contribute(project, moderator, GOAL, provider="offline", now=DURING)
    # When she confirms its receipt herself
    error = refused_with_nothing_changed("conflict_of_interest", contribution_confirm_receipt,
                                         contribution=own, actor=moderator, now=DURING)
    # Then it is refused with a clear message, and nothing entered escrow
    assert "un autre modérateur" in error.messages[0]
    own.refresh_from_db()
    assert (own.status, own.receipt_confirmed_by) == (Contribution.Status.PENDING, None)
    assert ledger.balance(ledger.escrow_key(project.pk)) == 0


def test_the_holder_cannot_confirm_a_pledge_to_her_project(territory, moderator, second_moderator):
    # Given a campaign the moderator holds, and someone's offline promise to it
    project = published_project(territory=territory, holder=moderator, moderator=second_moderator, now=T0)
    pledge = contribute(project, UserFactory(), 2_000, provider="offline", now=DURING)
    # Then she may not confirm it: the permission hides the button and the service refuses
    assert not moderator.has_perm("funding.confirm_receipt", pledge)
    refused_with_nothing_changed("conflict_of_interest", contribution_confirm_receipt,
                                 contribution=pledge, actor=moderator, now=DURING)


def test_a_member_of_the_carrying_organisation_cannot_confirm_a_pledge_to_its_project(
        territory, moderator, second_moderator):
    # Given a campaign carried by an association of which the moderator is a plain member
    association = OrganisationFactory(territory=territory)
    MembershipFactory(user=moderator, organisation=association)
    project = published_project(territory=territory, moderator=second_moderator, now=T0)
    Project.objects.filter(pk=project.pk).update(organisation=association)
    pledge = contribute(project, UserFactory(), 2_000, provider="offline", now=DURING)
    # Then she may not confirm it
    assert not moderator.has_perm("funding.confirm_receipt", pledge)
    refused_with_nothing_changed("conflict_of_interest", contribution_confirm_receipt,
                                 contribution=pledge, actor=moderator, now=DURING)


def test_a_superuser_cannot_confirm_her_own_pledge_either(project, platform_admin):
    own = contribute(project, platform_admin, 2_000, provider="offline", now=DURING)
    assert not platform_admin.has_perm("funding.confirm_receipt", own)
    refused_with_nothing_changed("conflict_of_interest", contribution_confirm_receipt,
                                 contribution=own, actor=platform_admin, now=DURING)


def test_another_moderator_confirms_and_who_and_when_are_recorded_and_audited(project, moderator):
    # Given the moderator's own offline promise
    own = contribute(project, moderator, 3_000, provider="offline", now=DURING)
    # When another moderator confirms its receipt
    other = UserFactory(display_name="Inès")
    TerritoryRole.objects.create(user=other, territory=project.territory, role=TerritoryRole.Role.MODERATOR)
    confirmed = contribution_confirm_receipt(contribution=own, actor=other, now=DURING)
    # Then the money is in escrow, the contribution names the confirmer, and the audit says who and when
    assert (confirmed.status, confirmed.captured_at, confirmed.receipt_confirmed_by) == (
        Contribution.Status.CAPTURED, DURING, other)
    assert ledger.balance(ledger.escrow_key(project.pk)) == 3_000
    event = AuditEvent.objects.get(action="contribution.confirm_receipt", target_id=str(own.pk))
    assert event.actor == other and event.created_at is not None
    assert event.data == {"amount_cents": 3_000, "project": project.pk}
    assert books_problems() == []


def test_the_moderation_page_hides_the_button_for_her_own_pledge_and_shows_who_confirmed(
        client, project, moderator, second_moderator):
    # Given the moderator's own promise and a resident's, the resident's confirmed by the second moderator
    own = contribute(project, moderator, 3_000, provider="offline", now=DURING)
    theirs = contribute(project, UserFactory(), 2_000, provider="offline", now=DURING)
    contribution_confirm_receipt(contribution=theirs, actor=second_moderator, now=DURING)
    # When she opens the offline payments page
    client.force_login(moderator)
    page = client.get(reverse("funding:offline_payments", args=[project.territory.slug]))
    # Then her own promise has no confirm button, and the confirmed one names who confirmed it
    html = page.content.decode()
    assert page.status_code == 200
    assert reverse("funding:confirm_receipt", args=[project.territory.slug, own.pk]) not in html
    assert "Un autre modérateur doit confirmer" in html
    assert "Confirmé par" in html and "Paul" in html and theirs.provider_reference in html


def test_posting_the_confirmation_of_her_own_pledge_is_forbidden_and_changes_nothing(client, project, moderator):
    own = contribute(project, moderator, 3_000, provider="offline", now=DURING)
    client.force_login(moderator)
    response = client.post(reverse("funding:confirm_receipt", args=[project.territory.slug, own.pk]))
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.status == Contribution.Status.PENDING and not own.receipt_confirmed_by


# --- project review ---------------------------------------------------------------------------


def submitted(territory, holder, **fields) -> Project:
    project = projects.project_create(holder=holder, territory=territory, title="Tables", summary="Au parc.",
                                      story="Des tables.", goal_cents=GOAL, duration_days=30, **fields)
    return projects.project_submit(project=project, actor=holder)


@pytest.mark.parametrize("decision", ["accept", "refuse"])
def test_a_moderator_cannot_review_her_own_project(territory, moderator, decision):
    project = submitted(territory, moderator)
    with pytest.raises(Refused) as caught:
        projects.project_review(project=project, moderator=moderator, decision=decision, message="Non.")
    assert caught.value.code == "conflict_of_interest"
    project.refresh_from_db()
    assert project.status == Project.Status.SUBMITTED
    assert not AuditEvent.objects.filter(action__startswith="project.review").exists()


def test_a_moderator_cannot_review_a_project_of_her_organisation(territory, moderator, resident):
    association = OrganisationFactory(territory=territory)
    MembershipFactory(user=moderator, organisation=association)
    MembershipFactory(user=resident, organisation=association)
    project = submitted(territory, resident, organisation=association)
    with pytest.raises(Refused) as caught:
        projects.project_review(project=project, moderator=moderator, decision="accept")
    assert caught.value.code == "conflict_of_interest"
    project.refresh_from_db()
    assert project.status == Project.Status.SUBMITTED


def test_the_review_queue_shows_no_form_for_her_own_project(client, territory, moderator, resident):
    own = submitted(territory, moderator)
    theirs = submitted(territory, resident)
    client.force_login(moderator)
    html = client.get(reverse("funding:review_queue", args=[territory.slug])).content.decode()
    assert reverse("funding:review", args=[theirs.slug]) in html
    assert reverse("funding:review", args=[own.slug]) not in html

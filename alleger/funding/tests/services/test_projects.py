"""funding.services.projects: the territory's rules when a project is drafted, submitted and reviewed."""

from datetime import timedelta

import pytest
from django.core import mail

from alleger.core.models import AuditEvent
from alleger.core.templatetags.alleger import euros
from alleger.funding.models import Project
from alleger.funding.services import projects
from alleger.testing.money import T0

from .support import GOAL, audited, draft, refused, reload

pytestmark = pytest.mark.django_db


# --- territory rules: create, submit, review ---------------------------------------------------


def test_given_a_goal_above_the_territory_maximum_when_drafting_then_it_is_refused_naming_the_maximum(
        territory, holder):
    error = refused("goal_too_high", draft, territory, holder, goal_cents=territory.max_goal_cents + 1)
    assert euros(territory.max_goal_cents) in error.messages[0]
    assert not Project.objects.exists()


@pytest.mark.parametrize("days", [6, 91])
def test_given_a_campaign_length_outside_the_territory_window_when_drafting_then_it_is_refused(
        territory, holder, days):
    error = refused("bad_duration", draft, territory, holder, duration_days=days)
    assert "7" in error.messages[0] and "90" in error.messages[0]


def test_given_a_territory_without_loans_when_drafting_a_loan_project_then_it_is_refused(territory, holder):
    refused("kind_not_accepted", draft, territory, holder, accepts_loan=True, loan_term_months=12)


def test_given_a_territory_with_loans_when_drafting_a_loan_without_term_then_it_is_refused(territory, holder):
    territory.allow_loan = True
    territory.save()
    refused("invalid", draft, territory, holder, accepts_loan=True)
    assert draft(territory, holder, accepts_loan=True, loan_term_months=12).accepts_loan


def test_given_rules_tightened_after_drafting_when_submitting_then_it_is_refused_and_stays_a_draft(
        territory, holder):
    project = draft(territory, holder, goal_cents=GOAL)
    territory.max_goal_cents = GOAL - 1
    territory.save()
    refused("goal_too_high", projects.project_submit, project=project, actor=holder)
    assert reload(project).status == Project.Status.DRAFT


def test_given_loans_withdrawn_from_the_territory_when_accepting_then_it_is_refused_and_stays_submitted(
        territory, holder, moderator):
    territory.allow_loan = True
    territory.save()
    project = projects.project_submit(project=draft(territory, holder, accepts_loan=True, loan_term_months=6),
                                      actor=holder)
    territory.allow_loan = False
    territory.save()
    refused("kind_not_accepted", projects.project_review, project=project, moderator=moderator,
            decision="accept", now=T0)
    assert reload(project).status == Project.Status.SUBMITTED
    assert reload(project).deadline is None


def test_given_a_submitted_project_when_accepted_then_the_campaign_starts_with_its_deadline_and_is_audited(
        territory, holder, moderator, django_capture_on_commit_callbacks):
    project = projects.project_submit(project=draft(territory, holder, duration_days=45), actor=holder)
    with django_capture_on_commit_callbacks(execute=True):
        projects.project_review(project=project, moderator=moderator, decision="accept", now=T0)
    project.refresh_from_db()
    assert project.status == Project.Status.PUBLISHED
    assert project.published_at == T0
    assert project.deadline == T0 + timedelta(days=45)
    assert audited("project.review.accept", project)
    assert [m.to for m in mail.outbox] == [[holder.email]]


@pytest.mark.parametrize("decision", ["request_changes", "refuse"])
def test_given_a_decision_against_the_project_without_a_message_then_it_is_refused(
        territory, holder, moderator, decision):
    project = projects.project_submit(project=draft(territory, holder), actor=holder)
    refused("message_required", projects.project_review, project=project, moderator=moderator,
            decision=decision, message="   ")
    assert reload(project).status == Project.Status.SUBMITTED
    assert not AuditEvent.objects.filter(action__startswith="project.review").exists()


@pytest.mark.parametrize("decision, status", [("request_changes", Project.Status.CHANGES_REQUESTED),
                                              ("refuse", Project.Status.REFUSED)])
def test_given_a_decision_with_a_message_then_the_holder_reads_it_and_it_is_audited(
        territory, holder, moderator, decision, status, django_capture_on_commit_callbacks):
    project = projects.project_submit(project=draft(territory, holder), actor=holder)
    with django_capture_on_commit_callbacks(execute=True):
        projects.project_review(project=project, moderator=moderator, decision=decision,
                                message="Précisez le budget.")
    project.refresh_from_db()
    assert (project.status, project.review_message, project.deadline) == (status, "Précisez le budget.", None)
    assert audited(f"project.review.{decision}", project)
    assert mail.outbox[0].to == [holder.email]


def test_given_changes_requested_when_resubmitted_and_accepted_then_it_is_published(territory, holder, moderator):
    project = projects.project_submit(project=draft(territory, holder), actor=holder)
    projects.project_review(project=project, moderator=moderator, decision="request_changes", message="Budget ?")
    projects.project_update(project=project, actor=holder, goal_cents=GOAL // 2)
    projects.project_submit(project=project, actor=holder)
    projects.project_review(project=project, moderator=moderator, decision="accept", now=T0)
    assert (reload(project).status, project.goal_cents) == (Project.Status.PUBLISHED, GOAL // 2)


def test_given_a_draft_when_the_holder_names_an_organisation_they_do_not_belong_to_then_forbidden(
        territory, holder, organisation, org_admin):
    project = draft(territory, holder)
    refused("forbidden", projects.project_update, project=project, actor=holder, organisation=organisation)
    assert reload(project).organisation is None
    mine = draft(territory, org_admin)
    projects.project_update(project=mine, actor=org_admin, organisation=organisation)
    assert reload(mine).organisation == organisation


def test_given_a_draft_when_an_update_tries_to_set_its_status_or_totals_then_it_is_rejected(territory, holder):
    project = draft(territory, holder)
    for field, value in [("status", Project.Status.PUBLISHED), ("pledged_cents", 1), ("deadline", T0)]:
        with pytest.raises(TypeError):
            projects.project_update(project=project, actor=holder, **{field: value})
    assert (reload(project).status, project.pledged_cents, project.deadline) == (Project.Status.DRAFT, 0, None)


def test_given_a_published_project_when_reviewed_again_then_it_is_refused(project, moderator):
    refused("not_submitted", projects.project_review, project=project, moderator=moderator, decision="refuse",
            message="Trop tard.")

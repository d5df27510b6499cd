"""The money rules of the funding track, one at a time: given a state, when a service acts, then…

Every refused action also asserts that nothing changed (totals, stock,
ledger, pools), and every test that moves money ends with the books checked
(`books_problems`).
"""

import io
import json
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from alleger.core.errors import Refused
from alleger.core.models import AuditEvent
from alleger.core.templatetags.alleger import euros
from alleger.funding import ledger, selectors
from alleger.funding.models import (
    Call,
    Contribution,
    LoanRepayment,
    Match,
    MatchingPool,
    Project,
    SimulatedCharge,
    Theme,
    Transfer,
    WebhookEvent,
)
from alleger.funding.providers import (
    CARD_CAPTURE_ALWAYS_FAILS,
    CARD_CAPTURE_FAILS_ONCE,
    CARD_DECLINED,
    Event,
    InvalidWebhook,
    OfflineProvider,
    Result,
    SimulatedCardProvider,
    get_provider,
)
from alleger.funding.services import loans, payments, projects, settlement, sponsors
from alleger.funding.services.contributions import (
    contribution_cancel,
    contribution_confirm_receipt,
    contribution_create,
)
from alleger.testing.factories import TerritoryFactory, UserFactory
from alleger.testing.money import (
    DAY,
    HOUR,
    T0,
    books_problems,
    contribute,
    money_snapshot,
    net_paid,
    published_project,
    sponsor_pool,
)

pytestmark = pytest.mark.django_db

GOAL = 100_000  # 1 000 €; the territory's cap is 200 %: 2 000 €
DURING = T0 + DAY
DEADLINE = T0 + 30 * DAY


@pytest.fixture
def holder(db):
    return UserFactory(display_name="Alexis")


@pytest.fixture
def project(territory, holder, moderator):
    return published_project(territory=territory, holder=holder, moderator=moderator, goal_cents=GOAL,
                             duration_days=30, now=T0,
                             rewards=[{"title": "Un café équitable", "min_amount_cents": 500, "quantity": 2},
                                      {"title": "Un panier de légumes", "min_amount_cents": 2_000}])


@pytest.fixture
def coffee(project):
    return project.rewards.get(min_amount_cents=500)


@pytest.fixture
def basket(project):
    return project.rewards.get(min_amount_cents=2_000)


@pytest.fixture
def backers(db):
    return [UserFactory(display_name=f"Contributeur {n}") for n in range(4)]


def audited(action, target) -> bool:
    return AuditEvent.objects.filter(action=action, target_type=target._meta.label_lower,
                                     target_id=str(target.pk)).exists()


def refused(code, call, *args, **kwargs) -> Refused:
    """Run a service that must refuse with `code`, and check that it changed nothing."""
    before = money_snapshot()
    with pytest.raises(Refused) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value.messages
    assert money_snapshot() == before
    return caught.value


def reload(obj):
    obj.refresh_from_db()
    return obj


def draft(territory, holder, **fields):
    values = {"holder": holder, "territory": territory, "title": "Tables de pique-nique", "summary": "Au parc.",
              "story": "Des tables.", "goal_cents": GOAL, "duration_days": 30} | fields
    return projects.project_create(**values)


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


# --- contribution refusals: each changes nothing -------------------------------------------------


def test_given_a_live_campaign_when_backing_it_then_the_totals_the_stock_and_the_contributor_count_move(
        project, coffee, backers):
    contribution = contribute(project, backers[0], 1_500, reward=coffee, now=DURING)
    assert contribution.status == Contribution.Status.AUTHORISED
    assert SimulatedCharge.objects.get(reference=contribution.provider_reference).status == "authorised"
    project.refresh_from_db()
    assert (project.pledged_cents, project.contributors_count, reload(coffee).claimed) == (1_500, 1, 1)
    assert not Transfer.objects.exists()  # a card is held, not charged, until the campaign succeeds
    assert books_problems() == []


@pytest.mark.parametrize("when", ["draft", "deadline", "after"])
def test_given_a_campaign_not_open_when_backing_it_then_campaign_closed(territory, holder, project, backers, when):
    target, now = project, DURING
    if when == "draft":
        target = draft(territory, holder)
    elif when == "deadline":
        now = DEADLINE
    else:
        now = DEADLINE + HOUR
    refused("campaign_closed", contribution_create, project=target, contributor=backers[0], amount_cents=1_000,
            idempotency_key="k", now=now)


def test_given_a_donation_project_when_lending_then_kind_not_accepted(project, backers):
    refused("kind_not_accepted", contribution_create, project=project, contributor=backers[0],
            amount_cents=1_000, kind="loan", idempotency_key="k", now=DURING)


def test_given_a_loans_only_project_when_giving_with_a_reward_then_kind_not_accepted(territory, holder, backers):
    territory.allow_loan = True
    territory.save()
    project = published_project(territory=territory, holder=holder, now=T0, accepts_donation=False,
                                accepts_loan=True, loan_term_months=10,
                                rewards=[{"title": "Merci", "min_amount_cents": 500}])
    for reward in (None, project.rewards.get()):
        refused("kind_not_accepted", contribution_create, project=project, contributor=backers[0],
                amount_cents=1_000, reward=reward, idempotency_key="k", now=DURING)
    assert contribute(project, backers[0], 1_000, kind="loan", now=DURING).kind == "loan"


def test_given_a_territory_without_rewards_when_choosing_one_then_kind_not_accepted(project, coffee, backers):
    project.territory.allow_reward = False
    project.territory.save()
    refused("kind_not_accepted", contribution_create, project=project, contributor=backers[0],
            amount_cents=1_000, reward=coffee, idempotency_key="k", now=DURING)


def test_given_an_amount_below_the_floor_then_below_minimum(project, backers, settings):
    refused("below_minimum", contribution_create, project=project, contributor=backers[0],
            amount_cents=settings.CONTRIBUTION_MIN_CENTS - 1, idempotency_key="k", now=DURING)


def test_given_an_amount_below_the_reward_tier_then_below_reward_minimum(project, basket, backers):
    error = refused("below_reward_minimum", contribution_create, project=project, contributor=backers[0],
                    amount_cents=1_999, reward=basket, idempotency_key="k", now=DURING)
    assert euros(2_000) in error.messages[0]


def test_given_a_reward_whose_stock_is_gone_then_reward_sold_out(project, coffee, backers):
    contribute(project, backers[0], 500, reward=coffee, now=DURING)
    contribute(project, backers[1], 500, reward=coffee, now=DURING)
    refused("reward_sold_out", contribution_create, project=project, contributor=backers[2], amount_cents=500,
            reward=coffee, idempotency_key="k", now=DURING)
    assert reload(coffee).claimed == 2


def test_given_an_amount_above_the_room_left_under_the_cap_then_over_cap_names_the_room(project, backers):
    contribute(project, backers[0], 150_000, now=DURING)  # cap: 200_000
    error = refused("over_cap", contribution_create, project=project, contributor=backers[1],
                    amount_cents=50_001, idempotency_key="k", now=DURING)
    assert euros(50_000) in error.messages[0]
    contribute(project, backers[1], 50_000, now=DURING)  # exactly the room: accepted, never clamped
    error = refused("over_cap", contribution_create, project=project, contributor=backers[2],
                    amount_cents=100, idempotency_key="k", now=DURING)
    assert "plafond" in error.messages[0] or "cap" in error.messages[0]
    assert reload(project).total_cents == 200_000


def test_given_a_declined_card_then_payment_declined_and_no_hold_is_left(project, coffee, backers):
    refused("payment_declined", contribution_create, project=project, contributor=backers[0], amount_cents=1_000,
            reward=coffee, payment_details={"card_number": CARD_DECLINED}, idempotency_key="k", now=DURING)
    assert not SimulatedCharge.objects.exists()


def test_given_a_message_longer_than_allowed_then_it_is_refused_not_cut(project, backers):
    refused("invalid", contribution_create, project=project, contributor=backers[0], amount_cents=1_000,
            message="x" * 501, idempotency_key="k", now=DURING)
    assert contribute(project, backers[0], 1_000, message="x" * 500, now=DURING).message == "x" * 500


def test_given_a_matching_pool_when_a_contribution_is_refused_then_the_pool_is_untouched(territory, project,
                                                                                       backers):
    pool = sponsor_pool(territory=territory, amount_cents=10_000)
    refused("below_minimum", contribution_create, project=project, contributor=backers[0], amount_cents=50,
            idempotency_key="k", now=DURING)
    assert reload(pool).balance_cents == 10_000
    assert not Match.objects.exists()


# --- idempotency ------------------------------------------------------------------------------------


def test_given_a_contribution_when_the_same_request_comes_again_then_the_first_is_returned_and_nothing_moves(
        project, coffee, backers):
    first, created = contribution_create(project=project, contributor=backers[0], amount_cents=1_000,
                                         reward=coffee, idempotency_key="same", now=DURING)
    assert created
    before = money_snapshot()
    again, created = contribution_create(project=project, contributor=backers[0], amount_cents=1_000,
                                         reward=coffee, idempotency_key="same", now=DURING)
    assert (again.pk, again.amount_cents, created) == (first.pk, 1_000, False)
    assert money_snapshot() == before


@pytest.mark.parametrize("change", [{"amount_cents": 9_999}, {"reward": None}, {"kind": "loan"},
                                    {"provider": "offline"}, {"anonymous": True}, {"message": "Autre"},
                                    {"project": "other"}])
def test_given_a_key_already_used_when_it_comes_with_other_parameters_then_idempotency_key_reused(
        territory, project, coffee, backers, change):
    request = {"project": project, "contributor": backers[0], "amount_cents": 1_000, "reward": coffee,
               "idempotency_key": "same", "now": DURING}
    first, _ = contribution_create(**request)
    if change.get("project") == "other":
        change = {"project": published_project(territory=territory, goal_cents=GOAL, now=T0)}
    error = refused("idempotency_key_reused", contribution_create, **(request | change))
    assert "nouvelle clé" in error.messages[0]
    assert Contribution.objects.get().pk == first.pk


def test_given_the_same_key_from_two_people_then_they_are_two_contributions(project, backers):
    a, _ = contribution_create(project=project, contributor=backers[0], amount_cents=1_000,
                               idempotency_key="same", now=DURING)
    b, created = contribution_create(project=project, contributor=backers[1], amount_cents=1_000,
                                     idempotency_key="same", now=DURING)
    assert created and a.pk != b.pk
    assert reload(project).contributors_count == 2


# --- cancellation -------------------------------------------------------------------------------------


def test_given_a_card_hold_before_the_cutoff_when_cancelled_then_hold_voided_and_stock_match_and_totals_back(
        territory, project, coffee, backers):
    pool = sponsor_pool(territory=territory, amount_cents=10_000)
    contribution = contribute(project, backers[0], 1_000, reward=coffee, now=DURING)
    assert contribution.matched_cents == 1_000 and reload(pool).balance_cents == 9_000
    cancelled = contribution_cancel(contribution=contribution, actor=backers[0], now=DEADLINE - 24 * HOUR)
    assert cancelled.status == Contribution.Status.CANCELLED
    assert SimulatedCharge.objects.get(reference=contribution.provider_reference).status == "voided"
    project.refresh_from_db()
    assert (project.pledged_cents, project.matched_cents, project.contributors_count) == (0, 0, 0)
    assert reload(coffee).claimed == 0
    assert reload(pool).balance_cents == 10_000
    assert Match.objects.get().status == Match.Status.RETURNED
    assert audited("contribution.cancel", contribution)
    assert books_problems() == []


def test_given_an_offline_payment_received_when_cancelled_then_it_is_refunded_through_the_ledger(
        territory, project, backers, moderator):
    pool = sponsor_pool(territory=territory, amount_cents=1_000)
    contribution = contribute(project, backers[0], 3_000, provider="offline", now=DURING)
    assert contribution.status == Contribution.Status.PENDING
    contribution_confirm_receipt(contribution=contribution, actor=moderator, now=DURING)
    assert ledger.balance(ledger.escrow_key(project.pk)) == 3_000 + 1_000
    contribution_cancel(contribution=contribution, actor=backers[0], now=DURING + HOUR)
    assert reload(pool).balance_cents == 1_000 and Match.objects.get().status == Match.Status.RETURNED
    assert (reload(project).pledged_cents, project.matched_cents) == (0, 0)
    refund = Transfer.objects.get(kind=Transfer.Kind.REFUND)
    assert (refund.source.key, refund.destination.key, refund.amount_cents) == (
        ledger.escrow_key(project.pk), ledger.contributor_key(backers[0].pk), 3_000)
    assert ledger.balance(ledger.escrow_key(project.pk)) == 0
    assert net_paid(backers[0].pk, project.pk) == 0
    assert books_problems() == []


def test_given_an_offline_promise_not_yet_received_when_cancelled_then_no_money_moves(project, backers):
    contribution = contribute(project, backers[0], 3_000, provider="offline", now=DURING)
    contribution_cancel(contribution=contribution, actor=backers[0], now=DURING)
    assert reload(contribution).status == Contribution.Status.CANCELLED
    assert not Transfer.objects.exists()


def test_given_less_than_24_hours_left_when_cancelling_then_too_late(project, coffee, backers):
    contribution = contribute(project, backers[0], 1_000, reward=coffee, now=DURING)
    refused("too_late", contribution_cancel, contribution=contribution, actor=backers[0],
            now=DEADLINE - 24 * HOUR + timedelta(seconds=1))
    assert reload(contribution).status == Contribution.Status.AUTHORISED


def test_given_someone_else_when_cancelling_then_forbidden(project, backers):
    contribution = contribute(project, backers[0], 1_000, now=DURING)
    refused("forbidden", contribution_cancel, contribution=contribution, actor=backers[1], now=DURING)


def test_given_a_cancelled_contribution_when_cancelled_again_then_nothing_more_happens(project, backers,
                                                                                     moderator):
    contribution = contribute(project, backers[0], 1_000, provider="offline", now=DURING)
    contribution_confirm_receipt(contribution=contribution, actor=moderator, now=DURING)
    contribution_cancel(contribution=contribution, actor=backers[0], now=DURING)
    before = money_snapshot()
    assert contribution_cancel(contribution=contribution, actor=backers[0], now=DURING).status == "cancelled"
    assert money_snapshot() == before


def test_given_several_contributions_from_one_person_then_they_count_once_until_the_last_is_cancelled(
        project, backers):
    a1 = contribute(project, backers[0], 1_000, now=DURING)
    a2 = contribute(project, backers[0], 2_000, provider="offline", now=DURING)
    contribute(project, backers[1], 1_000, now=DURING)
    assert reload(project).contributors_count == 2
    contribution_cancel(contribution=a1, actor=backers[0], now=DURING)
    assert (reload(project).contributors_count, project.pledged_cents) == (2, 3_000)
    contribution_cancel(contribution=a2, actor=backers[0], now=DURING)
    assert (reload(project).contributors_count, project.pledged_cents) == (1, 1_000)
    contribute(project, backers[0], 500, now=DURING)
    assert reload(project).contributors_count == 2
    assert books_problems() == []


def test_given_a_settled_campaign_when_cancelling_then_not_cancellable(project, backers):
    contribution = contribute(project, backers[0], 1_000, now=DURING)
    settlement.settle_project(project_id=project.pk, now=DEADLINE)
    refused("not_cancellable", contribution_cancel, contribution=contribution, actor=backers[0], now=DEADLINE)


# --- offline receipts -------------------------------------------------------------------------------


def test_given_an_offline_promise_when_a_moderator_confirms_receipt_then_money_enters_escrow_once(
        project, backers, moderator):
    contribution = contribute(project, backers[0], 2_500, provider="offline", now=DURING)
    confirmed = contribution_confirm_receipt(contribution=contribution, actor=moderator, now=DURING)
    assert (confirmed.status, confirmed.captured_at) == (Contribution.Status.CAPTURED, DURING)
    receipt = Transfer.objects.get()
    assert (receipt.kind, receipt.amount_cents, receipt.destination.key) == (
        Transfer.Kind.RECEIVE, 2_500, ledger.escrow_key(project.pk))
    assert audited("contribution.confirm_receipt", contribution)
    refused("not_pending", contribution_confirm_receipt, contribution=contribution, actor=moderator)
    assert books_problems() == []


def test_given_a_card_contribution_when_confirming_receipt_then_not_pending(project, backers, moderator):
    contribution = contribute(project, backers[0], 2_500, now=DURING)
    refused("not_pending", contribution_confirm_receipt, contribution=contribution, actor=moderator)


def test_given_a_failed_campaign_when_confirming_receipt_then_it_is_refused(project, backers, moderator):
    contribution = contribute(project, backers[0], 2_500, provider="offline", now=DURING)
    settlement.settle_project(project_id=project.pk, now=DEADLINE)
    refused("campaign_closed", contribution_confirm_receipt, contribution=contribution, actor=moderator)


# --- matching -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("factor_bp, expected", [(10_000, 1_000), (5_000, 500), (20_000, 2_000), (3_333, 333)])
def test_given_a_pool_with_a_factor_then_the_match_is_the_amount_times_the_factor_rounded_down(
        territory, project, backers, factor_bp, expected):
    pool = sponsor_pool(territory=territory, amount_cents=100_000, factor_bp=factor_bp)
    contribution = contribute(project, backers[0], 1_000, now=DURING)
    assert contribution.matched_cents == expected
    assert (reload(project).matched_cents, reload(pool).balance_cents) == (expected, 100_000 - expected)
    commit = Transfer.objects.get(kind=Transfer.Kind.MATCH_COMMIT)
    assert (commit.source.key, commit.destination.key, commit.amount_cents) == (
        ledger.pool_key(pool.pk), ledger.escrow_key(project.pk), expected)
    assert books_problems() == []


def test_given_a_cap_per_contribution_then_a_large_gift_is_matched_up_to_it(territory, project, backers):
    sponsor_pool(territory=territory, amount_cents=100_000, cap_per_contribution_cents=2_000)
    assert contribute(project, backers[0], 5_000, now=DURING).matched_cents == 2_000
    assert contribute(project, backers[1], 1_500, now=DURING).matched_cents == 1_500


def test_given_a_cap_per_project_then_matches_stop_there(territory, project, backers):
    sponsor_pool(territory=territory, amount_cents=100_000, cap_per_project_cents=2_500)
    amounts = [contribute(project, b, 1_000, now=DURING).matched_cents for b in backers]
    assert amounts == [1_000, 1_000, 500, 0]
    assert reload(project).matched_cents == 2_500


def test_given_a_limit_of_matches_per_contributor_then_further_gifts_are_not_matched(territory, project,
                                                                                   backers):
    sponsor_pool(territory=territory, amount_cents=100_000, max_matches_per_contributor=2)
    amounts = [contribute(project, backers[0], 1_000, now=DURING).matched_cents for _ in range(3)]
    assert amounts == [1_000, 1_000, 0]
    assert contribute(project, backers[1], 1_000, now=DURING).matched_cents == 1_000


def test_given_a_lump_sum_on_a_percentage_then_it_comes_once_when_the_crowd_reaches_it(territory, project,
                                                                                     backers):
    pool = sponsor_pool(territory=territory, amount_cents=50_000, trigger="lump_sum", lump_sum_cents=20_000,
                        threshold_percent=50)
    contribute(project, backers[0], 49_900, now=DURING)
    assert reload(project).matched_cents == 0
    contribute(project, backers[1], 100, now=DURING)  # 50 % of the goal: 50_000
    assert reload(project).matched_cents == 20_000
    contribute(project, backers[2], 10_000, now=DURING)
    lump = Match.objects.get()
    assert (lump.contribution, lump.amount_cents, reload(pool).balance_cents) == (None, 20_000, 30_000)
    assert books_problems() == []


def test_given_a_lump_sum_on_a_number_of_contributors_then_it_counts_people_not_gifts(territory, project,
                                                                                    backers):
    sponsor_pool(territory=territory, amount_cents=50_000, trigger="lump_sum", lump_sum_cents=5_000,
                 threshold_contributors=3)
    contribute(project, backers[0], 1_000, now=DURING)
    contribute(project, backers[0], 1_000, now=DURING)
    contribute(project, backers[1], 1_000, now=DURING)
    assert reload(project).matched_cents == 0
    contribute(project, backers[2], 1_000, now=DURING)
    assert reload(project).matched_cents == 5_000


def test_given_a_pool_narrowed_to_a_theme_then_it_matches_only_projects_of_that_theme(territory, holder,
                                                                                    backers):
    food = Theme.objects.create(territory=territory, name="Alimentation", slug="alimentation")
    sponsor_pool(territory=territory, amount_cents=10_000, theme=food)
    themed = published_project(territory=territory, holder=holder, now=T0, themes=[food])
    other = published_project(territory=territory, holder=holder, now=T0)
    assert contribute(themed, backers[0], 1_000, now=DURING).matched_cents == 1_000
    assert contribute(other, backers[0], 1_000, now=DURING).matched_cents == 0


def test_given_a_pool_attached_to_a_call_then_it_matches_only_projects_of_that_call(territory, holder, backers):
    pool = sponsor_pool(territory=territory, amount_cents=10_000)
    call = Call.objects.create(territory=territory, title="Appel", slug="appel", description="…",
                               opens_at=T0 - 10 * DAY, closes_at=T0 + 10 * DAY, pool=pool)
    in_call = published_project(territory=territory, holder=holder, now=T0, call=call)
    outside = published_project(territory=territory, holder=holder, now=T0)
    assert contribute(in_call, backers[0], 1_000, now=DURING).matched_cents == 1_000
    assert contribute(outside, backers[0], 1_000, now=DURING).matched_cents == 0


def test_given_a_pool_of_another_territory_or_inactive_then_it_matches_nothing(territory, project, backers):
    sponsor_pool(territory=TerritoryFactory(), amount_cents=10_000)
    pool = sponsor_pool(territory=territory, amount_cents=10_000)
    MatchingPool.objects.filter(pk=pool.pk).update(active=False)
    assert contribute(project, backers[0], 1_000, now=DURING).matched_cents == 0


def test_given_a_pool_nearly_empty_then_it_gives_what_it_has_and_never_goes_negative(territory, project,
                                                                                   backers):
    pool = sponsor_pool(territory=territory, amount_cents=300)
    assert contribute(project, backers[0], 1_000, now=DURING).matched_cents == 300
    assert contribute(project, backers[1], 1_000, now=DURING).matched_cents == 0
    assert reload(pool).balance_cents == 0 == ledger.balance(ledger.pool_key(pool.pk))
    assert books_problems() == []


def test_given_the_room_under_the_cap_is_short_then_the_match_is_cut_to_it_and_the_total_stays_at_the_cap(
        territory, project, backers):
    sponsor_pool(territory=territory, amount_cents=500_000)
    assert contribute(project, backers[0], 150_000, now=DURING).matched_cents == 50_000
    assert reload(project).total_cents == 200_000
    sponsor_pool(territory=territory, amount_cents=10_000, trigger="lump_sum", lump_sum_cents=1_000,
                 threshold_contributors=1)
    refused("over_cap", contribution_create, project=project, contributor=backers[1], amount_cents=100,
            idempotency_key="k", now=DURING)


def test_given_the_first_pool_is_empty_then_the_next_one_matches(territory, project, backers):
    empty = sponsor_pool(territory=territory, amount_cents=0)
    full = sponsor_pool(territory=territory, amount_cents=5_000)
    contribute(project, backers[0], 1_000, now=DURING)
    assert Match.objects.get().pool == full
    assert reload(empty).balance_cents == 0


def test_given_a_top_up_when_the_same_key_is_replayed_then_it_counts_once_but_another_pool_is_funded(
        territory, sponsor_organisation, sponsor):
    a = sponsor_pool(territory=territory, amount_cents=0, sponsor=sponsor_organisation)
    b = sponsor_pool(territory=territory, amount_cents=0, sponsor=sponsor_organisation)
    for _ in range(2):
        sponsors.pool_top_up(pool=a, actor=sponsor, amount_cents=1_000, idempotency_key="virement-42")
    sponsors.pool_top_up(pool=b, actor=sponsor, amount_cents=700, idempotency_key="virement-42")
    sponsors.pool_top_up(pool=b, actor=sponsor, amount_cents=1, idempotency_key="u" * 80)  # the longest a form sends
    assert (reload(a).balance_cents, reload(b).balance_cents) == (1_000, 701)
    assert ledger.balance(ledger.sponsor_key(sponsor_organisation.pk)) == -1_701
    refused("invalid", sponsors.pool_top_up, pool=a, actor=sponsor, amount_cents=0, idempotency_key="x")
    refused("invalid", sponsors.pool_top_up, pool=a, actor=sponsor, amount_cents=1, idempotency_key="x" * 81)
    refused("invalid", sponsors.pool_create, sponsor=sponsor_organisation, actor=sponsor, name="N",
            territory=territory, initial_cents=-5, idempotency_key="y")
    assert books_problems() == []


# --- settlement -------------------------------------------------------------------------------------


def test_given_a_successful_campaign_when_settled_then_captured_commission_taken_holder_paid_exactly_once(
        territory, project, coffee, backers, moderator, django_capture_on_commit_callbacks):
    pool = sponsor_pool(territory=territory, amount_cents=10_000, cap_per_contribution_cents=1_111)
    card = [contribute(project, backers[i], amount, now=DURING) for i, amount in
            enumerate([55_555, 20_001, 7_777])]
    offline = contribute(project, backers[3], 12_345, provider="offline", reward=coffee, now=DURING)
    contribution_confirm_receipt(contribution=offline, actor=moderator, now=DURING)
    matched = 3 * 1_111 + 1_111
    total = 55_555 + 20_001 + 7_777 + 12_345 + matched
    with django_capture_on_commit_callbacks(execute=True):
        report = settlement.settle_project(project_id=project.pk, now=DEADLINE)
    assert (report.outcome, report.captured, report.paid_out) == ("succeeded", 3, True)
    project.refresh_from_db()
    assert project.status == Project.Status.SUCCEEDED and project.paid_out_at == DEADLINE
    assert all(reload(c).status == Contribution.Status.CAPTURED for c in card)
    assert {SimulatedCharge.objects.get(reference=c.provider_reference).status for c in card} == {"captured"}
    commission = total * territory.commission_bp // 10_000
    assert ledger.balance(ledger.PLATFORM) == commission
    assert ledger.balance(ledger.holder_key(project.pk)) == total - commission
    assert ledger.balance(ledger.escrow_key(project.pk)) == 0
    assert set(Match.objects.values_list("status", flat=True)) == {Match.Status.RELEASED}
    assert reload(pool).balance_cents == 10_000 - matched
    assert audited("project.payout", project)
    assert {m.to[0] for m in mail.outbox} >= {project.holder.email}
    assert books_problems() == []

    before = money_snapshot()
    assert settlement.settle_due(now=DEADLINE + 10 * DAY) == []
    assert settlement.settle_project(project_id=project.pk, now=DEADLINE + 10 * DAY).paid_out
    assert money_snapshot() == before


def test_given_a_campaign_before_its_deadline_when_the_job_runs_then_nothing_happens(project, backers):
    contribute(project, backers[0], GOAL, now=DURING)
    before = money_snapshot()
    assert settlement.settle_due(now=DEADLINE - timedelta(seconds=1)) == []
    assert money_snapshot() == before


def test_given_the_goal_reached_only_with_the_match_then_the_campaign_succeeds(territory, project, backers):
    sponsor_pool(territory=territory, amount_cents=GOAL)
    contribute(project, backers[0], GOAL // 2, now=DURING)
    assert settlement.settle_project(project_id=project.pk, now=DEADLINE).outcome == "succeeded"


def test_given_an_offline_promise_in_a_successful_campaign_then_the_payout_waits_for_its_receipt(
        project, backers, moderator):
    contribute(project, backers[0], GOAL, now=DURING)
    offline = contribute(project, backers[1], 1_000, provider="offline", now=DURING)
    report = settlement.settle_project(project_id=project.pk, now=DEADLINE)
    assert (report.outcome, report.paid_out) == ("succeeded", False)
    contribution_confirm_receipt(contribution=offline, actor=moderator, now=DEADLINE + DAY)
    assert settlement.settle_project(project_id=project.pk, now=DEADLINE + DAY).paid_out
    assert ledger.balance(ledger.holder_key(project.pk)) == (GOAL + 1_000) * 95 // 100
    assert books_problems() == []


def test_given_a_capture_that_fails_once_then_it_is_retried_after_the_back_off_and_the_contributor_told(
        project, backers, django_capture_on_commit_callbacks):
    good = contribute(project, backers[0], GOAL, now=DURING)
    flaky = contribute(project, backers[1], 5_000, now=DURING, payment_details={"card_number": CARD_CAPTURE_FAILS_ONCE})
    with django_capture_on_commit_callbacks(execute=True):
        report = settlement.settle_project(project_id=project.pk, now=DEADLINE)
    assert (report.captured, report.capture_failed, report.paid_out) == (1, 1, False)
    flaky.refresh_from_db()
    assert (flaky.status, flaky.capture_attempts, flaky.next_attempt_at) == (
        Contribution.Status.CAPTURE_FAILED, 1, DEADLINE + HOUR)
    assert backers[1].email in {m.to[0] for m in mail.outbox}
    before = money_snapshot()
    settlement.settle_project(project_id=project.pk, now=DEADLINE + 59 * timedelta(minutes=1))
    assert money_snapshot() == before  # not yet: the back-off holds
    report = settlement.settle_project(project_id=project.pk, now=DEADLINE + HOUR)
    assert (report.captured, report.paid_out) == (1, True)
    assert reload(flaky).status == Contribution.Status.CAPTURED and reload(good).capture_attempts == 1
    assert Transfer.objects.filter(kind=Transfer.Kind.CAPTURE).count() == 2
    assert ledger.balance(ledger.holder_key(project.pk)) == (GOAL + 5_000) * 95 // 100
    assert books_problems() == []


def test_given_a_capture_that_always_fails_then_it_backs_off_and_is_dropped_after_7_days_with_its_match_back(
        territory, project, basket, backers):
    pool = sponsor_pool(territory=territory, amount_cents=10_000, cap_per_contribution_cents=1_000)
    contribute(project, backers[0], GOAL, now=DURING)
    bad = contribute(project, backers[1], 4_000, reward=basket, now=DURING,
                     payment_details={"card_number": CARD_CAPTURE_ALWAYS_FAILS})
    expected_next = []
    now = DEADLINE
    for _ in range(4):
        settlement.settle_project(project_id=project.pk, now=now)
        bad.refresh_from_db()
        expected_next.append(bad.next_attempt_at - now)
        now = bad.next_attempt_at
    assert expected_next == [HOUR, 6 * HOUR, 24 * HOUR, 24 * HOUR]
    assert bad.capture_attempts == 4 and not reload(project).paid_out_at
    report = settlement.settle_project(project_id=project.pk, now=DEADLINE + 7 * DAY)
    assert (report.dropped, report.paid_out) == (1, True)
    bad.refresh_from_db()
    assert (bad.status, bad.matched_cents) == (Contribution.Status.DROPPED, 0)
    assert SimulatedCharge.objects.get(reference=bad.provider_reference).status == "voided"
    assert reload(pool).balance_cents == 10_000 - 1_000  # only the good contribution's match was spent
    project.refresh_from_db()
    assert (project.pledged_cents, project.matched_cents, reload(basket).claimed) == (GOAL, 1_000, 0)
    assert ledger.balance(ledger.holder_key(project.pk)) == (GOAL + 1_000) * 95 // 100
    assert net_paid(backers[1].pk, project.pk) == 0
    assert books_problems() == []


def test_given_a_failed_campaign_when_settled_then_holds_voided_payments_refunded_matches_returned(
        territory, project, coffee, backers, moderator, django_capture_on_commit_callbacks):
    pool = sponsor_pool(territory=territory, amount_cents=10_000, cap_per_contribution_cents=1_000)
    lump_pool = sponsor_pool(territory=territory, amount_cents=10_000, trigger="lump_sum", lump_sum_cents=3_000,
                             threshold_contributors=2)
    held = contribute(project, backers[0], 10_000, reward=coffee, now=DURING)
    received = contribute(project, backers[1], 5_000, provider="offline", now=DURING)
    promised = contribute(project, backers[2], 2_000, provider="offline", now=DURING)
    contribution_confirm_receipt(contribution=received, actor=moderator, now=DURING)
    assert Match.objects.count() == 4
    with django_capture_on_commit_callbacks(execute=True):
        report = settlement.settle_project(project_id=project.pk, now=DEADLINE)
    assert (report.outcome, report.voided, report.refunded) == ("failed", 2, 1)
    assert (reload(held).status, reload(received).status, reload(promised).status) == (
        Contribution.Status.VOIDED, Contribution.Status.REFUNDED, Contribution.Status.VOIDED)
    assert SimulatedCharge.objects.get(reference=held.provider_reference).status == "voided"
    assert set(Match.objects.values_list("status", flat=True)) == {Match.Status.RETURNED}
    assert (reload(pool).balance_cents, reload(lump_pool).balance_cents) == (10_000, 10_000)
    assert ledger.balance(ledger.escrow_key(project.pk)) == 0
    assert all(net_paid(b.pk, project.pk) == 0 for b in backers)
    assert reload(project).settled_at == DEADLINE and project.paid_out_at is None
    assert {backers[0].email, backers[1].email, backers[2].email} <= {m.to[0] for m in mail.outbox}
    assert books_problems() == []
    before = money_snapshot()
    settlement.settle_due(now=DEADLINE + 30 * DAY)
    settlement.settle_project(project_id=project.pk, now=DEADLINE + 30 * DAY)
    assert money_snapshot() == before


def test_given_a_refund_the_provider_refuses_then_the_job_ends_reports_it_and_retries_next_time(
        project, backers, moderator, monkeypatch):
    received = contribute(project, backers[0], 5_000, provider="offline", now=DURING)
    contribution_confirm_receipt(contribution=received, actor=moderator, now=DURING)
    monkeypatch.setattr(OfflineProvider, "refund", lambda self, c, idempotency_key: Result(ok=False, error="down"))
    report = settlement.settle_project(project_id=project.pk, now=DEADLINE)
    assert report.notes and reload(received).status == Contribution.Status.CAPTURED
    assert reload(project).settled_at is None
    assert books_problems() == []
    monkeypatch.undo()
    settlement.settle_due(now=DEADLINE + HOUR)
    assert reload(received).status == Contribution.Status.REFUNDED
    assert reload(project).settled_at == DEADLINE + HOUR
    assert books_problems() == []


def test_given_a_deadline_passed_then_the_command_settles_it(project, backers):
    contribute(project, backers[0], 1_000, now=DURING)
    Project.objects.filter(pk=project.pk).update(deadline=timezone.now() - HOUR)  # the command runs now
    out = io.StringIO()
    call_command("settle", stdout=out)
    assert f"project {project.pk}: failed" in out.getvalue()
    assert reload(project).status == Project.Status.FAILED and project.settled_at is not None


# --- webhooks -------------------------------------------------------------------------------------


def signed(event: dict) -> tuple[bytes, dict]:
    body = json.dumps(event).encode()
    return body, {"X-Simulated-Signature": SimulatedCardProvider.signature(body)}


def test_given_a_capture_event_when_delivered_twice_then_it_is_applied_once(project, backers):
    contribute(project, backers[0], GOAL, now=DURING)
    flaky = contribute(project, backers[1], 5_000, now=DURING,
                       payment_details={"card_number": CARD_CAPTURE_ALWAYS_FAILS})
    settlement.settle_project(project_id=project.pk, now=DEADLINE)
    provider = get_provider("simulated_card")
    body, headers = signed({"id": "evt_1", "type": "charge.captured", "reference": flaky.provider_reference})
    event = provider.parse_webhook(body, headers)
    assert payments.webhook_receive(provider="simulated_card", event=event, payload=body) is True
    before = money_snapshot()
    assert payments.webhook_receive(provider="simulated_card", event=event, payload=body) is False
    assert money_snapshot() == before
    assert WebhookEvent.objects.count() == 1
    assert reload(flaky).status == Contribution.Status.CAPTURED
    assert Transfer.objects.filter(contribution=flaky, kind=Transfer.Kind.CAPTURE).count() == 1
    assert settlement.settle_project(project_id=project.pk, now=DEADLINE + HOUR).paid_out
    assert books_problems() == []


def test_given_a_capture_event_for_a_live_campaign_then_it_is_recorded_but_moves_no_money(project, backers):
    contribution = contribute(project, backers[0], 1_000, now=DURING)
    body, _ = signed({"id": "evt_2", "type": "charge.captured", "reference": contribution.provider_reference})
    event = Event(event_id="evt_2", type="charge.captured", reference=contribution.provider_reference)
    assert payments.webhook_receive(provider="simulated_card", event=event, payload=body)
    assert reload(contribution).status == Contribution.Status.AUTHORISED and not Transfer.objects.exists()


@pytest.mark.parametrize("body, signature", [
    (b'{"id": "e", "type": "charge.captured", "reference": "SIM-x"}', "0" * 64),
    (b'{"id": "e", "type": "charge.captured", "reference": "SIM-x"}', ""),
    (b"not json", None),
    (b'{"id": "e"}', None),
])
def test_given_a_bad_signature_or_a_malformed_event_then_the_webhook_is_refused(body, signature):
    headers = {"X-Simulated-Signature": SimulatedCardProvider.signature(body) if signature is None else signature}
    with pytest.raises(InvalidWebhook):
        get_provider("simulated_card").parse_webhook(body, headers)
    with pytest.raises(InvalidWebhook):
        get_provider("offline").parse_webhook(body, headers)


# --- loans --------------------------------------------------------------------------------------------


@pytest.fixture
def loan_project(territory, holder):
    territory.allow_loan = True
    territory.save()
    return published_project(territory=territory, holder=holder, goal_cents=GOAL, now=T0, accepts_loan=True,
                             loan_term_months=3)


def test_given_a_loan_then_its_schedule_is_monthly_and_sums_to_the_amount(loan_project, backers):
    loan = contribute(loan_project, backers[0], 10_001, kind="loan", now=DURING)
    rows = loans.schedule(loan)
    assert [r.amount_cents for r in rows] == [3_333, 3_333, 3_335]
    assert sum(r.amount_cents for r in rows) == loan.amount_cents
    start = DEADLINE.date()
    assert [r.due for r in rows] == [date(start.year, start.month + n, start.day) for n in (1, 2, 3)]


def test_given_a_paid_out_loan_when_the_holder_repays_then_money_goes_back_through_the_ledger_up_to_what_is_owed(
        loan_project, holder, backers):
    loan = contribute(loan_project, backers[0], GOAL, kind="loan", now=DURING)
    refused("invalid", loans.loan_repayment_record, contribution=loan, actor=holder, amount_cents=100,
            idempotency_key="early")  # nothing is repaid before the money is paid out
    assert settlement.settle_project(project_id=loan_project.pk, now=DEADLINE).paid_out
    first = loans.loan_repayment_record(contribution=loan, actor=holder, amount_cents=40_000, idempotency_key="m1")
    assert loans.loan_repayment_record(contribution=loan, actor=holder, amount_cents=40_000,
                                       idempotency_key="m1").pk == first.pk
    transfer = Transfer.objects.get(kind=Transfer.Kind.LOAN_REPAYMENT)
    assert (transfer.source.key, transfer.destination.key, transfer.amount_cents) == (
        ledger.holder_key(loan_project.pk), ledger.contributor_key(backers[0].pk), 40_000)
    assert audited("loan.repayment", loan)
    refused("invalid", loans.loan_repayment_record, contribution=loan, actor=holder, amount_cents=60_001,
            idempotency_key="m2")
    refused("invalid", loans.loan_repayment_record, contribution=loan, actor=holder, amount_cents=0,
            idempotency_key="m3")
    loans.loan_repayment_record(contribution=loan, actor=holder, amount_cents=60_000, idempotency_key="m" * 80)
    assert selectors.loan_owed_cents(loan) == 0 and LoanRepayment.objects.count() == 2
    refused("invalid", loans.loan_repayment_record, contribution=loan, actor=holder, amount_cents=1,
            idempotency_key="m5")
    assert books_problems() == []


def test_given_a_donation_when_recording_a_repayment_then_it_is_refused(project, holder, backers):
    gift = contribute(project, backers[0], GOAL, now=DURING)
    settlement.settle_project(project_id=project.pk, now=DEADLINE)
    refused("invalid", loans.loan_repayment_record, contribution=gift, actor=holder, amount_cents=100,
            idempotency_key="k")


# --- the ledger is append-only -------------------------------------------------------------------


@pytest.fixture
def a_transfer(territory):
    sponsor_pool(territory=territory, amount_cents=1_000)
    return Transfer.objects.get()


def test_given_a_transfer_when_updating_it_then_the_database_refuses(a_transfer):
    with pytest.raises(DatabaseError), transaction.atomic():
        Transfer.objects.filter(pk=a_transfer.pk).update(amount_cents=1)
    a_transfer.amount_cents = 2
    with pytest.raises(DatabaseError), transaction.atomic():
        a_transfer.save()
    assert Transfer.objects.get().amount_cents == 1_000


@pytest.mark.postgres
def test_given_a_transfer_on_postgresql_when_deleting_it_then_the_database_refuses(a_transfer):
    assert connection.vendor == "postgresql"
    with pytest.raises(DatabaseError), transaction.atomic():
        Transfer.objects.filter(pk=a_transfer.pk).delete()
    assert Transfer.objects.filter(pk=a_transfer.pk).exists()

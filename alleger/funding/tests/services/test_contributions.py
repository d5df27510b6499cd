"""funding.services.contributions: backing a project (each refusal changes nothing), idempotency,
cancellation, offline receipts."""

from datetime import timedelta

import pytest

from alleger.core.templatetags.alleger import euros
from alleger.funding import ledger
from alleger.funding.models import Contribution, Match, SimulatedCharge, Transfer
from alleger.funding.providers import CARD_DECLINED
from alleger.funding.services import settlement
from alleger.funding.services.contributions import (
    contribution_cancel,
    contribution_confirm_receipt,
    contribution_create,
)
from alleger.testing.money import (
    HOUR,
    T0,
    books_problems,
    contribute,
    money_snapshot,
    net_paid,
    published_project,
    sponsor_pool,
)

from .support import DEADLINE, DURING, GOAL, audited, draft, refused, reload

pytestmark = pytest.mark.django_db


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


def test_the_offline_receipt_says_how_it_counts_and_the_confirmation_is_e_mailed(
        project, backers, moderator, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        contribution = contribute(project, backers[0], 2_500, provider="offline", now=DURING)
    receipt = mailoutbox[-1].body.replace("\u202f", " ").replace("\xa0", " ")
    assert "Elle compte déjà dans la collecte du projet" in receipt  # not « comptée dès que… », which it was not
    with django_capture_on_commit_callbacks(execute=True):
        contribution_confirm_receipt(contribution=contribution, actor=moderator, now=DURING)
    mail = mailoutbox[-1]
    assert mail.to == [backers[0].email] and project.title in mail.subject
    assert "a bien reçu votre paiement de 25 €" in mail.body.replace("\u202f", " ").replace("\xa0", " ")


def test_offline_money_received_then_withdrawn_is_owed_back_and_the_moderators_are_told(
        project, backers, moderator, mailoutbox, django_capture_on_commit_callbacks):
    contribution = contribute(project, backers[0], 4_500, provider="offline", now=DURING)
    contribution_confirm_receipt(contribution=contribution, actor=moderator, now=DURING)
    with django_capture_on_commit_callbacks(execute=True):
        contribution_cancel(contribution=reload(contribution), actor=backers[0], now=DURING)
    notice = [m for m in mailoutbox if m.to == [moderator.email]]
    assert len(notice) == 1 and "à rendre" in notice[0].subject
    assert contribution.provider_reference in notice[0].body and "45 €" in notice[0].body.replace("\u202f", " ").replace(
        "\xa0", " ")


def test_a_loan_s_receipt_says_it_is_a_loan_with_its_instalments(
        territory, holder, moderator, backers, mailoutbox, django_capture_on_commit_callbacks):
    from alleger.territories.models import Territory
    from alleger.testing.money import published_project

    Territory.objects.filter(pk=territory.pk).update(allow_loan=True)
    territory.refresh_from_db()
    lending = published_project(territory=territory, holder=holder, moderator=moderator, accepts_loan=True,
                                loan_term_months=12, now=DURING - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        contribute(lending, backers[0], 10_000, kind=Contribution.Kind.LOAN, now=DURING)
    body = mailoutbox[-1].body.replace("\u202f", " ").replace("\xa0", " ")
    assert "Votre prêt sans intérêt de 100 €" in body and "en 12 mensualités" in body


def test_given_a_card_contribution_when_confirming_receipt_then_not_pending(project, backers, moderator):
    contribution = contribute(project, backers[0], 2_500, now=DURING)
    refused("not_pending", contribution_confirm_receipt, contribution=contribution, actor=moderator)


def test_given_a_failed_campaign_when_confirming_receipt_then_it_is_refused(project, backers, moderator):
    contribution = contribute(project, backers[0], 2_500, provider="offline", now=DURING)
    settlement.settle_project(project_id=project.pk, now=DEADLINE)
    refused("campaign_closed", contribution_confirm_receipt, contribution=contribution, actor=moderator)

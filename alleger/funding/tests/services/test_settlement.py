"""funding.services.settlement: a campaign's deadline, captures, payouts, refunds, retries."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from alleger.funding import ledger
from alleger.funding.models import Contribution, Match, Project, SimulatedCharge, Transfer
from alleger.funding.providers import (
    CARD_CAPTURE_ALWAYS_FAILS,
    CARD_CAPTURE_FAILS_ONCE,
    OfflineProvider,
    Result,
)
from alleger.funding.services import settlement
from alleger.funding.services.contributions import (
    contribution_cancel,
    contribution_confirm_receipt,
    contribution_confirm_returned,
)
from alleger.testing.money import (
    DAY,
    HOUR,
    books_problems,
    contribute,
    money_snapshot,
    net_paid,
    sponsor_pool,
)

from .support import DEADLINE, DURING, GOAL, audited, refused, reload

pytestmark = pytest.mark.django_db


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


def test_offline_money_owed_back_is_handed_back_once_by_a_moderator_with_no_stake_and_its_contributor_told(
        territory, project, backers, moderator, django_capture_on_commit_callbacks, mailoutbox):
    from django.db import IntegrityError, transaction

    from alleger.territories.models import TerritoryRole
    from alleger.testing.factories import TerritoryRoleFactory, UserFactory

    received = contribute(project, backers[1], 5_000, provider="offline", now=DURING)
    withdrawn = contribute(project, backers[2], 2_000, provider="offline", now=DURING)
    card = contribute(project, backers[0], 10_000, now=DURING)
    for offline in (received, withdrawn):
        contribution_confirm_receipt(contribution=offline, actor=moderator, now=DURING)
    # Received and still the project's: nothing to hand back
    refused("not_owed", contribution_confirm_returned, contribution=received, actor=moderator, now=DURING)
    contribution_cancel(contribution=withdrawn, actor=backers[2], now=DURING + HOUR)
    settlement.settle_project(project_id=project.pk, now=DEADLINE)  # failed: the rest is owed back too
    assert (reload(received).status, reload(withdrawn).status) == (Contribution.Status.REFUNDED,
                                                                   Contribution.Status.CANCELLED)
    # Whoever would gain from a false « rendu » does not say it: the contributor, the holder
    refused("conflict_of_interest", contribution_confirm_returned, contribution=received, actor=backers[1], now=DEADLINE)
    refused("conflict_of_interest", contribution_confirm_returned, contribution=received, actor=project.holder,
            now=DEADLINE)
    # A card's refund went back through the card: nothing to hand back by hand
    refused("not_owed", contribution_confirm_returned, contribution=card, actor=moderator, now=DEADLINE)

    before = money_snapshot()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for offline in (received, withdrawn):
            contribution_confirm_returned(contribution=offline, actor=moderator, now=DEADLINE + DAY)
    assert money_snapshot() == before  # the ledger's refund already moved the money out of escrow
    assert (reload(received).returned_at, received.returned_by) == (DEADLINE + DAY, moderator)
    assert reload(withdrawn).returned_by == moderator
    # The contributor's data export says when their money was handed back
    from alleger.funding.personal_data import export

    assert [row["returned_at"] for row in export(backers[1])] == [(DEADLINE + DAY).isoformat()]
    assert audited("contribution.confirm_returned", received) and audited("contribution.confirm_returned", withdrawn)
    told = {m.to[0]: m for m in mailoutbox}
    assert told[backers[1].email].subject == f"[Alléger] Paiement rendu pour « {project.title} »"
    assert "votre paiement de 50\u00a0€" in told[backers[1].email].body
    assert received.provider_reference in told[backers[1].email].body
    # Once: a second « rendu » is refused and changes nothing
    other = TerritoryRoleFactory(territory=territory, role=TerritoryRole.Role.MODERATOR, user=UserFactory()).user
    refused("not_owed", contribution_confirm_returned, contribution=received, actor=other, now=DEADLINE + 2 * DAY)
    assert reload(received).returned_by == moderator
    assert books_problems() == []
    # The database refuses a « rendu » on money that is not owed back, whatever the code above it does
    with pytest.raises(IntegrityError), transaction.atomic():
        Contribution.objects.filter(pk=card.pk).update(returned_at=DEADLINE, returned_by=moderator)


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

"""Settlement at the deadline, as an idempotent job (`alleger settle`).

1. decide: a live campaign whose deadline has passed becomes succeeded (its
   total reached the minimum goal) or failed;
2. succeeded: capture every card authorisation (failed captures are retried
   with back-off and dropped after CAPTURE_GRACE_DAYS, offline payments wait
   for a moderator's confirmation as long); when nothing is awaited any more,
   take the commission and pay the holder what is left in escrow;
3. failed: void every hold, refund every payment received, return every match
   to its pool.

Work goes in chunks, each in its own transaction, and every state change is
conditional on the previous state, with ledger transfers keyed by what they
settle. A run killed at any point and started again finishes in the state an
uninterrupted run reaches; a run repeated changes nothing.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from alleger.core.services import audit_record

from .. import ledger, notifications
from ..models import Contribution, Match, MatchingPool, Project, Transfer
from ..providers import get_provider
from .contributions import _release

CHUNK = 1000
BACKOFF_HOURS = (1, 6, 24)


@dataclass
class Report:
    project_id: int
    outcome: str = ""
    captured: int = 0
    capture_failed: int = 0
    dropped: int = 0
    voided: int = 0
    refunded: int = 0
    paid_out: bool = False
    notes: list = field(default_factory=list)


def due_projects(now=None):
    now = now or timezone.now()
    return Project.objects.filter(
        Q(status=Project.Status.PUBLISHED, deadline__lte=now)
        | Q(status=Project.Status.SUCCEEDED, paid_out_at__isnull=True)
        | Q(status=Project.Status.FAILED, settled_at__isnull=True)
    ).order_by("deadline", "pk")


def settle_due(*, now=None) -> list[Report]:
    now = now or timezone.now()
    return [settle_project(project_id=pk, now=now) for pk in due_projects(now).values_list("pk", flat=True)]


def settle_project(*, project_id: int, now=None) -> Report:
    now = now or timezone.now()
    report = Report(project_id=project_id)
    _decide(project_id, now)
    project = Project.objects.select_related("territory").get(pk=project_id)
    report.outcome = project.status
    if project.status == Project.Status.SUCCEEDED and project.paid_out_at is None:
        _collect(project, now, report)
        if now >= project.deadline + timedelta(days=settings.CAPTURE_GRACE_DAYS):
            _drop_awaiting(project, now, report)
        report.paid_out = _pay_out(project.pk, now)
    elif project.status == Project.Status.FAILED and project.settled_at is None:
        _unwind(project, now, report)
    report.paid_out = report.paid_out or project.paid_out_at is not None
    return report


@transaction.atomic
def _decide(project_id: int, now) -> None:
    project = Project.objects.select_for_update().get(pk=project_id)
    if project.status != Project.Status.PUBLISHED or project.deadline > now:
        return
    outcome = Project.Status.SUCCEEDED if project.total_cents >= project.goal_cents else Project.Status.FAILED
    Project.objects.filter(pk=project.pk, status=Project.Status.PUBLISHED).update(status=outcome)
    audit_record(actor=None, action=f"project.{outcome}", target=project, total=project.total_cents)
    project.status = outcome
    notifications.campaign_ended(project)


def _awaiting_card_batch(project: Project, now, provider: str):
    return list(
        Contribution.objects.select_for_update()
        .filter(project=project, provider=provider,
                status__in=[Contribution.Status.AUTHORISED, Contribution.Status.CAPTURE_FAILED])
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("pk")[:CHUNK]
    )


def _collect(project: Project, now, report: Report) -> None:
    for code in settings.PAYMENT_PROVIDERS:
        provider = get_provider(code)
        if provider.paid_upfront:
            continue  # offline payments are confirmed by a moderator, not captured
        while True:
            with transaction.atomic():
                batch = _awaiting_card_batch(project, now, code)
                if not batch:
                    break
                _capture_batch(project, provider, batch, now, report)


def _capture_batch(project, provider, batch, now, report) -> None:
    results = provider.capture_many(batch, attempt_key=lambda c: f"capture:{c.pk}:{c.capture_attempts + 1}")
    keys = ledger.accounts({ledger.contributor_key(c.contributor_id) for c in batch}
                           | {ledger.escrow_key(project.pk)})
    escrow = keys[ledger.escrow_key(project.pk)]
    transfers, failed = [], []
    for contribution in batch:
        result = results[contribution.pk]
        contribution.capture_attempts += 1
        if result.ok:
            contribution.status = Contribution.Status.CAPTURED
            contribution.captured_at = now
            contribution.last_error = ""
            contribution.next_attempt_at = None
            transfers.append(Transfer(
                kind=Transfer.Kind.CAPTURE, source=keys[ledger.contributor_key(contribution.contributor_id)],
                destination=escrow, amount_cents=contribution.amount_cents,
                idempotency_key=f"capture:{contribution.pk}", project_id=project.pk,
                contribution_id=contribution.pk,
            ))
            report.captured += 1
        else:
            hours = BACKOFF_HOURS[min(contribution.capture_attempts, len(BACKOFF_HOURS)) - 1]
            contribution.status = Contribution.Status.CAPTURE_FAILED
            contribution.last_error = result.error[:200]
            contribution.next_attempt_at = now + timedelta(hours=hours)
            failed.append(contribution)
            report.capture_failed += 1
    Transfer.objects.bulk_create(transfers, batch_size=CHUNK)
    # Every capture that went through gets the same new values: one UPDATE for all of them (bulk_update
    # would compile a CASE per row and per column). The rows are locked; the attempts count by one each.
    captured = [c.pk for c in batch if c.status == Contribution.Status.CAPTURED]
    if captured:
        Contribution.objects.filter(pk__in=captured).update(
            status=Contribution.Status.CAPTURED, captured_at=now, last_error="", next_attempt_at=None,
            capture_attempts=F("capture_attempts") + 1)
    if failed:
        Contribution.objects.bulk_update(
            failed, ["status", "last_error", "next_attempt_at", "capture_attempts"], batch_size=CHUNK)
    if failed:
        notifications.capture_failed(failed)


def _drop_awaiting(project: Project, now, report: Report) -> None:
    """The grace period is over: what was never paid is given up, and its match goes back."""
    while True:
        with transaction.atomic():
            locked = Project.objects.select_for_update().get(pk=project.pk)
            batch = list(Contribution.objects.select_for_update()
                         .filter(project=project, status__in=Contribution.AWAITING).order_by("pk")[:CHUNK])
            if not batch:
                return
            # Their matches go back below: lock those pools now, in pk order,
            # rather than in the order of the contributions they matched.
            _lock_pools_of(Match.objects.filter(contribution__in=batch, status=Match.Status.COMMITTED))
            for contribution in batch:
                provider = get_provider(contribution.provider)
                provider.void(contribution, idempotency_key=f"drop-void:{contribution.pk}")
                moved = Contribution.objects.filter(pk=contribution.pk, status=contribution.status).update(
                    status=Contribution.Status.DROPPED, ended_at=now)
                if moved:
                    _release(contribution, locked, new_status=Contribution.Status.DROPPED, now=now)
                    report.dropped += 1
            notifications.payment_dropped(batch)


@transaction.atomic
def _pay_out(project_id: int, now) -> bool:
    project = Project.objects.select_for_update(of=("self",)).select_related("territory").get(pk=project_id)
    if project.paid_out_at is not None:
        return True
    if project.contributions.filter(status__in=Contribution.AWAITING).exists():
        return False
    escrow = ledger.escrow_key(project.pk)
    held = ledger.balance(escrow)
    captured = project.contributions.filter(status=Contribution.Status.CAPTURED).aggregate(
        s=Sum("amount_cents"))["s"] or 0
    matched = project.matches.filter(status=Match.Status.COMMITTED).aggregate(s=Sum("amount_cents"))["s"] or 0
    if held != captured + matched:
        # Never pay out from an escrow that does not add up; a person must look.
        raise RuntimeError(f"escrow of project {project.pk} holds {held}, expected {captured + matched}")
    commission = held * project.territory.commission_bp // 10_000
    if commission:
        ledger.transfer(kind=Transfer.Kind.COMMISSION, source=escrow, destination=ledger.PLATFORM,
                        amount_cents=commission, idempotency_key=f"commission:{project.pk}", project_id=project.pk)
    if held - commission:
        ledger.transfer(kind=Transfer.Kind.PAYOUT, source=escrow, destination=ledger.holder_key(project.pk),
                        amount_cents=held - commission, idempotency_key=f"payout:{project.pk}",
                        project_id=project.pk)
    project.matches.filter(status=Match.Status.COMMITTED).update(status=Match.Status.RELEASED)
    Project.objects.filter(pk=project.pk).update(paid_out_at=now, settled_at=now)
    audit_record(actor=None, action="project.payout", target=project, amount=held - commission,
                 commission=commission)
    notifications.paid_out(project, amount_cents=held - commission)
    return True


def _unwind(project: Project, now, report: Report) -> None:
    """A failed campaign: every hold voided, every payment refunded, every match returned."""
    refundable = [Contribution.Status.PENDING, Contribution.Status.AUTHORISED,
                  Contribution.Status.CAPTURE_FAILED, Contribution.Status.CAPTURED]
    after = 0
    while True:
        with transaction.atomic():
            Project.objects.select_for_update().get(pk=project.pk)  # lock order: project, then the rest
            # Walk forward by pk: a refund the provider refused stays CAPTURED
            # and is reported; it must not be picked again in this run.
            batch = list(Contribution.objects.select_for_update()
                         .filter(project=project, status__in=refundable, pk__gt=after).order_by("pk")[:CHUNK])
            if not batch:
                break
            _unwind_batch(project, batch, now, report)
            after = batch[-1].pk
    if report.notes:
        return  # not settled while a refund is owed: the next run tries again
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        _return_matches(list(locked.matches.filter(status=Match.Status.COMMITTED).order_by("pool_id", "pk")))
        Project.objects.filter(pk=project.pk, settled_at__isnull=True).update(settled_at=now)


def _unwind_batch(project, batch, now, report) -> None:
    keys = ledger.accounts({ledger.contributor_key(c.contributor_id) for c in batch}
                           | {ledger.escrow_key(project.pk)})
    escrow = keys[ledger.escrow_key(project.pk)]
    transfers, refunded = [], []
    for contribution in batch:
        provider = get_provider(contribution.provider)
        if contribution.status == Contribution.Status.CAPTURED:
            result = provider.refund(contribution, idempotency_key=f"refund:{contribution.pk}")
            if not result.ok:
                report.notes.append(f"refund of #{contribution.pk} failed: {result.error}")
                continue
            transfers.append(Transfer(
                kind=Transfer.Kind.REFUND, source=escrow,
                destination=keys[ledger.contributor_key(contribution.contributor_id)],
                amount_cents=contribution.amount_cents, idempotency_key=f"refund:{contribution.pk}",
                project_id=project.pk, contribution_id=contribution.pk,
            ))
            contribution.status = Contribution.Status.REFUNDED
            refunded.append(contribution)
            report.refunded += 1
        else:
            if contribution.status != Contribution.Status.PENDING:
                provider.void(contribution, idempotency_key=f"void:{contribution.pk}")
            contribution.status = Contribution.Status.VOIDED
            report.voided += 1
        contribution.ended_at = now
    Transfer.objects.bulk_create(transfers, batch_size=CHUNK)
    for status in (Contribution.Status.REFUNDED, Contribution.Status.VOIDED):  # one UPDATE each, not a CASE per row
        ids = [c.pk for c in batch if c.status == status]
        if ids:
            Contribution.objects.filter(pk__in=ids).update(status=status, ended_at=now)
    _return_matches(list(Match.objects.filter(contribution__in=batch, status=Match.Status.COMMITTED)
                         .order_by("pool_id", "pk")))
    notifications.campaign_failed_to_contributors([c for c in batch if c.status != Contribution.Status.CAPTURED])
    notifications.offline_refund_due([c for c in refunded if c.provider == "offline"])


def _lock_pools_of(matches) -> None:
    pool_ids = sorted({m.pool_id for m in matches})
    list(MatchingPool.objects.select_for_update().filter(pk__in=pool_ids).order_by("pk"))


def _return_matches(matches: list[Match]) -> None:
    """Give matches of a failed campaign back to their pools, in bulk (pools locked in pk order)."""
    if not matches:
        return
    by_pool = defaultdict(int)
    for match in matches:
        by_pool[match.pool_id] += match.amount_cents
    list(MatchingPool.objects.select_for_update().filter(pk__in=by_pool).order_by("pk"))
    keys = ledger.accounts({ledger.pool_key(p) for p in by_pool}
                           | {ledger.escrow_key(m.project_id) for m in matches})
    Transfer.objects.bulk_create([
        Transfer(kind=Transfer.Kind.MATCH_RETURN, source=keys[ledger.escrow_key(m.project_id)],
                 destination=keys[ledger.pool_key(m.pool_id)], amount_cents=m.amount_cents,
                 idempotency_key=f"match-return:{m.pk}", project_id=m.project_id,
                 contribution_id=m.contribution_id)
        for m in matches
    ], batch_size=CHUNK)
    Match.objects.filter(pk__in=[m.pk for m in matches]).update(status=Match.Status.RETURNED)
    for pool_id, amount in by_pool.items():
        MatchingPool.objects.filter(pk=pool_id).update(balance_cents=F("balance_cents") + amount)

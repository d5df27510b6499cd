"""Contributions: pledge, cancel, confirm an offline payment.

Every write locks the project row first: the cap, the reward stock, the
contributor count and the matching are all decided under that one lock, so
concurrent pledges queue instead of racing. Pools are locked after it, in
primary-key order (see matching).
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from alleger.core.services import audit_record
from alleger.core.templatetags.alleger import euros

from .. import ledger, notifications
from ..errors import Refused
from ..models import Contribution, Match, Project, Reward, Transfer
from ..providers import get_provider
from . import matching


def _lock_project(project_id: int) -> Project:
    # of=("self",): lock the project's row only. A plain FOR UPDATE over the
    # join would also lock the territory's row, and every pledge to any
    # project of the territory would queue behind it.
    return Project.objects.select_for_update(of=("self",)).select_related("territory").get(pk=project_id)


def _has_other_active(project: Project, contributor_id: int, exclude_id: int | None = None) -> bool:
    qs = Contribution.objects.filter(project=project, contributor_id=contributor_id, status__in=Contribution.ACTIVE)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    return qs.exists()


def cap_cents(project: Project) -> int:
    return project.goal_cents * project.territory.overfunding_cap_bp // 10_000


def _check_allowed(project: Project, *, kind: str, amount_cents: int, reward: Reward | None, now) -> None:
    territory = project.territory
    if project.status != Project.Status.PUBLISHED or project.deadline is None or now >= project.deadline:
        raise Refused("campaign_closed", _("La campagne de ce projet n'est pas ouverte aux contributions."))
    if kind == Contribution.Kind.LOAN:
        if not (project.accepts_loan and territory.allow_loan):
            raise Refused("kind_not_accepted", _("Ce projet n'accepte pas de prêts."))
        if reward is not None:
            raise Refused("invalid", _("Un prêt ne donne pas droit à une contrepartie."))
    elif kind == Contribution.Kind.DONATION:
        # A donation with a reward is still a donation: a loans-only project takes neither.
        if not project.accepts_donation:
            raise Refused("kind_not_accepted", _("Ce projet n'accepte pas de dons."))
        if reward is None and not territory.allow_donation:
            raise Refused("kind_not_accepted", _("Ce projet n'accepte pas de dons sans contrepartie."))
        if reward is not None and not territory.allow_reward:
            raise Refused("kind_not_accepted", _("Ce territoire n'accepte pas de dons avec contrepartie."))
    else:
        raise Refused("invalid", _("Type de contribution inconnu."))
    if amount_cents < settings.CONTRIBUTION_MIN_CENTS:
        raise Refused("below_minimum", _("Le montant minimal d'une contribution est de %(min)s.")
                      % {"min": euros(settings.CONTRIBUTION_MIN_CENTS)})
    if reward is not None:
        if reward.project_id != project.pk:
            raise Refused("invalid", _("Cette contrepartie n'appartient pas à ce projet."))
        if amount_cents < reward.min_amount_cents:
            raise Refused("below_reward_minimum", _("Cette contrepartie demande au moins %(min)s.")
                          % {"min": euros(reward.min_amount_cents)})
    room = cap_cents(project) - project.total_cents
    if amount_cents > room:
        if room <= 0:
            raise Refused("over_cap", _("Ce projet a atteint son plafond de financement : il ne reçoit plus de contributions."))
        raise Refused("over_cap", _("Ce montant dépasse le plafond du projet : il reste %(room)s à collecter.")
                      % {"room": euros(room)})


@transaction.atomic
def contribution_create(*, project: Project, contributor, amount_cents: int, idempotency_key: str,
                        kind: str = Contribution.Kind.DONATION, reward: Reward | None = None,
                        anonymous: bool = False, message: str = "", provider: str = "simulated_card",
                        payment_details: dict | None = None, now=None) -> tuple[Contribution, bool]:
    """Pledge money to a live campaign. Returns (contribution, created).

    The same idempotency key from the same person returns the first
    contribution, whatever the rest of the request says.
    """
    now = now or timezone.now()
    if not idempotency_key or len(idempotency_key) > 80:
        raise Refused("invalid", _("Une clé d'idempotence (80 caractères au plus) est requise."))
    if provider not in settings.PAYMENT_PROVIDERS:
        raise Refused("invalid", _("Moyen de paiement inconnu."))
    if len(message) > 500:
        raise Refused("invalid", _("Le message fait au plus 500 caractères."))
    project = _lock_project(project.pk)
    existing = Contribution.objects.filter(contributor=contributor, idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False
    if reward is not None:
        reward = Reward.objects.select_for_update().get(pk=reward.pk)
    _check_allowed(project, kind=kind, amount_cents=amount_cents, reward=reward, now=now)
    if reward is not None and reward.remaining is not None and reward.remaining <= 0:
        raise Refused("reward_sold_out", _("Cette contrepartie est épuisée."))

    payment = get_provider(provider)
    result = payment.authorise(amount_cents=amount_cents, details=payment_details or {},
                               idempotency_key=f"{contributor.pk}:{idempotency_key}")
    if not result.ok:
        raise Refused("payment_declined", _("Le paiement a été refusé ; aucune somme n'a été prélevée."))

    first_of_this_person = not _has_other_active(project, contributor.pk)
    contribution = Contribution.objects.create(
        project=project, contributor=contributor, kind=kind, amount_cents=amount_cents, reward=reward,
        anonymous=anonymous, message=message, idempotency_key=idempotency_key, provider=provider,
        provider_reference=result.reference,
        status=Contribution.Status.PENDING if payment.paid_upfront else Contribution.Status.AUTHORISED,
    )
    if reward is not None:
        Reward.objects.filter(pk=reward.pk).update(claimed=F("claimed") + 1)
    project.pledged_cents += amount_cents
    if first_of_this_person:
        project.contributors_count += 1
    reached_before = project.goal_reached_at is not None
    pools = matching.lock_pools(project)
    matching.match_contribution(project=project, contribution=contribution, pools=pools)
    matching.match_lump_sums(project=project, pools=pools)
    if not reached_before and project.total_cents >= project.goal_cents:
        project.goal_reached_at = now
    Project.objects.filter(pk=project.pk).update(
        pledged_cents=project.pledged_cents, matched_cents=project.matched_cents,
        contributors_count=project.contributors_count, goal_reached_at=project.goal_reached_at,
    )
    if contribution.matched_cents:
        Contribution.objects.filter(pk=contribution.pk).update(matched_cents=contribution.matched_cents)
    notifications.contribution_received(contribution)
    if not reached_before and project.goal_reached_at:
        notifications.goal_reached(project)
    return contribution, True


def cancellable_until(project: Project):
    return project.deadline - timedelta(hours=settings.CANCEL_CUTOFF_HOURS) if project.deadline else None


def _release(contribution: Contribution, project: Project, *, new_status: str, now) -> None:
    """Undo a contribution's effect on the project's totals, its reward and its match.

    The project row is locked by the caller; the contribution has just moved
    to `new_status` with a conditional update.
    """
    pledged = F("pledged_cents") - contribution.amount_cents
    counts = {}
    if not _has_other_active(project, contribution.contributor_id, exclude_id=contribution.pk):
        counts["contributors_count"] = F("contributors_count") - 1
    Project.objects.filter(pk=project.pk).update(pledged_cents=pledged, **counts)
    if contribution.reward_id:
        Reward.objects.filter(pk=contribution.reward_id).update(claimed=F("claimed") - 1)
    match = Match.objects.filter(contribution=contribution, status=Match.Status.COMMITTED).first()
    if match is not None:
        matching.match_return(match)


@transaction.atomic
def contribution_cancel(*, contribution: Contribution, actor, now=None) -> Contribution:
    """The contributor withdraws, until 24 h before the deadline: hold voided or money refunded."""
    now = now or timezone.now()
    project = _lock_project(contribution.project_id)
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if contribution.contributor_id != actor.pk:
        raise Refused("forbidden", _("Seule la personne qui a contribué peut annuler sa contribution."))
    if contribution.status == Contribution.Status.CANCELLED:
        return contribution
    if contribution.status not in (Contribution.Status.PENDING, Contribution.Status.AUTHORISED,
                                   Contribution.Status.CAPTURED) or project.status != Project.Status.PUBLISHED:
        raise Refused("not_cancellable", _("Cette contribution ne peut plus être annulée."))
    if now > cancellable_until(project):
        raise Refused("too_late", _("Une contribution s'annule jusqu'à 24 heures avant la fin de la campagne."))
    payment = get_provider(contribution.provider)
    if contribution.status == Contribution.Status.CAPTURED:
        result = payment.refund(contribution, idempotency_key=f"cancel-refund:{contribution.pk}")
        if result.ok:
            ledger.transfer(kind=Transfer.Kind.REFUND, source=ledger.escrow_key(project.pk),
                            destination=ledger.contributor_key(contribution.contributor_id),
                            amount_cents=contribution.amount_cents, idempotency_key=f"refund:{contribution.pk}",
                            project_id=project.pk, contribution_id=contribution.pk)
    else:
        result = payment.void(contribution, idempotency_key=f"cancel-void:{contribution.pk}")
    if not result.ok:
        raise Refused("provider_error", _("Le prestataire de paiement n'a pas pu annuler : réessayez plus tard."))
    Contribution.objects.filter(pk=contribution.pk).update(status=Contribution.Status.CANCELLED, ended_at=now)
    _release(contribution, project, new_status=Contribution.Status.CANCELLED, now=now)
    audit_record(actor=actor, action="contribution.cancel", target=contribution)
    contribution.refresh_from_db()
    return contribution


@transaction.atomic
def contribution_confirm_receipt(*, contribution: Contribution, actor, now=None) -> Contribution:
    """A moderator confirms that an offline payment (transfer, cheque, cash) arrived: money enters escrow."""
    now = now or timezone.now()
    project = _lock_project(contribution.project_id)
    if project.status not in (Project.Status.PUBLISHED, Project.Status.SUCCEEDED):
        raise Refused("campaign_closed", _("Cette campagne n'a pas été financée : le paiement doit être rendu."))
    moved = Contribution.objects.filter(
        pk=contribution.pk, provider="offline",
        status__in=[Contribution.Status.PENDING, Contribution.Status.CAPTURE_FAILED],
    ).update(status=Contribution.Status.CAPTURED, captured_at=now, last_error="")
    if not moved:
        raise Refused("not_pending", _("Ce paiement n'est pas en attente de réception."))
    ledger.transfer(kind=Transfer.Kind.RECEIVE, source=ledger.contributor_key(contribution.contributor_id),
                    destination=ledger.escrow_key(project.pk), amount_cents=contribution.amount_cents,
                    idempotency_key=f"capture:{contribution.pk}", project_id=project.pk,
                    contribution_id=contribution.pk)
    audit_record(actor=actor, action="contribution.confirm_receipt", target=contribution)
    contribution.refresh_from_db()
    return contribution

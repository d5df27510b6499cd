"""Proposal writes. Supports are counted under the proposal's row lock, so the
count is exact however many people (or one person's many clicks) arrive at once."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alleger.core.errors import Refused
from alleger.core.services import audit_record

from . import notifications
from .models import OPEN_STATUSES, TRANSITIONS, Proposal, Support
from .rules import wrote_the_proposal

DECIDED = (Proposal.Status.ACCEPTED, Proposal.Status.REJECTED, Proposal.Status.IMPLEMENTED)


def _lock(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().get(pk=proposal.pk)


def _recount(proposal: Proposal) -> None:
    proposal.supports_count = proposal.supports.count()
    proposal.save(update_fields=["supports_count", "updated_at"])


@transaction.atomic
def proposal_create(*, author, territory, kind: str, title: str, body: str, asset=None) -> Proposal:
    title, body = (title or "").strip(), (body or "").strip()
    if not title or not body:
        raise Refused("invalid", _("Donnez un titre et décrivez votre proposition."))
    if asset is not None and asset.territory_id != territory.pk:
        raise Refused("invalid", _("Ce dispositif n'est pas sur le territoire de la proposition."))
    proposal = Proposal(author=author, territory=territory, kind=kind, title=title, body=body, asset=asset)
    proposal.full_clean()
    proposal.save()
    audit_record(actor=author, action="proposal.create", target=proposal)
    return proposal


@transaction.atomic
def proposal_support(*, proposal: Proposal, user) -> Proposal:
    """Add `user`'s support; refused if they already support it or it is no longer open."""
    proposal = _lock(proposal)
    if proposal.status not in OPEN_STATUSES:
        raise Refused("not_open", _("Cette proposition a reçu sa réponse : elle ne recueille plus de soutiens."),
                      status=409)
    if proposal.supports.filter(user=user).exists():
        raise Refused("already_supported", _("Vous soutenez déjà cette proposition."), status=409)
    try:
        with transaction.atomic():
            Support.objects.create(proposal=proposal, user=user)
    except IntegrityError:  # unreachable under the lock; the constraint is the backstop
        raise Refused("already_supported", _("Vous soutenez déjà cette proposition."), status=409) from None
    _recount(proposal)
    return proposal


@transaction.atomic
def proposal_withdraw_support(*, proposal: Proposal, user) -> Proposal:
    proposal = _lock(proposal)
    if proposal.status not in OPEN_STATUSES:
        raise Refused("not_open", _("Cette proposition a reçu sa réponse : son soutien ne peut plus changer."),
                      status=409)
    deleted, _rows = proposal.supports.filter(user=user).delete()
    if not deleted:
        raise Refused("not_supported", _("Vous ne soutenez pas cette proposition."), status=409)
    _recount(proposal)
    return proposal


@transaction.atomic
def proposal_answer(*, proposal: Proposal, moderator, status: str, answer: str) -> Proposal:
    """A moderator's official answer and new status; the author and supporters are told by e-mail."""
    answer = (answer or "").strip()
    proposal = _lock(proposal)
    if wrote_the_proposal(moderator, proposal):
        raise Refused("conflict_of_interest", _("Vous ne pouvez pas répondre officiellement à votre propre "
                                                "proposition : un autre modérateur doit le faire."), status=403)
    if status not in Proposal.Status.values:
        raise Refused("invalid", _("Statut inconnu."))
    if status != proposal.status and status not in TRANSITIONS[proposal.status]:
        raise Refused("invalid_transition", _("Une proposition « %(old)s » ne peut pas passer à « %(new)s ».") % {
            "old": proposal.get_status_display(), "new": Proposal.Status(status).label}, status=409)
    if status in DECIDED and not answer:
        raise Refused("answer_required", _("Rédigez la réponse officielle : elle explique la décision."))
    if status == proposal.status and answer == proposal.answer:
        raise Refused("unchanged", _("Rien n'a changé : modifiez le statut ou la réponse."))
    old = proposal.status
    proposal.status = status
    if answer:
        proposal.answer = answer
        proposal.answered_by, proposal.answered_at = moderator, timezone.now()
    proposal.full_clean()
    proposal.save()
    audit_record(actor=moderator, action="proposal.answer", target=proposal, old=old, new=status)
    notifications.proposal_answered(proposal)
    return proposal

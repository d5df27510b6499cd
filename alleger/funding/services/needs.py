"""In-kind needs and the offers that answer them."""

from django.db import transaction
from django.utils.translation import gettext as _

from alleger.core.errors import Refused
from alleger.core.services import audit_record

from .. import notifications
from ..models import Need, Offer, Project


@transaction.atomic
def need_add(*, project: Project, actor, kind: str, title: str, description: str = "") -> Need:
    need = Need(project=project, kind=kind, title=title, description=description)
    need.full_clean()
    need.save()
    return need


@transaction.atomic
def offer_make(*, need: Need, author, message: str, organisation=None) -> Offer:
    if need.project.status not in (Project.Status.PUBLISHED, Project.Status.SUCCEEDED):
        raise Refused("campaign_closed", _("Ce projet ne reçoit pas de propositions pour l'instant."), status=409)
    if need.fulfilled:
        raise Refused("fulfilled", _("Ce besoin est déjà comblé. Merci !"))
    if organisation is not None and not author.has_perm("organisations.act_for", organisation):
        raise Refused("forbidden", _("Vous n'êtes pas membre de cette organisation."), status=403)
    if not message.strip():
        raise Refused("invalid", _("Décrivez ce que vous proposez."))
    offer = Offer.objects.create(need=need, author=author, organisation=organisation, message=message.strip())
    notifications.offer_received(offer)
    return offer


_TRANSITIONS = {
    Offer.Status.ACCEPTED: {Offer.Status.PROPOSED},
    Offer.Status.DECLINED: {Offer.Status.PROPOSED},
    Offer.Status.DONE: {Offer.Status.ACCEPTED},
    Offer.Status.WITHDRAWN: {Offer.Status.PROPOSED, Offer.Status.ACCEPTED},
}


@transaction.atomic
def offer_set_status(*, offer: Offer, actor, status: str, answer: str = "") -> Offer:
    """The holder accepts, declines or marks done; the author may withdraw."""
    if status not in _TRANSITIONS:
        raise Refused("invalid", _("Statut inconnu."))
    moved = Offer.objects.filter(pk=offer.pk, status__in=_TRANSITIONS[status]).update(
        status=status, answer=answer or offer.answer)
    if not moved:
        raise Refused("invalid_transition", _("Cette proposition ne peut pas passer à cet état."), status=409)
    offer.refresh_from_db()
    audit_record(actor=actor, action=f"offer.{status}", target=offer)
    if status in (Offer.Status.ACCEPTED, Offer.Status.DECLINED):
        notifications.offer_answered(offer)
    if status == Offer.Status.DONE:
        Need.objects.filter(pk=offer.need_id).update(fulfilled=True)
    return offer

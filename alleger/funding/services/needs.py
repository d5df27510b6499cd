"""In-kind needs and the offers that answer them."""

from django.db import transaction
from django.utils.translation import gettext as _

from alleger.bookings import services as bookings
from alleger.bookings.models import Resource
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


#: The needs a bookable resource of a shared place can answer.
RESOURCE_NEEDS = (Need.Kind.ROOM, Need.Kind.EQUIPMENT)


@transaction.atomic
def offer_resource(*, need: Need, author, resource: Resource, start, end, message: str = "") -> Offer:
    """A place's manager offers one of its bookable resources for a slot. The slot is checked now against
    the resource's rules for the project's holder (hours, window, training…); accepting books it."""
    if need.kind not in RESOURCE_NEEDS:
        raise Refused("wrong_need_kind", _("On propose une ressource réservable pour un besoin de salle ou de "
                                           "matériel seulement."))
    if need.project.status not in (Project.Status.PUBLISHED, Project.Status.SUCCEEDED):
        raise Refused("campaign_closed", _("Ce projet ne reçoit pas de propositions pour l'instant."), status=409)
    if need.fulfilled:
        raise Refused("fulfilled", _("Ce besoin est déjà comblé. Merci !"))
    if not author.has_perm("bookings.offer_resource", resource):
        raise Refused("forbidden", _("Vous ne gérez pas cette ressource."), status=403)
    bookings.check_request(resource=resource, user=need.project.holder, start=start, end=end)
    text = message.strip() or _("Nous vous prêtons « %(resource)s » (%(place)s).") % {
        "resource": resource.name, "place": resource.place.name}
    offer = Offer.objects.create(need=need, author=author, organisation=resource.place.operator, message=text,
                                 resource=resource, slot_start=start, slot_end=end)
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
    if offer.resource_id and status == Offer.Status.ACCEPTED:
        # The holder's acceptance books the slot, same rules and refusals as any booking (then nothing changes).
        booking = bookings.booking_create(resource=Resource.objects.select_related("place", "training").get(
            pk=offer.resource_id), user=offer.need.project.holder, start=offer.slot_start, end=offer.slot_end,
            purpose=offer.need.project.title[:200], in_kind=True)
        Offer.objects.filter(pk=offer.pk).update(booking=booking)
        offer.booking = booking
    if offer.booking_id and status == Offer.Status.WITHDRAWN and offer.booking.is_active:
        bookings.booking_cancel(booking=offer.booking, actor=actor)
    audit_record(actor=actor, action=f"offer.{status}", target=offer)
    if status in (Offer.Status.ACCEPTED, Offer.Status.DECLINED):
        notifications.offer_answered(offer)
    if status == Offer.Status.DONE:
        Need.objects.filter(pk=offer.need_id).update(fulfilled=True)
    return offer

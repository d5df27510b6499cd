import re
import secrets
import unicodedata

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from alleger.accounts.models import User
from alleger.core.errors import Refused
from alleger.core.mail import send_later
from alleger.core.services import audit_record

from .models import Invitation, Membership, Organisation, SponsorshipRequest


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def organisation_verify(*, organisation: Organisation, actor: User, verified: bool) -> Organisation:
    """A moderator of its territory (or the platform team), who is not a member, vouches for it — or no longer."""
    if not actor.has_perm("organisations.verify", organisation):
        raise Refused("forbidden", _("Seule la modération du territoire de l'organisation, hors de ses membres, "
                                     "vérifie son identité."), status=403)
    organisation = _lock(organisation)
    organisation.verified_at, organisation.verified_by = (timezone.now(), actor) if verified else (None, None)
    organisation.save(update_fields=["verified_at", "verified_by"])
    audit_record(actor=actor, action="organisation.verify" if verified else "organisation.unverify",
                 target=organisation)
    return organisation


_ARTICLE = re.compile(r"^(?:les?\s+|la\s+|l['’]\s*)")


def name_key(name: str) -> str:
    """What two names that read the same share: « VILLE DE SAINT-ÉTIENNE » is « Ville de Saint-Etienne »."""
    # « Le Café d'à Côté » is « Café d'à côté »: a leading article is not what tells two names apart.
    folded = _ARTICLE.sub("", name.casefold().strip())
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(c for c in decomposed if c.isalnum())


def _check_name_free(name: str, *, other_than: Organisation | None = None) -> None:
    key = name_key(name)
    others = Organisation.objects.exclude(pk=other_than.pk) if other_than else Organisation.objects.all()
    if key and any(name_key(other) == key for other in others.values_list("name", flat=True)):
        raise Refused("name_taken", _("Une organisation porte déjà ce nom. S'il s'agit de la vôtre, demandez à ses "
                                      "administrateurs de vous inviter ; sinon, précisez le nom (ville, quartier…)."),
                      status=409)


@transaction.atomic
def organisation_create(*, creator: User, name: str, kind: str, description: str = "", website: str = "",
                        territory=None, is_sponsor: bool = False, slug: str | None = None) -> Organisation:
    """Create an organisation; its creator becomes its first admin. It is not verified until a moderator says so."""
    _check_name_free(name)
    organisation = Organisation(name=name, kind=kind, description=description, website=website,
                                territory=territory, is_sponsor=is_sponsor, slug=slug or _unique_slug(name))
    organisation.full_clean()
    organisation.save()
    Membership.objects.create(organisation=organisation, user=creator, role=Membership.Role.ADMIN)
    audit_record(actor=creator, action="organisation.create", target=organisation)
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, actor: User, **fields) -> Organisation:
    if "name" in fields:
        _check_name_free(fields["name"], other_than=organisation)
    renamed = any(key in fields and fields[key] != getattr(organisation, key) for key in ("name", "kind"))
    for key, value in fields.items():
        setattr(organisation, key, value)
    if renamed and organisation.verified_at:
        # What was verified was this name and this kind: another one is checked again.
        organisation.verified_at, organisation.verified_by = None, None
    organisation.full_clean()
    organisation.save()
    audit_record(actor=actor, action="organisation.update", target=organisation, fields=sorted(fields))
    return organisation


def _lock(organisation: Organisation) -> Organisation:
    # Lock the organisation row before counting its admins, so two admins
    # removing each other at once cannot leave it with none.
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


@transaction.atomic
def membership_add(*, organisation: Organisation, email: str, role: str, actor: User) -> Membership:
    _lock(organisation)
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise Refused("unknown_account", _("Aucun compte actif n'utilise l'adresse %(email)s.") % {"email": email})
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        raise Refused("already_member", _("%(name)s est déjà membre.") % {"name": user.public_name}, status=409)
    membership = Membership.objects.create(organisation=organisation, user=user, role=role)
    audit_record(actor=actor, action="organisation.member_add", target=organisation, user=user.pk, role=role)
    return membership


def _already_member(organisation: Organisation, email: str) -> bool:
    return Membership.objects.filter(organisation=organisation, user__email__iexact=email, user__is_active=True).exists()


@transaction.atomic
def invitation_create(*, organisation: Organisation, email: str, role: str, actor: User) -> Invitation:
    """An admin invites an address to join; whoever holds it becomes a member only by accepting.

    The answer is the same whether an account uses the address or not (nothing to learn from it), and the
    e-mail goes to the address either way, in its account's language if it has one.
    """
    _lock(organisation)
    email = email.strip().lower()
    if _already_member(organisation, email):
        raise Refused("already_member", _("Une personne de l'organisation utilise déjà cette adresse."), status=409)
    if organisation.invitations.filter(email=email, status=Invitation.Status.PENDING).exists():
        raise Refused("already_invited", _("Cette adresse est déjà invitée : l'invitation attend sa réponse."),
                      status=409)
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(organisation=organisation, email=email, role=role,
                                                   invited_by=actor, token=secrets.token_urlsafe(32))
    except IntegrityError:  # the same address invited at the same instant (invitation_one_pending_per_address)
        raise Refused("already_invited", _("Cette adresse est déjà invitée : l'invitation attend sa réponse."),
                      status=409) from None
    audit_record(actor=actor, action="organisation.invite", target=organisation, role=role)
    account = User.objects.filter(email__iexact=email, is_active=True).first()
    language = (account.preferred_language if account else "") or settings.LANGUAGE_CODE
    send_later("organisations/email/invited.txt", [(email, language)], {
        "organisation": organisation.name, "organisation_url": organisation.get_absolute_url(),
        "inviter": actor.public_name, "admin": role == Membership.Role.ADMIN, "url": invitation.get_absolute_url(),
    })
    return invitation


def invitation_addressed_to(invitation: Invitation, user: User) -> bool:
    """Whether `user` holds the invited address: their account's own, or another they have verified."""
    email = invitation.email.lower()
    return user.email.lower() == email or EmailAddress.objects.filter(
        user=user, email__iexact=email, verified=True).exists()


@transaction.atomic
def invitation_answer(*, invitation: Invitation, user: User, accept: bool) -> Membership | None:
    """The invited person accepts (and becomes a member with the role offered) or declines."""
    organisation = _lock(invitation.organisation)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise Refused("invitation_answered", _("Cette invitation n'attend plus de réponse."), status=409)
    if not invitation_addressed_to(invitation, user):
        raise Refused("not_yours", _("Cette invitation est adressée à une autre adresse que celle de votre compte."),
                      status=403)
    invitation.status = Invitation.Status.ACCEPTED if accept else Invitation.Status.DECLINED
    invitation.decided_at = timezone.now()
    invitation.save(update_fields=["status", "decided_at"])
    if not accept:
        audit_record(actor=user, action="organisation.invitation_decline", target=organisation)
        return None
    membership, _created = Membership.objects.get_or_create(organisation=organisation, user=user,
                                                            defaults={"role": invitation.role})
    audit_record(actor=user, action="organisation.member_join", target=organisation, role=membership.role)
    return membership


@transaction.atomic
def invitation_cancel(*, invitation: Invitation, actor: User) -> None:
    Invitation.objects.filter(pk=invitation.pk, status=Invitation.Status.PENDING).update(
        status=Invitation.Status.CANCELLED, decided_at=timezone.now())
    audit_record(actor=actor, action="organisation.invitation_cancel", target=invitation.organisation)


@transaction.atomic
def membership_leave(*, organisation: Organisation, user: User) -> None:
    """A member leaves; the last admin must first hand the administration to someone else."""
    organisation = _lock(organisation)
    membership = Membership.objects.filter(organisation=organisation, user=user).first()
    if membership is None:
        raise Refused("not_member", _("Vous n'êtes pas membre de cette organisation."), status=409)
    if membership.role == Membership.Role.ADMIN and not organisation.memberships.filter(
            role=Membership.Role.ADMIN).exclude(pk=membership.pk).exists():
        raise Refused("last_admin", _("Vous êtes la seule personne à l'administrer : nommez d'abord un autre "
                                      "membre administrateur."), status=409)
    membership.delete()
    audit_record(actor=user, action="organisation.member_leave", target=organisation)


def _ensure_other_admin(organisation: Organisation, leaving: Membership) -> None:
    if leaving.role != Membership.Role.ADMIN:
        return
    others = organisation.memberships.filter(role=Membership.Role.ADMIN).exclude(pk=leaving.pk)
    if not others.exists():
        raise Refused("last_admin", _("Une organisation garde au moins une personne à son administration."),
                      status=409)


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str, actor: User) -> Membership:
    organisation = _lock(membership.organisation)
    membership = Membership.objects.get(pk=membership.pk)
    if role != Membership.Role.ADMIN:
        _ensure_other_admin(organisation, membership)
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(actor=actor, action="organisation.member_role", target=organisation,
                 user=membership.user_id, role=role)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User) -> None:
    organisation = _lock(membership.organisation)
    membership = Membership.objects.get(pk=membership.pk)
    _ensure_other_admin(organisation, membership)
    membership.delete()
    audit_record(actor=actor, action="organisation.member_remove", target=organisation, user=membership.user_id)


@transaction.atomic
def sponsorship_request(*, organisation: Organisation, territory, actor: User, message: str) -> SponsorshipRequest:
    """An admin of the organisation asks the territory's moderators to make it a sponsor."""
    if not actor.has_perm("organisations.request_sponsorship", organisation):
        raise Refused("forbidden", _("Seules les personnes qui administrent l'organisation peuvent le demander."),
                      status=403)
    message = message.strip()
    if not message:
        raise Refused("invalid", _("Dites en quelques mots ce que l'organisation propose."))
    _lock(organisation)
    if SponsorshipRequest.objects.filter(organisation=organisation, territory=territory,
                                         status=SponsorshipRequest.Status.PENDING).exists():
        raise Refused("already_pending", _("Une demande est déjà en attente pour ce territoire."), status=409)
    request = SponsorshipRequest(organisation=organisation, territory=territory, message=message, requested_by=actor)
    request.full_clean()
    request.save()
    audit_record(actor=actor, action="organisation.sponsorship_request", target=organisation,
                 territory=territory.pk, request=request.pk)
    return request


@transaction.atomic
def sponsorship_decide(*, request: SponsorshipRequest, actor: User, accept: bool, reason: str = "",
                       now=None) -> SponsorshipRequest:
    """A moderator of the territory (never a member of the organisation) accepts or refuses, with a reason."""
    request = SponsorshipRequest.objects.select_for_update().select_related("organisation", "territory").get(
        pk=request.pk)
    if not actor.has_perm("organisations.decide_sponsorship", request):
        if actor.memberships.filter(organisation_id=request.organisation_id).exists():
            raise Refused("conflict_of_interest",
                          _("Vous êtes membre de cette organisation : un autre modérateur doit décider."), status=403)
        raise Refused("forbidden", _("Seuls les modérateurs du territoire décident de cette demande."), status=403)
    if request.status != SponsorshipRequest.Status.PENDING:
        raise Refused("already_decided", _("Cette demande a déjà été traitée."), status=409)
    reason = reason.strip()
    if not accept and not reason:
        raise Refused("invalid", _("Indiquez le motif du refus : il est envoyé à l'organisation."))
    request.status = SponsorshipRequest.Status.ACCEPTED if accept else SponsorshipRequest.Status.REFUSED
    request.decided_by, request.reason, request.decided_at = actor, reason, now or timezone.now()
    request.save(update_fields=["status", "decided_by", "reason", "decided_at"])
    organisation = request.organisation
    if accept and not organisation.is_sponsor:
        Organisation.objects.filter(pk=organisation.pk).update(is_sponsor=True)
    audit_record(actor=actor, action=f"organisation.sponsorship_{request.status}", target=organisation,
                 territory=request.territory_id, request=request.pk, reason=reason)
    admins = [m.user for m in organisation.memberships.filter(role=Membership.Role.ADMIN).select_related("user")]
    send_later("organisations/email/sponsorship_decided.txt", admins, {
        "organisation": organisation, "territory": request.territory, "accepted": accept, "reason": reason})
    return request

from django.db.models import Count, QuerySet
from django.utils.translation import ngettext

from alleger.core import search
from alleger.territories.models import TerritoryRole

from .models import Membership, Organisation, SponsorshipRequest


def organisation_list(*, kind: str | None = None, q: str = "") -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("territory").annotate(member_count=Count("memberships"))
    if kind:
        qs = qs.filter(kind=kind)
    return search.matching(qs, q, ("name", "description")).order_by("name")


def organisation_members(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("role", "joined_at")


def organisations_administered_by(user) -> QuerySet[Organisation]:
    """The organisations a person may commit: give in their name, ask to become a sponsor."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user, memberships__role=Membership.Role.ADMIN).order_by("name")


def organisations_only_administered_by(user) -> list[Organisation]:
    """The organisations whose only administrator is `user`: closing the account leaves them to the platform team."""
    others = Membership.objects.filter(role=Membership.Role.ADMIN).exclude(user=user)
    return list(organisations_administered_by(user).exclude(memberships__in=others).distinct())


def organisations_of(user) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).order_by("name")


def sponsorship_requests_to_decide(user) -> QuerySet[SponsorshipRequest]:
    """Pending requests of the territories the person moderates (all of them for the platform team)."""
    qs = SponsorshipRequest.objects.filter(status=SponsorshipRequest.Status.PENDING).select_related(
        "organisation", "territory", "requested_by")
    if not user.is_superuser:
        qs = qs.filter(territory__roles__user=user, territory__roles__role=TerritoryRole.Role.MODERATOR)
    return qs.exclude(organisation__memberships__user=user).distinct().order_by("created_at")


def sponsorship_requests_pending_count(territory) -> int:
    """Requests to become a sponsor in the territory, waiting for a moderator's decision."""
    return SponsorshipRequest.objects.filter(territory=territory, status=SponsorshipRequest.Status.PENDING).count()


def sponsorship_requests_of(organisation: Organisation) -> QuerySet[SponsorshipRequest]:
    return organisation.sponsorship_requests.select_related("territory").order_by("-created_at")


def sole_admin_warnings(user) -> list[str]:
    """What the account deletion page says of the organisations the person alone runs (accounts.personal_data)."""
    names = [o.name for o in organisations_only_administered_by(user)]
    if not names:
        return []
    return [ngettext("Vous êtes la seule personne à administrer %(names)s : nommez un autre membre administrateur "
                     "avant de partir, sinon seule l'équipe de la plateforme pourra le faire.",
                     "Vous êtes la seule personne à administrer %(names)s : nommez un autre membre administrateur de "
                     "chacune avant de partir, sinon seule l'équipe de la plateforme pourra le faire.", len(names))
            % {"names": ", ".join(names)}]

from django.db.models import Count, QuerySet

from alleger.core import search

from .models import Membership, Organisation


def organisation_list(*, kind: str | None = None, q: str = "") -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("territory").annotate(member_count=Count("memberships"))
    if kind:
        qs = qs.filter(kind=kind)
    return search.matching(qs, q, ("name", "description")).order_by("name")


def organisation_members(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("role", "joined_at")


def organisations_of(user) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).order_by("name")

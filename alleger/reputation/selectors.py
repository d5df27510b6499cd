"""Reputation reads: points, level, grants. Computed from the facts each time (no cached score to drift)."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from . import levels
from .models import ReputationGrant


@dataclass
class Reputation:
    organised_done: int
    joined_done: int
    kits_published: int
    granted_level: int | None
    points: int
    points_level: int
    level: int

    @property
    def level_name(self) -> str:
        return levels.level_name(self.level)


def granted_level(user) -> int | None:
    """The floor set by the person's latest grant, if any."""
    grant = ReputationGrant.objects.filter(user=user).order_by("-created_at", "-pk").first()
    return grant.level if grant else None


def counted_participations(user, *, today=None) -> list:
    """The person's participations in done interventions that earn points (rules in `levels`).

    Each comes with `finished_at` and `role`; oldest first.
    """
    from alleger.interventions.models import Intervention, JournalPhoto, Participation

    today = today or timezone.localdate()
    someone_else = Participation.objects.filter(intervention=OuterRef("intervention")).exclude(user=user)
    photo = JournalPhoto.objects.filter(entry__intervention=OuterRef("intervention"))
    rows = (Participation.objects
            .filter(user=user, intervention__status=Intervention.Status.DONE,
                    intervention__finished_at__isnull=False, intervention__starts_on__lte=today)
            .filter(Q(intervention__ends_on__isnull=True) | Q(intervention__ends_on__lte=today))
            .filter(Exists(someone_else) | Exists(photo))
            .select_related("intervention").order_by("intervention__finished_at", "pk"))
    # Marked done before its start date (older data; the service now refuses it): it did not happen then.
    return [p for p in rows if timezone.localdate(p.intervention.finished_at) >= p.intervention.starts_on]


def _intervention_points(participations) -> int:
    from alleger.interventions.models import Participation

    by_day = defaultdict(int)
    for p in participations:
        by_day[timezone.localdate(p.intervention.finished_at)] += (
            levels.ORGANISED_DONE if p.role == Participation.Role.ORGANISER else levels.JOINED_DONE)
    return sum(min(points, levels.DAILY_CAP) for points in by_day.values())


def reputation_of(user) -> Reputation:
    from alleger.interventions.models import Participation
    from alleger.kits.models import Kit

    if user is None or not user.is_authenticated:
        return Reputation(0, 0, 0, None, 0, 0, 0)
    counted = counted_participations(user)
    organised = sum(1 for p in counted if p.role == Participation.Role.ORGANISER)
    joined = len(counted) - organised
    kits = Kit.objects.filter(author=user, status=Kit.Status.PUBLISHED).count()
    points = _intervention_points(counted) + kits * levels.KIT_PUBLISHED
    points_level = levels.level_from_points(points)
    granted = granted_level(user)
    return Reputation(organised_done=organised, joined_done=joined, kits_published=kits, granted_level=granted,
                      points=points, points_level=points_level, level=max(points_level, granted or 0))


def level_for(user) -> int:
    """The person's reputation level, 0..3: from their points, never below their latest grant."""
    return reputation_of(user).level


def grants_of(user) -> QuerySet[ReputationGrant]:
    return ReputationGrant.objects.filter(user=user).select_related("granted_by", "territory").order_by("-created_at", "-pk")

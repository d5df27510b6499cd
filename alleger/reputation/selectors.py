"""Reputation reads: points, level, grants. Computed from the facts each time (no cached score to drift)."""

from dataclasses import dataclass

from django.db.models import QuerySet

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

    @property
    def next_threshold(self) -> int | None:
        following = [lv.threshold for lv in levels.LEVELS if lv.number > self.points_level]
        return following[0] if following else None


def granted_level(user) -> int | None:
    """The floor set by the person's latest grant, if any."""
    grant = ReputationGrant.objects.filter(user=user).order_by("-at", "-pk").first()
    return grant.level if grant else None


def reputation_of(user) -> Reputation:
    from alleger.interventions.models import Intervention, Participation
    from alleger.kits.models import Kit

    if user is None or not user.is_authenticated:
        return Reputation(0, 0, 0, None, 0, 0, 0)
    done = Participation.objects.filter(user=user, intervention__status=Intervention.Status.DONE)
    organised = done.filter(role=Participation.Role.ORGANISER).count()
    joined = done.filter(role=Participation.Role.PARTICIPANT).count()
    kits = Kit.objects.filter(author=user, status=Kit.Status.PUBLISHED).count()
    points = (organised * levels.ORGANISED_DONE + joined * levels.JOINED_DONE
              + kits * levels.KIT_PUBLISHED)
    points_level = levels.level_from_points(points)
    granted = granted_level(user)
    return Reputation(organised_done=organised, joined_done=joined, kits_published=kits, granted_level=granted,
                      points=points, points_level=points_level, level=max(points_level, granted or 0))


def level_for(user) -> int:
    """The person's reputation level, 0..3: from their points, never below their latest grant."""
    return reputation_of(user).level


def grants_of(user) -> QuerySet[ReputationGrant]:
    return ReputationGrant.objects.filter(user=user).select_related("granted_by", "territory").order_by("-at", "-pk")

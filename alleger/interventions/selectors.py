"""Intervention reads for pages, includes and the API."""

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When

from alleger.core import search

from .models import Intervention, JournalEntry, Participation


def _base() -> QuerySet[Intervention]:
    return Intervention.objects.select_related("kit", "asset", "territory", "organiser", "organisation",
                                               "project").annotate(
        participants_count=Count("participations", distinct=True))


def intervention_search(*, territory=None, status: str | None = None, kit=None, asset=None,
                        bbox: tuple[float, float, float, float] | None = None, q: str = "") -> QuerySet[Intervention]:
    qs = _base()
    if territory is not None:
        qs = qs.filter(territory=territory)
    if status:
        qs = qs.filter(status=status)
    if kit is not None:
        qs = qs.filter(kit=kit)
    if asset is not None:
        qs = qs.filter(asset=asset)
    if bbox is not None:
        min_lon, min_lat, max_lon, max_lat = bbox
        qs = qs.filter(lon__gte=min_lon, lon__lte=max_lon, lat__gte=min_lat, lat__lte=max_lat)
    qs = search.matching(qs, q, ("title", "description", "kit__title"))
    return qs.order_by("-starts_on", "-pk")


def intervention_get(pk: int) -> Intervention:
    return _base().get(pk=pk)


def interventions_of_asset(asset) -> QuerySet[Intervention]:
    """The asset's history: every intervention on it (done ones stay), the active ones first, then the newest."""
    return intervention_search(asset=asset).annotate(rank=Case(
        When(status__in=Intervention.ACTIVE, then=Value(0)), default=Value(1), output_field=IntegerField(),
    )).order_by("rank", "-starts_on", "-pk")


def interventions_with_kit(kit) -> QuerySet[Intervention]:
    """Interventions made with a kit (abandoned ones left out), newest first."""
    return intervention_search(kit=kit).exclude(status=Intervention.Status.ABANDONED)


def interventions_of_project(project) -> QuerySet[Intervention]:
    return intervention_search().filter(project=project)


def participants(intervention) -> QuerySet[Participation]:
    return intervention.participations.select_related("user", "organisation").order_by("role", "joined_at")


def active_participants_on_asset(asset) -> int:
    """People currently intervening on the asset: participants of its planned and ongoing interventions."""
    return Participation.objects.filter(intervention__asset=asset,
                                        intervention__status__in=Intervention.ACTIVE).count()


def journal_of(intervention) -> QuerySet[JournalEntry]:
    return intervention.journal.select_related("author").prefetch_related("photos").order_by("created_at", "pk")


def participation_of(intervention, user) -> Participation | None:
    if not user.is_authenticated:
        return None
    return intervention.participations.filter(user=user).first()


def is_following(intervention, user) -> bool:
    return user.is_authenticated and intervention.followers.filter(pk=user.pk).exists()


def geojson(qs: QuerySet[Intervention], *, limit: int = 2000) -> dict:
    features = []
    for i in qs[:limit]:
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [i.lon, i.lat]},
            "properties": {"id": i.pk, "name": i.title, "status": i.status, "kit": i.kit.slug,
                           "asset": i.asset_id, "url": i.get_absolute_url()},
        })
    return {"type": "FeatureCollection", "features": features}


def linkable_projects(user):
    """Crowdfunding projects this person carries (holder, or admin of the carrying organisation)."""
    from django.db.models import Q

    from alleger.funding.models import Project
    from alleger.organisations.models import Membership

    if not user.is_authenticated:
        return Project.objects.none()
    return Project.objects.filter(
        Q(holder=user) | Q(organisation__memberships__user=user,
                           organisation__memberships__role=Membership.Role.ADMIN)
    ).exclude(status__in=[Project.Status.REFUSED, Project.Status.FAILED]).distinct().order_by("title")


def feed_items(territory, limit: int):
    """The territory's newest interventions (abandoned ones left out), for its news feed."""
    from django.utils.translation import gettext as _

    from alleger.discussions.selectors import without_hidden
    from alleger.territories.feeds import FeedItem

    interventions = without_hidden(Intervention.objects.filter(territory=territory)
                                   .exclude(status=Intervention.Status.ABANDONED))
    for intervention in interventions.select_related("organiser", "kit").order_by("-created_at")[:limit]:
        yield FeedItem(title=intervention.title, url=intervention.get_absolute_url(),
                       published_at=intervention.created_at, kind=_("Intervention"),
                       summary=f"{intervention.get_status_display()} — {intervention.kit.title}",
                       author=intervention.organiser.public_name)


def personal_interventions(user) -> list[dict]:
    """The interventions the person organised or joined, for their data export (accounts.personal_data)."""
    return [{"intervention": p.intervention.title, "url": p.intervention.get_absolute_url(), "role": p.role,
             "status": p.intervention.status, "starts_on": p.intervention.starts_on.isoformat()}
            for p in Participation.objects.filter(user=user).select_related("intervention").order_by("pk")]

from django.db.models import Count, QuerySet

from .geometry import contains
from .models import Neighbourhood, Territory, TerritoryRole


def territory_list() -> QuerySet[Territory]:
    return Territory.objects.annotate(neighbourhood_count=Count("neighbourhoods")).order_by("name")


def neighbourhood_list(territory: Territory) -> QuerySet[Neighbourhood]:
    return territory.neighbourhoods.order_by("name")


def neighbourhood_at(*, territory: Territory, lat: float, lon: float) -> Neighbourhood | None:
    """The neighbourhood of a territory that contains a point, if any.

    The bounding-box columns narrow the candidates in SQL; shapely decides.
    """
    candidates = territory.neighbourhoods.filter(
        min_lat__lte=lat, max_lat__gte=lat, min_lon__lte=lon, max_lon__gte=lon
    ).order_by("pk")
    for neighbourhood in candidates:
        if contains(neighbourhood.boundary, lat, lon):
            return neighbourhood
    return None


def territory_moderators(territory: Territory):
    return [r.user for r in territory.roles.filter(role=TerritoryRole.Role.MODERATOR).select_related("user")]

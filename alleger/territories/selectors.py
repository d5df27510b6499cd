from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from alleger.core.errors import Refused

from .geometry import contains
from .models import Neighbourhood, Territory, TerritoryRole


def territory_list() -> QuerySet[Territory]:
    return Territory.objects.annotate(neighbourhood_count=Count("neighbourhoods")).order_by("name")


def territory_named(slug: str) -> Territory:
    """The territory a request names by its slug; an unknown one is a 404 that says which (the API's filters)."""
    territory = Territory.objects.filter(slug=slug).first()
    if territory is None:
        raise Refused("not_found", _("Territoire inconnu : « %(slug)s ». Les territoires : "
                                             "/api/v1/territories.") % {"slug": slug[:80]}, status=404)
    return territory


def queue_url(name: str, request) -> str:
    """A moderation queue's address, filtered on the territory the request came from (`?territoire=`), so
    that deciding from a territory's queue goes back to it."""
    slug = request.GET.get("territoire", "")
    return reverse(name) + (f"?{urlencode({'territoire': slug})}" if slug else "")


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

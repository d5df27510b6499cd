"""What funding adds to the pages of the apps below it (registered in apps.py): the live overview's
campaigns and figures, a territory's projects, an organisation's contributions, the sponsor's menu link."""

from . import selectors
from .models import Offer, Project


def live(territory, limit: int) -> dict:
    return {
        "ending_soon": list(selectors.campaigns_ending_soon(territory)[:limit]),
        "calls": list(selectors.open_calls(territory)[:limit]),
        "figures": selectors.funding_figures(territory),
    }


def territory_section(request, territory) -> dict:
    return {
        "featured_themes": selectors.featured_themes(territory),
        "open_calls": selectors.open_calls(territory),
        "live_projects": selectors.project_list(territory=territory, status=Project.Status.PUBLISHED)[:6],
    }


def organisation_section(request, organisation) -> dict | None:
    """The contributions paid in the organisation's name: for its members only."""
    if not request.user.has_perm("organisations.act_for", organisation):
        return None
    return {"contributions": selectors.contributions_of_organisation(organisation)}


def is_sponsor(user) -> bool:
    return selectors.sponsor_organisations_of(user).exists()


def place_section(request, place) -> dict | None:
    """On a shared place's page: the projects its bookable resources are offered to (in-kind help)."""
    offers = list(Offer.objects.filter(resource__place=place, need__project__status__in=(
        Project.Status.PUBLISHED, Project.Status.SUCCEEDED)).exclude(
        status__in=(Offer.Status.DECLINED, Offer.Status.WITHDRAWN)).select_related(
        "need__project", "resource", "booking").order_by("slot_start"))
    return {"offers": offers} if offers else None

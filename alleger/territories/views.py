from django.shortcuts import get_object_or_404, render

from alleger.core.cache import public_page
from alleger.funding import selectors as funding_selectors
from alleger.funding.models import Project
from alleger.organisations.selectors import organisation_list

from . import selectors
from .models import Territory


@public_page
def territory_detail(request, slug):
    territory = get_object_or_404(Territory, slug=slug)
    neighbourhoods = list(selectors.neighbourhood_list(territory))
    features = [
        {"type": "Feature", "geometry": n.boundary, "properties": {"name": n.name}}
        for n in neighbourhoods
    ]
    if not features and territory.boundary:
        features = [{"type": "Feature", "geometry": territory.boundary, "properties": {"name": territory.name}}]
    return render(request, "territories/detail.html", {
        "territory": territory,
        "neighbourhoods": neighbourhoods,
        "geojson": {"type": "FeatureCollection", "features": features},
        "organisations": organisation_list().filter(territory=territory),
        "moderators": selectors.territory_moderators(territory),
        "can_moderate": request.user.has_perm("territories.moderate", territory),
        "featured_themes": funding_selectors.featured_themes(territory),
        "open_calls": funding_selectors.open_calls(territory),
        "live_projects": funding_selectors.project_list(territory=territory,
                                                        status=Project.Status.PUBLISHED)[:6],
    })

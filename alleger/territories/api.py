from ninja import Router, Schema

from . import selectors
from .models import Territory
from .selectors import territory_named

router = Router()


class RulesOut(Schema):
    max_goal_cents: int
    overfunding_cap_percent: float
    commission_percent: float
    campaign_min_days: int
    campaign_max_days: int
    contribution_types: list[str]


class NeighbourhoodOut(Schema):
    slug: str
    name: str
    boundary: dict


class TerritoryOut(Schema):
    slug: str
    name: str
    kind: str
    tagline: str
    url: str
    bbox: list[float] | None
    rules: RulesOut


class TerritoryDetailOut(TerritoryOut):
    description: str
    boundary: dict | None
    neighbourhoods: list[NeighbourhoodOut]


def _out(request, territory: Territory) -> dict:
    types = [name for name, allowed in (("donation", territory.allow_donation),
                                        ("reward", territory.allow_reward),
                                        ("loan", territory.allow_loan)) if allowed]
    return {
        "slug": territory.slug,
        "name": territory.name,
        "kind": territory.kind,
        "tagline": territory.tagline,
        "url": request.build_absolute_uri(territory.get_absolute_url()),
        "bbox": list(territory.bbox) if territory.bbox else None,
        "rules": {
            "max_goal_cents": territory.max_goal_cents,
            "overfunding_cap_percent": territory.overfunding_cap_bp / 100,
            "commission_percent": territory.commission_bp / 100,
            "campaign_min_days": territory.campaign_min_days,
            "campaign_max_days": territory.campaign_max_days,
            "contribution_types": types,
        },
    }


@router.get("", response=list[TerritoryOut])
def territory_list(request):
    """Every territory ("fenêtre territoriale") with the rules its projects follow."""
    return [_out(request, t) for t in selectors.territory_list()]


@router.get("/{slug}", response=TerritoryDetailOut)
def territory_detail(request, slug: str):
    """One territory, with its boundary and its neighbourhoods as GeoJSON."""
    territory = territory_named(slug)
    return {
        **_out(request, territory),
        "description": territory.description,
        "boundary": territory.boundary,
        "neighbourhoods": [
            {"slug": n.slug, "name": n.name, "boundary": n.boundary}
            for n in selectors.neighbourhood_list(territory)
        ],
    }

from django.db import transaction

from alleger.core.services import audit_record

from .geometry import polygon_from_geojson
from .models import Neighbourhood, Territory, TerritoryRole


def _bbox_fields(geometry) -> dict:
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    return {"min_lon": min_lon, "min_lat": min_lat, "max_lon": max_lon, "max_lat": max_lat}


@transaction.atomic
def territory_create(*, name: str, slug: str, kind: str = Territory.Kind.CITY, boundary: dict | None = None,
                     actor=None, **fields) -> Territory:
    territory = Territory(name=name, slug=slug, kind=kind, **fields)
    if boundary is not None:
        territory.boundary = boundary
        for key, value in _bbox_fields(polygon_from_geojson(boundary)).items():
            setattr(territory, key, value)
    territory.full_clean()
    territory.save()
    audit_record(actor=actor, action="territory.create", target=territory)
    return territory


@transaction.atomic
def neighbourhood_create(*, territory: Territory, name: str, slug: str, boundary: dict) -> Neighbourhood:
    geometry = polygon_from_geojson(boundary)
    neighbourhood = Neighbourhood(territory=territory, name=name, slug=slug, boundary=boundary,
                                  **_bbox_fields(geometry))
    neighbourhood.full_clean()
    neighbourhood.save()
    return neighbourhood


@transaction.atomic
def territory_role_grant(*, territory: Territory, user, role: str, actor=None) -> TerritoryRole:
    grant, created = TerritoryRole.objects.get_or_create(territory=territory, user=user, role=role)
    if created:
        audit_record(actor=actor, action="territory.role_grant", target=territory, user=user.pk, role=role)
    return grant


@transaction.atomic
def territory_role_revoke(*, territory: Territory, user, role: str, actor=None) -> None:
    deleted, _ = TerritoryRole.objects.filter(territory=territory, user=user, role=role).delete()
    if deleted:
        audit_record(actor=actor, action="territory.role_revoke", target=territory, user=user.pk, role=role)

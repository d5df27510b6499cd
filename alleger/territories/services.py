from collections.abc import Iterable

from django.db import transaction

from alleger.core.services import audit_record

from .geometry import polygon_from_geojson
from .models import Neighbourhood, Territory, TerritoryRole


def _bbox_fields(geometry) -> dict:
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    return {"min_lon": min_lon, "min_lat": min_lat, "max_lon": max_lon, "max_lat": max_lat}


def _with_bbox(place: Territory | Neighbourhood) -> None:
    """Check the boundary and keep the bounding-box columns in step with it (none without a boundary)."""
    if place.boundary:
        bounds = _bbox_fields(polygon_from_geojson(place.boundary))
    else:
        bounds = dict.fromkeys(("min_lon", "min_lat", "max_lon", "max_lat"))
    for key, value in bounds.items():
        setattr(place, key, value)


@transaction.atomic
def territory_create(*, name: str, slug: str, kind: str = Territory.Kind.CITY, boundary: dict | None = None,
                     actor=None, **fields) -> Territory:
    territory = Territory(name=name, slug=slug, kind=kind, boundary=boundary, **fields)
    _with_bbox(territory)
    territory.full_clean()
    territory.save()
    audit_record(actor=actor, action="territory.create", target=territory)
    return territory


@transaction.atomic
def territory_save(*, territory: Territory, actor, changed: Iterable[str]) -> Territory:
    """Save a territory edited field by field (the admin's form): its boundary checked, its bounding box
    recomputed, the names of the changed fields audited (its rules are money rules)."""
    created = territory.pk is None
    _with_bbox(territory)
    territory.full_clean()
    territory.save()
    audit_record(actor=actor, action="territory.create" if created else "territory.update", target=territory,
                 fields=sorted(changed))
    return territory


@transaction.atomic
def neighbourhood_create(*, territory: Territory, name: str, slug: str, boundary: dict) -> Neighbourhood:
    neighbourhood = Neighbourhood(territory=territory, name=name, slug=slug, boundary=boundary)
    _with_bbox(neighbourhood)
    neighbourhood.full_clean()
    neighbourhood.save()
    return neighbourhood


@transaction.atomic
def neighbourhood_save(*, neighbourhood: Neighbourhood, actor, changed: Iterable[str]) -> Neighbourhood:
    """Save a neighbourhood edited field by field: its boundary checked, its bounding box recomputed; audited."""
    created = neighbourhood.pk is None
    _with_bbox(neighbourhood)
    neighbourhood.full_clean()
    neighbourhood.save()
    audit_record(actor=actor, action="neighbourhood.create" if created else "neighbourhood.update",
                 target=neighbourhood.territory, neighbourhood=neighbourhood.pk, fields=sorted(changed))
    return neighbourhood


@transaction.atomic
def neighbourhood_delete(*, neighbourhood: Neighbourhood, actor) -> None:
    audit_record(actor=actor, action="neighbourhood.delete", target=neighbourhood.territory,
                 neighbourhood=neighbourhood.pk, name=neighbourhood.name)
    neighbourhood.delete()


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

"""Interventions API: list, detail, declare, join and leave, journal, GeoJSON for the map.

Refusals are `{code, message}` with a 4xx status (codes and statuses in alleger/interventions/services.py):
asset_full, level_too_low, private_not_allowed, charter_not_accepted,
asset_closed, intervention_over, already_participant…
"""

import json
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from alleger.accounts.auth import AUTH, PUBLIC
from alleger.assets.models import Asset
from alleger.core.api import ErrorOut, Page, api_enum
from alleger.core.errors import Refused
from alleger.core.location import parse_bbox
from alleger.core.ratelimit import limit
from alleger.funding.models import Project
from alleger.kits.models import Kit
from alleger.organisations.models import Organisation
from alleger.territories.models import Territory
from alleger.territories.selectors import territory_named

from . import selectors, services
from .models import Intervention

router = Router()
geojson_router = Router()

InterventionStatus = api_enum(Intervention.Status, "InterventionStatus")


class InterventionOut(Schema):
    id: int
    title: str
    status: str
    kit: str
    asset: int | None
    territory: str
    lat: float
    lon: float
    starts_on: date
    ends_on: date | None
    organiser: str
    organisation: str | None
    private_actor: bool
    participants_count: int
    max_participants: int | None
    project: str | None
    url: str


class ParticipantOut(Schema):
    name: str
    role: str
    organisation: str | None
    charter_accepted_at: datetime


class PhotoOut(Schema):
    url: str
    alt: str


class JournalEntryOut(Schema):
    id: int
    author: str | None
    text: str
    created_at: datetime
    photos: list[PhotoOut]


class InterventionDetailOut(InterventionOut):
    description: str
    participants: list[ParticipantOut]
    journal: list[JournalEntryOut]


class InterventionFilters(Page):
    territory: str | None = None
    status: InterventionStatus | None = None
    kit: str | None = None
    asset: int | None = None
    q: str = Field("", max_length=100, description="Words searched in the title, description and kit, "
                   "accents and case ignored.")


class DeclareIn(Schema):
    kit: str
    title: str = Field(..., max_length=150)
    description: str = Field(..., max_length=20_000)
    starts_on: date
    ends_on: date | None = None
    asset: int | None = None
    territory: str | None = None
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    organisation: str | None = None
    project: str | None = None
    charter_accepted: bool = False


class JoinIn(Schema):
    charter_accepted: bool = False
    organisation: str | None = None


class JournalIn(Schema):
    text: str = Field(..., max_length=20_000)


def _out(request, i: Intervention) -> dict:
    return {
        "id": i.pk, "title": i.title, "status": i.status, "kit": i.kit.slug, "asset": i.asset_id,
        "territory": i.territory.slug, "lat": i.lat, "lon": i.lon, "starts_on": i.starts_on, "ends_on": i.ends_on,
        "organiser": i.organiser.public_name, "organisation": i.organisation.slug if i.organisation else None,
        "private_actor": services.is_private_actor(i.organisation),
        "participants_count": getattr(i, "participants_count", None) or i.participations.count(),
        "max_participants": i.asset.max_participants if i.asset else None,
        "project": i.project.slug if i.project else None,
        "url": request.build_absolute_uri(i.get_absolute_url()),
    }


def _detail(request, pk: int) -> dict:
    try:
        i = selectors.intervention_get(pk)
    except Intervention.DoesNotExist:
        raise Http404 from None
    return {
        **_out(request, i),
        "description": i.description,
        "participants": [{"name": p.user.public_name, "role": p.role,
                          "organisation": p.organisation.slug if p.organisation else None,
                          "charter_accepted_at": p.charter_accepted_at} for p in selectors.participants(i)],
        "journal": [{"id": e.pk, "author": e.author.public_name if e.author else None, "text": e.text,
                     "created_at": e.created_at,
                     "photos": [{"url": request.build_absolute_uri(p.image.url), "alt": p.alt}
                                for p in e.photos.all()]} for e in selectors.journal_of(i)],
    }


def _intervention(pk: int) -> Intervention:
    return get_object_or_404(Intervention.objects.select_related("kit", "territory"), pk=pk)


def _organisation(slug: str | None) -> Organisation | None:
    if not slug:
        return None
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Refused("unknown_organisation", _("Organisation inconnue."))
    return organisation


@router.get("", response=list[InterventionOut], auth=PUBLIC)
def intervention_list(request, filters: Query[InterventionFilters]):
    """Interventions, newest first; filters: territory (slug), status, kit (slug), asset (id)."""
    territory = territory_named(filters.territory) if filters.territory else None
    kit = get_object_or_404(Kit, slug=filters.kit) if filters.kit else None
    asset = get_object_or_404(Asset, pk=filters.asset) if filters.asset is not None else None
    qs = selectors.intervention_search(territory=territory, status=filters.status, kit=kit, asset=asset,
                                       q=filters.q)
    return [_out(request, i) for i in filters.of(qs)]


@router.get("/{int:intervention_id}", response=InterventionDetailOut, auth=PUBLIC)
def intervention_detail(request, intervention_id: int):
    return _detail(request, intervention_id)


@router.post("", response={201: InterventionDetailOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut}, auth=AUTH)
@limit("intervention")
def intervention_declare(request, payload: DeclareIn):
    """Declare an intervention on an asset (`asset`) or at a free point (`territory`, `lat`, `lon`)
    with a published kit; `charter_accepted` must be true."""
    if not request.user.has_perm("interventions.declare_intervention"):
        raise PermissionDenied
    kit = Kit.objects.filter(slug=payload.kit).first()
    if kit is None:
        raise Refused("kit_not_published", _("Choisissez un kit publié."))
    asset = None
    if payload.asset is not None:
        asset = Asset.objects.filter(pk=payload.asset).first()
        if asset is None:
            raise Refused("unknown_asset", _("Dispositif inconnu."))
    territory = None
    if payload.territory:
        territory = Territory.objects.filter(slug=payload.territory).first()
        if territory is None:
            raise Refused("unknown_territory", _("Territoire inconnu."))
    project = None
    if payload.project:
        project = Project.objects.filter(slug=payload.project).first()
        if project is None:
            raise Refused("unknown_project", _("Projet inconnu."))
    intervention = services.intervention_declare(
        organiser=request.user, kit=kit, asset=asset, territory=territory, lat=payload.lat, lon=payload.lon,
        title=payload.title, description=payload.description, starts_on=payload.starts_on, ends_on=payload.ends_on,
        organisation=_organisation(payload.organisation), project=project,
        charter_accepted=payload.charter_accepted)
    return Status(201, _detail(request, intervention.pk))


@router.post("/{int:intervention_id}/participants", response={201: InterventionDetailOut, 400: ErrorOut,
                                                               403: ErrorOut, 409: ErrorOut}, auth=AUTH)
def intervention_join(request, intervention_id: int, payload: JoinIn):
    """Join an intervention; `charter_accepted` must be true. Refusals: asset_full (409), level_too_low (403),
    private_not_allowed (403), charter_not_accepted (400), asset_closed (409), intervention_over (409),
    already_participant (409)."""
    intervention = _intervention(intervention_id)
    services.intervention_join(intervention=intervention, user=request.user,
                               organisation=_organisation(payload.organisation),
                               charter_accepted=payload.charter_accepted)
    return Status(201, _detail(request, intervention.pk))


@router.delete("/{int:intervention_id}/participants", response={204: None, 404: ErrorOut, 409: ErrorOut},
               auth=AUTH)
def intervention_leave(request, intervention_id: int):
    """Leave an intervention you joined; your place on the asset is free again."""
    services.intervention_leave(intervention=_intervention(intervention_id), user=request.user)
    return Status(204, None)


@router.post("/{int:intervention_id}/journal", response={201: JournalEntryOut, 400: ErrorOut, 403: ErrorOut},
             auth=AUTH)
@limit("journal")
def journal_add(request, intervention_id: int, payload: JournalIn):
    """Add a text entry to the journal (organiser and participants)."""
    intervention = _intervention(intervention_id)
    if not request.user.has_perm("interventions.add_journal_entry", intervention):
        raise PermissionDenied
    entry = services.journal_add(intervention=intervention, author=request.user, text=payload.text)
    return Status(201, {"id": entry.pk, "author": request.user.public_name, "text": entry.text,
                        "created_at": entry.created_at, "photos": []})


@geojson_router.get("", auth=PUBLIC)
def interventions_geojson(request, bbox: str | None = None, status: InterventionStatus | None = None,
                          kit: str | None = None, territory: str | None = None):
    """RFC 7946 GeoJSON of interventions (done ones included): `bbox=minlon,minlat,maxlon,maxlat`.

    A malformed or inverted box answers 400 `{"code": "invalid_bbox", "message": …}`, as the assets' map does.
    """
    qs = selectors.intervention_search(
        territory=territory_named(territory) if territory else None, status=status,
        kit=get_object_or_404(Kit, slug=kit) if kit else None, bbox=parse_bbox(bbox) if bbox else None)
    if not status:
        qs = qs.exclude(status=Intervention.Status.ABANDONED)  # the map shows what is, was and will be done
    return HttpResponse(json.dumps(selectors.geojson(qs)), content_type="application/geo+json")

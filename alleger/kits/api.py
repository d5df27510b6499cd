"""Kits API: search published kits, read one with its versions, write drafts and submit them."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from alleger.accounts.auth import AUTH, OPTIONAL_AUTH, PUBLIC
from alleger.core.api import Pagination, api_enum
from alleger.core.ratelimit import limit
from alleger.territories.models import Territory

from . import selectors, services
from .models import SECTION_MAX_LENGTH, Kit

router = Router()

KitCategory = api_enum(Kit.Category, "KitCategory")
KitAxis = api_enum(Kit.Axis, "KitAxis")
KitDuration = api_enum(Kit.Duration, "KitDuration")
KitFrequency = api_enum(Kit.Frequency, "KitFrequency")


class KitOut(Schema):
    id: int
    slug: str
    title: str
    summary: str
    territory: str | None
    status: str
    category: str
    axis: str
    level: int
    group_size: str
    duration: str
    frequency: str
    forked_from: str | None
    published_at: datetime | None
    url: str


class ImageOut(Schema):
    url: str
    alt: str
    step: int | None


class KitDetailOut(KitOut):
    sections: dict[str, str]
    images: list[ImageOut]
    versions_count: int


class VersionOut(Schema):
    number: int
    author: str | None
    created_at: datetime
    note: str
    reverted_from: int | None


class KitFilters(Schema):
    q: str = Field("", max_length=100, description="Words searched in the title, summary and steps, "
                   "accents and case ignored.")
    territory: str | None = None
    category: KitCategory | None = None
    axis: KitAxis | None = None
    level: int | None = Field(None, ge=1, le=3)


class KitIn(Schema):
    title: str = Field(max_length=150)
    summary: str = Field(max_length=300)
    category: KitCategory
    axis: KitAxis
    level: int = Field(1, ge=1, le=3)
    territory: str | None = Field(None, description="Territory slug; empty for a kit valid everywhere.")
    group_size: str = ""
    duration: KitDuration = KitDuration.TEMPORARY
    frequency: KitFrequency = KitFrequency.OCCASIONAL
    allowed: str = Field("", max_length=SECTION_MAX_LENGTH)
    steps: str = Field("", max_length=SECTION_MAX_LENGTH)
    procedures: str = Field("", max_length=SECTION_MAX_LENGTH)
    rules: str = Field("", max_length=SECTION_MAX_LENGTH)
    responsibilities: str = Field("", max_length=SECTION_MAX_LENGTH)
    design_guidelines: str = Field("", max_length=SECTION_MAX_LENGTH)
    tools: str = Field("", max_length=SECTION_MAX_LENGTH)
    note: str = Field("", max_length=200)


class KitPatch(Schema):
    title: str | None = Field(None, max_length=150)
    summary: str | None = Field(None, max_length=300)
    category: KitCategory | None = None
    axis: KitAxis | None = None
    level: int | None = Field(None, ge=1, le=3)
    group_size: str | None = None
    duration: KitDuration | None = None
    frequency: KitFrequency | None = None
    allowed: str | None = Field(None, max_length=SECTION_MAX_LENGTH)
    steps: str | None = Field(None, max_length=SECTION_MAX_LENGTH)
    procedures: str | None = Field(None, max_length=SECTION_MAX_LENGTH)
    rules: str | None = Field(None, max_length=SECTION_MAX_LENGTH)
    responsibilities: str | None = Field(None, max_length=SECTION_MAX_LENGTH)
    design_guidelines: str | None = Field(None, max_length=SECTION_MAX_LENGTH)
    tools: str | None = Field(None, max_length=SECTION_MAX_LENGTH)
    note: str = Field("", max_length=200)


def _out(request: HttpRequest, kit: Kit, *, detail: bool = False) -> dict:
    data = {
        "id": kit.pk, "slug": kit.slug, "title": kit.title, "summary": kit.summary,
        "territory": kit.territory.slug if kit.territory_id else None, "status": kit.status,
        "category": kit.category, "axis": kit.axis, "level": kit.level, "group_size": kit.group_size,
        "duration": kit.duration, "frequency": kit.frequency,
        "forked_from": kit.forked_from.slug if kit.forked_from_id else None,
        "published_at": kit.published_at, "url": request.build_absolute_uri(kit.get_absolute_url()),
    }
    if detail:
        data["sections"] = {name: getattr(kit, name) for name in Kit.SECTIONS}
        data["images"] = [{"url": request.build_absolute_uri(p.image.url), "alt": p.alt, "step": p.step}
                          for p in kit.images.all()]
        data["versions_count"] = kit.versions.count()
    return data


def _kit_for(request, slug: str, perm: str) -> Kit:
    kit = get_object_or_404(Kit.objects.select_related("territory", "forked_from"), slug=slug)
    if not request.user.has_perm(perm, kit):
        # A kit one may not see does not exist, as on the pages.
        if perm != "kits.view_kit" and request.user.has_perm("kits.view_kit", kit):
            raise PermissionDenied
        raise Http404
    return kit


@router.get("", response=list[KitOut], auth=PUBLIC)
@paginate(Pagination)
def kit_list(request, filters: Query[KitFilters]):
    """Published kits; `territory` keeps the kits valid everywhere as well."""
    territory = get_object_or_404(Territory, slug=filters.territory) if filters.territory else None
    kits = selectors.kit_search(q=filters.q, axis=filters.axis, category=filters.category, level=filters.level,
                                territory=territory).select_related("forked_from")
    return [_out(request, kit) for kit in kits]


@router.get("/{slug}", response=KitDetailOut, auth=OPTIONAL_AUTH)
def kit_get(request, slug: str):
    return _out(request, _kit_for(request, slug, "kits.view_kit"), detail=True)


@router.get("/{slug}/versions", response=list[VersionOut], auth=OPTIONAL_AUTH)
def kit_version_list(request, slug: str):
    kit = _kit_for(request, slug, "kits.view_kit")
    return [{"number": v.number, "author": v.author.public_name if v.author_id else None,
             "created_at": v.created_at, "note": v.note, "reverted_from": v.reverted_from}
            for v in selectors.kit_versions(kit)]


@router.post("", response={201: KitDetailOut}, auth=AUTH)
@limit("kit")
def kit_create(request, payload: KitIn):
    """Write a draft kit (submit it for review with `POST /kits/{slug}/submit`)."""
    if not request.user.has_perm("kits.add_kit"):
        raise PermissionDenied
    data = payload.dict()
    slug = data.pop("territory")
    territory = get_object_or_404(Territory, slug=slug) if slug else None
    kit = services.kit_create(author=request.user, territory=territory, **data)
    return Status(201, _out(request, kit, detail=True))


@router.patch("/{slug}", response=KitDetailOut, auth=AUTH)
def kit_update(request, slug: str, payload: KitPatch):
    """Change a kit's content; each change is a new version."""
    kit = _kit_for(request, slug, "kits.change_kit")
    changes = payload.dict(exclude_none=True)
    kit = services.kit_update(kit=kit, actor=request.user, **changes)
    return _out(request, kit, detail=True)


@router.post("/{slug}/submit", response=KitDetailOut, auth=AUTH)
def kit_submit(request, slug: str):
    kit = _kit_for(request, slug, "kits.submit_kit")
    return _out(request, services.kit_submit(kit=kit, actor=request.user), detail=True)

"""Reports in the JSON API (/api/v1/reports): public reads, authenticated creation."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from alleger.accounts.auth import AUTH, PUBLIC
from alleger.core.api import Page, api_enum
from alleger.core.ratelimit import limit
from alleger.territories.selectors import territory_named

from . import selectors, services
from .models import Report, ReportCategory

router = Router()

ReportStatus = api_enum(Report.Status, "ReportStatus")


class ReportOut(Schema):
    id: int
    territory: str
    category: str
    category_name: str
    service: str
    status: str
    open311_status: str
    description: str
    lat: float | None
    lon: float | None
    address: str
    neighbourhood: str | None
    photo_url: str | None
    reporter_name: str | None = Field(None, description="Only when the reporter chose to show their name.")
    duplicate_of: int | None
    status_notes: str
    created_at: datetime
    updated_at: datetime
    url: str


class UpdateOut(Schema):
    status: str
    note: str
    created_at: datetime


class ReportDetailOut(ReportOut):
    attributes: dict
    timeline: list[UpdateOut]
    suggested_kits: list[str]
    possible_duplicates: list[int]


def _out(request, report: Report) -> dict:
    return {
        "id": report.pk, "territory": report.territory.slug, "category": report.category.service_code,
        "category_name": report.category.name, "service": report.category.service_name, "status": report.status,
        "open311_status": report.open311_status, "description": report.description, "lat": report.lat,
        "lon": report.lon, "address": report.address,
        "neighbourhood": report.neighbourhood.slug if report.neighbourhood else None,
        "photo_url": request.build_absolute_uri(report.photo.url) if report.photo else (report.media_url or None),
        "reporter_name": report.public_reporter_name(), "duplicate_of": report.duplicate_of_id,
        "status_notes": report.status_notes, "created_at": report.created_at, "updated_at": report.updated_at,
        "url": request.build_absolute_uri(report.get_absolute_url()),
    }


class ReportFilters(Page):
    territory: str | None = None
    status: ReportStatus | None = None
    category: str | None = Field(None, description="a category's service_code")
    q: str = Field("", max_length=100, description="Words searched in the description, address and category, "
                   "accents and case ignored.")


@router.get("", response=list[ReportOut], auth=PUBLIC)
def report_list(request, filters: Query[ReportFilters]):
    """Reports, newest first. The reporter's identity is never listed unless they chose to show their name."""
    territory = territory_named(filters.territory) if filters.territory else None
    qs = selectors.report_list(territory=territory, status=filters.status, category=filters.category,
                               q=filters.q)
    return [_out(request, r) for r in filters.of(qs.select_related("reporter"))]


@router.get("/{int:report_id}", response=ReportDetailOut, auth=PUBLIC)
def report_detail(request, report_id: int):
    report = get_object_or_404(Report.objects.select_related("territory", "category", "neighbourhood", "reporter"),
                               pk=report_id)
    if not request.user.has_perm("reports.view_report", report):
        raise PermissionDenied
    suggestions = selectors.suggestions_for(report)
    return {
        **_out(request, report),
        "attributes": report.attributes,
        "timeline": [{"status": u.status, "note": u.note, "created_at": u.created_at}
                     for u in selectors.report_timeline(report)],
        "suggested_kits": [kit.slug for kit in suggestions.kits],
        "possible_duplicates": [other.pk for _, other in suggestions.duplicates],
    }


class ReportIn(Schema):
    territory: str
    category: str = Field(..., description="the category's service_code")
    description: str = Field(..., max_length=4000)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    address: str = Field("", max_length=250)
    attributes: dict[str, str | list[str]] = {}
    show_name: bool = False


@router.post("", response={201: ReportDetailOut}, auth=AUTH)
@limit("report")
def report_create(request, payload: ReportIn):
    """Report a problem; it is routed to the service in charge of the category."""
    if not request.user.has_perm("reports.add_report"):
        raise PermissionDenied
    territory = territory_named(payload.territory)
    category = ReportCategory.objects.filter(territory=territory, service_code=payload.category).first()
    report = services.report_create(
        territory=territory, category=category, reporter=request.user, description=payload.description,
        lat=payload.lat, lon=payload.lon, address=payload.address, attributes=payload.attributes,
        show_name=payload.show_name, source=Report.Source.API)
    return Status(201, report_detail(request, report.pk))

"""The cell's API: challenges (with their responses and progress) and the daily metrics. Public, read-only."""

from datetime import date
from typing import Literal

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from alleger.accounts.auth import PUBLIC
from alleger.core.api import ErrorOut, Page
from alleger.territories.models import Neighbourhood
from alleger.territories.selectors import territory_named

from . import challenges as selectors
from .metrics import DEFINITIONS
from .models import Challenge, ChallengeResponse, Metric, ResponseKind

challenges_router = Router()
metrics_router = Router()

PublicStatus = Literal["open", "closed"]
Kind = Literal[tuple(ResponseKind.values)]  # type: ignore[valid-type]
MetricKey = Literal[tuple(DEFINITIONS)]  # type: ignore[valid-type]


class ChallengeFilters(Page):
    territory: str | None = Field(None, description="a territory's slug")
    status: PublicStatus | None = Field(None, description="open or closed (drafts are never listed)")


class ChallengeOut(Schema):
    id: int
    title: str
    territory: str
    neighbourhoods: list[str] = Field(description="slugs of the neighbourhoods concerned")
    status: PublicStatus
    starts_on: date
    ends_on: date
    url: str


class ProgressOut(Schema):
    raised_cents: int = Field(description="projects: pledged + matched; calls: of their projects; pools: matches")
    goal_cents: int
    backers: int
    interventions_done: int = Field(description="intervention: 1 once done; kit: done on the territory since the "
                                                "challenge started")
    interventions_planned: int
    projects: int = Field(description="calls: their published projects")
    supports: int = Field(description="proposals: their supports")
    status: str = Field(description="the object's own status, in words")


class ResponseOut(Schema):
    id: int
    kind: Kind
    object_id: int
    title: str
    url: str | None
    status: Literal["accepted"] = Field(description="only accepted responses are public")
    note: str
    progress: ProgressOut


class WorkshopOut(Schema):
    held_at: str
    ends_at: str | None
    place_name: str = Field(description="the shared place's name when the workshop is in one of its rooms")
    place_url: str = Field(description="the shared place's page on this site, or a link given by the cell")
    place_id: int | None = Field(description="the shared place (GET /api/v1/places/{id}), when in one of its rooms")
    room: str | None = Field(description="the room booked in the shared place, if any")
    participants_count: int | None
    participants: str
    minutes: str = Field(description="Markdown")
    cancelled_at: str | None = Field(description="when the cell called it off (it will not take place); null if not")
    cancel_reason: str = Field(description="why it was called off, if said")


class SeriesOut(Schema):
    name: str
    unit: str
    points: list[dict] = Field(description="[{day, neighbourhood (slug or null), value (number)}]")


class SummaryOut(Schema):
    responses: int
    raised_cents: int
    backers: int
    interventions_done: int
    kits_used: int


class ChallengeDetailOut(ChallengeOut):
    problem: str = Field(description="Markdown")
    indicators: str
    workshops: list[WorkshopOut]
    responses: list[ResponseOut]
    summary: SummaryOut
    series: list[SeriesOut]


def _out(request, c: Challenge) -> dict:
    return {"id": c.pk, "title": c.title, "territory": c.territory.slug, "status": c.status,
            "neighbourhoods": sorted(n.slug for n in c.neighbourhoods.all()), "starts_on": c.starts_on,
            "ends_on": c.ends_on, "url": request.build_absolute_uri(c.get_absolute_url())}


def _workshop_out(request, w) -> dict:
    place = w.room.place if w.room_id else None
    return {"held_at": w.held_at.isoformat(), "ends_at": w.ends_at.isoformat() if w.ends_at else None,
            "place_name": place.name if place else w.place_name,
            "place_url": request.build_absolute_uri(place.get_absolute_url()) if place else w.place_url,
            "place_id": place.pk if place else None, "room": w.room.name if place else None,
            "participants_count": w.participants_count, "participants": w.participants, "minutes": w.minutes,
            "cancelled_at": w.cancelled_at.isoformat() if w.cancelled_at else None, "cancel_reason": w.cancel_reason}


@challenges_router.get("", response=list[ChallengeOut], auth=PUBLIC, summary="Challenges (défis urbains)")
def challenge_list(request, filters: Query[ChallengeFilters]):
    """Open and closed challenges, newest first; drafts are never listed."""
    territory = territory_named(filters.territory) if filters.territory else None
    qs = selectors.public_challenges(territory=territory, status=filters.status)
    return [_out(request, c) for c in filters.of(qs)]


@challenges_router.get("/{int:challenge_id}", response={200: ChallengeDetailOut, 404: ErrorOut}, auth=PUBLIC,
                       summary="One challenge, its accepted responses with their progress, workshops and series")
def challenge_get(request, challenge_id: int):
    challenge = get_object_or_404(selectors.public_challenges(), pk=challenge_id)
    items = [r for r in selectors.responses(challenge) if r.status == ChallengeResponse.Status.ACCEPTED]
    found, summary = selectors.progress(challenge, items)
    responses = []
    for r in items:
        target = r.target
        responses.append({"id": r.pk, "kind": r.kind, "object_id": r.target_id, "title": str(target),
                          "url": request.build_absolute_uri(r.url) if r.url else None,
                          "status": r.status, "note": r.note, "progress": found[r.pk].__dict__})
    series = []
    points = {}
    for s in challenge.series.all():
        series.append({"name": s.name, "unit": s.unit, "points": points.setdefault(s.pk, [])})
    for p in (selectors.IndicatorPoint.objects.filter(series__challenge=challenge)
              .select_related("neighbourhood").order_by("day", "pk")):
        points.get(p.series_id, []).append({"day": p.day.isoformat(), "neighbourhood": p.neighbourhood.slug
                                            if p.neighbourhood_id else None, "value": p.value_milli / 1000})
    return {**_out(request, challenge), "problem": challenge.problem, "indicators": challenge.indicators,
            "workshops": [_workshop_out(request, w) for w in challenge.workshops.select_related("room__place")],
            "responses": responses, "summary": {k: getattr(summary, k) for k in SummaryOut.model_fields},
            "series": series}


# --- metrics ------------------------------------------------------------------------------------------

class MetricFilters(Page):
    territory: str | None = Field(None, description="a territory's slug (all territories when absent)")
    neighbourhood: str | None = Field(None, description="a neighbourhood's slug; `none` for the figures outside "
                                                        "any neighbourhood; absent for all rows")
    key: MetricKey | None = Field(None, description="one indicator (see the enum; the dashboard's glossary "
                                                    "explains each)")
    from_: date | None = Field(None, alias="from", description="first day (YYYY-MM-DD), included")
    to: date | None = Field(None, description="last day (YYYY-MM-DD), included")


class MetricOut(Schema):
    day: date
    territory: str
    neighbourhood: str | None
    key: MetricKey
    dimension: str = Field(description="a report category's code, a sponsor's, a kit's or a place's id, or empty")
    value: int = Field(description="a count, cents, hours or minutes, as the key's unit says")
    unit: Literal["count", "cents", "hours", "minutes"]


METRICS_DOC = ("The rows the metrics job computed, one per (territory, day, neighbourhood, key, dimension), oldest "
               "first, paginated by `limit` and `offset`. Keys and their units: "
               + "; ".join(f"`{d.key}` ({d.unit})" for d in DEFINITIONS.values()) + ".")


@metrics_router.get("", response={200: list[MetricOut], 404: ErrorOut}, auth=PUBLIC,
                    summary="Daily metrics (the dashboards' rows)", description=METRICS_DOC)
def metric_list(request, filters: Query[MetricFilters]):
    qs = (Metric.objects.filter(key__in=list(DEFINITIONS)).select_related("territory", "neighbourhood")
          .order_by("day", "territory_id", "key", "dimension", "pk"))
    if filters.territory:
        qs = qs.filter(territory=territory_named(filters.territory))
    if filters.neighbourhood == "none":
        qs = qs.filter(neighbourhood=None)
    elif filters.neighbourhood:
        hoods = Neighbourhood.objects.filter(slug=filters.neighbourhood)
        if filters.territory:
            hoods = hoods.filter(territory__slug=filters.territory)
        if not hoods.exists():
            raise Http404
        qs = qs.filter(neighbourhood__in=hoods)
    if filters.key:
        qs = qs.filter(key=filters.key)
    if filters.from_:
        qs = qs.filter(day__gte=filters.from_)
    if filters.to:
        qs = qs.filter(day__lte=filters.to)
    return [{"day": m.day, "territory": m.territory.slug,
             "neighbourhood": m.neighbourhood.slug if m.neighbourhood_id else None, "key": m.key,
             "dimension": m.dimension, "value": m.value, "unit": DEFINITIONS[m.key].unit} for m in filters.of(qs)]

"""The watch in the API (/api/v1/watch/…): the feed and its filters, the rising signals, the cell's actions,
and the person's saved watches. Reserved, as the pages are, to the territory's innovation cell (and its
moderators for reading); the errors are the API's `{code, message}`."""

from __future__ import annotations

import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError
from ninja.responses import Status

from alleger.accounts.auth import AUTH
from alleger.organisations.models import Organisation
from alleger.territories.models import Territory

from . import traction, watch, watch_services
from .models import CellAction, SavedWatch
from .watch_forms import WatchFilterForm

router = Router()

KindName = Literal[tuple(watch.KINDS)]  # type: ignore[valid-type]
ActionKind = Literal[tuple(CellAction.Kind.values)]  # type: ignore[valid-type]
Frequency = Literal[tuple(SavedWatch.Frequency.values)]  # type: ignore[valid-type]


#: The watch merges every kind by date, so a page costs its depth: it is paged as the site pages it.
MAX_PAGE = watch.MAX_OFFSET // watch.PAGE_SIZE + 1


class WatchFilters(Schema):
    neighbourhood: str | None = Field(None, description="a neighbourhood's slug")
    theme: str | None = Field(None, description="a theme's slug (projects and contributions only have one)")
    kind: list[KindName] = Field(default_factory=list, description="kinds of item (repeat the parameter); all by default")
    since: datetime.date | None = None
    until: datetime.date | None = None
    page: int = Field(1, ge=1, le=MAX_PAGE, description=f"pages of {watch.PAGE_SIZE} items, as on the site; "
                      f"deeper than page {MAX_PAGE}, narrow the filters")


class SignalOut(Schema):
    key: str = Field(description="velocity, supports, followers, kit_use, report_cluster, "
                                 "occupancy…")
    target: str = Field(description="the item it is about, e.g. funding.project:12")
    title: str
    url: str
    neighbourhood: str
    strength: float = Field(description="the ratio the signal is about; the rising view sorts by it")
    rising: bool
    explanation: str = Field(description="the signal in plain words")
    method: str = Field(description="how it was computed")


class ItemOut(Schema):
    kind: str
    kind_label: str
    event: str
    date: datetime.datetime
    title: str
    url: str
    neighbourhood: str
    summary: str
    target: str | None = Field(description="what the cell may act on (POST …/actions), e.g. funding.project:12 "
                               "or places.place:3")
    signals: list[SignalOut]


class ItemsOut(Schema):
    items: list[ItemOut]
    has_more: bool


class ActionIn(Schema):
    target: str = Field(description="an item's target, e.g. funding.project:12")
    kind: ActionKind
    note: str = Field("", max_length=300, description="orient: the support scheme; tag, invite: a note (optional)")
    organisation: int | None = Field(None, description="orient: the organisation the cell acts for")
    challenge: int | None = Field(None, description="tag: one of the territory's open challenges "
                                                    "(GET /api/v1/challenges?status=open)")
    workshop: int | None = Field(None, description="invite: a coming workshop of one of the territory's open "
                                                   "challenges")


class ActionOut(Schema):
    id: int
    kind: str
    target: str
    note: str
    challenge: int | None = Field(description="tag: the challenge")
    workshop: int | None = Field(description="invite: the workshop")
    actor: str
    created_at: datetime.datetime


class SavedWatchIn(Schema):
    territory: str
    name: str = Field(max_length=80)
    frequency: Frequency = "weekly"
    neighbourhood: str | None = None
    theme: str | None = None
    kind: list[KindName] = Field(default_factory=list)


class SavedWatchOut(Schema):
    id: int
    territory: str
    name: str
    filters: dict
    frequency: str
    atom_url: str = Field(description="the secret address of its Atom feed")
    last_sent_period: str


def _territory(request, slug: str) -> Territory:
    territory = get_object_or_404(Territory, slug=slug)
    if not request.user.has_perm("cell.view_watch", territory):
        raise PermissionDenied
    return territory


def _signal(s: traction.Signal) -> dict:
    return {"key": s.key, "target": s.target_key, "title": s.title, "url": s.url, "neighbourhood": s.neighbourhood,
            "strength": round(s.strength, 3), "rising": s.rising, "explanation": s.explanation, "method": s.method}


def _filter_form(territory, f) -> WatchFilterForm:
    data = {key: value for key, value in (("neighbourhood", f.neighbourhood), ("theme", f.theme)) if value}
    for name in ("since", "until"):
        if getattr(f, name, None):
            data[name] = getattr(f, name).isoformat()
    if f.kind:
        data["kind"] = list(f.kind)
    form = WatchFilterForm(data, territory=territory)
    if not form.is_valid():
        raise ValidationError([{"loc": ("query", field), "msg": str(errors[0]), "type": "value_error"}
                               for field, errors in form.errors.items()])
    return form


@router.get("/{slug}/items", response=ItemsOut, auth=AUTH)
def watch_items(request, slug: str, filters: Query[WatchFilters]):
    """Everything new on the territory, newest first, each item with its traction signals; contributions and
    bookings come in aggregate only (per project, per place, and day), never with the backers' or bookers'
    names. Shared places (`place`) and bookings have no theme: a theme filter leaves them out."""
    territory = _territory(request, slug)
    form = _filter_form(territory, filters)
    parsed = form.filters()
    items = watch.feed(parsed, offset=(filters.page - 1) * watch.PAGE_SIZE)
    found = traction.by_target(traction.signals(territory, parsed.neighbourhood))
    return {"has_more": len(items) > watch.PAGE_SIZE, "items": [{
        "kind": i.kind, "kind_label": i.kind_label, "event": i.event, "date": i.date, "title": i.title,
        "url": request.build_absolute_uri(i.url), "neighbourhood": i.neighbourhood, "summary": i.summary,
        "target": i.target_key or None, "signals": [_signal(s) for s in found.get(i.target_key, [])] if i.target else []}
        for i in items[:watch.PAGE_SIZE]]}


@router.get("/{slug}/rising", response=list[SignalOut], auth=AUTH)
def watch_rising(request, slug: str, neighbourhood: str | None = None):
    """The rising view: the signals past their thresholds, strongest first, each explained."""
    territory = _territory(request, slug)
    hood = None
    if neighbourhood:
        hood = territory.neighbourhoods.filter(slug=neighbourhood).first()
        if hood is None:
            raise ValidationError([{"loc": ("query", "neighbourhood"), "msg": "unknown", "type": "value_error"}])
    return [_signal(s) for s in traction.rising(territory, hood)]


def _action(a: CellAction) -> dict:
    return {"id": a.pk, "kind": a.kind, "target": f"{a.target_type.app_label}.{a.target_type.model}:{a.target_id}",
            "note": a.note, "challenge": a.challenge_id, "workshop": a.workshop_id, "actor": a.actor.public_name,
            "created_at": a.created_at}


@router.get("/{slug}/actions", response=list[ActionOut], auth=AUTH)
def action_list(request, slug: str, target: str | None = None):
    """What the cell did from its watch, newest first (of one item with `target`)."""
    territory = _territory(request, slug)
    qs = CellAction.objects.filter(territory=territory).select_related("actor", "target_type")
    if target:
        obj = watch_services.target_of(target)
        qs = qs.filter(pk__in=watch_services.actions_on(obj).values("pk"))
    return [_action(a) for a in qs[:200]]


@router.post("/{slug}/actions", response={201: ActionOut}, auth=AUTH)
def action_create(request, slug: str, payload: ActionIn):
    """Act on an item: follow (projects, interventions), tag with a challenge, orient a project's holder to a
    support scheme (in the name of `organisation`; the holder is told), invite its author to a workshop."""
    territory = _territory(request, slug)
    obj = watch_services.target_of(payload.target)
    organisation = Organisation.objects.filter(pk=payload.organisation).first() if payload.organisation else None
    challenge = watch_services.taggable_challenges(territory).filter(pk=payload.challenge).first() \
        if payload.challenge else None
    workshop = watch_services.invitable_workshops(territory).filter(pk=payload.workshop).first() \
        if payload.workshop else None
    action = watch_services.cell_act(actor=request.user, territory=territory, target=obj, kind=payload.kind,
                                     note=payload.note, organisation=organisation, challenge=challenge,
                                     workshop=workshop)
    return Status(201, _action(action))


def _saved(request, s: SavedWatch) -> dict:
    return {"id": s.pk, "territory": s.territory.slug, "name": s.name, "filters": s.filters, "frequency": s.frequency,
            "atom_url": request.build_absolute_uri(reverse("cell:watch_atom", args=[s.token])),
            "last_sent_period": s.last_sent_period}


@router.get("/saved", response=list[SavedWatchOut], auth=AUTH)
def saved_list(request):
    """The person's saved watches."""
    return [_saved(request, s) for s in SavedWatch.objects.filter(user=request.user).select_related("territory")]


@router.post("/saved", response={201: SavedWatchOut}, auth=AUTH)
def saved_create(request, payload: SavedWatchIn):
    """Save a filter as a named watch: an e-mail digest (daily, weekly or none) and a secret Atom feed."""
    territory = _territory(request, payload.territory)
    form = _filter_form(territory, payload)
    saved = watch_services.saved_watch_create(user=request.user, territory=territory, name=payload.name,
                                              filters=form.saved_filters(), frequency=payload.frequency)
    return Status(201, _saved(request, saved))


def _own(request, watch_id: int) -> SavedWatch:
    saved = SavedWatch.objects.select_related("territory").filter(pk=watch_id, user=request.user).first()
    if saved is None:
        raise Http404
    return saved


@router.post("/saved/{int:watch_id}/token", response=SavedWatchOut, auth=AUTH)
def saved_new_token(request, watch_id: int):
    """A new secret address for the Atom feed; the old one stops answering."""
    saved = watch_services.saved_watch_new_token(user=request.user, saved=_own(request, watch_id))
    return _saved(request, saved)


@router.delete("/saved/{int:watch_id}", response={204: None}, auth=AUTH)
def saved_delete(request, watch_id: int):
    watch_services.saved_watch_delete(user=request.user, saved=_own(request, watch_id))
    return Status(204, None)

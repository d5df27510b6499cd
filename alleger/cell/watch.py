"""The watch (veille) of the open innovation cell: one feed of everything new across the tracks.

The feed is a union of small per-kind selectors over each track's own tables. Each selector returns
uniform `WatchItem`s, newest first, at most `limit` of them, already filtered; `feed()` merges them by
date and slices a page. No copy of the data is kept: the watch is always as fresh as the tracks.

The kinds are a registry, so an app built later adds its own (places, bookings):

    from alleger.cell import watch
    watch.register_kind("place", _("Lieu"), place_items)

where `place_items(filters: Filters, limit: int) -> Iterable[WatchItem]` returns the territory's newest
items matching `filters` (territory, neighbourhood, theme, since, until), newest first. A kind with no
theme returns nothing when `filters.theme` is set. Money and bookings appear only in aggregate (one item
per project and day: « 12 contributions, 340 € »), never with the names of the people behind them.
"""

from __future__ import annotations

import datetime
import heapq
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import TruncDate
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from alleger.assets.models import AssetChange
from alleger.core.markdown import markdown_to_text
from alleger.core.templatetags.alleger import euros
from alleger.discussions.models import Comment
from alleger.discussions.selectors import without_hidden
from alleger.funding.models import Contribution, Project
from alleger.interventions.models import Intervention
from alleger.kits.models import Kit
from alleger.proposals.models import Proposal
from alleger.reports.models import Report

#: Items per page of the watch.
PAGE_SIZE = 30
#: Deepest item a page may start at: past it, narrow the filters (every selector reads offset + size rows).
MAX_OFFSET = 600
#: How many asset changes are read to find the `limit` newest openings (a change may touch other fields).
ASSET_CHANGES_PER_ITEM = 5


@dataclass(frozen=True)
class Filters:
    territory: object
    neighbourhood: object = None
    theme: object = None
    kinds: frozenset[str] = frozenset()  # empty: every kind
    since: datetime.date | None = None
    until: datetime.date | None = None

    def bounds(self) -> tuple[datetime.datetime | None, datetime.datetime | None]:
        """`since` from its local midnight, `until` to the end of its local day."""
        zone = ZoneInfo(settings.TIME_ZONE)
        start = datetime.datetime.combine(self.since, datetime.time.min, tzinfo=zone) if self.since else None
        end = (datetime.datetime.combine(self.until + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
               if self.until else None)
        return start, end

    def dated(self, qs, date_field: str):
        start, end = self.bounds()
        if start:
            qs = qs.filter(**{f"{date_field}__gte": start})
        if end:
            qs = qs.filter(**{f"{date_field}__lt": end})
        return qs

    def placed(self, qs, neighbourhood_field: str = "neighbourhood"):
        return qs.filter(**{neighbourhood_field: self.neighbourhood}) if self.neighbourhood else qs


@dataclass(frozen=True)
class WatchItem:
    kind: str  # a key of KINDS
    date: datetime.datetime
    title: str
    url: str
    territory_id: int
    neighbourhood: str = ""  # its name, "" when none
    summary: str = ""
    #: What the cell can act on and signals are about: ("funding.project", 12); None for an aggregate.
    target: tuple[str, int] | None = None
    event: str = ""  # what happened, for the kinds that have several (« publié », « financé »)

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind].label) if self.kind in KINDS else self.kind

    @property
    def target_key(self) -> str:
        return f"{self.target[0]}:{self.target[1]}" if self.target else ""


Selector = Callable[[Filters, int], Iterable[WatchItem]]

#: The kinds whose item sums up a day (a project's contributions, a place's bookings of the day): one item per day,
#: dated by its latest event.
DAY_AGGREGATES = frozenset({"contributions", "bookings"})


@dataclass(frozen=True)
class Kind:
    key: str
    label: object
    selector: Selector
    themed: bool = field(default=False)  # whether the theme filter applies (else a theme filter drops the kind)


KINDS: dict[str, Kind] = {}


def day_event() -> str:
    """What an aggregate item of one day says it is (« Réservations de la journée · 4 décembre 2026 18:29 »:
    its `date` is the day's last one)."""
    return _("de la journée")


def register_kind(key: str, label, selector: Selector, *, themed: bool = False) -> None:
    """Add a kind of item to the watch (see the module's docstring); the last registration of a key wins."""
    KINDS[key] = Kind(key, label, selector, themed)


def kind_choices() -> list[tuple[str, str]]:
    return [(kind.key, str(kind.label)) for kind in KINDS.values()]


def feed(filters: Filters, *, offset: int = 0, limit: int = PAGE_SIZE) -> list[WatchItem]:
    """One page of the watch, newest first: each kind gives its `offset + limit` newest, merged by date."""
    offset = max(0, min(offset, MAX_OFFSET))
    wanted = offset + limit + 1  # one more tells whether there is a next page
    streams = []
    for kind in KINDS.values():
        if filters.kinds and kind.key not in filters.kinds:
            continue
        if filters.theme is not None and not kind.themed:
            continue
        items = sorted(kind.selector(filters, wanted), key=lambda i: i.date, reverse=True)[:wanted]
        streams.append(items)
    merged = heapq.merge(*streams, key=lambda i: (i.date, i.kind, i.target_key), reverse=True)
    return list(itertools.islice(merged, offset, offset + limit + 1))


def _hood(obj) -> str:
    return obj.neighbourhood.name if getattr(obj, "neighbourhood_id", None) else ""


def _short(text: str, n: int = 200) -> str:
    return Truncator(markdown_to_text(text or "")).chars(n)


# --- projects ------------------------------------------------------------------------------------

PROJECT_EVENTS = (
    # (date field, statuses that date means something for, event label)
    ("submitted_at", None, gettext_lazy("déposé pour relecture")),
    ("published_at", None, gettext_lazy("campagne lancée")),
    ("settled_at", Project.Status.SUCCEEDED, gettext_lazy("financé")),
    ("settled_at", Project.Status.FAILED, gettext_lazy("non financé")),
)


def _projects(filters: Filters):
    qs = without_hidden(Project.objects.filter(territory=filters.territory))
    qs = filters.placed(qs)
    if filters.theme is not None:
        qs = qs.filter(themes=filters.theme)
    return qs.select_related("neighbourhood")


def project_items(filters: Filters, limit: int):
    for date_field, status, label in PROJECT_EVENTS:
        qs = filters.dated(_projects(filters).filter(**{f"{date_field}__isnull": False}), date_field)
        if status:
            qs = qs.filter(status=status)
        for project in qs.order_by(f"-{date_field}", "-pk")[:limit]:
            yield WatchItem(kind="project", date=getattr(project, date_field), title=project.title,
                            url=project.get_absolute_url(), territory_id=project.territory_id,
                            neighbourhood=_hood(project), summary=project.summary, event=str(label),
                            target=("funding.project", project.pk))


def contribution_items(filters: Filters, limit: int):
    """Contributions per project and local day, in aggregate only: how many and how much, never who."""
    qs = Contribution.objects.filter(project__in=_projects(filters))
    qs = filters.dated(qs, "created_at")
    rows = (qs.annotate(day=TruncDate("created_at", tzinfo=ZoneInfo(settings.TIME_ZONE))).order_by()
            .values("project_id", "day").annotate(n=Count("pk"), cents=Sum("amount_cents"), last=Max("created_at"))
            .order_by("-last")[:limit])
    rows = list(rows)
    projects = {p.pk: p for p in Project.objects.filter(pk__in={r["project_id"] for r in rows})
                .select_related("neighbourhood")}
    for row in rows:
        project = projects[row["project_id"]]
        summary = ngettext("%(n)s contribution, %(amount)s", "%(n)s contributions, %(amount)s", row["n"]) % {
            "n": row["n"], "amount": euros(row["cents"] or 0)}
        yield WatchItem(kind="contributions", date=row["last"], title=project.title,
                        url=project.get_absolute_url(), territory_id=project.territory_id,
                        neighbourhood=_hood(project), summary=summary, event=day_event(),
                        target=("funding.project", project.pk))


# --- kits, assets, interventions -------------------------------------------------------------------

def kit_items(filters: Filters, limit: int):
    """Kits published for the territory or for everywhere; a kit has no neighbourhood."""
    if filters.neighbourhood:
        return
    qs = without_hidden(Kit.objects.filter(Q(territory=filters.territory) | Q(territory__isnull=True),
                                           status=Kit.Status.PUBLISHED, published_at__isnull=False))
    for kit in filters.dated(qs, "published_at").order_by("-published_at", "-pk")[:limit]:
        yield WatchItem(kind="kit", date=kit.published_at, title=kit.title, url=kit.get_absolute_url(),
                        territory_id=filters.territory.pk, summary=kit.summary, event=_("publié"),
                        target=("kits.kit", kit.pk))


def asset_items(filters: Filters, limit: int):
    """Assets that became open (import, review or decision): the changes whose status ends « open »."""
    qs = AssetChange.objects.filter(asset__territory=filters.territory, asset__moderation="published")
    qs = filters.dated(filters.placed(qs, "asset__neighbourhood"), "created_at")
    seen = set()
    for change in (qs.select_related("asset", "asset__neighbourhood").order_by("-created_at", "-pk")
                   [:limit * ASSET_CHANGES_PER_ITEM]):
        status = change.fields.get("status") if isinstance(change.fields, dict) else None
        if not (isinstance(status, list) and status and status[-1] == "open") or change.asset_id in seen:
            continue
        seen.add(change.asset_id)
        asset = change.asset
        yield WatchItem(kind="asset", date=change.created_at, title=asset.name, url=asset.get_absolute_url(),
                        territory_id=asset.territory_id, neighbourhood=_hood(asset), summary=asset.address,
                        event=_("ouvert"), target=("assets.asset", asset.pk))
        if len(seen) >= limit:
            return


def intervention_items(filters: Filters, limit: int):
    qs = without_hidden(Intervention.objects.filter(territory=filters.territory))
    qs = filters.dated(filters.placed(qs), "created_at")
    for i in qs.select_related("kit", "neighbourhood").order_by("-created_at", "-pk")[:limit]:
        yield WatchItem(kind="intervention", date=i.created_at, title=i.title, url=i.get_absolute_url(),
                        territory_id=i.territory_id, neighbourhood=_hood(i),
                        summary=f"{i.get_status_display()} — {i.kit.title}", event=_("déclarée"),
                        target=("interventions.intervention", i.pk))


# --- reports, proposals, comments ------------------------------------------------------------------

def report_items(filters: Filters, limit: int):
    qs = without_hidden(Report.objects.filter(territory=filters.territory))
    qs = filters.dated(filters.placed(qs), "created_at")
    for r in qs.select_related("category", "neighbourhood").order_by("-created_at", "-pk")[:limit]:
        yield WatchItem(kind="report", date=r.created_at, title=f"{r.category.name} — {r.place_label()}",
                        url=r.get_absolute_url(), territory_id=r.territory_id, neighbourhood=_hood(r),
                        summary=r.get_status_display(), target=("reports.report", r.pk))


def proposal_items(filters: Filters, limit: int):
    qs = without_hidden(Proposal.objects.filter(territory=filters.territory))
    qs = filters.dated(filters.placed(qs, "asset__neighbourhood"), "created_at")
    for p in qs.select_related("asset__neighbourhood").order_by("-created_at", "-pk")[:limit]:
        hood = p.asset.neighbourhood.name if p.asset_id and p.asset.neighbourhood_id else ""
        yield WatchItem(kind="proposal", date=p.created_at, title=p.title, url=p.get_absolute_url(),
                        territory_id=p.territory_id, neighbourhood=hood, summary=_short(p.body),
                        target=("proposals.proposal", p.pk))


def comment_items(filters: Filters, limit: int):
    """Visible comments on the territory's contents; a comment has no neighbourhood of its own."""
    if filters.neighbourhood:
        return
    qs = Comment.objects.filter(territory=filters.territory, visibility=Comment.Visibility.VISIBLE)
    comments = list(filters.dated(qs, "created_at").select_related("author").prefetch_related("target")
                    .order_by("-created_at", "-pk")[:limit])
    for c in comments:
        target = c.target
        if target is None:
            continue
        name = _("une question") if c.is_question else _("un commentaire")
        yield WatchItem(kind="comment", date=c.created_at, url=c.get_absolute_url(), territory_id=filters.territory.pk,
                        title=_("%(what)s sur « %(title)s »") % {"what": name, "title": str(target)},
                        summary=_short(c.body))


register_kind("project", gettext_lazy("Projet"), project_items, themed=True)
register_kind("contributions", gettext_lazy("Contributions"), contribution_items, themed=True)
register_kind("kit", gettext_lazy("Kit"), kit_items)
register_kind("asset", gettext_lazy("Dispositif ouvert"), asset_items)
register_kind("intervention", gettext_lazy("Intervention"), intervention_items)
register_kind("report", gettext_lazy("Signalement"), report_items)
register_kind("proposal", gettext_lazy("Proposition"), proposal_items)
register_kind("comment", gettext_lazy("Commentaire"), comment_items)

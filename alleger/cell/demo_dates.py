"""Realistic dates for the demo's events (called by the cell's demo, before it builds the metrics).

The demos create their objects through the services, so every `auto_now_add` timestamp (a contribution,
a comment, a report and its updates, a place's publication, a booking…) is the moment the demo loaded,
while the campaigns and interventions carry past dates. Here, each event made during the load is moved,
after the fact (a queryset `.update`, never in the services), to a date consistent with its object:

- a contribution within its campaign's window (evenly over it, in the order they were made), its Match with
  it; the ledger is left alone (it is append-only, a database trigger refuses any update, and the books'
  invariants, testing.money.books_problems, read amounts, accounts and statuses, not timestamps);
- an intervention declared two weeks before its date, started and finished on its own dates, its journal
  written on the day it took place;
- reports spread over the past months, each update some days after the last;
- places published on past dates (their history moved with them), assets likewise;
- kits published months ago, proposals made and answered in the past;
- comments some days after their object's publication;
- bookings made some days before their slot (a coming one: in the last days).

Deterministic (spreads by rank, no randomness), and only timestamps written during the load (the last
`FRESH`) are moved, so loading the demo again moves nothing.
"""

import datetime
from collections import defaultdict

from django.db.models import F, Min
from django.utils import timezone

from alleger.assets.models import Asset, AssetChange
from alleger.bookings.models import Booking
from alleger.discussions.models import Comment
from alleger.funding.models import Contribution, Match, Project
from alleger.interventions.models import Intervention, JournalEntry, Participation
from alleger.kits.models import Kit
from alleger.places.models import Place, PlaceChange
from alleger.proposals.models import Proposal
from alleger.reports.models import Report, ReportUpdate

#: Timestamps newer than this were written by the load (the demo loads in well under it).
FRESH = datetime.timedelta(minutes=30)
DAY = datetime.timedelta(days=1)


def _local(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def backdate(now: datetime.datetime | None = None) -> None:
    fresh = (now or timezone.now()) - FRESH
    # Nothing is moved to a moment still `fresh`: a second load finds nothing left to move.
    now = fresh - datetime.timedelta(minutes=1)
    _contributions(now, fresh)
    _interventions(now, fresh)
    _reports(now, fresh)
    _places(now, fresh)
    _assets(now, fresh)
    _kits(now, fresh)
    _proposals(now, fresh)
    _comments(now, fresh)  # after their objects' dates are moved
    _bookings(now, fresh)


def earliest_day() -> datetime.date | None:
    """The first local day of the events the dashboards count (the range the metrics are rebuilt over)."""
    firsts = [
        Contribution.objects.aggregate(m=Min("created_at"))["m"],
        Project.objects.aggregate(m=Min("published_at"))["m"],
        Report.objects.aggregate(m=Min("created_at"))["m"],
        Place.objects.aggregate(m=Min("created_at"))["m"],
        Intervention.objects.aggregate(m=Min("created_at"))["m"],
        Proposal.objects.aggregate(m=Min("created_at"))["m"],
        AssetChange.objects.aggregate(m=Min("created_at"))["m"],
    ]
    firsts = [timezone.localdate(f) for f in firsts if f is not None]
    return min(firsts) if firsts else None


def _contributions(now, fresh) -> None:
    by_project = defaultdict(list)
    for c in Contribution.objects.filter(created_at__gte=fresh).select_related("project").order_by("pk"):
        by_project[c.project_id].append(c)
    for made in by_project.values():
        project = made[0].project
        if project.published_at is None or project.published_at >= now:
            continue
        start = project.published_at
        until = min(project.deadline or now, now - DAY)
        if until <= start:
            until = now
        step = (until - start) / (len(made) + 1)
        for n, c in enumerate(made, start=1):
            at = start + step * n
            changes = {"created_at": at}
            if c.captured_at and c.captured_at >= fresh:
                changes["captured_at"] = at
            ended = None
            if c.ended_at and c.ended_at >= fresh:
                ended = project.settled_at if project.settled_at and project.settled_at > at else at + DAY
                changes["ended_at"] = min(ended, now)
            Contribution.objects.filter(pk=c.pk).update(**changes)
            Match.objects.filter(contribution=c, created_at__gte=fresh).update(created_at=at)


def _interventions(now, fresh) -> None:
    today = timezone.localdate(now)
    for n, i in enumerate(Intervention.objects.filter(created_at__gte=fresh).order_by("pk")):
        took_place = i.ends_on or i.starts_on
        # A coming one was declared in the last days (not all at one moment).
        declared = min(_local(i.starts_on - datetime.timedelta(days=14), 10),
                       now - datetime.timedelta(days=n % 9, hours=1 + n % 7))
        changes = {"created_at": declared}
        if i.started_at and i.started_at >= fresh and i.starts_on <= today:
            changes["started_at"] = min(_local(i.starts_on, 9), now)
        if i.finished_at and i.finished_at >= fresh and i.status == Intervention.Status.DONE and took_place <= today:
            changes["finished_at"] = min(_local(took_place, 17), now)
        Intervention.objects.filter(pk=i.pk).update(**changes)
        Participation.objects.filter(intervention=i, joined_at__gte=fresh).update(
            joined_at=min(declared + 2 * DAY, now))
        written = changes.get("finished_at") or (min(_local(i.starts_on, 18), now) if i.starts_on <= today
                                                   else declared)
        JournalEntry.objects.filter(intervention=i, created_at__gte=fresh).update(created_at=written)


def _reports(now, fresh) -> None:
    for n, report in enumerate(Report.objects.filter(created_at__gte=fresh).order_by("pk")):
        made = now - datetime.timedelta(days=2 + (n * 37) % 170, hours=(n * 5) % 9)
        Report.objects.filter(pk=report.pk).update(created_at=made)
        at = made
        for k, update in enumerate(ReportUpdate.objects.filter(report=report, created_at__gte=fresh).order_by("pk")):
            at = min(at + datetime.timedelta(days=1 + (n + k) % 6, hours=3), now - datetime.timedelta(hours=1))
            ReportUpdate.objects.filter(pk=update.pk).update(created_at=at)


def _places(now, fresh) -> None:
    for n, place in enumerate(Place.objects.filter(created_at__gte=fresh).order_by("pk")):
        shift = place.created_at - (now - datetime.timedelta(days=20 + (n * 23) % 330, hours=(n * 7) % 10))
        Place.objects.filter(pk=place.pk).update(created_at=F("created_at") - shift)
        # Its history moves with it (a review right after it was proposed stays right after).
        PlaceChange.objects.filter(place=place, created_at__gte=fresh).update(created_at=F("created_at") - shift)


def _assets(now, fresh) -> None:
    for n, asset in enumerate(Asset.objects.filter(created_at__gte=fresh).order_by("pk")):
        shift = asset.created_at - (now - datetime.timedelta(days=10 + (n * 29) % 300, hours=(n * 3) % 8))
        Asset.objects.filter(pk=asset.pk).update(created_at=F("created_at") - shift)
        AssetChange.objects.filter(asset=asset, created_at__gte=fresh).update(created_at=F("created_at") - shift)


def _kits(now, fresh) -> None:
    for n, kit in enumerate(Kit.objects.filter(created_at__gte=fresh).order_by("pk")):
        made = now - datetime.timedelta(days=200 + (n * 31) % 200)
        changes = {"created_at": made}
        if kit.published_at and kit.published_at >= fresh:
            changes["published_at"] = made + 7 * DAY
        Kit.objects.filter(pk=kit.pk).update(**changes)


def _proposals(now, fresh) -> None:
    for n, proposal in enumerate(Proposal.objects.filter(created_at__gte=fresh).order_by("pk")):
        made = now - datetime.timedelta(days=15 + (n * 19) % 150, hours=(n * 5) % 9)
        changes = {"created_at": made}
        if proposal.answered_at and proposal.answered_at >= fresh:
            changes["answered_at"] = min(made + datetime.timedelta(days=3 + n % 10), now)
        Proposal.objects.filter(pk=proposal.pk).update(**changes)


def _published(target):
    for field in ("published_at", "created_at"):
        value = getattr(target, field, None)
        if value is not None:
            return value
    return None


def _comments(now, fresh) -> None:
    comments = list(Comment.objects.filter(created_at__gte=fresh).order_by("pk"))
    dated = {}
    for n, comment in enumerate(comments):
        if comment.parent_id in dated:  # a reply comes after what it answers
            base = dated[comment.parent_id]
        else:
            base = _published(comment.target) if comment.target is not None else None
        if base is None or base >= now:
            continue
        at = min(base + datetime.timedelta(days=1 + n % 6, hours=2 + n % 7), now - datetime.timedelta(hours=1))
        at = max(at, base)
        dated[comment.pk] = at
        changes = {"created_at": at}
        if comment.answered_at and comment.answered_at >= fresh:
            changes["answered_at"] = min(at + DAY, now)
        Comment.objects.filter(pk=comment.pk).update(**changes)


def _bookings(now, fresh) -> None:
    for n, booking in enumerate(Booking.objects.filter(created_at__gte=fresh).order_by("pk")):
        made = min(booking.start - datetime.timedelta(days=2 + n % 9, hours=n % 5),
                   now - datetime.timedelta(days=n % 6, hours=1 + n % 9))  # a coming slot: booked lately
        if made < booking.created_at:
            Booking.objects.filter(pk=booking.pk).update(created_at=made)

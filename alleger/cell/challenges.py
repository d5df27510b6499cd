"""Challenges: reads for the pages and the API. Every page's figures come in a bounded number of queries,
whatever the number of responses (one per kind of progress, never one per response)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alleger.core import charts
from alleger.funding.models import Contribution, Match, Project
from alleger.interventions.models import Intervention
from alleger.kits.models import Kit
from alleger.organisations.models import Membership
from alleger.places.models import Place
from alleger.proposals.models import Proposal
from alleger.territories.rules import is_cell_member_of

from .models import Challenge, ChallengeResponse, IndicatorPoint, ResponseKind, Workshop

PUBLIC_PROJECT = ("published", "succeeded", "failed")


def challenge_list(territory, user=None, status: str | None = None):
    qs = Challenge.objects.filter(territory=territory).select_related("territory").prefetch_related(
        "neighbourhoods")
    if not (user is not None and (is_cell_member_of(user, territory) or user.is_superuser)):
        qs = qs.exclude(status=Challenge.Status.DRAFT)
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(accepted_count=Count("responses", filter=Q(responses__status="accepted")))


def public_challenges(*, territory=None, status: str | None = None):
    """Open and closed challenges (the API and the open data)."""
    qs = Challenge.objects.exclude(status=Challenge.Status.DRAFT).select_related("territory").prefetch_related(
        "neighbourhoods").order_by("-starts_on", "-pk")
    if territory is not None:
        qs = qs.filter(territory=territory)
    if status:
        qs = qs.filter(status=status)
    return qs


def responses(challenge: Challenge, *, user=None):
    """The responses this person may see: accepted ones for everybody; proposed and declined ones for the
    cell and for whoever proposed them."""
    qs = challenge.responses.select_related(*ResponseKind.values, "call__territory", "proposed_by", "decided_by")
    if not (user is not None and (user.is_superuser or is_cell_member_of(user, challenge.territory))):
        mine = Q(proposed_by=user) if user is not None and user.is_authenticated else Q(pk__in=[])
        qs = qs.filter(Q(status=ChallengeResponse.Status.ACCEPTED) | mine)
    items = list(qs)
    for r in items:
        r.url = response_url(r)
    return items


def response_url(r: ChallengeResponse) -> str | None:
    """The page of a response's object (pools have none)."""
    if r.kind == "call":
        return reverse("funding:call", kwargs={"territory": r.call.territory.slug, "call": r.call.slug})
    if r.kind == "pool":
        return None
    return r.target.get_absolute_url()


@dataclass
class Progress:
    """A response's progress, in figures (cents for money)."""

    raised_cents: int = 0
    goal_cents: int = 0
    backers: int = 0
    interventions_done: int = 0
    interventions_planned: int = 0
    projects: int = 0
    supports: int = 0
    status: str = ""


@dataclass
class Summary:
    raised_cents: int = 0
    backers: int = 0
    interventions_done: int = 0
    kits_used: int = 0
    responses: int = 0
    by_kind: dict = field(default_factory=dict)


def progress(challenge: Challenge, items: list[ChallengeResponse]) -> tuple[dict[int, Progress], Summary]:
    """Per response (by pk): money raised and backers of a project, interventions done with a kit (on the
    challenge's territory since it started), projects of a call, matches of a pool, supports of a proposal.
    Backers are people: one who backs two projects of a call, or of the challenge, counts once. At most five
    queries, whatever the number of responses."""
    found: dict[int, Progress] = {}
    kit_ids = [r.kit_id for r in items if r.kind == "kit"]
    call_ids = [r.call_id for r in items if r.kind == "call"]
    pool_ids = [r.pool_id for r in items if r.kind == "pool"]
    kit_counts = {}
    if kit_ids:
        kit_counts = {row["kit"]: row for row in Intervention.objects.filter(
            kit__in=kit_ids, territory=challenge.territory, starts_on__gte=challenge.starts_on).order_by()
            .values("kit").annotate(done=Count("pk", filter=Q(status="done")),
                                    planned=Count("pk", filter=Q(status__in=("planned", "ongoing"))))}
    call_sums = {}
    if call_ids:
        call_sums = {row["call"]: row for row in Project.objects.filter(call__in=call_ids, status__in=PUBLIC_PROJECT)
                     .order_by().values("call").annotate(n=Count("pk"), pledged=Sum("pledged_cents"),
                                                         matched=Sum("matched_cents"))}
        for call_id, backers in (_backing(project__call__in=call_ids).values("project__call")
                                 .annotate(n=Count("contributor", distinct=True)).values_list("project__call", "n")):
            call_sums[call_id]["backers"] = backers
    pool_sums = {}
    if pool_ids:
        pool_sums = dict(Match.objects.filter(pool__in=pool_ids, status__in=("committed", "released")).order_by()
                         .values("pool")
                         .annotate(total=Sum("amount_cents")).values_list("pool", "total"))
    summary = Summary()
    kits_used = 0
    for r in items:
        p = Progress()
        target = r.target
        if r.kind == "project":
            p.raised_cents, p.goal_cents, p.backers = target.total_cents, target.goal_cents, target.contributors_count
            p.status = target.get_status_display()
        elif r.kind == "intervention":
            p.status = target.get_status_display()
            p.interventions_done = int(target.status == "done")
        elif r.kind == "kit":
            row = kit_counts.get(r.kit_id, {})
            p.interventions_done, p.interventions_planned = row.get("done", 0), row.get("planned", 0)
        elif r.kind == "call":
            row = call_sums.get(r.call_id, {})
            p.projects = row.get("n", 0)
            p.raised_cents = int(row.get("pledged") or 0) + int(row.get("matched") or 0)
            p.backers = int(row.get("backers") or 0)
        elif r.kind == "pool":
            p.raised_cents = int(pool_sums.get(r.pool_id) or 0)
        elif r.kind == "proposal":
            p.supports, p.status = target.supports_count, target.get_status_display()
        found[r.pk] = p
        if r.status == ChallengeResponse.Status.ACCEPTED:
            summary.responses += 1
            summary.by_kind[r.kind] = summary.by_kind.get(r.kind, 0) + 1
            if r.kind == "project":
                summary.raised_cents += p.raised_cents
            elif r.kind == "intervention":
                summary.interventions_done += p.interventions_done
            elif r.kind == "kit":
                kits_used += p.interventions_done
    summary.kits_used = kits_used
    accepted = [r.project_id for r in items if r.kind == "project" and r.status == ChallengeResponse.Status.ACCEPTED]
    if accepted:
        summary.backers = _backing(project__in=accepted).values("contributor").distinct().count()
    return found, summary


def _backing(**projects):
    """The active contributions to the projects a challenge shows (as `contributors_count` counts them)."""
    return (Contribution.objects.filter(status__in=Contribution.ACTIVE, project__status__in=PUBLIC_PROJECT,
                                        **projects).order_by())


# --- what a holder may propose ------------------------------------------------------------------------

def proposable(challenge: Challenge, user) -> dict[str, list]:
    """The objects this person holds on the challenge's territory and has not linked yet, by kind (the places
    they manage included)."""
    if not user.is_authenticated:
        return {}
    linked = challenge.responses.values_list
    territory = challenge.territory
    return {
        "project": list(Project.objects.filter(holder=user, territory=territory, status__in=PUBLIC_PROJECT)
                        .exclude(pk__in=linked("project", flat=True).exclude(project=None)).order_by("title")),
        "kit": list(Kit.objects.filter(Q(territory=territory) | Q(territory=None), author=user, status="published")
                    .exclude(pk__in=linked("kit", flat=True).exclude(kit=None)).order_by("title")),
        "intervention": list(Intervention.objects.filter(organiser=user, territory=territory)
                             .exclude(status="abandoned")
                             .exclude(pk__in=linked("intervention", flat=True).exclude(intervention=None))
                             .order_by("-starts_on")),
        "proposal": list(Proposal.objects.filter(author=user, territory=territory)
                         .exclude(pk__in=linked("proposal", flat=True).exclude(proposal=None)).order_by("title")),
        "place": list(managed_places(user).filter(territory=territory)
                      .exclude(pk__in=linked("place", flat=True).exclude(place=None)).order_by("name")),
    }


def managed_places(user):
    """The published places this person manages: those of the organisations they are a member of."""
    return Place.objects.filter(moderation=Place.Moderation.PUBLISHED,
                                operator__in=Membership.objects.filter(user=user).values("organisation_id"))


# --- indicator charts ----------------------------------------------------------------------------------

def _milli(value: int) -> Decimal:
    return (Decimal(value) / 1000).normalize() + 0  # + 0 turns 1E+1 into 10


def indicator_charts(challenge: Challenge) -> list[dict]:
    """One chart per series (the total per period, the neighbourhoods in the table). Two queries."""
    series = list(challenge.series.all())
    if not series:
        return []
    rows = defaultdict(list)
    for series_id, day, hood, value in (IndicatorPoint.objects.filter(series__challenge=challenge).order_by()
                                        .values_list("series", "day", "neighbourhood__name", "value_milli")):
        rows[series_id].append((day, hood, value))
    result = []
    for s in series:
        points = rows.get(s.pk, [])
        if not points:
            continue
        first, last = min(p[0] for p in points), max(p[0] for p in points)
        unit = charts.period_unit(first, last)
        starts = charts.periods(first, last, unit)
        index = {start: i for i, start in enumerate(starts)}
        hoods = sorted({p[1] for p in points if p[1]})
        totals = [0] * len(starts)
        per_hood = {h: [0] * len(starts) for h in hoods}
        whole = [0] * len(starts)
        for day, hood, value in points:
            i = index[charts.period_start(day, unit)]
            totals[i] += value
            if hood:
                per_hood[hood][i] += value
            else:
                whole[i] += value
        columns = [charts.Column(_("Total (%(unit)s)") % {"unit": s.unit}, [_milli(v) for v in totals])]
        columns += [charts.Column(h, [_milli(v) for v in per_hood[h]]) for h in hoods]
        if any(whole) and hoods:
            columns.append(charts.Column(_("Sans quartier"), [_milli(v) for v in whole]))
        headings = {charts.DAY: _("Jour"), charts.WEEK: _("Semaine"), charts.MONTH: _("Mois")}
        chart = charts.chart_build(
            title=s.name if f"({s.unit})" in s.name else f"{s.name} ({s.unit})",
            desc=_("Total de chaque période, tous quartiers confondus ; le tableau donne le détail par quartier."),
            kind="bar", row_heading=headings[unit], labels=[charts.period_label(p, unit) for p in starts],
            columns=columns, ticks=[charts.period_tick(p, unit) for p in starts])
        result.append({"series": s, "id": f"serie-{s.pk}", "chart": chart, "total": _milli(sum(totals)),
                       "points": len(points)})
    return result


def resolve_target(kind: str, ref: str, territory):
    """The object a cell member names by number, slug or the address of its page (None when unknown)."""
    from alleger.funding.models import Call, MatchingPool

    models = {"project": Project, "call": Call, "pool": MatchingPool, "kit": Kit, "intervention": Intervention,
              "proposal": Proposal, "place": Place}
    model = models.get(kind)
    if model is None:
        return None
    ref = (ref or "").strip().rstrip("/").rsplit("/", 1)[-1]
    if not ref:
        return None
    qs = model.objects.all()
    if ref.isascii() and ref.isdigit():
        return qs.filter(pk=int(ref)).first()
    if kind in ("project", "kit", "call"):
        found = qs.filter(slug=ref)
        if kind == "call":
            found = found.filter(territory=territory)
        return found.first()
    return None


def territory_section(request, territory) -> dict:
    """The territory page's part: links to the challenges, the open data and the dashboard. No query (the
    page keeps its query budget); the same for every visitor (the page is cached whole)."""
    return {"territory": territory}


def place_section(request, place) -> dict | None:
    """The place's page: the challenges it answers, the coming workshops in its rooms (public challenges
    only), and, for its managers, proposing it as a response to one of the territory's open challenges."""
    now = timezone.now()
    workshops = list(Workshop.objects.filter(room__place=place, held_at__gte=now, cancelled_at__isnull=True,
                                             challenge__status__in=(Challenge.Status.OPEN, Challenge.Status.CLOSED))
                     .exclude(booking__status="cancelled")  # the room is no longer held for it
                     .select_related("challenge__territory", "room").order_by("held_at", "pk")[:10])
    answered = list(Challenge.objects.filter(responses__place=place, responses__status=ChallengeResponse.Status.ACCEPTED)
                    .exclude(status=Challenge.Status.DRAFT).select_related("territory").order_by("-starts_on", "pk"))
    user = request.user
    open_challenges, pending = [], []
    if user.has_perm("cell.propose_as_response", place):
        open_challenges = [c for c in Challenge.objects.filter(territory_id=place.territory_id,
                                                               status=Challenge.Status.OPEN)
                           .exclude(responses__place=place).select_related("territory").order_by("title", "pk")
                           if user.has_perm("cell.propose_response", c)]
        # Its managers see what they proposed and the cell has not decided yet.
        pending = list(Challenge.objects.filter(responses__place=place,
                                                responses__status=ChallengeResponse.Status.PROPOSED)
                       .exclude(status=Challenge.Status.DRAFT).select_related("territory").order_by("title", "pk"))
    if not (workshops or answered or open_challenges or pending):
        return None
    return {"place": place, "workshops": workshops, "answered": answered, "open_challenges": open_challenges,
            "pending": pending}

"""Reads of the funding track, shaped for pages and the API."""

import itertools
import math

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    DateField,
    F,
    Max,
    Min,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    When,
)
from django.db.models.functions import Coalesce, Trunc
from django.utils import timezone

from alleger.accounts.models import User
from alleger.core import charts, search
from alleger.organisations.models import Organisation

from .models import Call, Contribution, Match, MatchingPool, Need, Offer, Project, Reward, Theme

PUBLIC_STATUSES = (Project.Status.PUBLISHED, Project.Status.SUCCEEDED, Project.Status.FAILED)


def project_list(*, territory=None, status: str | None = None, theme: str | None = None,
                 neighbourhood: str | None = None, call=None, q: str | None = None) -> QuerySet[Project]:
    """Public projects, newest campaigns first. `status` may be any public status."""
    qs = Project.objects.filter(status__in=PUBLIC_STATUSES).select_related("territory", "neighbourhood")
    if territory is not None:
        qs = qs.filter(territory=territory)
    if status in PUBLIC_STATUSES:
        qs = qs.filter(status=status)
    if theme:
        qs = qs.filter(themes__slug=theme)
    if neighbourhood:
        qs = qs.filter(neighbourhood__slug=neighbourhood)
    if call is not None:
        qs = qs.filter(call=call)
    qs = search.matching(qs, q, ("title", "summary"))
    from alleger.discussions.selectors import without_hidden

    return without_hidden(qs.distinct()).order_by("-published_at", "-pk")


def days_left(project: Project, now=None) -> int | None:
    if project.deadline is None:
        return None
    seconds = (project.deadline - (now or timezone.now())).total_seconds()
    return max(0, math.ceil(seconds / 86400))


def project_page(project: Project, *, user=None) -> dict:
    """Everything the public project page shows, in a fixed number of queries."""
    rewards = list(project.rewards.all())
    stretch = list(project.stretch_goals.all())
    needs = list(project.needs.annotate(offer_count=Count("offers")).order_by("pk"))
    backers, more_backers = _backers(project)
    anonymous_count = project.contributions.filter(status__in=backing_statuses(project), anonymous=True).count()
    # Offline promises count in the total (paid or dropped after the deadline): the page says how much.
    promised_cents = project.contributions.filter(status=Contribution.Status.PENDING).aggregate(
        s=Sum("amount_cents"))["s"] or 0
    # A failed campaign's matches went back to their pools: the page says what each had pledged, and that
    # it was given back, as it does of the project's matched total.
    counted = [Match.Status.COMMITTED, Match.Status.RELEASED] + (
        [Match.Status.RETURNED] if project.status == Project.Status.FAILED else [])
    pools = list(MatchingPool.objects.filter(matches__project=project).select_related("sponsor").annotate(
        matched=Sum("matches__amount_cents", filter=Q(matches__project=project,
                                                     matches__status__in=counted))).distinct())
    return {
        "rewards": rewards,
        "stretch_goals": [(g, project.total_cents >= g.amount_cents) for g in stretch],
        "needs": needs,
        "updates": list(project.updates.select_related("author")[:10]),
        "supports": list(project.supports.select_related("organisation")),
        "backers": backers,
        "more_backers": more_backers,
        "anonymous_count": anonymous_count,
        "promised_cents": promised_cents,
        "pools": pools,
        "days_left": days_left(project),
        "percent_bar": min(100, project.percent),
        "following": is_following(project, user),
    }


#: Backers named on a project's page; the others are counted.
BACKERS_SHOWN = 20


def backing_statuses(project: Project) -> tuple[str, ...]:
    """The contributions that back a project on its page: the live ones, and, once a campaign failed, those
    its failure gave back (voided or refunded) — its backers did back it; withdrawn ones never count."""
    if project.status == Project.Status.FAILED:
        return (*Contribution.ACTIVE, Contribution.Status.VOIDED, Contribution.Status.REFUNDED)
    return Contribution.ACTIVE


def _backers(project: Project) -> tuple[list[dict], int]:
    """The named backers, each once, the latest to give first: ([{"organisation", "person"}], how many more).

    A backer is the organisation a contribution was given for, else the person who gave as themself;
    who gives twice is listed once."""
    groups = (project.contributions.filter(status__in=backing_statuses(project), anonymous=False)
              .annotate(person=Case(When(organisation__isnull=True, then=F("contributor_id")),
                                    output_field=BigIntegerField()))
              .values("organisation_id", "person").annotate(last=Max("created_at")).order_by("-last", "-person"))
    shown = list(groups[:BACKERS_SHOWN])
    more = groups.count() - BACKERS_SHOWN if len(shown) == BACKERS_SHOWN else 0
    organisations = Organisation.objects.in_bulk([g["organisation_id"] for g in shown if g["organisation_id"]])
    people = User.objects.in_bulk([g["person"] for g in shown if g["person"]])
    return [{"organisation": organisations.get(g["organisation_id"]), "person": people.get(g["person"])}
            for g in shown], more


def is_following(project: Project, user) -> bool:
    return bool(user and user.is_authenticated and project.followers.filter(pk=user.pk).exists())


def contributions_of(user) -> QuerySet[Contribution]:
    return (Contribution.objects.filter(contributor=user)
            .select_related("project", "reward", "organisation").order_by("-created_at"))


def contributors_for_holder(project: Project) -> QuerySet[Contribution]:
    """What the holder sees: anonymous contributors stay anonymous to the holder too."""
    return (project.contributions.exclude(status__in=[Contribution.Status.CANCELLED])
            .select_related("contributor", "organisation", "reward").order_by("created_at"))


def review_queue(territory) -> QuerySet[Project]:
    return (Project.objects.filter(territory=territory, status=Project.Status.SUBMITTED)
            .select_related("holder", "organisation").order_by("submitted_at"))


def offline_awaiting(territory) -> QuerySet[Contribution]:
    return (Contribution.objects.filter(project__territory=territory, provider="offline",
                                        status__in=[Contribution.Status.PENDING, Contribution.Status.CAPTURE_FAILED])
            .select_related("project", "contributor", "organisation").order_by("created_at"))


def submitted_count(territory) -> int:
    """Projects of the territory waiting for a moderator's review."""
    return Project.objects.filter(territory=territory, status=Project.Status.SUBMITTED).count()


def offline_owed(territory) -> QuerySet[Contribution]:
    """Offline money received in the territory and owed back to its contributors, not yet handed back:
    every one of them (a debt does not scroll away), the oldest first."""
    return (Contribution.objects.filter(project__territory=territory, provider="offline",
                                        status__in=Contribution.OWED_BACK,
                                        receipt_confirmed_by__isnull=False, returned_at__isnull=True)
            .select_related("project", "contributor", "organisation").order_by("ended_at", "pk"))


def offline_confirmed(territory, limit: int = 50) -> QuerySet[Contribution]:
    """The latest receipts confirmed in the territory, with who confirmed them."""
    return (Contribution.objects.filter(project__territory=territory, provider="offline",
                                        receipt_confirmed_by__isnull=False)
            .select_related("project", "contributor", "organisation", "receipt_confirmed_by", "returned_by")
            .order_by("-captured_at")[:limit])


def featured_themes(territory) -> QuerySet[Theme]:
    return territory.themes.filter(featured=True).order_by("name")


def open_calls(territory=None, now=None) -> QuerySet[Call]:
    """Calls for projects open now, closing soonest first; every territory's without one."""
    now = now or timezone.now()
    qs = Call.objects.filter(opens_at__lte=now, closes_at__gt=now).select_related("pool", "territory")
    if territory is not None:
        qs = qs.filter(territory=territory)
    return qs.order_by("closes_at", "pk")


def campaigns_ending_soon(territory=None, now=None) -> QuerySet[Project]:
    """Campaigns still open, the nearest deadline first."""
    return (project_list(territory=territory, status=Project.Status.PUBLISHED)
            .filter(deadline__gt=now or timezone.now()).order_by("deadline", "pk"))


def funding_figures(territory=None) -> dict:
    """Money raised by public campaigns (pledges and matching) and projects funded, in one query."""
    qs = Project.objects.filter(status__in=PUBLIC_STATUSES)
    if territory is not None:
        qs = qs.filter(territory=territory)
    counted = Q(status__in=(Project.Status.PUBLISHED, Project.Status.SUCCEEDED))
    figures = qs.aggregate(pledged=Sum("pledged_cents", filter=counted), matched=Sum("matched_cents", filter=counted),
                           funded=Count("pk", filter=Q(status=Project.Status.SUCCEEDED)))
    return {"raised_cents": (figures["pledged"] or 0) + (figures["matched"] or 0), "funded": figures["funded"]}


def sponsor_pools(user) -> QuerySet[MatchingPool]:
    return (MatchingPool.objects.filter(sponsor__memberships__user=user).select_related("sponsor", "territory")
            .annotate(committed=Sum("matches__amount_cents", filter=Q(matches__status=Match.Status.COMMITTED)),
                      released=Sum("matches__amount_cents", filter=Q(matches__status=Match.Status.RELEASED)),
                      match_count=Count("matches", filter=~Q(matches__status=Match.Status.RETURNED)))
            .distinct().order_by("name"))


def pool_matches(pool) -> QuerySet[Match]:
    return pool.matches.select_related("project", "contribution").order_by("-created_at")


def rewards_with_stock(project) -> list[Reward]:
    return list(project.rewards.all())


def needs_with_offers(project) -> list[Need]:
    return list(project.needs.prefetch_related(
        Prefetch("offers", queryset=Offer.objects.select_related("author", "organisation", "resource__place",
                                                                 "booking"))))


# --- pages of the web interface ------------------------------------------------


def project_visible_get(slug: str) -> Project:
    """Any project by slug (visibility is the view's permission check)."""
    return (Project.objects.select_related("territory", "neighbourhood", "holder", "organisation", "call")
            .get(slug=slug))


def projects_held_by(user) -> QuerySet[Project]:
    """The projects a person may manage: held by them, or by an organisation they administer."""
    if not user.is_authenticated:
        return Project.objects.none()
    return (Project.objects.filter(Q(holder=user) | Q(organisation__memberships__user=user,
                                                      organisation__memberships__role="admin"))
            .select_related("territory").distinct().order_by("-created_at"))


def followed_projects(user) -> QuerySet[Project]:
    return user.followed_projects.select_related("territory").order_by("-published_at", "-pk")


def map_features(projects) -> dict:
    """A GeoJSON FeatureCollection of the located projects (name and url for the popups)."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
         "properties": {"name": p.title, "url": p.get_absolute_url()}}
        for p in projects if p.lat is not None and p.lon is not None
    ]}


def with_repaid(contributions: QuerySet[Contribution]) -> QuerySet[Contribution]:
    """Annotate each contribution with what its holder repaid and what is still owed (loans): the one
    definition of the figure, for the backer's page, the holder's page and the repayment service."""
    repaid = Coalesce(Sum("repayments__amount_cents"), 0)
    return contributions.annotate(repaid_cents=repaid, owed_cents=F("amount_cents") - repaid)


def loan_owed_cents(contribution: Contribution) -> int:
    return with_repaid(Contribution.objects.filter(pk=contribution.pk)).values_list("owed_cents", flat=True).get()


def loans_of_project(project: Project) -> QuerySet[Contribution]:
    return with_repaid(project.contributions.filter(kind=Contribution.Kind.LOAN,
                                                    status__in=Contribution.ACTIVE)
                       .select_related("contributor", "organisation", "project").order_by("created_at"))


def call_get(territory, slug: str) -> Call:
    return Call.objects.select_related("territory", "pool", "pool__sponsor").get(territory=territory, slug=slug)


def themes_of(territory=None) -> QuerySet[Theme]:
    qs = Theme.objects.select_related("territory").order_by("name")
    return qs.filter(territory=territory) if territory is not None else qs.order_by("territory__name", "name")


def is_cancellable(contribution: Contribution, now=None) -> bool:
    """Whether the cancel button is offered (the service decides again when it is pressed)."""
    from .services.contributions import cancellable_until

    project = contribution.project
    until = cancellable_until(project)
    return (contribution.status in (Contribution.Status.PENDING, Contribution.Status.AUTHORISED,
                                    Contribution.Status.CAPTURED)
            and project.status == Project.Status.PUBLISHED
            and until is not None and (now or timezone.now()) <= until)


def sponsor_organisations_of(user):
    """Sponsor organisations the person belongs to (they may open matching pools)."""
    from alleger.organisations.models import Organisation

    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user, is_sponsor=True).distinct().order_by("name")


def support_organisations_of(user):
    """Sponsors and public bodies the person belongs to (they may attach support to projects)."""
    from alleger.organisations.models import Organisation

    if not user.is_authenticated:
        return Organisation.objects.none()
    return (Organisation.objects.filter(memberships__user=user)
            .filter(Q(is_sponsor=True) | Q(kind=Organisation.Kind.PUBLIC_BODY)).distinct().order_by("name"))


def reward_contributions(project: Project, ids) -> QuerySet[Contribution]:
    return project.contributions.filter(pk__in=ids, reward__isnull=False)


# --- charts: aggregations in the database, one row per period or per project -------------------

MATCHED = (Match.Status.COMMITTED, Match.Status.RELEASED)


def _by_period(qs, *, date_field: str, unit: str, **sums) -> dict:
    """{period start (local date): {name: aggregate}} for the non-empty periods."""
    rows = (qs.annotate(period=Trunc(date_field, unit, output_field=DateField())).order_by()
            .values("period").annotate(**sums))
    return {row.pop("period"): row for row in rows}


def _span(qs, date_field: str):
    found = qs.aggregate(first=Min(date_field), last=Max(date_field))
    if found["first"] is None:
        return None
    return timezone.localdate(found["first"]), timezone.localdate(found["last"])


def _over_time(qs, *, since=None, date_field="created_at") -> dict:
    """Per period from the first row (or `since`) to the last: count, amount, running total. Two queries."""
    span = _span(qs, date_field)
    if span is None:
        return {"unit": charts.DAY, "periods": [], "count": [], "amount": [], "cumulative": []}
    first, last = span
    if since is not None:
        first = min(first, timezone.localdate(since))
    unit = charts.period_unit(first, last)
    found = _by_period(qs, date_field=date_field, unit=unit, n=Count("pk"), s=Sum("amount_cents"))
    periods = charts.periods(first, last, unit)
    amount = [found.get(p, {}).get("s") or 0 for p in periods]
    return {"unit": unit, "periods": periods, "count": [found.get(p, {}).get("n", 0) for p in periods],
            "amount": amount, "cumulative": list(itertools.accumulate(amount))}


def contributions_over_time(project: Project) -> dict:
    """Contributions still standing, per day (week, month for long campaigns), from the publication on."""
    return _over_time(project.contributions.filter(status__in=Contribution.ACTIVE), since=project.published_at)


def sponsor_matches_over_time(pools) -> dict:
    """Matched funds (committed and released, not returned) of all the pools per day (week, month).

    A match is charted on the day of the pledge it doubles (a lump sum on its own day): the sponsor
    reads when backers gave, not when a pool was opened or an offline payment was confirmed.
    """
    matches = Match.objects.filter(pool__in=pools, status__in=MATCHED).annotate(
        charted_at=Coalesce("contribution__created_at", "created_at"))
    return _over_time(matches, date_field="charted_at")


def sponsor_matches_by_project(pools) -> list[dict]:
    """Matched funds (committed and released, not returned) per pool and project: one query."""
    return list(Match.objects.filter(pool__in=pools, status__in=MATCHED).order_by()
                .values("pool_id", "project_id", "project__title", "project__slug")
                .annotate(committed=Sum("amount_cents", filter=Q(status=Match.Status.COMMITTED), default=0),
                          released=Sum("amount_cents", filter=Q(status=Match.Status.RELEASED), default=0),
                          total=Sum("amount_cents"), count=Count("pk"))
                .order_by("pool_id", "-total", "project__title"))


def contributions_of_organisation(organisation) -> QuerySet[Contribution]:
    """What its members see on the organisation's page: the pledges given in its name, and who paid."""
    return (Contribution.objects.filter(organisation=organisation).select_related("project", "contributor")
            .order_by("-created_at"))

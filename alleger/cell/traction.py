"""Traction signals of the watch: what is taking off, computed from the tracks' data, said in plain words.

Each signal compares a recent window with a baseline and says both, with how it was computed
(`Signal.method`), so the cell can judge it instead of trusting a score. `strength` is the ratio the
signal is about (recent rate / usual rate, or count / threshold); a signal is `rising` when it passes its
thresholds below, and the "rising" view sorts by strength.

Signals are a registry too (`register_signal(key, compute)`, `compute(territory, neighbourhood, now)` →
iterable of Signal). The shared places' « occupancy rising » is read here from the bookings (the cell sits
above places and bookings).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from alleger.bookings import slots
from alleger.bookings.models import Booking, Resource
from alleger.bookings.selectors import OCCUPIED
from alleger.core.templatetags.alleger import euros, whole_percent
from alleger.funding.models import Contribution, Project, ProjectFollower
from alleger.interventions.models import Intervention, InterventionFollower
from alleger.kits.models import Kit
from alleger.places.models import Place
from alleger.proposals.models import Proposal
from alleger.proposals.models import Support as ProposalSupport
from alleger.reports.geo import haversine_m
from alleger.reports.models import Report

# --- thresholds (each signal's rule, in one place) ------------------------------------------------

#: Contribution velocity: the last VELOCITY_WINDOW_DAYS against the campaign's average week since its
#: launch (the window included). Rising at VELOCITY_RISING_RATIO times that pace, with at least
#: VELOCITY_MIN_CONTRIBUTIONS contributions in the window (one big gift is not a movement).
VELOCITY_WINDOW_DAYS = 7
VELOCITY_RISING_RATIO = 1.5
VELOCITY_MIN_CONTRIBUTIONS = 3

#: Supports of a proposal: the same rule, against its average week since it was filed.
SUPPORTS_WINDOW_DAYS = 7
SUPPORTS_RISING_RATIO = 1.5
SUPPORTS_MIN = 3

#: Followers: new followers of a live campaign (an active intervention) in the last FOLLOWERS_WINDOW_DAYS
#: against its average week since its publication (its announcement), the window included. Rising at
#: FOLLOWERS_RISING_RATIO times that pace, with at least FOLLOWERS_MIN new followers in the window. Follows
#: made before they were dated (`created_at` null) count in the average, never in the window.
FOLLOWERS_WINDOW_DAYS = 7
FOLLOWERS_RISING_RATIO = 1.5
FOLLOWERS_MIN = 3

#: Kits in use: interventions declared with a kit in the last KIT_WINDOW_DAYS (abandoned ones left out);
#: rising from KIT_MIN_INTERVENTIONS, and more than in the KIT_WINDOW_DAYS before.
KIT_WINDOW_DAYS = 30
KIT_MIN_INTERVENTIONS = 3

#: Reports clustering: at least CLUSTER_MIN_REPORTS reports of the same category within CLUSTER_RADIUS_M
#: metres (great-circle distance, alleger.reports.geo.haversine_m) of one of them, made in the last
#: CLUSTER_WINDOW_DAYS; duplicates (already attached to another report) are not counted twice.
CLUSTER_RADIUS_M = 300
CLUSTER_MIN_REPORTS = 5
CLUSTER_WINDOW_DAYS = 30
#: Most recent reports examined per territory and category (the grouping is quadratic in them).
CLUSTER_MAX_REPORTS = 2000

#: Occupancy of a place: its booked seat-hours over its open seat-hours (each active resource's own opening
#: hours times its capacity; confirmed and checked-in bookings, a no-show released its slot), the last
#: OCCUPANCY_WINDOW_DAYS against the OCCUPANCY_WINDOW_DAYS before. Rising at OCCUPANCY_RISING_RATIO times
#: the rate before, with at least OCCUPANCY_MIN_BOOKED_HOURS booked in the recent window (two bookings in an
#: empty room are not a movement). A rate before under OCCUPANCY_FLOOR counts as OCCUPANCY_FLOOR (from
#: nothing, any booking would be « infinitely » more). A place open in neither window says nothing.
OCCUPANCY_WINDOW_DAYS = 28
OCCUPANCY_RISING_RATIO = 1.5
OCCUPANCY_MIN_BOOKED_HOURS = 10
OCCUPANCY_FLOOR = 0.05

WITHDRAWN = (Contribution.Status.CANCELLED, Contribution.Status.VOIDED, Contribution.Status.REFUNDED,
             Contribution.Status.DROPPED)

METHODS = {
    "velocity": gettext_lazy(
        "Contributions encore valables des 7 derniers jours, comparées à la moyenne par semaine depuis le "
        "lancement de la campagne (ces 7 jours compris). Montante à partir de 1,5 fois ce rythme et 3 "
        "contributions."),
    "supports": gettext_lazy(
        "Soutiens des 7 derniers jours, comparés à la moyenne par semaine depuis le dépôt de la proposition. "
        "Montante à partir de 1,5 fois ce rythme et 3 soutiens."),
    "followers": gettext_lazy(
        "Nouveaux abonnés des 7 derniers jours, comparés à la moyenne par semaine depuis la publication du "
        "projet (l'annonce de l'intervention), ces 7 jours compris. Montant à partir de 1,5 fois ce rythme et 3 "
        "nouveaux abonnés. Les abonnements plus anciens que leur datation n'ont pas de date : ils comptent dans "
        "la moyenne, jamais dans les 7 jours."),
    "kit_use": gettext_lazy(
        "Interventions déclarées avec ce kit sur le territoire ces 30 derniers jours (abandonnées exclues), "
        "comparées aux 30 jours d'avant. Montant à partir de 3 et d'une hausse."),
    "report_cluster": gettext_lazy(
        "Signalements de la même catégorie faits ces 30 derniers jours à moins de 300 m (distance à vol "
        "d'oiseau) de l'un d'eux, doublons exclus. Un regroupement compte à partir de 5."),
    "occupancy": gettext_lazy(
        "Heures réservées (réservations confirmées ou honorées, places comprises) rapportées aux heures "
        "d'ouverture des ressources réservables du lieu (multipliées par leur capacité), ces 4 dernières "
        "semaines contre les 4 précédentes. Monte à partir de 1,5 fois le taux d'avant (compté au moins 5 %) "
        "et 10 heures réservées."),
}


@dataclass(frozen=True)
class Signal:
    key: str  # a key of METHODS (or of a registered signal)
    target: tuple[str, int]  # ("funding.project", 12): the item it is about
    title: str
    url: str
    neighbourhood: str
    strength: float
    rising: bool
    explanation: str

    @property
    def method(self) -> str:
        return str(METHODS.get(self.key, ""))

    @property
    def target_key(self) -> str:
        return f"{self.target[0]}:{self.target[1]}"


Compute = Callable[[object, object, datetime.datetime], Iterable[Signal]]
_signals: dict[str, Compute] = {}


def register_signal(key: str, compute: Compute, method=None) -> None:
    _signals[key] = compute
    if method is not None:
        METHODS[key] = method


def times(ratio: float) -> str:
    """« 3 » or « 2,5 »: a ratio as people say it."""
    rounded = round(ratio, 1)
    return number_format(rounded, decimal_pos=0 if rounded == int(rounded) else 1, force_grouping=True)


def _weeks_since(start: datetime.datetime, now: datetime.datetime, window_days: int) -> float:
    """Weeks elapsed since `start`, never less than the window (a campaign younger than a week is at its pace)."""
    return max((now - start).total_seconds() / (7 * 86400), window_days / 7)


def _hood(obj) -> str:
    return obj.neighbourhood.name if getattr(obj, "neighbourhood_id", None) else ""


def velocity(territory, neighbourhood, now) -> Iterable[Signal]:
    projects = Project.objects.filter(territory=territory, status=Project.Status.PUBLISHED,
                                      published_at__isnull=False)
    if neighbourhood is not None:
        projects = projects.filter(neighbourhood=neighbourhood)
    projects = {p.pk: p for p in projects.select_related("neighbourhood")}
    since = now - datetime.timedelta(days=VELOCITY_WINDOW_DAYS)
    standing = Contribution.objects.filter(project__in=projects.keys()).exclude(status__in=WITHDRAWN).order_by()
    totals = dict(standing.values("project_id").annotate(c=Sum("amount_cents")).values_list("project_id", "c"))
    recent = standing.filter(created_at__gte=since).values("project_id").annotate(
        c=Sum("amount_cents"), n=Count("pk"), backers=Count("contributor", distinct=True))
    for row in recent:
        project = projects[row["project_id"]]
        weeks = _weeks_since(project.published_at, now, VELOCITY_WINDOW_DAYS)
        average = totals.get(project.pk, 0) / weeks
        ratio = row["c"] / average if average else 0.0
        text = ngettext(
            "%(n)s contribution et %(amount)s ces 7 derniers jours (%(backers)s personne)",
            "%(n)s contributions et %(amount)s ces 7 derniers jours (%(backers)s personnes)", row["n"]) % {
            "n": row["n"], "amount": euros(row["c"]), "backers": row["backers"]}
        text += _(", %(times)s fois le rythme moyen de la campagne (%(average)s/semaine)") % {
            "times": times(ratio), "average": euros(round(average / 100) * 100)}  # whole euros: a pace
        yield Signal("velocity", ("funding.project", project.pk), project.title, project.get_absolute_url(),
                     _hood(project), ratio,
                     ratio >= VELOCITY_RISING_RATIO and row["n"] >= VELOCITY_MIN_CONTRIBUTIONS, text)


def supports(territory, neighbourhood, now) -> Iterable[Signal]:
    since = now - datetime.timedelta(days=SUPPORTS_WINDOW_DAYS)
    proposals = Proposal.objects.filter(territory=territory)
    if neighbourhood is not None:
        proposals = proposals.filter(asset__neighbourhood=neighbourhood)
    recent = dict(ProposalSupport.objects.filter(proposal__in=proposals, created_at__gte=since).order_by()
                  .values("proposal_id").annotate(n=Count("pk")).values_list("proposal_id", "n"))
    for proposal in proposals.filter(pk__in=recent).select_related("asset__neighbourhood"):
        n = recent[proposal.pk]
        weeks = _weeks_since(proposal.created_at, now, SUPPORTS_WINDOW_DAYS)
        average = proposal.supports_count / weeks
        ratio = n / average if average else 0.0
        text = ngettext("%(n)s soutien ces 7 derniers jours", "%(n)s soutiens ces 7 derniers jours", n) % {"n": n}
        text += _(", %(times)s fois le rythme moyen depuis son dépôt (%(average)s par semaine) ; %(total)s en tout") % {
            "times": times(ratio), "average": times(average), "total": proposal.supports_count}
        hood = proposal.asset.neighbourhood.name if proposal.asset_id and proposal.asset.neighbourhood_id else ""
        yield Signal("supports", ("proposals.proposal", proposal.pk), proposal.title, proposal.get_absolute_url(),
                     hood, ratio, ratio >= SUPPORTS_RISING_RATIO and n >= SUPPORTS_MIN, text)


def _followed(objects, follows, field: str, key: str, start_of, now) -> Iterable[Signal]:
    """New follows of each object in the window against its average week since `start_of(obj)`."""
    since = now - datetime.timedelta(days=FOLLOWERS_WINDOW_DAYS)
    objects = {o.pk: o for o in objects}
    dated = follows.filter(**{f"{field}__in": objects.keys()}).order_by()
    recent = dict(dated.filter(created_at__gte=since, created_at__lte=now).values(field)
                  .annotate(n=Count("pk")).values_list(field, "n"))
    if not recent:
        return
    totals = dict(dated.filter(Q(created_at__isnull=True) | Q(created_at__lte=now), **{f"{field}__in": recent})
                  .values(field).annotate(n=Count("pk")).values_list(field, "n"))
    for pk, n in recent.items():
        obj = objects[pk]
        total = totals.get(pk, n)
        weeks = _weeks_since(start_of(obj), now, FOLLOWERS_WINDOW_DAYS)
        average = total / weeks
        ratio = n / average if average else 0.0
        text = ngettext("%(n)s nouvel abonné ces 7 derniers jours", "%(n)s nouveaux abonnés ces 7 derniers jours",
                        n) % {"n": n}
        text += _(", contre %(average)s par semaine en moyenne (%(times)s fois ce rythme) ; %(total)s en tout") % {
            "average": times(average), "times": times(ratio), "total": total}
        yield Signal("followers", (key, obj.pk), obj.title, obj.get_absolute_url(), _hood(obj), ratio,
                     ratio >= FOLLOWERS_RISING_RATIO and n >= FOLLOWERS_MIN, text)


def followers(territory, neighbourhood, now) -> Iterable[Signal]:
    projects = Project.objects.filter(territory=territory, status=Project.Status.PUBLISHED,
                                      published_at__isnull=False)
    interventions = Intervention.objects.filter(territory=territory, status__in=Intervention.ACTIVE)
    if neighbourhood is not None:
        projects = projects.filter(neighbourhood=neighbourhood)
        interventions = interventions.filter(neighbourhood=neighbourhood)
    return [*_followed(projects.select_related("neighbourhood"), ProjectFollower.objects, "project",
                       "funding.project", lambda p: p.published_at, now),
            *_followed(interventions.select_related("neighbourhood"), InterventionFollower.objects, "intervention",
                       "interventions.intervention", lambda i: i.created_at, now)]


def kit_use(territory, neighbourhood, now) -> Iterable[Signal]:
    window = datetime.timedelta(days=KIT_WINDOW_DAYS)
    qs = Intervention.objects.filter(territory=territory).exclude(status=Intervention.Status.ABANDONED)
    if neighbourhood is not None:
        qs = qs.filter(neighbourhood=neighbourhood)
    rows = (qs.filter(created_at__gte=now - 2 * window).order_by().values("kit_id")
            .annotate(recent=Count("pk", filter=Q(created_at__gte=now - window)),
                      before=Count("pk", filter=Q(created_at__lt=now - window))))
    rows = {r["kit_id"]: r for r in rows if r["recent"]}
    totals = dict(qs.filter(kit_id__in=rows).order_by().values("kit_id").annotate(n=Count("pk"))
                  .values_list("kit_id", "n"))
    for kit in Kit.objects.filter(pk__in=rows):
        recent, before = rows[kit.pk]["recent"], rows[kit.pk]["before"]
        text = ngettext("%(n)s intervention avec ce kit ces 30 derniers jours",
                        "%(n)s interventions avec ce kit ces 30 derniers jours", recent) % {"n": recent}
        text += _(" (%(before)s les 30 jours d'avant), %(total)s en tout") % {"before": before,
                                                                             "total": totals.get(kit.pk, recent)}
        yield Signal("kit_use", ("kits.kit", kit.pk), kit.title, kit.get_absolute_url(), "",
                     recent / KIT_MIN_INTERVENTIONS, recent >= KIT_MIN_INTERVENTIONS and recent > before, text)


def clusters(reports: list) -> list[list]:
    """Groups of at least CLUSTER_MIN_REPORTS reports (same category expected) within CLUSTER_RADIUS_M of
    a centre: greedily, the report with the most neighbours first, its group then leaves the pool."""
    pool = {r.pk: r for r in reports if r.lat is not None and r.lon is not None}
    found = []
    while True:
        best = None
        for report in pool.values():
            near = [o for o in pool.values()
                    if haversine_m(report.lat, report.lon, o.lat, o.lon) <= CLUSTER_RADIUS_M]
            if best is None or (len(near), -report.pk) > (len(best[1]), -best[0].pk):
                best = (report, near)
        if best is None or len(best[1]) < CLUSTER_MIN_REPORTS:
            return found
        found.append([best[0], *[o for o in best[1] if o.pk != best[0].pk]])
        for o in best[1]:
            del pool[o.pk]


def report_clusters(territory, neighbourhood, now) -> Iterable[Signal]:
    qs = (Report.objects.filter(territory=territory, created_at__gte=now - datetime.timedelta(days=CLUSTER_WINDOW_DAYS),
                                lat__isnull=False, lon__isnull=False)
          .exclude(status=Report.Status.DUPLICATE).select_related("category", "neighbourhood")
          .order_by("-created_at", "-pk")[:CLUSTER_MAX_REPORTS])
    by_category = defaultdict(list)
    for report in qs:
        by_category[report.category_id].append(report)
    for reports in by_category.values():
        if len(reports) < CLUSTER_MIN_REPORTS:
            continue
        for group in clusters(reports):
            centre = group[0]
            if neighbourhood is not None and centre.neighbourhood_id != neighbourhood.pk:
                continue
            n = len(group)
            text = _("%(n)s signalements « %(category)s » ces 30 derniers jours à moins de %(radius)s m "
                     "de : %(place)s") % {
                "n": n, "category": centre.category.name, "radius": CLUSTER_RADIUS_M, "place": centre.place_label()}
            title = _("Regroupement : %(category)s") % {"category": centre.category.name}
            yield Signal("report_cluster", ("reports.report", centre.pk), title, centre.get_absolute_url(),
                         _hood(centre), n / CLUSTER_MIN_REPORTS, True, text)


def percent(rate: float) -> str:
    return whole_percent(round(100 * rate))


def occupancy(territory, neighbourhood, now) -> Iterable[Signal]:
    """Places whose booked share of their open seat-hours rises (see OCCUPANCY_* above). Two queries: the
    resources, and the bookings of the two windows; the open hours are read from the opening hours."""
    window = datetime.timedelta(days=OCCUPANCY_WINDOW_DAYS)
    middle, start = now - window, now - 2 * window
    resources = Resource.objects.filter(active=True, place__territory=territory,
                                        place__moderation=Place.Moderation.PUBLISHED)
    if neighbourhood is not None:
        resources = resources.filter(place__neighbourhood=neighbourhood)
    resources = list(resources.select_related("place", "place__neighbourhood"))
    if not resources:
        return
    # Seconds × seats, per place: [before, recent].
    opened: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
    booked: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])

    def spread(totals, place_id, lo, hi, seats):
        for i, (a, b) in enumerate(((start, middle), (middle, now))):
            overlap = (min(hi, b) - max(lo, a)).total_seconds()
            if overlap > 0:
                totals[place_id][i] += overlap * seats

    places = {}
    for resource in resources:
        places[resource.place_id] = resource.place
        for lo, hi in slots.windows(resource.opening_hours, start, now):
            spread(opened, resource.place_id, lo, hi, resource.capacity)
    for place_id, lo, hi, seats in (Booking.objects.filter(resource__in=resources, status__in=OCCUPIED,
                                                           start__lt=now, end__gt=start)
                                    .values_list("resource__place_id", "start", "end", "seats")):
        spread(booked, place_id, lo, hi, seats)
    for place_id, (open_before, open_recent) in opened.items():
        booked_before, booked_recent = booked[place_id] if place_id in booked else (0.0, 0.0)
        if not open_recent or not booked_recent:
            continue  # closed lately, or nothing booked: nothing to say
        rate = booked_recent / open_recent
        rate_before = booked_before / open_before if open_before else None
        ratio = rate / max(rate_before or 0.0, OCCUPANCY_FLOOR)
        hours = booked_recent / 3600
        if rate_before is None:
            text = _("Taux d'occupation %(rate)s ces 4 dernières semaines (%(booked)s h réservées sur %(open)s h "
                     "ouvertes) ; le lieu n'ouvrait pas les 4 précédentes") % {
                "rate": percent(rate), "booked": times(hours), "open": times(open_recent / 3600)}
        else:
            text = _("Taux d'occupation %(rate)s ces 4 dernières semaines, contre %(before)s les 4 précédentes "
                     "(%(booked)s h réservées sur %(open)s h ouvertes)") % {
                "rate": percent(rate), "before": percent(rate_before), "booked": times(hours),
                "open": times(open_recent / 3600)}
        place = places[place_id]
        yield Signal("occupancy", ("places.place", place.pk), place.name, place.get_absolute_url(), _hood(place),
                     ratio, rate_before is not None and ratio >= OCCUPANCY_RISING_RATIO
                     and hours >= OCCUPANCY_MIN_BOOKED_HOURS, text)


register_signal("velocity", velocity)
register_signal("supports", supports)
register_signal("followers", followers)
register_signal("kit_use", kit_use)
register_signal("report_cluster", report_clusters)
register_signal("occupancy", occupancy)


def signals(territory, neighbourhood=None, now=None) -> list[Signal]:
    """Every signal of the territory (rising or not), strongest first."""
    now = now or timezone.now()
    found = [s for compute in _signals.values() for s in compute(territory, neighbourhood, now)]
    return sorted(found, key=lambda s: (-s.strength, s.key, s.target_key))


def rising(territory, neighbourhood=None, now=None) -> list[Signal]:
    """The rising view: what passes its thresholds, strongest first."""
    return [s for s in signals(territory, neighbourhood, now) if s.rising]


def by_target(found: list[Signal]) -> dict[str, list[Signal]]:
    grouped = defaultdict(list)
    for s in found:
        grouped[s.target_key].append(s)
    return dict(grouped)


"""What the metrics job counts: one definition per kind of figure, read from each track's own events.

Every figure is an event on its own day — a contribution pledged, a campaign
settled, an intervention finished, a report fixed — and is broken down by the
neighbourhood the object had when it happened (a project's, an intervention's,
a report's own place), never by a person's profile as it is today: a resident
who moves does not move last year's figures (CONSUL's statistics drift because
they do). A late event (a report fixed today, pledged weeks ago) lands on the
day it happened, so rebuilding that day picks it up.

Each definition computes a whole range at once: `compute(territory, start, end)`
gets the local midnights that open and close the range (aware datetimes in the
territory's zone) and returns rows (local day, neighbourhood id, dimension,
value), grouped by local day in the database (`TruncDate(…, tzinfo=zone)`, on
SQLite and PostgreSQL alike), so that a year is one query per definition, not
365. Queries that several definitions read (the contributions' sums, counts,
new and returning people; fixed reports) run once per range inside `batch()`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps

from django.db import connections
from django.db.models import Count, DurationField, ExpressionWrapper, F, Min, Q, Sum, Window
from django.db.models.functions import Coalesce, RowNumber, TruncDate
from django.utils.translation import gettext_lazy as _

from alleger.assets.models import AssetChange
from alleger.bookings import slots
from alleger.bookings.models import Booking, Resource
from alleger.bookings.selectors import OCCUPIED
from alleger.funding.models import Contribution, Match, Offer, Project
from alleger.interventions.models import Intervention
from alleger.places.models import Place, PlaceChange
from alleger.proposals.models import Proposal
from alleger.reports.models import Report, ReportUpdate

#: (local day, neighbourhood id or None, dimension, value)
Row = tuple[datetime.date, int | None, str, int]
Compute = Callable[[object, datetime.datetime, datetime.datetime], Iterable[Row]]

COUNT, CENTS, HOURS, MINUTES = "count", "cents", "hours", "minutes"
UNITS = (COUNT, CENTS, HOURS, MINUTES)


@dataclass(frozen=True)
class Definition:
    key: str
    label: str
    unit: str
    compute: Compute
    #: What the figure counts, in words, for the dashboard's glossary and the open data's README.
    explains: str
    #: The long shared query it reads, if any (`shared`), which a job may start ahead (`prefetch`).
    reads: Callable | None = None


DEFINITIONS: dict[str, Definition] = {}


def metric(key: str, label, unit: str, explains, reads: Callable | None = None):
    def register(compute: Compute) -> Compute:
        DEFINITIONS[key] = Definition(key, label, unit, compute, explains, reads)
        return compute
    return register


# --- shared queries and local days ------------------------------------------------------------------

_memo: ContextVar[dict | None] = ContextVar("metrics_memo", default=None)


@contextmanager
def batch():
    """Inside, a query that several definitions read (`shared`) runs once per (territory, range). Nested, the
    outer batch goes on."""
    if _memo.get() is not None:
        yield
        return
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def shared(fn):
    @wraps(fn)
    def wrapper(territory, start, end):
        memo = _memo.get()
        if memo is None:
            return fn(territory, start, end)
        key = (fn.__name__, territory.pk, start, end)
        if key not in memo:
            memo[key] = fn(territory, start, end)
        elif isinstance(memo[key], Future):  # started ahead (`prefetch`): its result, once there
            memo[key] = memo[key].result()
        return memo[key]
    return wrapper


def prefetch(query, territory, start, end, submit: Callable[..., Future]) -> None:
    """Inside `batch()`, start the shared `query` now through `submit` (an executor's, say), so that the
    definitions reading it later find it computed, or wait for it."""
    memo = _memo.get()
    key = (query.__name__, territory.pk, start, end)
    if memo is not None and key not in memo:
        memo[key] = submit(query.__wrapped__, territory, start, end)


def _day(field, start: datetime.datetime) -> TruncDate:
    """The local day of a timestamp, in the range's zone (start is a local midnight)."""
    return TruncDate(field, tzinfo=start.tzinfo)


def as_date(value) -> datetime.date:
    """A day as the database returns it (a date on PostgreSQL, 'YYYY-MM-DD' on SQLite)."""
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value)[:10])


def _between(field: str, start, end) -> Q:
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _grouped(qs, at: str, start, neighbourhood: str, value, dimension: str | None = None) -> list[Row]:
    """Rows per (local day of `at`, neighbourhood[, dimension]) of `value`, in one query."""
    fields = ["local_day", neighbourhood] + ([dimension] if dimension else [])
    rows = qs.order_by().annotate(local_day=_day(at, start)).values(*fields).annotate(v=value)
    return [(as_date(r["local_day"]), r[neighbourhood], str(r[dimension]) if dimension else "", int(r["v"] or 0))
            for r in rows]


def local_pieces(start: datetime.datetime, end: datetime.datetime,
                 zone: datetime.tzinfo) -> Iterator[tuple[datetime.date, float]]:
    """[start, end) cut at local midnights: (local day, minutes of real time in it)."""
    start, end = start.astimezone(zone), end.astimezone(zone)
    while start < end:
        day = start.date()
        midnight = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
        piece_end = min(end, midnight)
        # Aware datetimes of one zone subtract as wall clocks: through UTC, a piece is the real time it lasts.
        yield day, (piece_end.astimezone(datetime.UTC) - start.astimezone(datetime.UTC)).total_seconds() / 60
        start = piece_end


# --- crowdfunding ------------------------------------------------------------------------------

WITHDRAWN = (Contribution.Status.CANCELLED, Contribution.Status.VOIDED, Contribution.Status.REFUNDED,
             Contribution.Status.DROPPED)


@shared
def _pledges(territory, start, end) -> list[tuple[datetime.date, int | None, int, int, int, int]]:
    """(day, neighbourhood, sum of the amounts, contributions, people, new people) of the range's contributions.

    People are counted once per (day, neighbourhood); a person is new there when their first contribution on
    the territory is of that day. All in one statement over the range, one sort of its contributions: each
    contribution with its person's first day in the range and its rank among the person's contributions of
    that day and neighbourhood (two windows over the same order), then summed per (day, neighbourhood); a
    person who had contributed before the range is never new. The inner queries are the ORM's (so the local
    day is each database's own); the outer one is plain SQL.
    """
    history = Contribution.objects.filter(project__territory=territory, created_at__lt=end).order_by()
    day, hood, person = _day("created_at", start), F("project__neighbourhood"), F("contributor")
    made = (history.filter(created_at__gte=start)
            .annotate(local_day=day, hood=hood, person=person, cents=F("amount_cents"),
                      first_day=Window(Min(day), partition_by=[person]),
                      rank=Window(RowNumber(), partition_by=[person, day, hood]))
            .values("local_day", "hood", "person", "cents", "first_day", "rank"))
    before = history.filter(created_at__lt=start).values("contributor")
    made_sql, made_params = made.query.sql_with_params()
    before_sql, before_params = before.query.sql_with_params()
    sql = (f"SELECT m.local_day, m.hood, SUM(m.cents), COUNT(*), SUM(CASE WHEN m.rank = 1 THEN 1 ELSE 0 END), "
           f"SUM(CASE WHEN m.rank = 1 AND m.local_day = m.first_day AND m.person NOT IN ({before_sql}) "
           f"THEN 1 ELSE 0 END) FROM ({made_sql}) m GROUP BY m.local_day, m.hood")
    with connections[history.db].cursor() as cursor:
        cursor.execute(sql, (*before_params, *made_params))
        return [(as_date(d), h, int(cents), n, int(people), int(new)) for d, h, cents, n, people, new in cursor]


@metric("pledged_cents", _("Promesses de dons"), CENTS,
        _("Somme des contributions faites ce jour-là (centimes), quel que soit leur sort ensuite."), reads=_pledges)
def pledged_cents(territory, start, end):
    return [(day, hood, "", cents) for day, hood, cents, *_ in _pledges(territory, start, end)]


@metric("withdrawn_cents", _("Contributions annulées ou rendues"), CENTS,
        _("Somme des contributions annulées, libérées, remboursées ou abandonnées ce jour-là (centimes)."))
def withdrawn_cents(territory, start, end):
    qs = Contribution.objects.filter(_between("ended_at", start, end), project__territory=territory,
                                     status__in=WITHDRAWN)
    return _grouped(qs, "ended_at", start, "project__neighbourhood", Sum("amount_cents"))


@metric("contributions", _("Contributions"), COUNT, _("Nombre de contributions faites ce jour-là."), reads=_pledges)
def contributions(territory, start, end):
    return [(day, hood, "", n) for day, hood, _cents, n, *_ in _pledges(territory, start, end)]


@metric("contributors_new", _("Nouveaux contributeurs"), COUNT,
        _("Personnes dont la première contribution sur ce territoire date de ce jour-là."), reads=_pledges)
def contributors_new(territory, start, end):
    return [(day, hood, "", new) for day, hood, _c, _n, _p, new in _pledges(territory, start, end)]


@metric("contributors_returning", _("Retours de contributeurs"), COUNT,
        _("Personnes qui contribuent ce jour-là et avaient déjà contribué sur ce territoire, comptées chaque jour "
          "où elles reviennent : une personne venue trois jours compte trois fois."), reads=_pledges)
def contributors_returning(territory, start, end):
    return [(day, hood, "", people - new) for day, hood, _c, _n, people, new in _pledges(territory, start, end)]


@metric("projects_published", _("Campagnes lancées"), COUNT, _("Projets publiés ce jour-là."))
def projects_published(territory, start, end):
    qs = Project.objects.filter(_between("published_at", start, end), territory=territory)
    return _grouped(qs, "published_at", start, "neighbourhood", Count("pk"))


@metric("projects_succeeded", _("Campagnes réussies"), COUNT,
        _("Projets clos ce jour-là avec leur objectif atteint."))
def projects_succeeded(territory, start, end):
    qs = Project.objects.filter(_between("settled_at", start, end), territory=territory,
                                status=Project.Status.SUCCEEDED)
    return _grouped(qs, "settled_at", start, "neighbourhood", Count("pk"))


@metric("projects_failed", _("Campagnes non financées"), COUNT,
        _("Projets clos ce jour-là sans avoir atteint leur objectif."))
def projects_failed(territory, start, end):
    qs = Project.objects.filter(_between("settled_at", start, end), territory=territory,
                                status=Project.Status.FAILED)
    return _grouped(qs, "settled_at", start, "neighbourhood", Count("pk"))


@metric("matched_cents", _("Abondements des mécènes"), CENTS,
        _("Sommes engagées ce jour-là par les fonds de doublement, par mécène (centimes)."))
def matched_cents(territory, start, end):
    qs = Match.objects.filter(_between("created_at", start, end), project__territory=territory)
    return _grouped(qs, "created_at", start, "project__neighbourhood", Sum("amount_cents"), "pool__sponsor_id")


@metric("inkind_offers", _("Offres d'aide en nature"), COUNT,
        _("Offres de compétences, de bras, de matériel, de salle ou de conseils faites ce jour-là, par type."))
def inkind_offers(territory, start, end):
    qs = Offer.objects.filter(_between("created_at", start, end), need__project__territory=territory)
    return _grouped(qs, "created_at", start, "need__project__neighbourhood", Count("pk"), "need__kind")


# --- interventions and assets -------------------------------------------------------------------

@metric("interventions_planned", _("Interventions prévues"), COUNT,
        _("Interventions déclarées ce jour-là, par kit."))
def interventions_planned(territory, start, end):
    qs = Intervention.objects.filter(_between("created_at", start, end), territory=territory)
    return _grouped(qs, "created_at", start, "neighbourhood", Count("pk"), "kit_id")


@metric("interventions_done", _("Interventions réalisées"), COUNT,
        _("Interventions réalisées ce jour-là (le jour où elles ont eu lieu : leur date de fin, sinon de début, "
          "pas celui où on les a marquées réalisées), par kit."))
def interventions_done(territory, start, end):
    # Counted on the day the intervention took place (a date, already local), not on `finished_at`, the
    # moment someone changed its status: one marked done weeks later still lands on its own day (when
    # that day is rebuilt).
    qs = (Intervention.objects.annotate(done_on=Coalesce("ends_on", "starts_on"))
          .filter(done_on__gte=start.date(), done_on__lt=end.date(), territory=territory,
                  status=Intervention.Status.DONE))
    rows = qs.order_by().values("done_on", "neighbourhood", "kit_id").annotate(v=Count("pk"))
    return [(as_date(r["done_on"]), r["neighbourhood"], str(r["kit_id"]), int(r["v"])) for r in rows]


@metric("interventions_abandoned", _("Interventions abandonnées"), COUNT,
        _("Interventions abandonnées ce jour-là."))
def interventions_abandoned(territory, start, end):
    qs = Intervention.objects.filter(_between("finished_at", start, end), territory=territory,
                                     status=Intervention.Status.ABANDONED)
    return _grouped(qs, "finished_at", start, "neighbourhood", Count("pk"))


@metric("assets_opened", _("Dispositifs ouverts"), COUNT,
        _("Dispositifs passés au statut « ouvert » ce jour-là (import, relecture ou décision)."))
def assets_opened(territory, start, end):
    # A change records {"status": [old, new]}: the new status is the pair's second item.
    qs = AssetChange.objects.filter(_between("created_at", start, end), asset__territory=territory,
                                    fields__status__1="open")
    return _grouped(qs, "created_at", start, "asset__neighbourhood", Count("asset", distinct=True))


# --- reports and proposals ----------------------------------------------------------------------

@metric("reports_created", _("Signalements"), COUNT, _("Signalements faits ce jour-là, par catégorie."))
def reports_created(territory, start, end):
    qs = Report.objects.filter(_between("created_at", start, end), territory=territory)
    return _grouped(qs, "created_at", start, "neighbourhood", Count("pk"), "category__service_code")


@shared
def _fixed(territory, start, end) -> list[tuple[datetime.date, int | None, str, int, float]]:
    """Reports whose first « fixed » update falls in the range, per (its local day, neighbourhood, category):
    (day, neighbourhood, category, reports, hours from report to fix summed). Each report's first fix is
    found by the ORM's query (so its local day is each database's own), summed by an outer plain one."""
    first = Min("created_at")
    firsts = (ReportUpdate.objects.filter(report__territory=territory, status=Report.Status.FIXED).order_by()
              .annotate(hood=F("report__neighbourhood"), code=F("report__category__service_code"),
                        opened=F("report__created_at"))
              .values("report", "hood", "code", "opened")
              .annotate(first=first, local_day=_day(first, start),
                        delay=ExpressionWrapper(first - F("opened"), output_field=DurationField()))
              .filter(first__gte=start, first__lt=end))
    inner, params = firsts.query.sql_with_params()
    sql = f"SELECT f.local_day, f.hood, f.code, COUNT(*), SUM(f.delay) FROM ({inner}) f GROUP BY 1, 2, 3"
    with connections[firsts.db].cursor() as cursor:
        cursor.execute(sql, params)
        # PostgreSQL sums intervals; SQLite's durations are microseconds.
        return [(as_date(day), hood, code, n, (delay.total_seconds() if isinstance(delay, datetime.timedelta)
                                              else delay / 1_000_000) / 3600)
                for day, hood, code, n, delay in cursor]


@metric("reports_fixed", _("Signalements réparés"), COUNT,
        _("Signalements marqués réparés pour la première fois ce jour-là, par catégorie."))
def reports_fixed(territory, start, end):
    return [(day, hood, code, n) for day, hood, code, n, _hours in _fixed(territory, start, end)]


@metric("reports_fix_hours", _("Heures jusqu'à la réparation"), HOURS,
        _("Somme des délais (en heures) entre le signalement et sa réparation, des signalements réparés ce "
          "jour-là ; divisée par le nombre de réparés, c'est le délai moyen."))
def reports_fix_hours(territory, start, end):
    return [(day, hood, code, round(hours)) for day, hood, code, _n, hours in _fixed(territory, start, end)]


@metric("proposals_created", _("Propositions"), COUNT, _("Propositions déposées ce jour-là."))
def proposals_created(territory, start, end):
    qs = Proposal.objects.filter(_between("created_at", start, end), territory=territory)
    return _grouped(qs, "created_at", start, "asset__neighbourhood", Count("pk"))


@metric("proposals_answered", _("Propositions ayant reçu une réponse"), COUNT,
        _("Propositions ayant reçu leur réponse officielle ce jour-là."))
def proposals_answered(territory, start, end):
    qs = Proposal.objects.filter(_between("answered_at", start, end), territory=territory)
    return _grouped(qs, "answered_at", start, "asset__neighbourhood", Count("pk"))


# --- shared places and their bookings -----------------------------------------------------------

@metric("places_published", _("Lieux publiés"), COUNT,
        _("Lieux partagés devenus publics ce jour-là : publiés par un modérateur après proposition, ou "
          "ajoutés déjà publiés (par leur gestionnaire ou un import)."))
def places_published(territory, start, end):
    # A review records {"moderation": ["proposed", "published"]}; a place added published has no review.
    reviewed = PlaceChange.objects.filter(place__territory=territory,
                                          fields__moderation__1=Place.Moderation.PUBLISHED)
    rows = _grouped(reviewed.filter(_between("created_at", start, end)), "created_at", start,
                    "place__neighbourhood", Count("place", distinct=True))
    added = (Place.objects.filter(_between("created_at", start, end), territory=territory,
                                  moderation=Place.Moderation.PUBLISHED)
             .exclude(pk__in=reviewed.values("place")))
    return rows + _grouped(added, "created_at", start, "neighbourhood", Count("pk"))


@metric("bookings_made", _("Réservations"), COUNT,
        _("Réservations de ressources des lieux faites ce jour-là et confirmées, même si elles ont été annulées "
          "ou manquées ensuite ; un créneau proposé depuis la liste d'attente compte s'il a été accepté (le jour "
          "où il a été proposé), pas s'il a été décliné ou n'a pas été réclamé à temps."))
def bookings_made(territory, start, end):
    # A hold keeps its deadline until it is claimed (then cleared): declined, expired and pending holds keep it.
    qs = Booking.objects.filter(_between("created_at", start, end), resource__place__territory=territory,
                                hold_until__isnull=True)
    return _grouped(qs, "created_at", start, "resource__place__neighbourhood", Count("pk"))


@metric("seat_minutes_open", _("Minutes-places ouvertes à la réservation"), MINUTES,
        _("Par lieu, les minutes où ses ressources réservables (actives, le lieu publié) sont ouvertes à la "
          "réservation ce jour-là, d'après leurs horaires, multipliées par leur capacité. Calculé chaque nuit "
          "avec les horaires du moment ; reconstruire un jour passé relit les horaires actuels."))
def seat_minutes_open(territory, start, end):
    resources = (Resource.objects.filter(place__territory=territory, active=True,
                                         place__moderation=Place.Moderation.PUBLISHED).order_by()
                 .values("opening_hours", "place", "place__neighbourhood").annotate(seats=Sum("capacity")))
    zone, days, minutes = start.tzinfo, {}, defaultdict(float)
    for r in resources:
        expression = r["opening_hours"]
        if expression not in days:  # resources often share their hours: their windows are read once
            days[expression] = defaultdict(float)
            for w_start, w_end in slots.windows(expression, start, end):
                for day, length in local_pieces(w_start, w_end, zone):
                    days[expression][day] += length
        for day, length in days[expression].items():
            minutes[(day, r["place__neighbourhood"], str(r["place"]))] += length * r["seats"]
    return [(day, hood, place, round(m)) for (day, hood, place), m in minutes.items()]


@metric("seat_minutes_booked", _("Minutes-places réservées"), MINUTES,
        _("Par lieu, les minutes réservées ce jour-là sur ses ressources (réservations confirmées ou dont la "
          "présence a été constatée ; une absence libère sa place), multipliées par le nombre de places "
          "réservées ; une réservation qui passe minuit compte pour chaque jour sa part."))
def seat_minutes_booked(territory, start, end):
    qs = Booking.objects.filter(resource__place__territory=territory, status__in=OCCUPIED, start__lt=end,
                                end__gt=start).order_by()
    place, hood = "resource__place_id", "resource__place__neighbourhood_id"
    # Most bookings lie inside one local day of the range: summed by the database.
    qs = qs.annotate(local_day=_day("start", start), last_day=_day("end", start))
    inside = Q(start__gte=start, end__lte=end, local_day=F("last_day"))
    minutes = defaultdict(float)
    if connections[qs.db].features.has_native_duration_field:  # PostgreSQL multiplies an interval by the seats
        seat_time = ExpressionWrapper((F("end") - F("start")) * F("seats"), output_field=DurationField())
        grouped = qs.filter(inside).values("local_day", place, hood).annotate(length=Sum(seat_time))
    else:  # SQLite cannot: per number of seats
        grouped = qs.filter(inside).values("local_day", place, hood, "seats").annotate(length=Sum(F("end") - F("start")))
    for r in grouped:
        minutes[(as_date(r["local_day"]), r[hood], str(r[place]))] += (r["length"].total_seconds() / 60
                                                                     * r.get("seats", 1))
    # The others (across midnight, or cut by the range) piece by piece.
    zone = start.tzinfo
    for b_start, b_end, seats, p, h in qs.exclude(inside).values_list("start", "end", "seats", place, hood):
        for day, length in local_pieces(max(b_start, start), min(b_end, end), zone):
            minutes[(day, h, str(p))] += length * seats
    return [(day, h, p, round(m)) for (day, h, p), m in minutes.items()]

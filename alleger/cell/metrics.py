"""What the metrics job counts: one definition per kind of figure, read from each track's own events.

Every figure is an event on its own day — a contribution pledged, a campaign
settled, an intervention finished, a report fixed — and is broken down by the
neighbourhood the object had when it happened (a project's, an intervention's,
a report's own place), never by a person's profile as it is today: a resident
who moves does not move last year's figures (CONSUL's statistics drift because
they do). A late event (a report fixed today, pledged weeks ago) lands on the
day it happened, so rebuilding that day picks it up.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, Min, Sum
from django.utils.translation import gettext_lazy as _

from alleger.assets.models import AssetChange
from alleger.funding.models import Contribution, Match, Offer, Project
from alleger.interventions.models import Intervention
from alleger.proposals.models import Proposal
from alleger.reports.models import Report, ReportUpdate

#: (neighbourhood id or None, dimension, value)
Row = tuple[int | None, str, int]
Compute = Callable[[object, datetime.datetime, datetime.datetime], Iterable[Row]]

COUNT, CENTS, HOURS = "count", "cents", "hours"


@dataclass(frozen=True)
class Definition:
    key: str
    label: str
    unit: str
    compute: Compute
    #: What the figure counts, in words, for the dashboard's glossary and the open data's README.
    explains: str


DEFINITIONS: dict[str, Definition] = {}


def metric(key: str, label, unit: str, explains):
    def register(compute: Compute) -> Compute:
        DEFINITIONS[key] = Definition(key, label, unit, compute, explains)
        return compute
    return register


def _grouped(qs, neighbourhood: str, value, dimension: str | None = None) -> list[Row]:
    fields = [neighbourhood] + ([dimension] if dimension else [])
    rows = qs.order_by().values(*fields).annotate(v=value)
    return [(r[neighbourhood], str(r[dimension]) if dimension else "", int(r["v"] or 0)) for r in rows]


# --- crowdfunding ------------------------------------------------------------------------------

WITHDRAWN = (Contribution.Status.CANCELLED, Contribution.Status.VOIDED, Contribution.Status.REFUNDED,
             Contribution.Status.DROPPED)


@metric("pledged_cents", _("Promesses de dons"), CENTS,
        _("Somme des contributions faites ce jour-là (centimes), quel que soit leur sort ensuite."))
def pledged_cents(territory, start, end):
    qs = Contribution.objects.filter(project__territory=territory, created_at__gte=start, created_at__lt=end)
    return _grouped(qs, "project__neighbourhood", Sum("amount_cents"))


@metric("withdrawn_cents", _("Contributions annulées ou rendues"), CENTS,
        _("Somme des contributions annulées, libérées, remboursées ou abandonnées ce jour-là (centimes)."))
def withdrawn_cents(territory, start, end):
    qs = Contribution.objects.filter(project__territory=territory, status__in=WITHDRAWN,
                                     ended_at__gte=start, ended_at__lt=end)
    return _grouped(qs, "project__neighbourhood", Sum("amount_cents"))


@metric("contributions", _("Contributions"), COUNT, _("Nombre de contributions faites ce jour-là."))
def contributions(territory, start, end):
    qs = Contribution.objects.filter(project__territory=territory, created_at__gte=start, created_at__lt=end)
    return _grouped(qs, "project__neighbourhood", Count("pk"))


def _contributors(territory, start, end, *, new: bool) -> list[Row]:
    today = (Contribution.objects.filter(project__territory=territory, created_at__gte=start, created_at__lt=end)
             .values_list("contributor_id", "project__neighbourhood_id"))
    firsts = dict(Contribution.objects.filter(project__territory=territory, created_at__lt=end)
                  .filter(contributor_id__in={c for c, _ in today}).order_by()
                  .values("contributor_id").annotate(first=Min("created_at")).values_list("contributor_id", "first"))
    seen, counts = set(), Counter()
    for contributor, hood in today:
        if (contributor, hood) in seen:
            continue
        seen.add((contributor, hood))
        if (firsts[contributor] >= start) == new:
            counts[hood] += 1
    return [(hood, "", n) for hood, n in counts.items()]


@metric("contributors_new", _("Nouveaux contributeurs"), COUNT,
        _("Personnes dont la première contribution sur ce territoire date de ce jour-là."))
def contributors_new(territory, start, end):
    return _contributors(territory, start, end, new=True)


@metric("contributors_returning", _("Contributeurs fidèles"), COUNT,
        _("Personnes qui contribuent ce jour-là et avaient déjà contribué sur ce territoire."))
def contributors_returning(territory, start, end):
    return _contributors(territory, start, end, new=False)


@metric("projects_published", _("Campagnes lancées"), COUNT, _("Projets publiés ce jour-là."))
def projects_published(territory, start, end):
    qs = Project.objects.filter(territory=territory, published_at__gte=start, published_at__lt=end)
    return _grouped(qs, "neighbourhood", Count("pk"))


@metric("projects_succeeded", _("Campagnes réussies"), COUNT,
        _("Projets clos ce jour-là avec leur objectif atteint."))
def projects_succeeded(territory, start, end):
    qs = Project.objects.filter(territory=territory, status=Project.Status.SUCCEEDED,
                                settled_at__gte=start, settled_at__lt=end)
    return _grouped(qs, "neighbourhood", Count("pk"))


@metric("projects_failed", _("Campagnes non financées"), COUNT,
        _("Projets clos ce jour-là sans avoir atteint leur objectif."))
def projects_failed(territory, start, end):
    qs = Project.objects.filter(territory=territory, status=Project.Status.FAILED,
                                settled_at__gte=start, settled_at__lt=end)
    return _grouped(qs, "neighbourhood", Count("pk"))


@metric("matched_cents", _("Abondements des mécènes"), CENTS,
        _("Sommes engagées ce jour-là par les fonds de doublement, par mécène (centimes)."))
def matched_cents(territory, start, end):
    qs = Match.objects.filter(project__territory=territory, created_at__gte=start, created_at__lt=end)
    return _grouped(qs, "project__neighbourhood", Sum("amount_cents"), "pool__sponsor_id")


@metric("inkind_offers", _("Offres d'aide en nature"), COUNT,
        _("Offres de compétences, de bras, de matériel, de salle ou de conseils faites ce jour-là, par type."))
def inkind_offers(territory, start, end):
    qs = Offer.objects.filter(need__project__territory=territory, created_at__gte=start, created_at__lt=end)
    return _grouped(qs, "need__project__neighbourhood", Count("pk"), "need__kind")


# --- interventions and assets -------------------------------------------------------------------

@metric("interventions_planned", _("Interventions prévues"), COUNT,
        _("Interventions déclarées ce jour-là, par kit."))
def interventions_planned(territory, start, end):
    qs = Intervention.objects.filter(territory=territory, created_at__gte=start, created_at__lt=end)
    return _grouped(qs, "neighbourhood", Count("pk"), "kit_id")


@metric("interventions_done", _("Interventions réalisées"), COUNT,
        _("Interventions terminées ce jour-là, par kit."))
def interventions_done(territory, start, end):
    qs = Intervention.objects.filter(territory=territory, status=Intervention.Status.DONE,
                                     finished_at__gte=start, finished_at__lt=end)
    return _grouped(qs, "neighbourhood", Count("pk"), "kit_id")


@metric("interventions_abandoned", _("Interventions abandonnées"), COUNT,
        _("Interventions abandonnées ce jour-là."))
def interventions_abandoned(territory, start, end):
    qs = Intervention.objects.filter(territory=territory, status=Intervention.Status.ABANDONED,
                                     finished_at__gte=start, finished_at__lt=end)
    return _grouped(qs, "neighbourhood", Count("pk"))


@metric("assets_opened", _("Dispositifs ouverts"), COUNT,
        _("Dispositifs passés au statut « ouvert » ce jour-là (import, relecture ou décision)."))
def assets_opened(territory, start, end):
    changes = (AssetChange.objects.filter(asset__territory=territory, created_at__gte=start, created_at__lt=end)
               .values_list("asset_id", "asset__neighbourhood_id", "fields"))
    opened = {(asset, hood) for asset, hood, fields in changes
              if isinstance(fields.get("status"), list) and fields["status"][-1] == "open"}
    counts = Counter(hood for _, hood in opened)
    return [(hood, "", n) for hood, n in counts.items()]


# --- reports and proposals ----------------------------------------------------------------------

@metric("reports_created", _("Signalements"), COUNT, _("Signalements faits ce jour-là, par catégorie."))
def reports_created(territory, start, end):
    qs = Report.objects.filter(territory=territory, created_at__gte=start, created_at__lt=end)
    return _grouped(qs, "neighbourhood", Count("pk"), "category__service_code")


def _fixed(territory, start, end):
    """Reports whose first « fixed » update falls on the day, with the hours it took."""
    firsts = (ReportUpdate.objects.filter(report__territory=territory, status=Report.Status.FIXED)
              .order_by().values("report_id").annotate(first=Min("created_at"))
              .filter(first__gte=start, first__lt=end).values_list("report_id", "first"))
    firsts = dict(firsts)
    reports = Report.objects.filter(pk__in=firsts).values_list("pk", "neighbourhood_id",
                                                               "category__service_code", "created_at")
    return [(hood, code, (firsts[pk] - created).total_seconds() / 3600) for pk, hood, code, created in reports]


@metric("reports_fixed", _("Signalements réparés"), COUNT,
        _("Signalements marqués réparés pour la première fois ce jour-là, par catégorie."))
def reports_fixed(territory, start, end):
    counts = Counter((hood, code) for hood, code, _ in _fixed(territory, start, end))
    return [(hood, code, n) for (hood, code), n in counts.items()]


@metric("reports_fix_hours", _("Heures jusqu'à la réparation"), HOURS,
        _("Somme des délais (en heures) entre le signalement et sa réparation, des signalements réparés ce "
          "jour-là ; divisée par le nombre de réparés, c'est le délai moyen."))
def reports_fix_hours(territory, start, end):
    hours = defaultdict(float)
    for hood, code, h in _fixed(territory, start, end):
        hours[(hood, code)] += h
    return [(hood, code, round(h)) for (hood, code), h in hours.items()]


@metric("proposals_created", _("Propositions"), COUNT, _("Propositions déposées ce jour-là."))
def proposals_created(territory, start, end):
    qs = Proposal.objects.filter(territory=territory, created_at__gte=start, created_at__lt=end)
    return _grouped(qs, "asset__neighbourhood", Count("pk"))


@metric("proposals_answered", _("Propositions ayant reçu une réponse"), COUNT,
        _("Propositions ayant reçu leur réponse officielle ce jour-là."))
def proposals_answered(territory, start, end):
    qs = Proposal.objects.filter(territory=territory, answered_at__gte=start, answered_at__lt=end)
    return _grouped(qs, "asset__neighbourhood", Count("pk"))

"""The dashboards' figures, summed from the metrics table (never from the live tables)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alleger.core import charts
from alleger.kits.models import Kit
from alleger.organisations.models import Organisation
from alleger.places.models import Place
from alleger.reports.models import ReportCategory
from alleger.studies.selectors import published_studies_of

from .metrics import CENTS, DEFINITIONS
from .models import Metric
from .watch_places import published_places

#: The figures computed from others, for the glossary.
DERIVED = [
    (gettext_lazy("Lieux partagés publics"),
     gettext_lazy("Lieux partagés publiés à la fin de la période (le compte du jour, pas une somme).")),
    (gettext_lazy("Taux d'occupation des lieux"),
     gettext_lazy("Minutes-places réservées divisées par les minutes-places ouvertes de la période.")),
    (gettext_lazy("Couverture de la population"),
     gettext_lazy("Part des habitants à moins d'une distance donnée (à vol d'oiseau) d'un lieu partagé, selon la "
                  "dernière étude d'implantation publiée du territoire (carroyage de l'INSEE).")),
]


@dataclass(frozen=True)
class Period:
    first: datetime.date
    last: datetime.date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> Period:
        last = self.first - datetime.timedelta(days=1)
        return Period(last - datetime.timedelta(days=self.days - 1), last)


def _rows(territory, period: Period, neighbourhood=None):
    qs = Metric.objects.filter(territory=territory, day__gte=period.first, day__lte=period.last)
    if neighbourhood is not None:
        qs = qs.filter(neighbourhood=neighbourhood)
    return qs


def totals(territory, period: Period, neighbourhood=None) -> dict[str, int]:
    """{key: sum over the period} for every defined key (0 when nothing happened)."""
    found = dict(_rows(territory, period, neighbourhood).order_by().values("key")
                 .annotate(v=Sum("value")).values_list("key", "v"))
    return {key: int(found.get(key) or 0) for key in DEFINITIONS}


def label_of(key: str) -> str:
    return str(DEFINITIONS[key].label)


def glossary() -> list[tuple[str, str]]:
    """(label, what it counts) of every figure: the definitions, then the derived ones."""
    entries = [(str(d.label), str(d.explains)) for d in DEFINITIONS.values()]
    return entries + [(str(label), str(explains)) for label, explains in DERIVED]


def rate(booked: int, opened: int) -> int | None:
    """The booked share of the open time, in per cent (None when nothing was open)."""
    return round(100 * booked / opened) if opened else None


def derived(t: dict[str, int]) -> dict[str, int | None]:
    """The figures computed from others: money raised net, success rate, mean time to fix."""
    settled = t["projects_succeeded"] + t["projects_failed"]
    return {
        "raised_cents": t["pledged_cents"] - t["withdrawn_cents"],
        "success_rate": round(100 * t["projects_succeeded"] / settled) if settled else None,
        "fix_hours_mean": round(t["reports_fix_hours"] / t["reports_fixed"]) if t["reports_fixed"] else None,
        "occupancy": rate(t["seat_minutes_booked"], t["seat_minutes_open"]),
    }


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: int | None
    previous: int | None
    money: bool = False
    suffix: str = ""

    @property
    def is_rate(self) -> bool:
        """A percentage itself (a success rate, an occupancy): its change is in points."""
        return self.suffix == "%"

    @property
    def change(self) -> int | None:
        """Change against the previous period: in per cent of it, or in percentage points for a rate (12 %
        against 3 % is +9 points, not +300 %). None when it cannot be said: nothing before, or a negative
        figure before, such as money raised net of more withdrawals than pledges."""
        if self.value is None or self.previous is None:
            return None
        if self.is_rate:
            return self.value - self.previous
        if self.previous <= 0:
            return None
        return round(100 * (self.value - self.previous) / abs(self.previous))

    @property
    def change_size(self) -> int | None:
        return None if self.change is None else abs(self.change)


HEADLINE = [
    ("raised_cents", gettext_lazy("Argent collecté (net)"), True, ""),
    ("contributions", None, False, ""),
    ("contributors_new", None, False, ""),
    ("contributors_returning", None, False, ""),
    ("projects_published", None, False, ""),
    ("projects_succeeded", None, False, ""),
    ("projects_failed", None, False, ""),
    ("success_rate", gettext_lazy("Taux de réussite des campagnes closes"), False, "%"),
    ("matched_cents", None, True, ""),
    ("inkind_offers", None, False, ""),
    ("interventions_planned", None, False, ""),
    ("interventions_done", None, False, ""),
    ("assets_opened", None, False, ""),
    ("reports_created", None, False, ""),
    ("reports_fixed", None, False, ""),
    ("fix_hours_mean", gettext_lazy("Délai moyen de réparation (heures)"), False, ""),  # the unit is in the label
    ("proposals_created", None, False, ""),
    ("proposals_answered", None, False, ""),
    ("places_published", None, False, ""),
    ("places_public", gettext_lazy("Lieux partagés publics (fin de période)"), False, ""),
    ("bookings_made", None, False, ""),
    ("occupancy", gettext_lazy("Taux d'occupation des lieux"), False, "%"),
]


def public_places(territory, day: datetime.date, neighbourhood=None) -> int:
    """Published places at the end of `day` (counted live from the places, by their publication date)."""
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min,
                                    tzinfo=ZoneInfo(settings.TIME_ZONE))
    qs = published_places(territory).filter(published_at__lt=end)
    return (qs.filter(neighbourhood=neighbourhood) if neighbourhood is not None else qs).count()


def headline(territory, period: Period, neighbourhood=None) -> list[Figure]:
    now = totals(territory, period, neighbourhood)
    before = totals(territory, period.previous(), neighbourhood)
    now.update(derived(now), places_public=public_places(territory, period.last, neighbourhood))
    before.update(derived(before), places_public=public_places(territory, period.previous().last, neighbourhood))
    figures = []
    for key, label, money, suffix in HEADLINE:
        definition = DEFINITIONS.get(key)
        figures.append(Figure(key, str(label or label_of(key)), now[key], before[key],
                              money=money or (definition is not None and definition.unit == CENTS),
                              suffix=suffix))
    return figures


def by_neighbourhood(territory, period: Period) -> list[dict]:
    """Per neighbourhood (and « hors quartier »): the main figures of the period."""
    keys = ["pledged_cents", "withdrawn_cents", "contributions", "interventions_done", "reports_created",
            "reports_fixed", "assets_opened", "bookings_made", "seat_minutes_open", "seat_minutes_booked"]
    sums = defaultdict(lambda: dict.fromkeys(keys, 0))
    for hood, key, value in (_rows(territory, period).filter(key__in=keys).order_by()
                             .values("neighbourhood").annotate(v=Sum("value"))
                             .values_list("neighbourhood", "key", "v")):
        sums[hood][key] = int(value)
    rows = []
    for hood in [*territory.neighbourhoods.order_by("name"), None]:
        figures = sums.get(hood.pk if hood else None)
        if figures is None and hood is None:
            continue
        figures = figures or dict.fromkeys(keys, 0)
        rows.append({"neighbourhood": hood, "raised_cents": figures["pledged_cents"] - figures["withdrawn_cents"],
                     "occupancy": rate(figures["seat_minutes_booked"], figures["seat_minutes_open"]), **figures})
    return rows


def _by_dimension(territory, period: Period, key: str, neighbourhood=None) -> list[tuple[str, int]]:
    return list(_rows(territory, period, neighbourhood).filter(key=key).order_by().values("dimension")
                .annotate(v=Sum("value")).order_by("-v", "dimension").values_list("dimension", "v"))


def breakdowns(territory, period: Period, neighbourhood=None) -> dict[str, list[tuple[str, int]]]:
    """Matched funds per sponsor, reports by category (with their mean time to fix), interventions by kit."""
    sponsors = _by_dimension(territory, period, "matched_cents", neighbourhood)
    names = dict(Organisation.objects.filter(pk__in=[int(d) for d, _ in sponsors if d.isdigit()])
                 .values_list("pk", "name"))
    categories = _by_dimension(territory, period, "reports_created", neighbourhood)
    fixed = dict(_by_dimension(territory, period, "reports_fixed", neighbourhood))
    hours = dict(_by_dimension(territory, period, "reports_fix_hours", neighbourhood))
    category_names = dict(ReportCategory.objects.filter(territory=territory).values_list("service_code", "name"))
    kits = _by_dimension(territory, period, "interventions_done", neighbourhood)
    kit_names = dict(Kit.objects.filter(pk__in=[int(d) for d, _ in kits if d.isdigit()]).values_list("pk", "title"))
    return {
        "sponsors": [(names.get(int(d), _("Mécène retiré")) if d.isdigit() else d, v) for d, v in sponsors],
        "categories": [(category_names.get(d, d), v, fixed.get(d, 0),
                        round(hours.get(d, 0) / fixed[d]) if fixed.get(d) else None) for d, v in categories],
        "kits": [(kit_names.get(int(d), _("Kit retiré")) if d.isdigit() else d, v) for d, v in kits],
    }


def series(territory, period: Period, keys: list[str], neighbourhood=None) -> dict:
    """Per period unit (day, week or month, as core.charts picks): {"unit", "periods", key: [values]}."""
    unit = charts.period_unit(period.first, period.last)
    starts = charts.periods(period.first, period.last, unit)
    index = {start: i for i, start in enumerate(starts)}
    data = {"unit": unit, "periods": starts, **{key: [0] * len(starts) for key in keys}}
    for day, key, value in (_rows(territory, period, neighbourhood).filter(key__in=keys).order_by()
                            .values("day", "key").annotate(v=Sum("value")).values_list("day", "key", "v")):
        data[key][index[charts.period_start(day, unit)]] += int(value)
    return data


def chart(data: dict, keys: list[str], *, title: str, desc: str, kind: str = "bar") -> charts.Chart:
    headings = {charts.DAY: _("Jour"), charts.WEEK: _("Semaine"), charts.MONTH: _("Mois")}
    columns = [charts.Column(str(DEFINITIONS[key].label), data[key], money=DEFINITIONS[key].unit == CENTS)
               for key in keys]
    labels = [charts.period_label(p, data["unit"]) for p in data["periods"]]
    return charts.chart_build(title=title, desc=desc, kind=kind, row_heading=headings[data["unit"]],
                              labels=labels, columns=columns,
                              ticks=[charts.period_tick(p, data["unit"]) for p in data["periods"]])


# --- shared places: occupancy and coverage ------------------------------------------------------

def _hours(minutes: int) -> int:
    return round(minutes / 60)


def occupancy_by_place(territory, period: Period, neighbourhood=None) -> dict:
    """Per place (the metrics' dimension), its open and booked hours and their ratio, busiest first; and the
    total. A place gone since keeps its figures under « Lieu retiré »."""
    sums = defaultdict(lambda: {"seat_minutes_open": 0, "seat_minutes_booked": 0})
    for dimension, key, value in (_rows(territory, period, neighbourhood)
                                  .filter(key__in=["seat_minutes_open", "seat_minutes_booked"]).order_by()
                                  .values("dimension", "key").annotate(v=Sum("value"))
                                  .values_list("dimension", "key", "v")):
        sums[dimension][key] += int(value)
    places = {str(p.pk): p for p in Place.objects.filter(
        pk__in=[int(d) for d in sums if d.isascii() and d.isdigit()]).only("pk", "name")}
    rows = []
    for dimension, figures in sums.items():
        opened, booked = figures["seat_minutes_open"], figures["seat_minutes_booked"]
        place = places.get(dimension)
        rows.append({"name": place.name if place else _("Lieu retiré"), "place": place,
                     "open_hours": _hours(opened), "booked_hours": _hours(booked), "percent": rate(booked, opened)})
    rows.sort(key=lambda r: (-(r["percent"] or 0), -r["booked_hours"], r["name"]))
    opened = sum(f["seat_minutes_open"] for f in sums.values())
    booked = sum(f["seat_minutes_booked"] for f in sums.values())
    return {"rows": rows, "open_hours": _hours(opened), "booked_hours": _hours(booked),
            "percent": rate(booked, opened)}


def occupancy_chart(territory, period: Period, neighbourhood=None, *, where: str) -> charts.Chart:
    """The occupancy rate per day, week or month, drawn as bars; the table adds the open and booked hours.
    Nothing open in the whole period: an empty chart that says so, rather than a row of zeros."""
    data = series(territory, period, ["seat_minutes_open", "seat_minutes_booked"], neighbourhood)
    opened, booked = data["seat_minutes_open"], data["seat_minutes_booked"]
    shown = range(len(data["periods"])) if any(opened) else range(0)
    headings = {charts.DAY: _("Jour"), charts.WEEK: _("Semaine"), charts.MONTH: _("Mois")}
    return charts.chart_build(
        title=_("Taux d'occupation des lieux partagés à %(where)s") % {"where": where},
        desc=_("Part des heures d'ouverture des salles, postes, machines et outils réservée chaque période, en "
               "pour cent ; le tableau donne aussi les heures ouvertes et réservées."),
        kind="bar", row_heading=headings[data["unit"]],
        labels=[charts.period_label(data["periods"][i], data["unit"]) for i in shown],
        ticks=[charts.period_tick(data["periods"][i], data["unit"]) for i in shown],
        columns=[charts.Column(_("Taux d'occupation"), [rate(booked[i], opened[i]) or 0 for i in shown], unit="%"),
                 charts.Column(_("Heures-places ouvertes"), [_hours(opened[i]) for i in shown]),
                 charts.Column(_("Heures-places réservées"), [_hours(booked[i]) for i in shown])])


def coverage(territory, neighbourhood=None) -> list[dict]:
    """The coverage of the population by places, from the territory's published implantation studies: the
    latest one of each selection of places (EPN, food co-ops…: a study of another kind of place does not
    replace it), newest first; empty when there is none. Each gives its share within its distance, per
    neighbourhood, and the neighbourhood's row. Reads only the parts of the results it shows (a metropolis'
    results weigh megabytes)."""
    found = (published_studies_of(territory).order_by("-computed_at", "-created_at", "-pk")
             .values("pk", "title", "radius_m", "computed_at", "service_kinds", "profile", "place_type",
                     "open_weekday", "open_time", "results__summary", "results__neighbourhoods"))

    def share(row) -> int | None:
        value = (row or {}).get("covered_share")
        return round(100 * value) if isinstance(value, int | float) else None

    studies, selections = [], set()
    for study in found:
        selection = (study["service_kinds"], study["profile"], study["place_type"], study["open_weekday"],
                     study["open_time"])
        if selection in selections:
            continue
        selections.add(selection)
        summary = study["results__summary"] or {}
        rows = [{"name": row.get("name") or _("Hors des quartiers"), "slug": row.get("slug", ""),
                 "population": row.get("population"), "covered": row.get("covered"), "percent": share(row)}
                for row in study["results__neighbourhoods"] or [] if isinstance(row, dict)]
        current = next((r for r in rows if neighbourhood is not None and r["slug"] == neighbourhood.slug), None)
        studies.append({"pk": study["pk"], "title": study["title"], "radius": study["radius_m"],
                        "computed_at": study["computed_at"], "population": summary.get("population"),
                        "covered": summary.get("covered"), "percent": share(summary), "rows": rows,
                        "current": current})
    return studies

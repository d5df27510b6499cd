"""The dashboards' figures, summed from the metrics table (never from the live tables)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alleger.core import charts
from alleger.kits.models import Kit
from alleger.organisations.models import Organisation
from alleger.reports.models import ReportCategory

from .metrics import CENTS, DEFINITIONS
from .models import Metric


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


def derived(t: dict[str, int]) -> dict[str, int | None]:
    """The figures computed from others: money raised net, success rate, mean time to fix."""
    settled = t["projects_succeeded"] + t["projects_failed"]
    return {
        "raised_cents": t["pledged_cents"] - t["withdrawn_cents"],
        "success_rate": round(100 * t["projects_succeeded"] / settled) if settled else None,
        "fix_hours_mean": round(t["reports_fix_hours"] / t["reports_fixed"]) if t["reports_fixed"] else None,
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
    def change(self) -> int | None:
        """Percentage change against the previous period (None when it cannot be said)."""
        if self.value is None or not self.previous:
            return None
        return round(100 * (self.value - self.previous) / abs(self.previous))


HEADLINE = [
    ("raised_cents", gettext_lazy("Argent collecté (net)"), True, ""),
    ("contributions", None, False, ""),
    ("contributors_new", None, False, ""),
    ("contributors_returning", None, False, ""),
    ("projects_published", None, False, ""),
    ("projects_succeeded", None, False, ""),
    ("projects_failed", None, False, ""),
    ("success_rate", gettext_lazy("Taux de réussite des campagnes closes"), False, " %"),
    ("matched_cents", None, True, ""),
    ("inkind_offers", None, False, ""),
    ("interventions_planned", None, False, ""),
    ("interventions_done", None, False, ""),
    ("assets_opened", None, False, ""),
    ("reports_created", None, False, ""),
    ("reports_fixed", None, False, ""),
    ("fix_hours_mean", gettext_lazy("Délai moyen de réparation (heures)"), False, " h"),
    ("proposals_created", None, False, ""),
    ("proposals_answered", None, False, ""),
]


def headline(territory, period: Period, neighbourhood=None) -> list[Figure]:
    now = totals(territory, period, neighbourhood)
    before = totals(territory, period.previous(), neighbourhood)
    now.update(derived(now))
    before.update(derived(before))
    figures = []
    for key, label, money, suffix in HEADLINE:
        definition = DEFINITIONS.get(key)
        figures.append(Figure(key, str(label or definition.label), now[key], before[key],
                              money=money or (definition is not None and definition.unit == CENTS),
                              suffix=suffix))
    return figures


def by_neighbourhood(territory, period: Period) -> list[dict]:
    """Per neighbourhood (and « hors quartier »): the main figures of the period."""
    keys = ["pledged_cents", "withdrawn_cents", "contributions", "interventions_done", "reports_created",
            "reports_fixed", "assets_opened"]
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
                     **figures})
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
                              labels=labels, columns=columns)

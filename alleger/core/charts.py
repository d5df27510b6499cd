"""Server-rendered SVG charts (bars or a line) with the same figures in a data table.

A chart is computed here (geometry, formatted figures) and drawn by
templates/components/chart.html: an `<svg role="img">` with `<title>` and
`<desc>`, then a `<table>` holding every figure the drawing shows, and more.
No JavaScript and no style attribute: it works under the strict CSP.
Why not a charting library: docs/architecture.md, « Charts ».
"""

import datetime
from dataclasses import dataclass, field

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alleger.core.templatetags.alleger import euros

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 72, 12, 14, 30
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

# A period is a day, a week (Monday) or a month: the finest that keeps the table short.
DAY, WEEK, MONTH = "day", "week", "month"
MAX_PERIODS = 92


@dataclass(frozen=True)
class Column:
    """One figure per period. `money`: integer cents, shown as euros; else `unit` follows the number (« % »)."""

    heading: str
    values: list[int]
    money: bool = False
    unit: str = ""

    def show(self, value: int) -> str:
        if self.money:
            return euros(value)
        shown = number_format(value, force_grouping=True)
        return f"{shown}\u202f{self.unit}" if self.unit else shown


@dataclass
class Chart:
    title: str
    desc: str
    kind: str  # "bar" or "line"
    row_heading: str
    labels: list[str]
    columns: list[Column]
    plotted: int = 0  # the column drawn; the others are in the table only
    bars: list[dict] = field(default_factory=list)
    points: str = ""
    y_ticks: list[dict] = field(default_factory=list)
    x_ticks: list[dict] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)

    width, height, left, top, bottom = WIDTH, HEIGHT, LEFT, TOP, HEIGHT - BOTTOM

    @property
    def empty(self) -> bool:
        return not self.labels


def _nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5 × 10ⁿ at or above value."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for m in (1, 2, 5):
            if m * step >= value:
                return m * step
        step *= 10


def chart_build(*, title: str, desc: str, kind: str, row_heading: str, labels: list[str],
                columns: list[Column], plotted: int = 0) -> Chart:
    chart = Chart(title=title, desc=desc, kind=kind, row_heading=row_heading, labels=labels, columns=columns,
                  plotted=plotted)
    chart.rows = [{"label": label, "cells": [c.show(c.values[i]) for c in columns]}
                  for i, label in enumerate(labels)]
    if chart.empty:
        chart.desc = f"{desc} {_('Aucune donnée pour l’instant.')}"
        return chart
    drawn = columns[plotted]
    values = drawn.values
    top = _nice_ceiling(max(values))
    slot = PLOT_W / len(values)

    def y(v):
        return round(TOP + PLOT_H - v * PLOT_H / top, 1)

    if kind == "bar":
        width = max(1.0, min(48.0, round(slot * 0.8, 1)))
        chart.bars = [{"x": round(LEFT + i * slot + (slot - width) / 2, 1), "y": y(v), "width": width,
                       "height": round(TOP + PLOT_H - y(v), 1), "label": labels[i], "value": drawn.show(v)}
                      for i, v in enumerate(values)]
    else:
        chart.points = " ".join(f"{round(LEFT + (i + 0.5) * slot, 1)},{y(v)}" for i, v in enumerate(values))
    chart.y_ticks = [{"y": y(v), "label": drawn.show(v)} for v in sorted({0, top // 2, top})]
    picked = sorted({0, len(labels) // 2, len(labels) - 1})
    chart.x_ticks = [{"x": round(LEFT + (i + 0.5) * slot, 1), "label": labels[i],
                      "anchor": "start" if i == 0 and len(picked) > 1 else "end" if i == len(labels) - 1
                      and len(picked) > 1 else "middle"} for i in picked]
    peak = max(range(len(values)), key=values.__getitem__)
    chart.desc = " ".join([desc, ngettext("Du %(first)s au %(last)s, %(n)s période.", "Du %(first)s au %(last)s, %(n)s périodes.",
                                     len(labels)) % {
        "first": labels[0], "last": labels[-1], "n": len(labels)},
        _("Valeur la plus haute : %(value)s (%(label)s).") % {"value": drawn.show(values[peak]),
                                                              "label": labels[peak]}])
    return chart


# --- periods ------------------------------------------------------------------------------------


def period_unit(first: datetime.date, last: datetime.date) -> str:
    """Days, else weeks, else months: at most about MAX_PERIODS rows."""
    days = (last - first).days + 1
    if days <= MAX_PERIODS:
        return DAY
    if days <= MAX_PERIODS * 7:
        return WEEK
    return MONTH


def period_start(day: datetime.date, unit: str) -> datetime.date:
    if unit == WEEK:
        return day - datetime.timedelta(days=day.weekday())
    if unit == MONTH:
        return day.replace(day=1)
    return day


def periods(first: datetime.date, last: datetime.date, unit: str) -> list[datetime.date]:
    """Every period from first to last, the empty ones too."""
    found, current = [], period_start(first, unit)
    while current <= last:
        found.append(current)
        if unit == MONTH:
            current = (current.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        else:
            current += datetime.timedelta(days=7 if unit == WEEK else 1)
    return found


def period_label(start: datetime.date, unit: str) -> str:
    if unit == MONTH:
        return date_format(start, "F Y")
    if unit == WEEK:
        return _("semaine du %(day)s") % {"day": date_format(start, "j N Y")}
    return date_format(start, "j N Y")


def over_time(data: dict, *, title: str, desc: str, kind: str = "bar", plotted: str = "amount") -> Chart:
    """A chart of {"unit", "periods", "count", "amount", "cumulative"} (amounts in cents), all in the table."""
    unit = data["unit"]
    headings = {DAY: _("Jour"), WEEK: _("Semaine"), MONTH: _("Mois")}
    columns = [Column(_("Nombre"), data["count"]), Column(_("Montant"), data["amount"], money=True),
               Column(_("Cumul"), data["cumulative"], money=True)]
    return chart_build(title=title, desc=desc, kind=kind, row_heading=headings[unit],
                       labels=[period_label(p, unit) for p in data["periods"]], columns=columns,
                       plotted=["count", "amount", "cumulative"].index(plotted))

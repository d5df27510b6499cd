"""Server-rendered SVG charts (bars or a line) with the same figures in a data table.

A chart is computed here (geometry, formatted figures) and drawn by
templates/components/chart.html: an `<svg role="img">` with `<title>` and
`<desc>`, then a `<table>` holding every figure the drawing shows, and more.
No JavaScript and no style attribute: it works under the strict CSP.
Why not a charting library: docs/architecture.md, « Charts ».
"""

import datetime
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alleger.core.grammar import date_format
from alleger.core.templatetags.alleger import euros, whole_percent

WIDTH, HEIGHT = 640, 240
RIGHT, TOP, BOTTOM = 12, 16, 34
PLOT_H = HEIGHT - TOP - BOTTOM
#: The drawing scales to its column, its text with it: 12 units is 12 px in a 640 px column, 7 px on a phone.
#: So the narrower the chart, the larger its text in its own units (site.css: 12 to MAX_FONT units, about
#: 12 px on screen), and below 420 px the x axis keeps its two ends only. The margins hold that largest text.
MAX_FONT = 24
#: A character's width in ems, generous (digits and « € » are about 0.6 em in the usual sans-serif fonts).
CHAR_EM = 0.62

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
        if self.unit == "%":
            return whole_percent(value)
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

    left: int = 40  # the y axis: room for its longest label at MAX_FONT
    width, height, top, bottom = WIDTH, HEIGHT, TOP, HEIGHT - BOTTOM

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


def _text_width(text: str) -> float:
    """The width of a label at MAX_FONT, in the chart's units (an estimate: no font metrics on the server)."""
    return len(text) * MAX_FONT * CHAR_EM


def chart_build(*, title: str, desc: str, kind: str, row_heading: str, labels: list[str],
                columns: list[Column], plotted: int = 0, ticks: list[str] | None = None) -> Chart:
    """`labels` name the periods (the table, the description); `ticks`, shorter if given, are what the x axis
    writes of them."""
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
    y_labels = {v: drawn.show(v) for v in sorted({0, top // 2, top})}
    left = chart.left = max(chart.left, round(max(map(_text_width, y_labels.values())) + 10))
    slot = (WIDTH - left - RIGHT) / len(values)

    def y(v):
        return round(TOP + PLOT_H - v * PLOT_H / top, 1)

    if kind == "bar":
        width = max(1.0, min(48.0, round(slot * 0.8, 1)))
        chart.bars = [{"x": round(left + i * slot + (slot - width) / 2, 1), "y": y(v), "width": width,
                       "height": round(TOP + PLOT_H - y(v), 1), "label": labels[i], "value": drawn.show(v)}
                      for i, v in enumerate(values)]
    else:
        chart.points = " ".join(f"{round(left + (i + 0.5) * slot, 1)},{y(v)}" for i, v in enumerate(values))
    chart.y_ticks = [{"y": y(v), "label": label} for v, label in y_labels.items()]
    ticks = ticks or labels
    picked = sorted({0, len(labels) // 2, len(labels) - 1})
    # The first and last ticks are written from and to the ends of the axis, the middle one about its
    # period (`middle`: the one left out on a narrow chart).
    chart.x_ticks = [{"x": round(left + (i + 0.5) * slot, 1), "label": ticks[i],
                      "anchor": "start" if i == 0 and len(picked) > 1 else "end" if i == len(labels) - 1
                      and len(picked) > 1 else "middle",
                      "middle": 0 < i < len(labels) - 1} for i in picked]
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


def period_tick(start: datetime.date, unit: str) -> str:
    """A period on the x axis, short: « 5 janv. 2026 » for a day and for a week (the table says « semaine du »),
    « janvier 2026 » for a month."""
    return date_format(start, "F Y") if unit == MONTH else date_format(start, "j N Y")


def over_time(data: dict, *, title: str, desc: str, kind: str = "bar", plotted: str = "amount") -> Chart:
    """A chart of {"unit", "periods", "count", "amount", "cumulative"} (amounts in cents), all in the table."""
    unit = data["unit"]
    headings = {DAY: _("Jour"), WEEK: _("Semaine"), MONTH: _("Mois")}
    columns = [Column(_("Nombre"), data["count"]), Column(_("Montant"), data["amount"], money=True),
               Column(_("Cumul"), data["cumulative"], money=True)]
    return chart_build(title=title, desc=desc, kind=kind, row_heading=headings[unit],
                       labels=[period_label(p, unit) for p in data["periods"]], columns=columns,
                       plotted=["count", "amount", "cumulative"].index(plotted),
                       ticks=[period_tick(p, unit) for p in data["periods"]])

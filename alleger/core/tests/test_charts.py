"""The chart component: valid SVG with role, title and desc; every drawn figure in the table; empty periods."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from alleger.core import charts

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def _french():
    """Charts are built in the request's language: here French, whatever an earlier test left active."""
    with translation.override("fr"):
        yield


def _render(chart) -> str:
    with translation.override("fr"):
        return render_to_string("components/chart.html", {"chart": chart, "id": "c"})


def _svg(html: str) -> ET.Element:
    return ET.fromstring(re.search(r"<svg.*?</svg>", html, re.S).group(0))


def _table(html: str) -> list[list[str]]:
    table = ET.fromstring(re.search(r"<table>.*?</table>", html, re.S).group(0))
    return [["".join(cell.itertext()) for cell in row] for row in table.iter("tr")]


def _data(days: dict[int, tuple[int, int]], length: int) -> dict:
    start = datetime.date(2026, 3, 30)
    periods = charts.periods(start, start + datetime.timedelta(days=length - 1), charts.DAY)
    count = [days.get(i, (0, 0))[0] for i in range(length)]
    amount = [days.get(i, (0, 0))[1] for i in range(length)]
    cumulative = [sum(amount[:i + 1]) for i in range(length)]
    return {"unit": charts.DAY, "periods": periods, "count": count, "amount": amount, "cumulative": cumulative}


@pytest.mark.parametrize("kind", ["bar", "line"])
def test_the_svg_is_valid_xml_with_role_title_and_desc(kind):
    with translation.override("fr"):
        chart = charts.over_time(_data({0: (1, 1_050), 2: (3, 600_000)}, 3), title="Dons", desc="Par jour.",
                                 kind=kind)
    html = _render(chart)
    svg = _svg(html)
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "c-title c-desc"
    assert svg.find(f"{SVG}title").text == "Dons"
    desc = svg.find(f"{SVG}desc").text
    assert desc.startswith("Par jour. Du 30 mars 2026 au 1er avr. 2026, 3 périodes.")
    assert "Valeur la plus haute : 6\u202f000\u00a0€ (1er avr. 2026)." in desc
    if kind == "bar":
        assert len(svg.findall(f".//{SVG}rect")) == 3
    else:
        assert len(svg.find(f".//{SVG}polyline").get("points").split()) == 3
    assert " style=" not in html and "<script" not in html and "<style" not in html


def test_every_period_is_in_the_table_the_empty_ones_too():
    html = _render(charts.over_time(_data({0: (1, 1_050), 2: (3, 600_000)}, 3), title="Dons", desc="."))
    assert _table(html) == [
        ["Jour", "Nombre", "Montant", "Cumul"],
        ["30 mars 2026", "1", "10,50\u00a0€", "10,50\u00a0€"],
        ["31 mars 2026", "0", "0\u00a0€", "10,50\u00a0€"],
        ["1er avr. 2026", "3", "6\u202f000\u00a0€", "6\u202f010,50\u00a0€"],
    ]


def test_a_chart_without_data_says_so_and_has_no_table():
    html = _render(charts.over_time(_data({}, 0), title="Dons", desc="Par jour."))
    svg = _svg(html)
    assert svg.find(f"{SVG}desc").text == "Par jour. Aucune donnée pour l’instant."
    assert "<table" not in html and svg.find(f".//{SVG}rect") is None


def test_the_bars_are_scaled_to_a_round_top_and_zero_is_flat():
    chart = charts.over_time(_data({0: (1, 400), 1: (1, 0), 2: (1, 1_000)}, 3), title="t", desc=".")
    heights = [b["height"] for b in chart.bars]
    assert heights[1] == 0 and heights[2] == charts.PLOT_H and heights[0] == round(charts.PLOT_H * 0.4, 1)
    assert [t["label"] for t in chart.y_ticks] == ["0\u00a0€", "5\u00a0€", "10\u00a0€"]


def test_periods_grow_from_days_to_weeks_to_months():
    day = datetime.date(2026, 1, 1)
    assert charts.period_unit(day, day + datetime.timedelta(days=91)) == charts.DAY
    assert charts.period_unit(day, day + datetime.timedelta(days=92)) == charts.WEEK
    assert charts.period_unit(day, day + datetime.timedelta(days=92 * 7)) == charts.MONTH
    assert charts.periods(datetime.date(2026, 1, 7), datetime.date(2026, 1, 20), charts.WEEK) == [
        datetime.date(2026, 1, 5), datetime.date(2026, 1, 12), datetime.date(2026, 1, 19)]
    assert charts.periods(datetime.date(2025, 12, 31), datetime.date(2026, 2, 1), charts.MONTH) == [
        datetime.date(2025, 12, 1), datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)]
    with translation.override("en"):
        assert charts.period_label(datetime.date(2026, 1, 5), charts.WEEK) == "week of 5 Jan. 2026"


def test_a_column_may_carry_its_unit():
    column = charts.Column("Taux d'occupation", [5, 1250], unit="%")
    assert [column.show(v) for v in column.values] == ["5\xa0%", "1\u202f250\xa0%"]
    assert charts.Column("Réservations", [3]).show(3) == "3"


def _weeks(n: int, cents: int) -> dict:
    start = datetime.date(2025, 12, 29)
    periods = charts.periods(start, start + datetime.timedelta(weeks=n - 1), charts.WEEK)
    amount = [cents if i % 3 == 0 else 0 for i in range(n)]
    return {"unit": charts.WEEK, "periods": periods, "count": [1] * n, "amount": amount,
            "cumulative": [sum(amount[:i + 1]) for i in range(n)]}


def test_the_y_axis_leaves_room_for_its_longest_label_at_the_largest_text():
    """On a phone the labels are drawn up to MAX_FONT units high (site.css): « 500 000 € » must still fit left
    of the axis, not be cut at the drawing's edge."""
    chart = charts.over_time(_weeks(10, 45_000_000), title="t", desc=".")
    assert [t["label"] for t in chart.y_ticks][-1] == "500\u202f000\u00a0€"
    assert all(charts._text_width(t["label"]) + 6 <= chart.left for t in chart.y_ticks)
    assert chart.bars[0]["x"] > chart.left and chart.bars[-1]["x"] + chart.bars[-1]["width"] <= charts.WIDTH
    assert charts.over_time(_weeks(10, 500), title="t", desc=".").left < chart.left  # « 5 € »: a narrow margin


def test_the_x_axis_writes_short_dates_that_fit_at_the_largest_text_and_marks_its_middle_one():
    chart = charts.over_time(_weeks(50, 1_000), title="t", desc=".")
    assert [t["label"] for t in chart.x_ticks] == ["29 déc. 2025", "22 juin 2026", "7 déc. 2026"]
    assert [t["middle"] for t in chart.x_ticks] == [False, True, False]
    assert chart.rows[0]["label"] == "semaine du 29 déc. 2025"  # the table names the period in full
    ends = [charts._text_width(t["label"]) for t in chart.x_ticks if not t["middle"]]
    assert sum(ends) < charts.WIDTH - chart.left - charts.RIGHT  # the two ends never overlap on a phone
    html = _render(chart)
    assert html.count('class="chart-x chart-tick-middle"') == 1 and html.count('class="chart-x"') == 2
    with translation.override("en"):
        assert charts.period_tick(datetime.date(2026, 9, 1), charts.MONTH) == "September 2026"

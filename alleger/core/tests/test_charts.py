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
    assert desc.startswith("Par jour. Du 30 mars 2026 au 1 avr. 2026, 3 périodes.")
    assert "Valeur la plus haute : 6\u202f000\u00a0€ (1 avr. 2026)." in desc
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
        ["1 avr. 2026", "3", "6\u202f000\u00a0€", "6\u202f010,50\u00a0€"],
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
    assert [column.show(v) for v in column.values] == ["5\u202f%", "1\xa0250\u202f%"]
    assert charts.Column("Réservations", [3]).show(3) == "3"

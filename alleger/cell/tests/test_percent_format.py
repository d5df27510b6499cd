"""One way to write a percentage, in each language: « 50 % » in French (a no-break space), "50%" in
English (Babel's percent format of the language), on the dashboard's figures and their change, its charts'
axes and in the traction signals."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from alleger.cell.models import Metric
from alleger.core import charts
from alleger.core.templatetags.alleger import whole_percent

pytestmark = pytest.mark.django_db

FIFTY = {"fr": "50\u00a0%", "en": "50%"}


def test_a_whole_percentage_in_each_language():
    for language, shown in FIFTY.items():
        with translation.override(language):
            assert whole_percent(50) == shown
            assert whole_percent(None) == ""
            assert charts.Column("Taux", [50], unit="%").show(50) == shown


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_dashboard_writes_its_changes_and_rates_in_the_language(client, territory, language):
    today = timezone.localdate()
    for day, cents in ((today, 1_500), (today - datetime.timedelta(days=30), 1_000)):
        Metric.objects.create(territory=territory, day=day, key="pledged_cents", value=cents)
    client.cookies["django_language"] = language
    html = client.get(reverse("cell:dashboard", args=[territory.slug])).content.decode()
    assert f'<td class="num">+{FIFTY[language]}</td>' in html
    if language == "en":
        assert " %" not in html.replace("&nbsp;", " ").replace("\u202f", " ").split("<main", 1)[1]


def test_a_rate_changes_by_points_not_by_per_cent_of_itself():
    from alleger.cell.selectors import Figure

    assert Figure("occupancy", "Occupation", 12, 3, suffix="%").change == 9  # not +300 %
    assert Figure("success_rate", "Réussite", 0, 100, suffix="%").change == -100
    assert Figure("success_rate", "Réussite", 40, 0, suffix="%").change == 40  # from nothing: still points
    assert Figure("contributions", "Contributions", 12, 3).change == 300  # a count: per cent of before
    assert Figure("contributions", "Contributions", 12, 0).change is None


@pytest.mark.parametrize(("language", "shown"), [("fr", "−1 point"), ("en", "−1 point")])
def test_the_dashboard_says_points_with_their_sign_and_plural(client, territory, language, shown):
    today = timezone.localdate()
    for day, booked in ((today, 49), (today - datetime.timedelta(days=30), 50)):
        Metric.objects.create(territory=territory, day=day, key="seat_minutes_open", dimension="1", value=100)
        Metric.objects.create(territory=territory, day=day, key="seat_minutes_booked", dimension="1", value=booked)
    client.cookies["django_language"] = language
    html = client.get(reverse("cell:dashboard", args=[territory.slug])).content.decode()
    assert f'<td class="num">{shown}</td>' in html


@pytest.mark.parametrize(("language", "thousands"), [("fr", r"1[\u202f\xa0 ]628"), ("en", r"1,628")])
def test_the_dashboard_groups_the_thousands_of_its_hours_and_says_each_unit_once(client, territory, language,
                                                                               thousands):
    import re

    today = timezone.localdate()
    Metric.objects.create(territory=territory, day=today, key="seat_minutes_open", dimension="1", value=1628 * 60)
    Metric.objects.create(territory=territory, day=today, key="seat_minutes_booked", dimension="1", value=600)
    Metric.objects.create(territory=territory, day=today, key="reports_fixed", dimension="x", value=2)
    Metric.objects.create(territory=territory, day=today, key="reports_fix_hours", dimension="x", value=10)
    client.cookies["django_language"] = language
    html = client.get(reverse("cell:dashboard", args=[territory.slug])).content.decode()
    assert re.search(f'<td class="num">{thousands}</td>', html)
    assert re.search(r"\(heures\)</th>\s*<td class=\"num\">5</td>|\(hours\)</th>\s*<td class=\"num\">5</td>", html)


@pytest.mark.parametrize(("language", "shown"), [("fr", "1\xa0480"), ("en", "1,480")])
def test_a_signal_s_hours_are_grouped_by_thousands(language, shown):
    from alleger.cell import traction

    with translation.override(language):
        assert traction.times(1480) == shown
        assert traction.times(2.5) == {"fr": "2,5", "en": "2.5"}[language]


def test_the_open_data_page_puts_its_description_link_on_its_own_line(client, territory):
    """No separator left dangling at the start of a line on a phone (the button takes the whole width)."""
    import re

    from alleger.cell import opendata

    opendata.write(territory)
    html = client.get(reverse("cell:opendata", args=[territory.slug])).content.decode()
    assert "(LISEZMOI.md)</a>" in html
    assert re.search(r'<p><a href="[^"]*LISEZMOI\.md">', html)  # a paragraph of its own, no « · » before it

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

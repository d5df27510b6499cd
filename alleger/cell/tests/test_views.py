import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from alleger.cell import services
from alleger.funding.models import Contribution
from alleger.testing.factories import NeighbourhoodFactory, TerritoryFactory, UserFactory, box
from alleger.testing.funding_factories import ProjectFactory, pledge

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page as words: tags out, spaces (no-break ones too) collapsed."""
    page = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", page.replace("\xa0", " ").replace("\u202f", " "))


@pytest.fixture
def territory():
    territory = TerritoryFactory(name="Villeneuve")
    hood = NeighbourhoodFactory(territory=territory, name="Les Prés", slug="les-pres",
                                boundary=box(4.38, 45.44, 4.40, 45.45))
    project = ProjectFactory(territory=territory, neighbourhood=hood, live=True)
    today = timezone.localdate()
    for days_ago, amount in ((1, 1_500), (40, 1_000)):
        c = pledge(project, UserFactory(), amount)
        Contribution.objects.filter(pk=c.pk).update(created_at=timezone.now() - datetime.timedelta(days=days_ago))
    services.rebuild(since=today - datetime.timedelta(days=60), until=today, territories=[territory])
    return territory


def test_the_dashboard_shows_the_period_against_the_previous_one(client, territory):
    response = client.get(reverse("cell:dashboard", args=[territory.slug]))
    assert response.status_code == 200
    page = text(response)
    assert "Tableau de bord de Villeneuve" in page
    # Computed by the hourly metrics job, not live: the page says so.
    assert "Ces chiffres sont recalculés toutes les heures" in page
    # 15 € in the last 30 days, 10 € in the 30 before: +50 %.
    assert "Argent collecté (net) 15 € 10 € +50 %" in page
    assert "Les Prés 15 € 1 0" in page  # the per-neighbourhood table
    html = response.content.decode()
    assert 'role="img"' in html and "<desc" in html  # the chart, and its table below


def test_a_neighbourhood_and_a_period_can_be_chosen(client, territory):
    today = timezone.localdate()
    response = client.get(reverse("cell:dashboard", args=[territory.slug]),
                          {"du": str(today - datetime.timedelta(days=10)), "au": str(today), "quartier": "les-pres"})
    page = text(response)
    assert response.status_code == 200
    assert "Tableau de bord de Villeneuve : Les Prés" in page
    # The 11 days before had nothing: no comparison.
    assert "Argent collecté (net) 15 € 0 € sans comparaison" in page


@pytest.mark.parametrize("query, message", [
    ({"du": "2026-05-01", "au": "2026-04-01"}, "La date de début doit précéder la date de fin."),
    ({"du": "2010-01-01", "au": "2026-01-01"}, "Une période dure au plus"),
    ({"du": "pas une date"}, "Saisissez une date valide."),
])
def test_a_bad_period_is_refused_in_words_and_the_default_shown(client, territory, query, message):
    response = client.get(reverse("cell:dashboard", args=[territory.slug]), query)
    assert response.status_code == 200
    assert message in text(response)


def test_the_dashboard_speaks_english(client, territory):
    client.cookies["django_language"] = "en"
    page = text(client.get(reverse("cell:dashboard", args=[territory.slug])))
    assert "Dashboard of Villeneuve" in page
    assert "Money raised (net) €15 €10 +50%" in page


def test_an_unknown_territory_is_a_404(client):
    assert client.get(reverse("cell:dashboard", args=["nulle-part"])).status_code == 404


def test_a_report_fixed_within_the_hour_counts_without_its_zero_hours_row(client, territory):
    """Zero values are not stored: a category whose fixes took under half an hour has no fix-hours row."""
    from alleger.cell.models import Metric

    today = timezone.localdate()
    Metric.objects.create(territory=territory, day=today, key="reports_created", dimension="eclairage", value=1)
    Metric.objects.create(territory=territory, day=today, key="reports_fixed", dimension="eclairage", value=1)
    response = client.get(reverse("cell:dashboard", args=[territory.slug]))
    assert response.status_code == 200
    assert "eclairage 1 1 0" in text(response)


def test_the_dashboard_is_served_from_its_fragment_until_the_metrics_change(client, territory):
    """Logged in, the dashboard's figures are rendered once and shared; the metrics job's writes (a new data
    version) show at once, and a visitor gets the page cache's copy of the same page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(UserFactory())
    url = reverse("cell:dashboard", args=[territory.slug])
    assert "Argent collecté (net) 15 € 10 € +50 %" in text(client.get(url))
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert "Argent collecté (net) 15 € 10 € +50 %" in text(again)
    assert not [q for q in queries.captured_queries if "cell_metric" in q["sql"]], "the figures were recomputed"
    # The territory and its neighbourhoods remembered too: the person's session (with the version) is all.
    assert len(queries.captured_queries) == 1, [q["sql"] for q in queries.captured_queries]

    from alleger.funding.models import Project

    project = Project.objects.get(territory=territory)
    c = pledge(project, UserFactory(), 2_000)
    Contribution.objects.filter(pk=c.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    today = timezone.localdate()
    services.rebuild(since=today - datetime.timedelta(days=60), until=today, territories=[territory])
    assert "Argent collecté (net) 35 € 10 € +250 %" in text(client.get(url))


def test_no_percentage_against_nothing_or_a_negative_figure():
    """Money raised net of more withdrawals than pledges is negative: +23 485 % against it means nothing."""
    from alleger.cell.selectors import Figure

    assert Figure("raised_cents", "Argent", 150, 100).change == 50
    assert Figure("raised_cents", "Argent", -50, 100).change == -150
    assert Figure("raised_cents", "Argent", 2_338_500, -10_000).change is None
    assert Figure("raised_cents", "Argent", 100, 0).change is None


def test_the_period_shown_is_in_the_form_s_fields_also_by_default(client, territory):
    """Without dates, the fields hold the default period (the last 30 days), so that one sees it and
    choosing a neighbourhood keeps it; a half-given period keeps its own meaning."""
    today = timezone.localdate()
    first = today - datetime.timedelta(days=29)
    html = client.get(reverse("cell:dashboard", args=[territory.slug])).content.decode()
    assert f'name="du" value="{first.isoformat()}"' in html
    assert f'name="au" value="{today.isoformat()}"' in html
    html = client.get(reverse("cell:dashboard", args=[territory.slug]) + "?du=&au=").content.decode()
    assert f'name="du" value="{first.isoformat()}"' in html
    html = client.get(reverse("cell:dashboard", args=[territory.slug]) + "?du=2026-01-05").content.decode()
    assert 'name="du" value="2026-01-05"' in html


def test_a_period_reaching_into_the_future_stops_at_today(client, territory):
    """The days to come have no figures: a period ending after today ends today (no zeros drawn for weeks that
    have not happened), and one starting after today is refused, saying why."""
    from alleger.cell.forms import PeriodForm

    today = timezone.localdate()
    form = PeriodForm({"du": (today - datetime.timedelta(days=10)).isoformat(),
                       "au": (today + datetime.timedelta(days=27)).isoformat()}, neighbourhoods=[])
    assert form.is_valid()
    assert (form.cleaned_data["first"], form.cleaned_data["last"]) == (today - datetime.timedelta(days=10), today)
    url = reverse("cell:dashboard", args=[territory.slug])
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    response = client.get(url + f"?du={tomorrow}")
    assert response.status_code == 200
    assert "Le tableau de bord s&#x27;arrête à aujourd&#x27;hui" in response.content.decode()

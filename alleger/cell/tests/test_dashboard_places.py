"""The dashboard's shared places: places published and public, bookings made, occupancy overall, per place
and over time (an SVG chart with its table), and the population's coverage from the latest published
implantation study — per territory and per neighbourhood, against the previous period, in French and English.

The metrics job's definitions of these keys live in alleger/cell/metrics.py: the rows are written here as
the job would leave them (day, territory, neighbourhood, key, dimension = the place's id, value)."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from alleger.cell import selectors
from alleger.cell.models import Metric
from alleger.places.models import Place
from alleger.studies.models import PopulationGrid, Study
from alleger.testing.factories import NeighbourhoodFactory, TerritoryFactory, box
from alleger.testing.places_factories import PlaceFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def text(response) -> str:
    page = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r"\s+", " ", page.replace("\xa0", " ").replace("\u202f", " "))


def metric(territory, days_ago, key, value, *, hood=None, place=None):
    Metric.objects.create(territory=territory, day=TODAY - days_ago * DAY, neighbourhood=hood, key=key,
                          dimension=str(place.pk) if place else "", value=value)


@pytest.fixture
def town():
    """Villeneuve: La Fabrique in Les Prés (50 % booked this period, 25 % the period before), the party hall
    outside any neighbourhood (10 %, open this period only), a proposed place (not public)."""
    territory = TerritoryFactory(name="Villeneuve", slug="villeneuve")
    hood = NeighbourhoodFactory(territory=territory, name="Les Prés", slug="les-pres",
                                boundary=box(4.38, 45.44, 4.40, 45.45))
    fabrique = PlaceFactory(territory=territory, neighbourhood=hood, name="La Fabrique")
    hall = PlaceFactory(territory=territory, name="Salle des fêtes")
    PlaceFactory(territory=territory, name="Proposé", moderation=Place.Moderation.PROPOSED)
    Place.objects.filter(pk=hall.pk).update(created_at=timezone.now() - 100 * DAY)  # public before both periods
    for days_ago in range(10):  # this period (the last 30 days)
        metric(territory, days_ago, "seat_minutes_open", 600, hood=hood, place=fabrique)
        metric(territory, days_ago, "seat_minutes_booked", 300, hood=hood, place=fabrique)
        metric(territory, days_ago, "seat_minutes_open", 600, place=hall)
        metric(territory, days_ago, "seat_minutes_booked", 60, place=hall)
    for days_ago in range(40, 50):  # the period before
        metric(territory, days_ago, "seat_minutes_open", 600, hood=hood, place=fabrique)
        metric(territory, days_ago, "seat_minutes_booked", 150, hood=hood, place=fabrique)
    metric(territory, 2, "bookings_made", 12, hood=hood, place=fabrique)
    metric(territory, 3, "bookings_made", 3, place=hall)
    metric(territory, 45, "bookings_made", 5, hood=hood, place=fabrique)
    metric(territory, 1, "places_published", 1, hood=hood)
    return {"territory": territory, "hood": hood, "fabrique": fabrique, "hall": hall}


def study(territory, *, published=True, title="Où manque-t-il un EPN ?", days_ago=1, service_kinds="internet"):
    grid = PopulationGrid.objects.create(territory=territory, name="Carroyage", cell_count=0, population=1500,
                                         cells=b"")
    return Study.objects.create(
        territory=territory, grid=grid, title=title, service_kinds=service_kinds, radius_m=600,
        status=Study.Status.DONE, published=published, computed_at=timezone.now() - days_ago * DAY,
        results={"summary": {"population": 1500, "covered": 900, "covered_share": 0.6},
                 "neighbourhoods": [
                     {"slug": "les-pres", "name": "Les Prés", "population": 1000, "covered": 700, "covered_share": 0.7},
                     {"slug": "", "name": "", "population": 500, "covered": 200, "covered_share": 0.4}],
                 "places": [{"id": i, "name": "x" * 50} for i in range(200)]})


#: The shared places' figures (alleger/cell/metrics.py).
PLACES_KEYS = ["places_published", "bookings_made", "seat_minutes_open", "seat_minutes_booked"]


def label_of(key):
    return selectors.label_of(key)


def dashboard(client, territory, **query):
    return client.get(reverse("cell:dashboard", args=[territory.slug]), query)


def test_the_territory_dashboard_shows_places_bookings_and_occupancy(client, town):
    response = dashboard(client, town["territory"])
    assert response.status_code == 200
    page = text(response)
    # 1 place published in the period (the metric), 2 public at its end and 1 at the end of the one before.
    assert f"{label_of('places_published')} 1 0 sans comparaison" in page
    assert "Lieux partagés publics (fin de période) 2 1 +100 %" in page
    assert f"{label_of('bookings_made')} 15 5 +200 %" in page
    # (3000 + 600) / (6000 + 6000) = 30 % against 1500 / 6000 = 25 %.
    assert "Taux d'occupation des lieux 30 % 25 % +5 points" in page
    assert "Taux d'occupation sur la période : 30 % (60 heures-places réservées sur 200 ouvertes)." in page
    # Per place, busiest first, each linked to its page.
    assert "La Fabrique 100 50 50 % Salle des fêtes 100 10 10 %" in page
    assert f'href="{town["fabrique"].get_absolute_url()}"' in response.content.decode()
    # Per neighbourhood: bookings and occupancy columns.
    assert "Les Prés 0 € 0 0 0 0 0 12 50 %" in page
    assert "Hors quartier 0 € 0 0 0 0 0 3 10 %" in page


def test_the_occupancy_chart_is_an_svg_with_its_table(client, town):
    html = dashboard(client, town["territory"]).content.decode()
    figure = html[html.index('id="occupation-caption"') - 200:]
    figure = figure[:figure.index("</details>")]
    assert 'role="img"' in figure and "<title id=\"occupation-title\">Taux d&#x27;occupation des lieux partagés à " \
                                      "Villeneuve</title>" in figure
    assert "<desc id=\"occupation-desc\">Part des heures d&#x27;ouverture" in figure
    rows = re.findall(r"<tr><th scope=\"row\">([^<]+)</th>((?:<td class=\"num\">[^<]*</td>)+)</tr>", figure)
    assert len(rows) == 30  # one per day of the period
    cells = {label: re.findall(r">([^<]*)</td>", tds) for label, tds in rows}
    today = rows[-1]
    assert cells[today[0]] == ["30\xa0%", "20", "6"]  # per cent, open hours, booked hours
    assert "<script" not in figure and "style=" not in figure


def test_the_neighbourhood_dashboard_narrows_everything(client, town):
    study(town["territory"])
    page = text(dashboard(client, town["territory"], quartier="les-pres"))
    assert "Tableau de bord de Villeneuve : Les Prés" in page
    assert "Lieux partagés publics (fin de période) 1 0 sans comparaison" in page
    assert f"{label_of('bookings_made')} 12 5 +140 %" in page
    assert "Taux d'occupation des lieux 50 % 25 % +25 points" in page
    assert "La Fabrique 100 50 50 %" in page and "Salle des fêtes 100" not in page
    assert "60 % des habitants du territoire , 70 % de ceux de Les Prés." in page
    assert "Les Prés (le quartier affiché) 1 000 700 70 %" in page


def test_the_coverage_comes_from_the_latest_published_study(client, town):
    territory = town["territory"]
    older = study(territory, title="Une vieille étude", days_ago=30)
    latest = study(territory)
    study(territory, title="Pas encore publiée", published=False, days_ago=0)
    response = dashboard(client, territory)
    page = text(response)
    assert ("D'après l'étude d'implantation « Où manque-t-il un EPN ? » (calculée le "
            f"{(timezone.localtime() - DAY):%-d}") in page
    assert "à moins de 600 m d'un lieu : 60 % des habitants du territoire ." in page
    assert f'href="{latest.get_absolute_url()}"' in response.content.decode()
    assert "Une vieille étude" not in page and "Pas encore publiée" not in page and older.pk != latest.pk
    assert "Les Prés 1 000 700 70 % Hors des quartiers 500 200 40 %" in page


def test_each_kind_of_place_keeps_its_latest_study(client, town):
    """A study of food co-ops does not hide the one of digital help: the latest of each selection shows."""
    territory = town["territory"]
    epn = study(territory, days_ago=3)
    food = study(territory, title="Où manque-t-il une épicerie coopérative ?", service_kinds="food", days_ago=1)
    page = text(dashboard(client, territory))
    assert page.count("D'après l'étude d'implantation") == 2
    assert page.index(food.title) < page.index(epn.title)
    assert f"« {food.title} » : part des habitants à moins de 600 m d'un lieu, par quartier" in page
    assert f"« {epn.title} » : part des habitants à moins de 600 m d'un lieu, par quartier" in page


def test_it_says_when_there_is_no_study_nor_any_booking(client):
    territory = TerritoryFactory(name="Vide", slug="vide")
    response = dashboard(client, territory)
    assert response.status_code == 200
    page = text(response)
    assert "Aucune étude d'implantation publiée pour ce territoire" in page
    assert "Aucune heure d'ouverture de ressource réservable sur la période." in page
    assert "Aucun lieu réservable sur la période." in page
    assert "Taux d'occupation des lieux — — sans comparaison" in page


def test_the_glossary_explains_the_places_figures(client, town):
    page = text(dashboard(client, town["territory"]))
    glossary = page[page.index("Comment ces chiffres sont calculés"):]
    for label in (*(label_of(key) for key in PLACES_KEYS), "Lieux partagés publics",
                  "Taux d'occupation des lieux", "Couverture de la population"):
        assert label in glossary
    labels = [label for label, _ in selectors.glossary()]
    assert all(labels.count(label_of(key)) == 1 for key in PLACES_KEYS)


def test_the_dashboard_in_english(client, town):
    study(town["territory"])
    client.cookies["django_language"] = "en"
    page = text(dashboard(client, town["territory"], quartier="les-pres"))
    assert "Occupancy of the places 50% 25% +25 points" in page
    assert "Shared places: occupancy and coverage" in page
    assert "Occupancy over the period: 50% (50 seat-hours booked of 100 open)." in page
    assert "60% of the territory's inhabitants , 70% of those of Les Prés." in page
    assert "Occupancy of the shared places in Les Prés" in page

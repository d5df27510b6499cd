"""The study pages: list, grid upload and its report, the form, the study page, what if closed, exports."""

import csv
import io
import json

import pytest
from django.urls import reverse

from alleger.core.models import AuditEvent
from alleger.studies import services
from alleger.studies.models import PopulationGrid, Study

from .conftest import TOWN, grid_csv, make_place

pytestmark = pytest.mark.django_db


@pytest.fixture
def study(territory, town_grid, cell_member):
    make_place(territory, "EPN A", 45.428, 4.383)
    make_place(territory, "=HYPERLINK(\"x\")", 45.432, 4.395)
    return services.study_create(territory=territory, grid=town_grid, user=cell_member, title="Où manque un EPN ?",
                                 radius_m=400, service_kinds=["internet"], suggestions=2, published=False)


def _upload(name, data):
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def test_the_cell_uploads_a_grid_and_reads_what_was_rejected(client_of, territory, cell_member):
    data = grid_csv(TOWN[:5]) + b"\nCRS3035RES200mN1E2;3;1;0\n"
    response = client_of(cell_member).post(reverse("studies:grid_upload", args=[territory.slug]),
                                           {"name": "Filosofi", "file": _upload("g.csv", data)})
    grid = PopulationGrid.objects.get()
    assert response.status_code == 302 and response.url == reverse("studies:grid", args=[grid.pk])
    assert grid.cell_count == 5 and grid.report["rejected_count"] == 1
    page = client_of(cell_member).get(response.url).content.decode()
    assert "coin du carreau hors de la grille de 200 m" in page and "CRS3035RES200mN1E2" in page
    assert AuditEvent.objects.filter(action="studies.grid_upload").count() == 1


def test_an_unreadable_grid_is_said_on_the_form_and_nothing_is_stored(client_of, territory, cell_member):
    response = client_of(cell_member).post(reverse("studies:grid_upload", args=[territory.slug]),
                                           {"name": "x", "file": _upload("g.csv", b"lat,lon\n1,2\n")})
    assert response.status_code == 200 and "idcar_200m" in response.content.decode()
    assert not PopulationGrid.objects.exists()


def test_a_resident_may_not_upload_a_grid(client_of, territory, resident):
    response = client_of(resident).post(reverse("studies:grid_upload", args=[territory.slug]),
                                        {"name": "x", "file": _upload("g.csv", grid_csv(TOWN))})
    assert response.status_code == 403 and not PopulationGrid.objects.exists()


def test_the_form_runs_a_study_and_shows_it(client_of, territory, town_grid, cell_member):
    make_place(territory, "EPN A", 45.428, 4.383, hours="Tu-Sa 10:00-18:00")
    response = client_of(cell_member).post(reverse("studies:create", args=[territory.slug]), {
        "title": "EPN le samedi", "grid": town_grid.pk, "service_kinds": ["internet"], "radius_m": "600",
        "candidates": "cells", "suggestions": "2", "open_weekday": "5", "open_time": "11:00"})
    study = Study.objects.get()
    assert response.status_code == 302 and response.url == study.get_absolute_url()
    assert study.status == Study.Status.DONE and study.open_weekday == 5
    page = client_of(cell_member).get(response.url).content.decode()
    assert "EPN le samedi" in page and "Sites suggérés" in page and "lieux ouverts le samedi à 11:00" in page


def test_the_form_refuses_two_ways_of_choosing_places(client_of, territory, town_grid, cell_member):
    response = client_of(cell_member).post(reverse("studies:create", args=[territory.slug]), {
        "title": "x", "grid": town_grid.pk, "service_kinds": ["internet"], "place_type": "epn",
        "radius_m": "600", "candidates": "cells", "suggestions": "2"})
    assert response.status_code == 200 and "un seul des trois" in response.content.decode()
    assert not Study.objects.exists()


def test_the_form_takes_premises(client_of, territory, town_grid, cell_member):
    response = client_of(cell_member).post(reverse("studies:create", args=[territory.slug]), {
        "title": "Épicerie", "grid": town_grid.pk, "service_kinds": ["food"], "radius_m": "600",
        "candidates": "premises", "suggestions": "1",
        "premises_file": _upload("l.csv", b"lat,lon,name\n45.43,4.39,Boutique vide\n")})
    assert response.status_code == 302
    assert Study.objects.get().results["suggestions"][0]["name"] == "Boutique vide"


def test_without_a_grid_the_form_sends_to_the_upload(client_of, territory, cell_member):
    response = client_of(cell_member).get(reverse("studies:create", args=[territory.slug]))
    assert response.status_code == 302 and response.url == reverse("studies:grid_upload", args=[territory.slug])


def test_a_draft_is_hidden_from_visitors_until_published(client, client_of, study, cell_member):
    url = study.get_absolute_url()
    assert client.get(url).status_code == 404
    assert "Où manque un EPN" not in client.get(reverse("studies:list")).content.decode()
    assert client.get(reverse("studies:export", args=[study.pk, "zones", "csv"])).status_code == 404
    client_of(cell_member).post(reverse("studies:publish", args=[study.pk]), {"published": "1"})
    client.logout()
    assert client.get(url).status_code == 200
    assert "Où manque un EPN" in client.get(reverse("studies:list")).content.decode()


def test_a_resident_may_not_publish(client_of, study, resident):
    study.published = True
    study.save()
    response = client_of(resident).post(reverse("studies:publish", args=[study.pk]), {"published": "0"})
    assert response.status_code == 403 and Study.objects.get().published


def test_what_if_this_place_closed(client_of, study, cell_member):
    place = next(p for p in study.results["places"] if p["name"] == "EPN A")
    page = client_of(cell_member).get(study.get_absolute_url(), {"ferme": place["id"]}).content.decode()
    assert f"Si « EPN A » fermait, {place['lost_population']} habitants" in page


@pytest.mark.parametrize("table", ["resume", "quartiers", "zones", "suggestions", "lieux", "carreaux"])
def test_every_table_downloads_as_csv_and_geojson(client_of, study, cell_member, table):
    client = client_of(cell_member)
    response = client.get(reverse("studies:export", args=[study.pk, table, "csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    # As every export, what a French spreadsheet opens as is: UTF-8 marked, semicolons, decimal commas.
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows and None not in rows[0]
    response = client.get(reverse("studies:export", args=[study.pk, table, "geojson"]))
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection" and len(data["features"]) == len(rows)
    if table == "carreaux":
        assert len(rows) == len(TOWN) and {"cell", "distance", "population"} <= set(rows[0])
        assert "," in rows[0]["lat"] and "." not in rows[0]["lat"]
    if table == "lieux":
        # A place's name that looks like a formula is not one in a spreadsheet.
        assert "'=HYPERLINK(\"x\")" in [r["name"] for r in rows]


def test_an_unknown_table_is_a_404(client_of, study, cell_member):
    assert client_of(cell_member).get(reverse("studies:export", args=[study.pk, "x", "csv"])).status_code == 404


def test_the_map_layer_holds_the_cells_the_places_and_the_suggestions(client_of, study, cell_member):
    response = client_of(cell_member).get(study.get_absolute_url())
    geojson = response.context["map_geojson"]
    polygons = [f for f in geojson["features"] if f["geometry"]["type"] == "Polygon"]
    points = [f for f in geojson["features"] if f["geometry"]["type"] == "Point"]
    assert len(polygons) == len(TOWN) and all(f["properties"]["colour"].startswith("#") for f in polygons)
    assert len(points) == 2 + len(study.results["suggestions"])


def test_a_big_grid_is_grouped_by_square_kilometre_on_the_map(client_of, study, cell_member, monkeypatch):
    from alleger.studies import selectors

    monkeypatch.setattr(selectors, "MAP_CELLS", 10)
    geojson = client_of(cell_member).get(study.get_absolute_url()).context["map_geojson"]
    polygons = [f for f in geojson["features"] if f["geometry"]["type"] == "Polygon"]
    assert 1 < len(polygons) < len(TOWN)


def test_the_territory_page_links_its_published_studies(client, study):
    study.published = True
    study.save()
    page = client.get(reverse("territories:detail", args=[study.territory.slug])).content.decode()
    assert study.get_absolute_url() in page


def test_a_metropolis_shows_the_costliest_places_and_exports_them_all(client_of, study, cell_member, monkeypatch):
    from alleger.studies import views

    monkeypatch.setattr(views, "PLACES_TABLE", 1)
    monkeypatch.setattr(views, "PLACES_SELECT", 1)
    response = client_of(cell_member).get(study.get_absolute_url())
    costliest = max(study.results["places"], key=lambda p: p["lost_population"])
    assert [p["name"] for p in response.context["places_table"]] == [costliest["name"]]
    assert len(response.context["places_select"]) == 1
    assert "tous sont dans le fichier à télécharger" in response.content.decode()
    rows = client_of(cell_member).get(reverse("studies:export", args=[study.pk, "lieux", "csv"])).content.decode()
    assert len(rows.strip().splitlines()) == 1 + len(study.results["places"])


def test_a_grid_file_too_large_is_refused_before_it_is_read(client_of, territory, cell_member, monkeypatch):
    from alleger.studies import forms

    monkeypatch.setattr(forms, "MAX_GRID_BYTES", 10)
    response = client_of(cell_member).post(reverse("studies:grid_upload", args=[territory.slug]),
                                           {"name": "x", "file": _upload("g.csv", grid_csv(TOWN))})
    assert response.status_code == 200 and "trop lourd" in response.content.decode()
    assert not PopulationGrid.objects.exists()

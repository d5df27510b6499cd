"""The open-data pages: exports for anyone, the import for a territory's moderators."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from alleger.places.models import Place

from .opendata_factories import make_place

DATA = Path(__file__).parent / "data"
pytestmark = pytest.mark.django_db


def test_exports_list_published_places_only(client, territory, other_territory):
    make_place(territory=territory, name="Médiathèque de Carnot", email="contact@example.org",
               services=[{"name": "EPN", "kind": "internet", "opening_hours": "Tu-Sa 10:00-18:00"}])
    make_place(territory=territory, name="Proposée", moderation=Place.Moderation.PROPOSED)
    make_place(territory=other_territory, name="Ailleurs", lat=45.75, lon=4.8)
    response = client.get("/lieux/donnees/lieux-mediation-numerique.csv?territoire=saint-etienne")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert "Médiathèque de Carnot" in text and "Proposée" not in text and "Ailleurs" not in text
    rows = client.get("/lieux/donnees/lieux-mediation-numerique.json").json()
    assert sorted(row["nom"] for row in rows) == ["Ailleurs", "Médiathèque de Carnot"]
    di = json.loads(client.get("/lieux/donnees/data-inclusion.json?territoire=saint-etienne").content)
    assert [s["nom"] for s in di["structures"]] == ["Médiathèque de Carnot"]
    assert di["services"][0]["horaires_accueil"] == "Tu-Sa 10:00-18:00"
    assert client.get("/lieux/donnees/data-inclusion.json?territoire=nowhere").status_code == 404
    page = client.get("/lieux/donnees/")
    assert page.status_code == 200 and "Saint-Étienne" in page.content.decode()


def test_import_page_is_for_the_territorys_moderators(client_of, territory, resident, moderator, other_territory):
    url = f"/lieux/donnees/importer/{territory.slug}/"
    assert client_of(resident).get(url).status_code == 403
    client = client_of(moderator)
    assert client.get(f"/lieux/donnees/importer/{other_territory.slug}/").status_code == 403
    assert client.get(url).status_code == 200
    assert url in client.get("/lieux/donnees/").content.decode()
    upload = SimpleUploadedFile("lieux.csv", (DATA / "lieux-saint-etienne.csv").read_bytes(), "text/csv")
    response = client.post(url, {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 lieux créés" in page and "5 lignes rejetées" in page and "hors du territoire" in page
    assert Place.objects.filter(territory=territory).count() == 2


def test_import_page_refuses_unreadable_files_on_the_field(client_of, territory, moderator):
    client = client_of(moderator)
    url = f"/lieux/donnees/importer/{territory.slug}/"
    response = client.post(url, {"file": SimpleUploadedFile("lieux.txt", b"x")})
    assert response.status_code == 400 and ".csv ou .json" in response.content.decode()
    response = client.post(url, {"file": SimpleUploadedFile("lieux.csv", b"nom\nx\n")})
    assert response.status_code == 400 and "« id »" in response.content.decode()
    assert not Place.objects.exists()


def test_api_router_serves_the_same_data(territory):
    from ninja.testing import TestClient

    from alleger.places.opendata.api import router

    make_place(territory=territory, name="Médiathèque de Carnot",
               services=[{"name": "EPN", "kind": "internet", "opening_hours": "Tu-Sa 10:00-18:00"}])
    client = TestClient(router)
    rows = client.get("/lieux-mediation-numerique?territory=saint-etienne").json()
    assert [row["nom"] for row in rows] == ["Médiathèque de Carnot"]
    assert rows[0]["horaires"] == "Tu-Sa 10:00-18:00"
    data = client.get("/data-inclusion").json()
    assert [s["nom"] for s in data["structures"]] == ["Médiathèque de Carnot"]

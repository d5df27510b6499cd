"""The places API: the list with its filters (open now / open at, near a point), one place, GeoJSON."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from alleger.places.models import Moderation
from alleger.testing.places_factories import PlaceFactory, fab_lab, france_services

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def places(territory):
    return {"fs": france_services(territory), "fab": fab_lab(territory),
            "proposed": PlaceFactory(territory=territory, moderation=Moderation.PROPOSED, name="Proposé")}


def names(response):
    assert response.status_code == 200, response.content
    return [p["name"] for p in response.json()]


def test_the_list_gives_published_places_with_their_services_and_next_opening(client, places):
    body = client.get("/api/v1/places", {"open_at": "2026-12-04T10:00:00+01:00", "service": "family_benefits"})
    assert body.json() == []
    data = client.get("/api/v1/places", {"open_at": "2026-12-04T10:00:00"}).json()  # local time
    assert [p["name"] for p in data] == ["France Services du Crêt de Roch"]
    fs = data[0]
    assert fs["open_now"] is True and fs["open_until"] == "2026-12-04T12:00:00+01:00"
    caf = next(s for s in fs["services"] if s["name"] == "Permanence CAF")
    assert (caf["open_now"], caf["next_opening"], caf["opening_hours"]) == (
        False, "2026-12-10T14:00:00+01:00", "Th 14:00-17:00")
    assert caf["when"] == "Fermé, ouvre jeudi à 14 h"
    assert fs["url"].endswith(f"/lieux/{places['fs'].pk}/") and fs["profiles"] == ["mediation"]


def test_the_list_filters(client, places, monkeypatch):
    assert names(client.get("/api/v1/places")) == ["Fab lab de Jacquard", "France Services du Crêt de Roch"]
    assert names(client.get("/api/v1/places", {"type": "fablab"})) == ["Fab lab de Jacquard"]
    assert names(client.get("/api/v1/places", {"profile": "creation"})) == ["Fab lab de Jacquard"]
    assert names(client.get("/api/v1/places", {"q": "cret de roch"})) == ["France Services du Crêt de Roch"]
    assert names(client.get("/api/v1/places", {"territory": "saint-etienne", "limit": 1})) == ["Fab lab de Jacquard"]
    near = client.get("/api/v1/places", {"lat": 45.4372, "lon": 4.4071}).json()
    assert [p["name"] for p in near] == ["France Services du Crêt de Roch", "Fab lab de Jacquard"]
    assert near[0]["distance_m"] == 0 and near[1]["distance_m"] > 2500
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 5, 15, 0, tzinfo=PARIS))
    assert names(client.get("/api/v1/places", {"open_now": "true"})) == ["Fab lab de Jacquard"]


def test_the_list_refuses_bad_input_in_json(client, places):
    assert client.get("/api/v1/places", {"territory": "atlantide"}).json()["code"] == "not_found"
    response = client.get("/api/v1/places", {"lat": 45.4})
    assert (response.status_code, response.json()["code"]) == (400, "invalid_point")
    response = client.get("/api/v1/places", {"lat": 95, "lon": 4})
    assert (response.status_code, response.json()["code"]) == (422, "invalid")
    assert client.get("/api/v1/places", {"open_at": "jeudi"}).status_code == 422


def test_one_place_and_never_a_proposed_one(client, places):
    data = client.get(f"/api/v1/places/{places['fab'].pk}").json()
    assert data["name"] == "Fab lab de Jacquard" and data["services"][0]["opening_hours"] == "We,Sa 14:00-19:00"
    assert {"charter", "community", "links", "photos", "shared_by"} <= set(data)
    assert client.get(f"/api/v1/places/{places['proposed'].pk}").status_code == 404


def test_geojson_is_an_rfc_7946_feature_collection(client, places):
    response = client.get("/api/v1/places.geojson", {"open_at": "2026-12-03T15:00:00+01:00"})
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert set(data) == {"type", "features"} and data["type"] == "FeatureCollection"
    [feature] = data["features"]
    assert set(feature) == {"type", "id", "geometry", "properties"} and feature["type"] == "Feature"
    lon, lat = feature["geometry"]["coordinates"]
    assert feature["geometry"]["type"] == "Point" and (lon, lat) == (4.4071, 45.4372)
    assert -180 <= lon <= 180 and -90 <= lat <= 90
    assert {"id", "name", "type", "profiles", "url", "open_now", "next_opening"} <= set(feature["properties"])
    assert feature["properties"]["open_now"] is True and feature["properties"]["type"] == "france_services"
    everything = client.get("/api/v1/places.geojson").json()
    assert sorted(f["properties"]["name"] for f in everything["features"]) == [
        "Fab lab de Jacquard", "France Services du Crêt de Roch"]
    assert client.get("/api/v1/places.geojson", {"service": "fabrication"}).json()["features"][0]["id"] == \
        places["fab"].pk


def test_the_openapi_document_names_the_filters_and_their_values(client):
    document = client.get("/api/v1/openapi.json").json()
    params = {p["name"] for p in document["paths"]["/api/v1/places"]["get"]["parameters"]}
    assert {"territory", "profile", "type", "service", "neighbourhood", "q", "wheelchair", "open_now", "open_at",
            "lat", "lon", "limit", "offset"} <= params
    geo = {p["name"] for p in document["paths"]["/api/v1/places.geojson"]["get"]["parameters"]}
    assert "open_at" in geo and "limit" not in geo
    assert document["components"]["schemas"]["PlaceProfile"]["enum"] == ["mediation", "work", "creation"]

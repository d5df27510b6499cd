"""The map API: /api/v1/assets.geojson (RFC 7946, clustered past 2 000 features) and /api/v1/assets/{id}."""

import random

import orjson
import pytest
from django.urls import set_script_prefix

from alleger.assets import geo
from alleger.assets.models import Asset
from alleger.testing.assets_factories import AssetFactory, AssetTypeFactory
from alleger.testing.kits_factories import make_kit

pytestmark = pytest.mark.django_db

URL = "/api/v1/assets.geojson"


def _many(territory, n, *, box=(4.36, 45.41, 4.42, 45.46), seed=1, **fields):
    rng = random.Random(seed)
    asset_type = AssetTypeFactory(territory=territory)
    Asset.objects.bulk_create([
        Asset(territory=territory, asset_type=asset_type, name=f"Arbre {i}", lat=rng.uniform(box[1], box[3]),
              lon=rng.uniform(box[0], box[2]), **fields) for i in range(n)])


def test_a_box_gives_rfc7946_features_in_lon_lat_order(client, territory):
    asset = AssetFactory(territory=territory, name="Banc du square", lat=45.44, lon=4.39)
    AssetFactory(territory=territory, lat=45.30, lon=4.39)  # outside the box
    response = client.get(URL, {"bbox": "4.38,45.43,4.40,45.45"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert data["type"] == "FeatureCollection" and data["clustered"] is False
    [feature] = data["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [4.39, 45.44]}
    assert feature["properties"] == {"id": asset.pk, "name": "Banc du square", "type": "pied-d-arbre",
                                     "type_name": "Pied d'arbre", "status": "open",
                                     "url": f"/dispositifs/{asset.pk}/"}


def test_feature_urls_follow_the_site_s_script_prefix(territory):
    # Served under a sub-path (SCRIPT_NAME), the links of the features carry it; the memo is per prefix.
    asset = AssetFactory(territory=territory, lat=45.44, lon=4.39)
    urls = {}
    try:
        for prefix in ("/", "/ville/", "/"):
            set_script_prefix(prefix)
            urls[prefix] = [f["properties"]["url"] for f in orjson.loads(geo.geojson((4.38, 45.43, 4.40, 45.45)))["features"]]
    finally:
        set_script_prefix("/")
    assert urls == {"/": [f"/dispositifs/{asset.pk}/"], "/ville/": [f"/ville/dispositifs/{asset.pk}/"]}


def test_unpublished_assets_stay_off_the_map(client, territory):
    AssetFactory(territory=territory, moderation=Asset.Moderation.PROPOSED)
    AssetFactory(territory=territory, moderation=Asset.Moderation.REFUSED)
    assert client.get(URL, {"bbox": "4.3,45.4,4.5,45.5"}).json()["features"] == []


def test_filters_by_status_type_kit_and_territory(client, territory, other_territory):
    kit = make_kit(territory=territory, status="published", slug="jardiner")
    benches = AssetTypeFactory(territory=territory, slug="banc", name="Banc")
    benches.kits.add(kit)
    tree = AssetFactory(territory=territory, status="closed")
    bench = AssetFactory(territory=territory, asset_type=benches)
    own_kit = AssetFactory(territory=territory)
    own_kit.kits.add(kit)
    AssetFactory(territory=other_territory, lat=45.44, lon=4.39)

    def ids(**params):
        return {f["properties"]["id"] for f in client.get(URL, {"bbox": "4,45,5,46", **params}).json()["features"]}

    assert ids(status="closed") == {tree.pk}
    assert ids(type="banc") == {bench.pk}
    assert ids(kit="jardiner") == {bench.pk, own_kit.pk}
    assert ids(territory="saint-etienne") == {tree.pk, bench.pk, own_kit.pk}


@pytest.mark.parametrize("bbox", ["", "1,2,3", "a,b,c,d", "4.5,45,4.3,46", "4,46,5,45", "4,45,5,95",
                                  "-200,45,5,46", "nan,45,5,46", "4,45,inf,46", "1,2,3,4,5"])
def test_a_bad_box_is_a_400_with_code_and_message(client, bbox):
    response = client.get(URL, {"bbox": bbox})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_bbox" and body["message"]


def test_an_unknown_status_is_a_400(client):
    response = client.get(URL, {"bbox": "4,45,5,46", "status": "ajar"})
    assert response.status_code == 400 and response.json()["code"] == "invalid"


def test_a_missing_box_is_a_clear_error(client):
    response = client.get(URL)
    assert response.status_code in (400, 422) and response.json()["code"]


def test_more_than_2000_assets_are_clustered_and_never_exceed_2000_features(client, territory):
    # Given 2 500 assets spread over the city
    _many(territory, 2500)
    # When the whole city is asked for
    data = client.get(URL, {"bbox": "4.36,45.41,4.42,45.46"}).json()
    # Then the server clusters: at most 2 000 features, counts adding up to every asset
    assert data["clustered"] is True
    assert len(data["features"]) <= 2000
    clusters = [f for f in data["features"] if f["properties"].get("cluster")]
    singles = [f for f in data["features"] if not f["properties"].get("cluster")]
    assert clusters and all(f["properties"]["count"] >= 2 for f in clusters)
    assert sum(f["properties"]["count"] for f in clusters) + len(singles) == 2500 == data["total"]
    for feature in data["features"]:  # centroids stay in the box, in [lon, lat] order
        lon, lat = feature["geometry"]["coordinates"]
        assert 4.36 <= lon <= 4.42 and 45.41 <= lat <= 45.46
    # And a street-level box inside it gives plain features
    street = client.get(URL, {"bbox": "4.380,45.430,4.382,45.432"}).json()
    assert street["clustered"] is False and 0 < len(street["features"]) < 100


def test_exactly_2000_assets_are_not_clustered(client, territory):
    _many(territory, 2000)
    data = client.get(URL, {"bbox": "4.3,45.4,4.5,45.5"}).json()
    assert data["clustered"] is False and len(data["features"]) == 2000


@pytest.mark.parametrize("span", [0.001, 0.05, 1, 30, 360])
def test_the_grid_never_has_more_than_1681_cells(span):
    bbox = (-180, -90, -180 + min(span, 360), -90 + min(span, 180))
    cell = geo.cell_size(bbox)
    across = (bbox[2] - bbox[0]) / cell + 1
    up = (bbox[3] - bbox[1]) / cell + 1
    assert across * up <= (geo.GRID + 1) ** 2 <= geo.MAX_FEATURES


def test_one_asset_as_json_without_the_cabinet_code(client, territory):
    kit = make_kit(territory=territory, status="published")
    cabinet = AssetFactory(territory=territory, is_tool_cabinet=True, cabinet_code="9753",
                           cabinet_charter="Rendre les outils.")
    cabinet.kits.add(kit)
    response = client.get(f"/api/v1/assets/{cabinet.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == cabinet.pk and body["is_tool_cabinet"] is True
    assert body["kits"][0]["slug"] == kit.slug
    assert "9753" not in response.content.decode()
    assert "cabinet_code" not in body


def test_an_unpublished_or_unknown_asset_is_a_404(client, territory):
    proposed = AssetFactory(territory=territory, moderation=Asset.Moderation.PROPOSED)
    for pk in (proposed.pk, 999_999):
        response = client.get(f"/api/v1/assets/{pk}")
        assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_the_openapi_documents_the_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/assets.geojson" in paths and "/api/v1/assets/{asset_id}" in paths
    parameters = {p["name"] for p in paths["/api/v1/assets.geojson"]["get"]["parameters"]}
    assert {"bbox", "status", "type", "kit"} <= parameters

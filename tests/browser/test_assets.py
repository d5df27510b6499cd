"""Assets in the browser: the list (the map's alternative) and an asset page are axe-clean, and the
map loads its GeoJSON from the API in Chromium."""

import pytest

pytestmark = [pytest.mark.browser]


@pytest.fixture
def assets(territory):
    from alleger.assets.models import Asset, AssetType

    trees = AssetType.objects.create(territory=territory, slug="pied-d-arbre", name="Pied d'arbre")
    made = [Asset.objects.create(territory=territory, asset_type=trees, name=f"Tilleul n° {n}",
                                 lat=45.745 + n * 0.002, lon=4.805 + n * 0.002,
                                 status=("open", "openable", "closed")[n % 3], max_participants=4,
                                 conditions="Pas de pesticides.") for n in range(12)]
    cabinet_type = AssetType.objects.create(territory=territory, slug="armoire", name="Armoire de bricolage")
    made.append(Asset.objects.create(territory=territory, asset_type=cabinet_type, name="Armoire du square",
                                     lat=45.75, lon=4.81, is_tool_cabinet=True, cabinet_code="4821",
                                     cabinet_charter="Remettre les outils en place."))
    return made


def test_the_asset_list_and_pages_are_axe_clean(page, live_server, assets, check_axe):
    for path in ("/dispositifs/?territoire=villeclaire", "/dispositifs/?territoire=villeclaire&statut=closed",
                 f"/dispositifs/{assets[0].pk}/", f"/dispositifs/{assets[-1].pk}/",
                 f"/dispositifs/{assets[0].pk}/panneau/"):
        response = page.goto(live_server.url + path, wait_until="load")
        assert response is not None and response.ok, f"{path} answered {response and response.status}"
        check_axe(page)
        if path == f"/dispositifs/{assets[-1].pk}/":  # the cabinet: how to get the code, never the code
            assert "Se connecter pour obtenir le code" in page.inner_text("main")
            assert "4821" not in page.inner_text("body")


def test_the_map_loads_its_geojson(page, live_server, assets):
    with page.expect_response(lambda r: "/api/v1/assets.geojson" in r.url) as answer:
        page.goto(live_server.url + "/dispositifs/?territoire=villeclaire", wait_until="load")
    response = answer.value
    assert response.status == 200
    data = response.json()
    assert data["type"] == "FeatureCollection" and len(data["features"]) == len(assets)
    assert "territory=villeclaire" in response.url and "bbox=" in response.url
    page.wait_for_selector("#assets-map[data-loaded]")
    assert page.locator("#assets-map .leaflet-interactive").count() == len(assets)
    # The list alternative carries the same assets without JavaScript
    assert page.locator("table.asset-table tbody tr").count() == len(assets)

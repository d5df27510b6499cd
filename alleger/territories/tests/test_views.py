"""The territory front page /t/<slug>/ and the territory API."""

import json
import re

import pytest

from alleger.territories.models import Territory
from alleger.testing.factories import (
    NeighbourhoodFactory,
    OrganisationFactory,
    TerritoryFactory,
    box,
)

pytestmark = pytest.mark.django_db
NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture
def city(territory):
    Territory.objects.filter(pk=territory.pk).update(
        tagline="Alléger la ville, quartier par quartier", description="Une **fenêtre** territoriale.",
        max_goal_cents=1_500_000, overfunding_cap_bp=15_000, campaign_min_days=15, campaign_max_days=90,
        commission_bp=550, allow_donation=True, allow_reward=False, allow_loan=True,
    )
    NeighbourhoodFactory(territory=territory, name="Jacquard", slug="jacquard", boundary=box(4.36, 45.42, 4.38, 45.44))
    NeighbourhoodFactory(territory=territory, name="Crêt de Roch", slug="cret-de-roch",
                         boundary=box(4.38, 45.42, 4.40, 45.44))
    territory.refresh_from_db()
    return territory


def test_the_front_page_shows_the_rules(client, city):
    response = client.get("/t/saint-etienne/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Saint-Étienne</h1>" in body
    assert "Alléger la ville, quartier par quartier" in body
    assert "<strong>fenêtre</strong>" in body
    rules = body.split('id="regles"', 1)[1]
    assert f"15{NNBSP}000{NBSP}€" in rules
    assert f"150{NBSP}%" in rules
    assert f"5,5{NBSP}%" in rules
    assert "de 15 à 90 jours" in rules
    assert "dons</li>" in rules and "prêts sans intérêt" in rules
    assert "dons avec contrepartie" not in rules


def test_the_front_page_has_a_map_and_a_list_that_needs_no_javascript(client, city):
    body = client.get("/t/saint-etienne/").content.decode()
    # The map: a labelled region fed by inline GeoJSON of the neighbourhoods
    assert re.search(r'<div id="territory-map" class="map-canvas" data-map data-geojson="territory-map-data"', body)
    assert 'role="region" aria-label="' in body
    data = re.search(r'<script id="territory-map-data" type="application/json">(.*?)</script>', body, re.S)
    geojson = json.loads(data.group(1))
    assert geojson["type"] == "FeatureCollection"
    assert sorted(f["properties"]["name"] for f in geojson["features"]) == ["Crêt de Roch", "Jacquard"]
    # The same information as a plain list, outside any script
    listing = re.search(r'<ul aria-labelledby="quartiers">(.*?)</ul>', body, re.S).group(1)
    assert re.findall(r"<li>(.*?)</li>", listing) == ["Crêt de Roch", "Jacquard"]


def test_the_map_uses_the_tile_server_from_settings(client, city, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    body = client.get("/t/saint-etienne/").content.decode()
    assert 'data-tiles="https://tiles.example.org/{z}/{x}/{y}.png"' in body


def test_the_map_data_cannot_break_out_of_its_script(client, city):
    NeighbourhoodFactory(territory=city, name="</script><script>alert(1)</script>", slug="evil")
    body = client.get("/t/saint-etienne/").content.decode()
    assert "<script>alert(1)" not in body


def test_a_territory_without_neighbourhoods_says_so(client, other_territory):
    body = client.get("/t/lyon/").content.decode()
    assert "Ce territoire n'a pas encore de quartiers." in body
    # Its own boundary is still on the map
    data = re.search(r'<script id="territory-map-data" type="application/json">(.*?)</script>', body, re.S)
    assert [f["properties"]["name"] for f in json.loads(data.group(1))["features"]] == ["Lyon"]


def test_the_front_page_lists_the_territorys_organisations_only(client, city, other_territory, organisation):
    OrganisationFactory(name="Ailleurs", territory=other_territory)
    body = client.get("/t/saint-etienne/").content.decode()
    assert "Le Café d&#x27;à Côté" in body
    assert "Ailleurs" not in body


def test_the_front_page_names_its_moderators(client, city, moderator):
    assert "Martha" in client.get("/t/saint-etienne/").content.decode()


def test_an_unknown_territory_is_404(client):
    assert client.get("/t/nulle-part/").status_code == 404


# --- API ----------------------------------------------------------------------------


def test_the_api_lists_territories_with_their_rules(client, city, other_territory):
    response = client.get("/api/v1/territories")
    assert response.status_code == 200
    items = {item["slug"]: item for item in response.json()}
    assert set(items) == {"saint-etienne", "lyon"}
    assert items["saint-etienne"] == {
        "slug": "saint-etienne",
        "name": "Saint-Étienne",
        "kind": "city",
        "tagline": "Alléger la ville, quartier par quartier",
        "url": "http://testserver/t/saint-etienne/",
        "bbox": [4.30, 45.40, 4.45, 45.50],
        "rules": {
            "max_goal_cents": 1_500_000,
            "overfunding_cap_percent": 150.0,
            "commission_percent": 5.5,
            "campaign_min_days": 15,
            "campaign_max_days": 90,
            "contribution_types": ["donation", "loan"],
        },
    }


def test_the_api_shows_one_territory_with_its_neighbourhoods(client, city):
    response = client.get("/api/v1/territories/saint-etienne")
    assert response.status_code == 200
    data = response.json()
    assert data["slug"] == "saint-etienne"
    assert data["description"] == "Une **fenêtre** territoriale."
    assert data["boundary"] == box(4.30, 45.40, 4.45, 45.50)
    assert [n["slug"] for n in data["neighbourhoods"]] == ["cret-de-roch", "jacquard"]
    assert data["neighbourhoods"][1]["boundary"] == box(4.36, 45.42, 4.38, 45.44)
    assert data["rules"]["overfunding_cap_percent"] == 150.0


def test_a_territory_without_boundary_has_no_bbox(client):
    TerritoryFactory(slug="sans-contour", boundary=None)
    data = client.get("/api/v1/territories/sans-contour").json()
    assert data["bbox"] is None and data["boundary"] is None and data["neighbourhoods"] == []


def test_the_api_answers_404_json_for_an_unknown_territory(client):
    response = client.get("/api/v1/territories/nulle-part")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "not_found"
    assert isinstance(body["message"], str) and body["message"]


def test_the_front_page_renders_the_markdown_of_featured_themes(client, city):
    from alleger.testing.funding_factories import ThemeFactory

    ThemeFactory(territory=city, name="Circuits courts", featured=True,
                 description="Thème **à la Une** : la <b>Fondation</b> double les dons.")
    body = client.get(f"/t/{city.slug}/").content.decode()
    assert "Thème <strong>à la Une</strong> : la &lt;b&gt;Fondation&lt;/b&gt; double les dons." in body
    assert "**" not in body


def test_the_territories_address_alone_leads_to_the_home_page_that_lists_them(client, city):
    response = client.get("/t/", follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert city.name in response.content.decode()


def test_a_moderator_reaches_every_queue_from_the_territory_page_and_nobody_else_sees_them(
        client, city, resident):
    from alleger.territories.models import TerritoryRole
    from alleger.testing.funding_factories import ProjectFactory

    TerritoryRole.objects.create(territory=city, user=resident, role=TerritoryRole.Role.MODERATOR)
    client.force_login(resident)
    body = client.get(f"/t/{city.slug}/").content.decode()
    # Registered by funding, kits, assets, places, organisations and discussions (territories imports none of
    # them), in order, each with what waits in it
    expected = [f'<a href="/t/{city.slug}/moderation/projets/">Projets à relire</a> — rien en attente',
                f'<a href="/kits/relecture/?territoire={city.slug}">Kits à relire</a> — rien en attente',
                f'<a href="/dispositifs/relecture/?territoire={city.slug}">Propositions de dispositifs à relire</a>'
                ' — rien en attente',
                f'<a href="/t/{city.slug}/moderation/paiements/">Paiements hors ligne à confirmer ou à rendre</a>',
                '<a href="/lieux/relecture/',
                f'<a href="/organisations/mecenat/demandes/?territoire={city.slug}">Demandes de mécénat</a>'
                ' — rien en attente',
                f'<a href="/moderation/?territoire={city.slug}">Contenus signalés</a> — rien en attente']
    positions = [body.find(link) for link in expected]
    assert -1 not in positions and positions == sorted(positions), positions
    # Something to review shows at once (the counts follow the data version)
    ProjectFactory(territory=city, status="submitted")
    ProjectFactory(territory=city, status="submitted")
    ProjectFactory(status="submitted")  # another territory's
    body = client.get(f"/t/{city.slug}/").content.decode()
    assert (f'<a href="/t/{city.slug}/moderation/projets/">Projets à relire</a> — <strong>2 en attente</strong>'
            ) in body
    # Another moderator reading in English gets them in English (the links are remembered per language)
    client.cookies["django_language"] = "en"
    assert "Projects to review" in client.get(f"/t/{city.slug}/").content.decode()
    client.cookies["django_language"] = "fr"
    client.logout()
    assert "Vous modérez ce territoire" not in client.get(f"/t/{city.slug}/").content.decode()

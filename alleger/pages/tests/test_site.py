import json
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from alleger.assets.models import Asset
from alleger.testing.assets_factories import AssetFactory
from alleger.testing.funding_factories import ProjectFactory
from alleger.testing.interventions_factories import make_intervention, published_kit
from alleger.testing.kits_factories import make_kit

pytestmark = pytest.mark.django_db
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _sitemap_urls(client) -> set[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    return {node.text for node in ET.fromstring(response.content).findall("s:url/s:loc", NS)}


def test_robots_keeps_crawlers_out_of_accounts_admin_and_management(client, settings):
    settings.SITE_URL = "https://alleger.villeclaire.example"
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    for path in ("/admin/", "/compte/", "/accounts/", "/*/gerer/", "/*/moderation/", "/moderation/"):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /" not in lines  # the public pages stay open
    assert "Sitemap: https://alleger.villeclaire.example/sitemap.xml" in lines


def test_the_sitemap_lists_public_pages_and_not_drafts(client, settings, territory, resident):
    settings.SITE_URL = "https://alleger.villeclaire.example"
    base = settings.SITE_URL
    live = ProjectFactory(territory=territory, live=True, slug="jardin-partage")
    draft = ProjectFactory(territory=territory, slug="brouillon-secret")
    kit = published_kit(territory, title="Fleurir un pied d'arbre")
    draft_kit = make_kit(author=resident, territory=territory)
    asset = AssetFactory(territory=territory)
    proposed = AssetFactory(territory=territory, moderation=Asset.Moderation.PROPOSED)
    intervention = make_intervention(territory=territory, kit=kit)

    urls = _sitemap_urls(client)

    assert base + live.get_absolute_url() in urls
    assert base + draft.get_absolute_url() not in urls
    assert base + kit.get_absolute_url() in urls and base + draft_kit.get_absolute_url() not in urls
    assert base + asset.get_absolute_url() in urls and base + proposed.get_absolute_url() not in urls
    assert base + intervention.get_absolute_url() in urls
    assert base + territory.get_absolute_url() in urls
    for slug in ("mentions-legales", "conditions-utilisation", "confidentialite", "cookies", "accessibilite",
                 "contact"):
        assert f"{base}/{slug}/" in urls
    assert not any("example.com" in url for url in urls)


def test_the_manifest_is_valid_json_with_its_content_type(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Alléger" and manifest["short_name"] == "Alléger"
    assert manifest["lang"] == "fr" and manifest["theme_color"].startswith("#")
    assert manifest["start_url"] == "/"
    icon = manifest["icons"][0]
    assert icon["type"] == "image/svg+xml" and icon["src"].endswith(".svg")
    assert client.get(icon["src"]).status_code == 200


def test_the_favicon_is_an_svg_and_old_browsers_find_it(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith(".svg")
    svg = b"".join(client.get(response["Location"]).streaming_content)
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"


def test_open311_discovery_points_to_the_contact_page(client):
    response = client.get("/open311/v2/discovery.json")
    assert response.status_code == 200
    contact = json.loads(response.content)["contact"]
    url = "http://testserver" + reverse("pages:contact")
    assert contact.endswith(url)
    assert client.get(reverse("pages:contact")).status_code == 200


def test_the_sitemap_leaves_out_contents_hidden_by_flags(client, settings, territory):
    from alleger.testing.discussions_factories import flag_by

    kit = published_kit(territory, title="Kit signalé")
    url = settings.SITE_URL + kit.get_absolute_url()
    assert url in _sitemap_urls(client)
    flag_by(kit, 3)
    assert url not in _sitemap_urls(client)

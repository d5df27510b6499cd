"""Content-Security-Policy in Chromium: the main pages, their maps (tiles, markers, clusters), the report
location picker, an htmx filter and the API docs (Swagger UI) run without a single CSP violation."""

import io
import random
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser]

# Every violation the page sees, with where it comes from; registered before any page script runs.
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(
  `${e.effectiveDirective} refused ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber}) ${e.sample}`));
"""


def _tile() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), "#e8efe9").save(buffer, format="PNG")
    return buffer.getvalue()


class Watched:
    """A page whose CSP violations (DOM events and "Refused to…" console messages) are collected."""

    def __init__(self, page, base):
        self.page, self.base, self.console = page, base, []
        page.add_init_script(WATCH)
        page.on("console", self._on_console)
        # Tiles come from the configured tile server, answered here (the network is closed):
        # the request is only made if img-src lets the image through.
        tile = _tile()
        page.route(self._tile_pattern(), lambda route: route.fulfill(body=tile, content_type="image/png"))

    @staticmethod
    def _tile_pattern():
        from django.conf import settings

        return re.sub(r"\{[^}]*\}.*$", "**", settings.MAP_TILE_URL)

    def _on_console(self, message):
        # Chromium also says here when the Permissions-Policy header names a feature it does not know.
        text = message.text
        if "Content Security Policy" in text or text.startswith("Refused to") or "Permissions-Policy" in text:
            self.console.append(text)

    def open(self, path, status=200):
        response = self.page.goto(self.base + path, wait_until="load")
        assert response is not None and response.status == status, f"{path} answered {response and response.status}"
        headers = response.headers
        assert "content-security-policy" in headers and "permissions-policy" in headers, path
        return response

    def assert_clean(self):
        self.page.wait_for_timeout(100)  # violation events are queued tasks
        found = self.page.evaluate("window.__csp || []") + self.console
        assert not found, f"CSP violations on {self.page.url}:\n" + "\n".join(found)

    def assert_map(self, selector):
        """The map drew its tiles and its features (markers, shapes or clusters)."""
        self.page.locator(f"{selector} img.leaflet-tile-loaded").first.wait_for()
        features = self.page.locator(
            f"{selector} .leaflet-marker-icon, {selector} path.leaflet-interactive").first
        features.wait_for()


@pytest.fixture
def watched(page, live_server):
    return Watched(page, live_server.url)


@pytest.fixture
def content(territory, member):
    """One of each: a project with a place, a published kit, assets, an intervention, a report category."""
    from alleger.kits.models import Kit
    from alleger.testing.assets_factories import AssetFactory
    from alleger.testing.funding_factories import ProjectFactory
    from alleger.testing.interventions_factories import make_intervention
    from alleger.testing.kits_factories import make_kit
    from alleger.testing.reports_factories import make_category

    project = ProjectFactory(live=True, territory=territory, title="Le Café d'à Côté", slug="cafe",
                             lat=45.75, lon=4.82)
    kit = make_kit(author=member, status=Kit.Status.PUBLISHED, territory=territory, title="Fleurir un pied d'arbre",
                   slug="fleurir", rules="Pas de **pesticides**.")
    asset = AssetFactory(territory=territory, name="Pied d'arbre de la place", lat=45.76, lon=4.82)
    intervention = make_intervention(territory=territory, kit=kit, asset=asset, title="Semis de printemps")
    make_category(territory=territory, kits=[kit])
    return {"project": project, "kit": kit, "asset": asset, "intervention": intervention}


def test_the_main_pages_and_their_maps_run_without_csp_violations(watched, content):
    asset, intervention = content["asset"], content["intervention"]
    pages = [
        ("/", None),
        ("/t/villeclaire/", "#territory-map"),
        ("/projets/", "#projects-map"),
        ("/projets/cafe/", None),
        ("/kits/fleurir/", None),
        ("/dispositifs/?territoire=villeclaire", "#assets-map"),
        (f"/dispositifs/{asset.pk}/", "#asset-map"),
        (f"/interventions/{intervention.pk}/", None),
        ("/interventions/", "#interventions-map"),
    ]
    for path, map_selector in pages:
        watched.open(path)
        if map_selector:
            watched.assert_map(map_selector)
        watched.assert_clean()
    # An error page too.
    watched.open("/kits/nulle-part/", status=404)
    watched.assert_clean()


def test_the_report_form_picker_places_its_marker_without_csp_violations(watched, logged_in, content):
    watched.open("/signalements/t/villeclaire/nouveau/?categorie=velo-partage")
    picker = watched.page.locator("[data-pick-map].leaflet-container")
    picker.locator("img.leaflet-tile-loaded").first.wait_for()
    picker.click()
    expect(watched.page.get_by_label("Latitude")).to_have_value(re.compile(r"^45\.\d+$"))
    expect(picker.locator(".leaflet-marker-icon")).to_have_count(1)
    watched.assert_clean()


def test_an_htmx_filter_still_swaps_the_results_in_place(watched, content):
    watched.open("/projets/")
    results = watched.page.locator("#resultats-projets")
    expect(results.get_by_role("heading", name="1 projet")).to_be_visible()
    watched.page.evaluate("window.stillTheSamePage = true")
    watched.page.get_by_label("État").select_option("succeeded")
    expect(watched.page).to_have_url(re.compile(r"statut=succeeded"))
    expect(results.get_by_role("heading", name="0 projet")).to_be_visible()
    assert watched.page.evaluate("window.stillTheSamePage") is True
    watched.assert_clean()
    # htmx put no <style> of its own into the page (its indicator rules are in site.css).
    assert watched.page.locator("head style").count() == 0


def test_clustered_asset_maps_size_their_clusters_without_inline_styles(watched, territory):
    from alleger.assets import mapcache
    from alleger.assets.models import Asset
    from alleger.testing.assets_factories import AssetTypeFactory

    rng = random.Random(7)
    kind = AssetTypeFactory(territory=territory)
    Asset.objects.bulk_create([
        Asset(territory=territory, asset_type=kind, name=f"Arbre {n}", lat=rng.uniform(45.745, 45.815),
              lon=rng.uniform(4.805, 4.875)) for n in range(2100)])
    mapcache.data_changed()
    watched.open("/dispositifs/?territoire=villeclaire")
    cluster = watched.page.locator("#assets-map .asset-cluster").first
    cluster.wait_for()
    watched.assert_clean()
    box = cluster.bounding_box()
    assert box and box["width"] >= 24 and box["width"] == box["height"]


def test_the_api_docs_load_swagger_ui_from_our_own_static_files(watched):
    requested = []
    watched.page.on("request", lambda request: requested.append(request.url))
    watched.open("/api/v1/docs")
    # The schema is large (every router): give Swagger UI time to draw it on a busy machine.
    expect(watched.page.locator(".swagger-ui .info .title")).to_contain_text("Alléger API", timeout=30_000)
    watched.page.locator(".swagger-ui .opblock").first.wait_for(timeout=30_000)
    assert all(url.startswith(watched.base) for url in requested), requested
    watched.assert_clean()

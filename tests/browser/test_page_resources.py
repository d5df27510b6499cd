"""Every resource of the main pages loads, as in production: static files under their
hashed names (collectstatic with a manifest, served by WhiteNoise), map markers included.

Only the configured tile server is left out: the browser tests never reach the network.
"""

from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser]


@pytest.fixture
def production_server(tmp_path, transactional_db, settings):
    """A live server whose static files are collected and hashed like `alleger build`, and
    served by WhiteNoise (the test live server would otherwise serve plain names from the apps)."""
    from django.core.management import call_command
    from django.db import connections
    from django.test.testcases import LiveServerThread

    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
    call_command("collectstatic", "--noinput", verbosity=0)
    shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
    for conn in shared.values():
        conn.inc_thread_sharing()
    thread = LiveServerThread("127.0.0.1", static_handler=lambda app: app, connections_override=shared)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()
    for conn in shared.values():
        conn.dec_thread_sharing()


def _signed_in_cookie(url, email):
    from django.conf import settings
    from django.test import Client

    from alleger.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=email), backend="django.contrib.auth.backends.ModelBackend")
    return {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": url}


def test_the_main_pages_load_every_resource(page, production_server, demo, settings):
    from alleger.accounts.models import User
    from alleger.assets.models import Asset
    from alleger.funding.models import Project
    from alleger.kits.models import Kit
    from alleger.places.models import Place
    from alleger.territories.models import Territory
    from alleger.testing.reports_factories import make_category, make_report

    territory = Territory.objects.get(slug="saint-etienne")
    project = Project.objects.filter(territory=territory, status=Project.Status.PUBLISHED).order_by("pk").first()
    asset = Asset.objects.filter(territory=territory, moderation="published").order_by("pk").first()
    kit = Kit.objects.filter(status="published").order_by("pk").first()
    place = Place.objects.get(name="Fab lab de Jacquard")
    resident = User.objects.filter(is_active=True, is_staff=False).order_by("pk").first()
    make_report(category=make_category(territory=territory, service_code="essai-carte"), reporter=resident)
    tiles = urlsplit(settings.MAP_TILE_URL).hostname
    problems = []
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
    page.on("requestfailed", lambda r: urlsplit(r.url).hostname != tiles
            and problems.append(f"failed {r.url} ({r.failure})"))

    # (path, has default Leaflet markers)
    pages = [("/", True), (f"/t/{territory.slug}/", True), ("/api/v1/docs", False), ("/projets/", True), (project.get_absolute_url(), False),
             ("/interventions/", True), (f"/signalements/t/{territory.slug}/", True), ("/dispositifs/", False),
             (asset.get_absolute_url(), True), (f"{asset.get_absolute_url()}panneau/", False),
             ("/kits/", False), (kit.get_absolute_url(), False), ("/organisations/", False),
             ("/lieux/", True), (place.get_absolute_url(), True),
             (f"/signalements/t/{territory.slug}/nouveau/?categorie=essai-carte", False)]
    page.context.add_cookies([_signed_in_cookie(production_server, resident.email)])
    for path, has_markers in pages:
        response = page.goto(production_server + path, wait_until="networkidle")
        assert response is not None and response.ok, f"{path} answered {response and response.status}"
        if path == "/api/v1/docs":
            # Swagger UI fetches the schema after its scripts run: "network idle" may come before it starts,
            # and leaving the page then aborts the fetch. Wait for the schema's operations to be drawn.
            page.locator(".swagger-ui .opblock").first.wait_for(timeout=30_000)
        if has_markers:
            markers = page.locator("img.leaflet-marker-icon")
            assert markers.count() > 0, f"no marker on {path}"
            assert markers.evaluate_all("imgs => imgs.every(i => i.complete && i.naturalWidth > 0)"), path
    # The report form's location picker puts a marker where one clicks.
    page.locator("[data-pick-map]").click()
    marker = page.locator("[data-pick-map] img.leaflet-marker-icon")
    marker.wait_for()
    # Loaded and decoded: under load the image may finish after the network goes quiet, so wait for it
    page.wait_for_function("() => { const i = document.querySelector('[data-pick-map] img.leaflet-marker-icon');"
                           " return i && i.complete && i.naturalWidth > 0; }", timeout=15_000)
    assert problems == []

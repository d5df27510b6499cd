"""Reports in the browser: a resident reports a problem (category, form, map or coordinates, photo),
the report page suggests a kit, a nearby tool cabinet and a possible duplicate; axe-core finds no
violation at all (any impact) on the report pages; the list and a report work without JavaScript."""

import io
import re

import pytest
from playwright.sync_api import expect

from alleger.testing.browser import open_page as _open

from .conftest import format_violations

pytestmark = [pytest.mark.browser]

# Inside Villeclaire's "Les Pentes" (see the `territory` fixture of conftest.py).
LAT, LON = 45.7601, 4.8201



def _axe_clean(page, check_axe):
    """No axe-core violation at all on the page, whatever its impact (check_axe alone fails on serious ones)."""
    violations = check_axe(page)
    assert not violations, format_violations(page.url, violations)


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), "orange").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def category(territory):
    from alleger.kits.models import Kit
    from alleger.testing.kits_factories import make_kit
    from alleger.testing.reports_factories import BRAKES, make_category

    kit = make_kit(territory=territory, status=Kit.Status.PUBLISHED, title="Entretenir les vélos partagés",
                   slug="entretenir-velos")
    return make_category(territory=territory, kits=[kit], attributes=[BRAKES])


@pytest.fixture
def neighbours(territory, category):
    """A tool cabinet 200 m away and an open report of the same category 20 m away (a possible duplicate)."""
    from alleger.testing.assets_factories import AssetFactory, AssetTypeFactory
    from alleger.testing.reports_factories import make_report, north_of

    kind = AssetTypeFactory(territory=territory, slug="armoire", name="Armoire")
    category.asset_types.add(kind)  # the category says tool cabinets help
    lat, lon = north_of(LAT, LON, 200)
    AssetFactory(territory=territory, asset_type=kind, name="Armoire du square", is_tool_cabinet=True,
                 lat=lat, lon=lon)
    lat, lon = north_of(LAT, LON, 20)
    return make_report(category=category, lat=lat, lon=lon, description="Vélo sans freins devant l'école.",
                       attributes={"panne": "freins"})


def test_a_resident_reports_a_problem(page, live_server, logged_in, territory, category, neighbours, check_axe):
    from alleger.reports.models import Report

    base = live_server.url

    # Step one: the kind of problem, as plain links.
    _open(page, f"{base}/signalements/t/villeclaire/nouveau/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Signaler un problème")
    _axe_clean(page, check_axe)
    page.get_by_role("link", name="Vélo partagé en panne").click()

    # Step two: the form, clean when empty…
    expect(page).to_have_url(re.compile(r"/nouveau/\?categorie=velo-partage$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Signaler : Vélo partagé en panne")
    picker = page.locator("[data-pick-map].leaflet-container")
    picker.wait_for()
    _axe_clean(page, check_axe)

    # …and with errors: the summary links to the fields; nothing is recorded.
    page.get_by_role("button", name="Envoyer le signalement").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Description du problème")
    expect(summary).to_contain_text("Indiquez où se trouve le problème")
    picker.wait_for()
    _axe_clean(page, check_axe)
    assert Report.objects.count() == 1

    # A click on the map fills the coordinates (somewhere in the territory)…
    picker.click()  # its centre
    latitude, longitude = page.get_by_label("Latitude"), page.get_by_label("Longitude")
    expect(latitude).to_have_value(re.compile(r"^45\.\d+$"))
    clicked = float(latitude.input_value()), float(longitude.input_value())
    # The map opens on the territory's bounding box (45.74–45.82 N, 4.80–4.88 E).
    assert 45.74 < clicked[0] < 45.82 and 4.80 < clicked[1] < 4.88, clicked
    # …which stay plain fields, typed in as without JavaScript.
    latitude.fill(str(LAT))
    longitude.fill(str(LON))
    page.get_by_label("Description du problème").fill("Le vélo n° 12 n'a plus de freins.")
    page.get_by_label("Qu'est-ce qui ne fonctionne pas ?").select_option("freins")
    page.get_by_label("Adresse ou repère").fill("Place Sathonay")
    page.get_by_label("Photo (facultative)").set_input_files(
        {"name": "velo.png", "mimeType": "image/png", "buffer": _png()})
    page.get_by_role("button", name="Envoyer le signalement").click()

    # The report page.
    report = Report.objects.exclude(pk=neighbours.pk).get()
    expect(page).to_have_url(f"{base}/signalements/{report.pk}/")
    assert (report.reporter, report.lat, report.lon, report.attributes) == (
        logged_in, LAT, LON, {"panne": "freins"})
    assert report.photo and report.neighbourhood.name == "Les Pentes"
    expect(page.locator(".messages")).to_contain_text("Merci ! Votre signalement est transmis à Service des vélos")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Signalement n° {report.pk} — Vélo partagé en panne")
    photo = page.locator("img.report-photo")
    expect(photo).to_have_attribute(
        "alt", "Photo du problème signalé : Vélo partagé en panne, Place Sathonay (Les Pentes)")
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 24
    suggestions = page.get_by_role("complementary")
    expect(suggestions.get_by_role("link", name="Entretenir les vélos partagés")).to_be_visible()
    expect(suggestions.get_by_role("listitem").filter(has_text="Armoire du square")).to_contain_text(
        "armoire de bricolage")
    duplicate = suggestions.get_by_role("listitem").filter(has_text=f"n° {neighbours.pk}")
    expect(duplicate).to_contain_text("à 20 m")
    expect(duplicate.get_by_role("button", name=f"C'est le même problème que le n° {neighbours.pk}")).to_be_visible()
    timeline = page.get_by_role("list", name="Suivi")
    expect(timeline.get_by_role("listitem")).to_have_count(1)
    expect(timeline).to_contain_text("Ouvert")
    expect(timeline).to_contain_text("Signalement transmis à Service des vélos.")
    _axe_clean(page, check_axe)

    # The territory's list (with its map) and "my reports".
    _open(page, f"{base}/signalements/t/villeclaire/")
    expect(page.get_by_role("heading", level=2, name="2 signalements")).to_be_visible()
    page.locator("#reports-map.leaflet-container").wait_for()
    _axe_clean(page, check_axe)
    _open(page, f"{base}/signalements/mes-signalements/")
    mine = page.locator("main .report-list li")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text(f"N° {report.pk} — Vélo partagé en panne")
    _axe_clean(page, check_axe)


def test_reporting_and_following_without_javascript(new_context, live_server, member, category, neighbours):
    from django.conf import settings
    from django.test import Client

    context = new_context(java_script_enabled=False)
    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": live_server.url}])
    page = context.new_page()
    base = live_server.url

    # The list: no map canvas, the list alternative carries the same links.
    _open(page, f"{base}/signalements/t/villeclaire/")
    expect(page.locator("#reports-map")).not_to_have_class(re.compile("leaflet-container"))
    page.locator(".map-list").get_by_role("link", name=f"N° {neighbours.pk} — Vélo partagé en panne").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Signalement n° {neighbours.pk} — Vélo partagé en panne")
    expect(page.get_by_role("list", name="Suivi")).to_contain_text("Signalement transmis à Service des vélos.")

    # Report from the list: the category link, then the coordinates typed in.
    _open(page, f"{base}/signalements/t/villeclaire/")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name="Signaler un problème").click()
    # The form's page must be loaded before its style is read (the click alone does not wait).
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name="Vélo partagé en panne").click()
    hint = page.locator("[data-pick-map]").evaluate("el => getComputedStyle(el, '::after').content")
    assert "JavaScript" in hint, hint
    page.get_by_label("Description du problème").fill("Pneu crevé.")
    page.get_by_label("Qu'est-ce qui ne fonctionne pas ?").select_option("pneu")
    page.get_by_label("Latitude").fill(str(LAT))
    page.get_by_label("Longitude").fill(str(LON))
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.locator(".messages")).to_contain_text("Merci !")
    expect(page.get_by_role("complementary").get_by_role("button", name=re.compile("C'est le même problème"))
           ).to_be_visible()
    # The reporter answers the suggestion with a plain POST form.
    page.get_by_role("button", name=f"C'est le même problème que le n° {neighbours.pk}").click()
    expect(page).to_have_url(f"{base}/signalements/{neighbours.pk}/")
    expect(page.locator(".messages")).to_contain_text("suivez désormais le signalement d'origine")


def test_on_a_phone_the_point_is_where_the_resident_stands(new_context, live_server, member, category, check_axe):
    """« Utiliser ma position »: the browser asks, the point and the coordinates follow (Permissions-Policy
    allows geolocation for this site). Refused, the picker says so and the map still works."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    session = {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
               "url": live_server.url}
    form = f"{live_server.url}/signalements/t/villeclaire/nouveau/?categorie=velo-partage"

    context = new_context(viewport={"width": 390, "height": 844}, geolocation={"latitude": LAT, "longitude": LON},
                          permissions=["geolocation"])
    context.add_cookies([session])
    page = context.new_page()
    _open(page, form)
    picker = page.locator("[data-pick-map].leaflet-container")
    picker.wait_for()
    page.get_by_role("button", name="Utiliser ma position").click()
    expect(page.locator("#id_lat")).to_have_value(f"{LAT:.6f}")
    expect(page.locator("#id_lon")).to_have_value(f"{LON:.6f}")
    expect(picker.locator(".leaflet-marker-icon")).to_have_count(1)
    _axe_clean(page, check_axe)
    page.screenshot(path="/tmp/report-locate-390.png")  # to look at

    refused = new_context(viewport={"width": 390, "height": 844})  # no permission given: the browser refuses
    refused.add_cookies([session])
    page = refused.new_page()
    _open(page, form)
    page.locator("[data-pick-map].leaflet-container").wait_for()
    page.get_by_role("button", name="Utiliser ma position").click()
    expect(page.get_by_role("status")).to_have_text("Position indisponible : cliquez sur la carte ou saisissez le lieu.")
    expect(page.locator("#id_lat")).to_have_value("")

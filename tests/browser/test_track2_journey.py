"""Track 2 end to end, Clémence's scenario: a resident reports a broken shared bike by clicking on the map,
follows the kit the report page suggests, declares an intervention with it (accepting its charter) and
journals it with a photo. axe-core finds no violation at all on the kit, asset, map list, report and
intervention pages."""

import io
import re

import pytest
from playwright.sync_api import expect

from alleger.testing.browser import open_page as _open

pytestmark = [pytest.mark.browser]

KIT_TITLE = "Entretenir et personnaliser les vélos partagés"


@pytest.fixture
def scene(territory):
    """A published bike kit, the report category that suggests it, a tool cabinet and a bike station
    at the middle of the territory (where the map opens), all made by the services and factories."""
    from alleger.kits.models import Kit
    from alleger.testing.assets_factories import AssetFactory, AssetTypeFactory
    from alleger.testing.kits_factories import make_kit
    from alleger.testing.reports_factories import make_category

    kit = make_kit(status=Kit.Status.PUBLISHED, territory=territory, title=KIT_TITLE, slug="velos-partages",
                   summary="Regonfler, régler, décorer les vélos en libre-service.", category=Kit.Category.FURNITURE_REPAIR,
                   rules="Jamais d'outil **coupant** sur les câbles.")
    category = make_category(territory=territory, kits=[kit])
    cabinet = AssetFactory(territory=territory, name="Armoire de la place Sathonay", lat=45.7802, lon=4.8404,
                           asset_type=AssetTypeFactory(territory=territory, slug="armoire", name="Armoire de bricolage"),
                           is_tool_cabinet=True, cabinet_code="4821", cabinet_charter="Remettre les outils en place.")
    category.asset_types.add(cabinet.asset_type)  # the category says tool cabinets help
    AssetFactory(territory=territory, name="Station Vélo'v Terreaux", lat=45.7795, lon=4.8395,
                 asset_type=AssetTypeFactory(territory=territory, slug="station-velo", name="Station de vélos"))
    return kit, cabinet


def _png():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(buffer, format="PNG")
    return {"name": "velo.png", "mimeType": "image/png", "buffer": buffer.getvalue()}



def _axe_clean(page, check_axe):
    violations = check_axe(page)  # fails on serious and critical ones, readably
    assert violations == [], f"{page.url}: {[(v['id'], v['impact'], v['nodes'][:2]) for v in violations]}"


def test_clemence_reports_a_bike_follows_the_kit_and_journals_an_intervention(
        page, live_server, logged_in, territory, scene, check_axe):
    from alleger.interventions.models import Intervention, JournalPhoto
    from alleger.reports.models import Report

    kit, cabinet = scene
    base = live_server.url

    # Step 1: the kind of problem; step 2: the form, with its map.
    _open(page, f"{base}/signalements/t/villeclaire/nouveau/")
    page.get_by_role("link", name="Vélo partagé en panne").click()
    pick = page.locator("[data-pick-map].leaflet-container")
    pick.wait_for()
    page.get_by_role("textbox", name="Description du problème", exact=True).fill(
        "La chaîne du vélo n° 12 a sauté, le pneu avant est à plat.")
    # A real click on the Leaflet map (its middle: the middle of the territory) fills the coordinates.
    pick.click()
    expect(page.get_by_label("Latitude", exact=True)).to_have_value(re.compile(r"^45\.7\d+$"))
    lat = float(page.get_by_label("Latitude", exact=True).input_value())
    lon = float(page.get_by_label("Longitude", exact=True).input_value())
    assert abs(lat - 45.78) < 0.002 and abs(lon - 4.84) < 0.002, (lat, lon)
    page.get_by_role("button", name="Envoyer le signalement").click()

    # The report page: the point of the click, the suggested kit and the tool cabinet nearby.
    report = Report.objects.get()
    expect(page).to_have_url(base + report.get_absolute_url())
    assert (report.lat, report.lon) == (pytest.approx(lat, abs=1e-6), pytest.approx(lon, abs=1e-6))
    expect(page.locator(".messages")).to_contain_text("Merci !")
    aside = page.locator("aside")
    expect(aside.get_by_role("link", name="Armoire de la place Sathonay")).to_be_visible()
    _axe_clean(page, check_axe)

    # The nearby cabinet's page, then the map's list of the territory's assets.
    aside.get_by_role("link", name="Armoire de la place Sathonay").click()
    expect(page).to_have_url(base + cabinet.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text("Armoire de la place Sathonay")
    _axe_clean(page, check_axe)
    _open(page, f"{base}/dispositifs/?territoire=villeclaire")
    expect(page.locator("table.asset-table tbody tr")).to_have_count(2)
    page.wait_for_selector("#assets-map[data-loaded]")
    _axe_clean(page, check_axe)

    # Back on the report, follow the suggested kit.
    page.go_back()
    page.go_back()
    expect(page).to_have_url(base + report.get_absolute_url())
    page.locator("aside").get_by_role("link", name=KIT_TITLE).click()
    expect(page).to_have_url(base + kit.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(KIT_TITLE)
    _axe_clean(page, check_axe)

    # From the kit page, declare an intervention with it where the bike stands (a free location).
    page.get_by_role("link", name="Déclarer une intervention avec ce kit").click()
    expect(page.get_by_role("heading", name=f"La charte du kit « {KIT_TITLE} »")).to_be_visible()
    expect(page.locator("section.boxed strong")).to_have_text("coupant")
    expect(page.get_by_role("combobox", name="Kit", exact=True)).to_have_value(kit.slug)
    page.get_by_label("Territoire", exact=True).select_option("villeclaire")
    page.get_by_role("textbox", name="Lieu", exact=True).fill(f"{lat:.6f}, {lon:.6f}")
    # Required fields end their label with an aria-hidden "*": find them by accessible name.
    page.get_by_role("textbox", name="Titre", exact=True).fill("Remettre en selle le vélo n° 12")
    page.get_by_role("textbox", name="Description", exact=True).fill("Chaîne et pneu, avec l'armoire d'à côté.")
    page.get_by_label("Début prévu").fill("2026-05-02")
    page.get_by_label("J'ai lu et j'accepte la charte du kit").check()
    page.get_by_role("button", name="Déclarer l'intervention").click()

    intervention = Intervention.objects.get()
    expect(page).to_have_url(base + intervention.get_absolute_url())
    assert (intervention.kit, intervention.organiser, intervention.territory) == (kit, logged_in, territory)
    assert intervention.lat == pytest.approx(lat, abs=1e-6) and intervention.asset is None
    expect(page.get_by_role("heading", level=1)).to_contain_text("Remettre en selle le vélo n° 12")

    # A journal entry with a photo, seen in the journal.
    page.get_by_role("textbox", name="Texte", exact=True).fill("Chaîne remise, pneu **regonflé**.")
    page.get_by_label("Photos", exact=True).set_input_files(_png())
    page.get_by_label("Description des photos", exact=True).fill("Le vélo n° 12 réparé")
    page.get_by_role("button", name="Publier l'entrée").click()
    journal = page.locator("#journal")
    expect(journal.locator("strong")).to_have_text("regonflé")
    photo = journal.get_by_role("img", name="Le vélo n° 12 réparé")
    expect(photo).to_have_count(1)
    served = page.request.get(base + photo.get_attribute("src"))  # the re-encoded image is served
    assert served.ok and served.headers["content-type"].startswith("image/"), served.status
    assert JournalPhoto.objects.filter(entry__intervention=intervention).count() == 1
    _axe_clean(page, check_axe)

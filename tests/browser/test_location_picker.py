"""The one location picker (project and free-location intervention forms) with and without JavaScript,
and the small maps of a place: the point and its neighbourhood saved, axe-core clean, no CSP violation,
no sideways scrolling on a phone."""

import re

import pytest
from playwright.sync_api import expect

from .test_csp import Watched
from .test_phones import MEASURE, PHONE, _log_in

pytestmark = [pytest.mark.browser]

ADDRESS_REFUSED = "Seules des coordonnées sont comprises ici"


@pytest.fixture
def kit(territory, member):
    from alleger.kits.models import Kit
    from alleger.testing.kits_factories import make_kit

    return make_kit(author=member, status=Kit.Status.PUBLISHED, territory=territory, title="Fleurir un pied d'arbre",
                    slug="fleurir")


def _click_south_west_of_centre(picker):
    """A click a little south-west of the map's centre: in Villeclaire's « Les Pentes » neighbourhood."""
    box = picker.bounding_box()
    offset = 0.15 * box["height"]
    picker.click(position={"x": box["width"] / 2 - offset, "y": box["height"] / 2 + offset})


def test_the_picker_sets_the_point_of_a_free_intervention(page, live_server, logged_in, territory, kit,
                                                          check_axe):
    from alleger.interventions.models import Intervention

    watched = Watched(page, live_server.url)
    watched.open("/interventions/nouvelle/?territoire=villeclaire&kit=fleurir")
    picker = page.locator("[data-pick-map].leaflet-container")
    picker.locator("img.leaflet-tile-loaded").first.wait_for()
    check_axe(page)
    _click_south_west_of_centre(picker)
    expect(picker.locator(".leaflet-marker-icon")).to_have_count(1)
    expect(picker.locator(".leaflet-marker-icon")).to_have_attribute("alt", "Le point choisi")
    expect(page.get_by_role("textbox", name="Lieu", exact=True)).to_have_value(re.compile(r"^45\.7\d+, 4\.8\d+$"))
    expect(page.locator("input[name=location_lat]")).to_have_value(re.compile(r"^45\.7\d+$"))
    page.get_by_label("Titre").fill("Capucines")
    page.get_by_label("Description").fill("Semis de capucines.")
    page.get_by_label("Début prévu").fill("2026-05-02")
    page.get_by_label(re.compile("J'ai lu et j'accepte la charte")).check()
    page.get_by_role("button", name="Déclarer l'intervention").click()
    expect(page).to_have_url(re.compile(r"/interventions/\d+/$"))
    intervention = Intervention.objects.get()
    assert intervention.neighbourhood.name == "Les Pentes" and 4.80 < intervention.lon < 4.84
    # Its page shows the place on a small map, with the words and a link beside it.
    watched.assert_map("#place-map")
    expect(page.locator(".place-text")).to_contain_text("Les Pentes")
    check_axe(page)
    watched.assert_clean()


def test_typing_again_clears_the_picked_point(page, live_server, logged_in, territory, kit):
    page.goto(f"{live_server.url}/interventions/nouvelle/?territoire=villeclaire")
    picker = page.locator("[data-pick-map].leaflet-container")
    picker.wait_for()
    _click_south_west_of_centre(picker)
    expect(page.locator("input[name=location_lat]")).not_to_have_value("")
    page.get_by_role("textbox", name="Lieu", exact=True).fill("45.79, 4.86")
    expect(page.locator("input[name=location_lat]")).to_have_value("")
    expect(picker.locator(".leaflet-marker-icon")).to_have_count(0)


def test_the_project_form_takes_coordinates_without_javascript(new_context, live_server, member, territory):
    from alleger.funding.models import Project

    context = new_context(java_script_enabled=False)
    _log_in(context, live_server, member)
    page = context.new_page()
    page.goto(f"{live_server.url}/projets/nouveau/?territoire=villeclaire")
    canvas = page.locator("[data-pick-map]")
    expect(canvas).not_to_have_class(re.compile("leaflet-container"))
    assert "JavaScript" in canvas.evaluate("el => getComputedStyle(el, '::after').content")
    page.get_by_label("Titre").fill("Bancs du square")
    page.get_by_label("Résumé").fill("Des bancs pour le square.")
    page.get_by_label("Histoire du projet").fill("Trois bancs.")
    page.get_by_label("Objectif minimal (en euros)").fill("500")
    page.get_by_label("Durée de la campagne (en jours)").fill("30")
    page.get_by_label("Lieu (facultatif)").fill("12 rue de la République")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.locator(".error-summary")).to_contain_text(ADDRESS_REFUSED)
    assert not Project.objects.exists()
    page.get_by_label("Lieu (facultatif)").fill("45,76 4,82")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page).to_have_url(re.compile(r"/projets/[\w-]+/modifier/$"))
    project = Project.objects.get()
    assert (project.lat, project.lon, project.neighbourhood.name) == (45.76, 4.82, "Les Pentes")
    # Back in the form, the point is shown as typed coordinates.
    expect(page.get_by_label("Lieu (facultatif)")).to_have_value("45.760000, 4.820000")


def test_the_pickers_and_the_small_map_fit_a_phone(new_context, live_server, member, territory, kit):
    from alleger.testing.funding_factories import ProjectFactory

    project = ProjectFactory(live=True, territory=territory, title="Le Café d'à Côté", slug="cafe",
                             lat=45.75, lon=4.82)
    context = new_context(**PHONE)
    _log_in(context, live_server, member)
    page = context.new_page()
    for path in ("/interventions/nouvelle/?territoire=villeclaire", "/projets/nouveau/?territoire=villeclaire",
                 project.get_absolute_url()):
        page.goto(live_server.url + path, wait_until="load")
        page.locator(".leaflet-container").first.wait_for()
        width = page.evaluate(MEASURE)
        assert width["scroll"] <= 390 and width["inner"] <= 390, (path, width)

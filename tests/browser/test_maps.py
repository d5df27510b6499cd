"""Maps: « the map needs JavaScript » only shows without JavaScript, and the asset map's legend
explains the colours its markers really have (the list alternative uses the same dots)."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser]

NEEDS_JS = "La carte a besoin de JavaScript"


@pytest.fixture
def assets(territory):
    from alleger.assets.models import Asset, AssetType

    trees = AssetType.objects.create(territory=territory, slug="pied-d-arbre", name="Pied d'arbre")
    return [Asset.objects.create(territory=territory, asset_type=trees, name=f"Tilleul n° {n}",
                                 lat=45.745 + n * 0.002, lon=4.805 + n * 0.002, max_participants=4,
                                 status=("open", "openable", "closed")[n % 3]) for n in range(6)]


def test_the_javascript_notice_shows_only_without_javascript(new_context, live_server, assets, territory):
    with_js = new_context().new_page()
    for path in ("/dispositifs/?territoire=villeclaire", f"/t/{territory.slug}/", f"/dispositifs/{assets[0].pk}/"):
        with_js.goto(live_server.url + path, wait_until="load")
        with_js.locator(".leaflet-container").first.wait_for()
        expect(with_js.get_by_text(NEEDS_JS)).to_have_count(0)  # neither in the page nor drawn by CSS
        assert NEEDS_JS not in with_js.evaluate(
            "() => [...document.querySelectorAll('.map-canvas')].map(e => getComputedStyle(e, '::after').content).join()")
    without_js = new_context(java_script_enabled=False).new_page()
    without_js.goto(live_server.url + "/dispositifs/?territoire=villeclaire", wait_until="load")
    notice = without_js.locator("section[aria-labelledby=carte-dispositifs] noscript p")
    assert NEEDS_JS in notice.inner_text() and notice.is_visible()


def test_the_asset_map_legend_names_the_colours_and_shapes_of_its_markers(page, live_server, assets, check_axe):
    page.goto(live_server.url + "/dispositifs/?territoire=villeclaire", wait_until="load")
    page.wait_for_selector("#assets-map[data-loaded]")
    legend = page.locator("#assets-map-legend")
    expect(page.get_by_role("region", name="Carte des dispositifs")).to_have_accessible_description(
        "Légende de la carte et de la liste Ouvert : on peut y intervenir Pourrait être ouvert : fermé pour l'instant, on peut proposer de l'ouvrir "
        "Fermé : pas d'intervention possible Plusieurs dispositifs proches : leur nombre ; cliquez pour zoomer")
    # Each status has its colour and its shape (WCAG 1.4.1: not a colour alone), the same in the legend,
    # on the map and in the list: a circle open, a diamond openable, a square closed
    look = "dots => dots.map(d => { const s = getComputedStyle(d); return [s.borderTopColor, s.borderRadius, s.transform]; })"
    legend_looks = {tuple(x) for x in legend.locator(".asset-dot").evaluate_all(look)}
    marker_looks = {tuple(x) for x in page.locator("#assets-map .asset-marker .asset-dot").evaluate_all(look)}
    assert len(legend_looks) == 3 and marker_looks == legend_looks
    assert len({radius + transform for _colour, radius, transform in legend_looks}) == 3  # three shapes
    list_looks = {tuple(x) for x in page.locator("table.asset-table .asset-dot").evaluate_all(look)}
    assert list_looks == legend_looks
    check_axe(page)


def test_without_javascript_the_asset_list_shows_no_empty_map_and_no_map_only_hint(new_context, live_server, assets):
    page = new_context(java_script_enabled=False, viewport={"width": 390, "height": 844}).new_page()
    page.goto(live_server.url + "/dispositifs/?territoire=villeclaire", wait_until="load")
    expect(page.locator("#assets-map")).to_be_hidden()  # no empty box a phone's screen tall before the list
    expect(page.get_by_text("Plusieurs dispositifs proches")).to_be_hidden()  # clusters are drawn on the map only
    expect(page.get_by_text("Ouvert : on peut y intervenir")).to_be_visible()  # the list's dots keep their legend
    # An asset's own small map says, at its place and at the note's height, that it needs JavaScript
    page.goto(live_server.url + f"/dispositifs/{assets[0].pk}/", wait_until="load")
    canvas = page.locator(".map-canvas").first
    assert NEEDS_JS in canvas.evaluate("e => getComputedStyle(e, '::after').content")
    assert canvas.bounding_box()["height"] < 120


def test_map_pins_are_named_after_what_they_show(page, live_server, assets):
    # Leaflet names every pin « Marker », in English: a pin now carries its feature's name
    page.goto(live_server.url + f"/dispositifs/{assets[0].pk}/", wait_until="load")
    pin = page.locator("img.leaflet-marker-icon").first
    expect(pin).to_have_attribute("alt", "Tilleul n° 0")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_on_a_phone_the_asset_list_fits_its_screen(new_context, live_server, assets, language):
    # Four columns in 390 px: the table does not scroll sideways, and a status shown by its dot alone is
    # still read out (its word stays in the accessible text).
    context = new_context(viewport={"width": 390, "height": 844})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.goto(live_server.url + "/dispositifs/?territoire=villeclaire", wait_until="load")
    table = page.locator(".table-scroll").first
    assert table.evaluate("e => e.scrollWidth <= e.clientWidth")
    openable = page.locator("table.asset-table tr", has_text="Tilleul n° 1")
    label = {"fr": "Pourrait être ouvert", "en": "Could be opened"}[language]
    assert label in openable.text_content()
    assert openable.locator(".asset-status-label").evaluate("e => e.getBoundingClientRect().width") <= 1

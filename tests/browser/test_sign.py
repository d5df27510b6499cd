"""The printed sign: its QR code, as the printer renders it, scans to the asset's page."""

import io

import pytest
import zxingcpp
from PIL import Image

pytestmark = [pytest.mark.browser]


def test_the_printed_qr_code_scans_to_the_asset_page(page, live_server, territory, settings):
    from alleger.assets.models import Asset, AssetType

    settings.SITE_URL = live_server.url
    bench = AssetType.objects.create(territory=territory, slug="banc", name="Banc")
    asset = Asset.objects.create(territory=territory, asset_type=bench, name="Banc du square",
                                 lat=45.75, lon=4.81, status="open", max_participants=4)
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.goto(f"{live_server.url}/dispositifs/{asset.pk}/panneau/", wait_until="load")
    page.emulate_media(media="print")

    shot = Image.open(io.BytesIO(page.screenshot(full_page=True)))
    found = [barcode.text for barcode in zxingcpp.read_barcodes(shot)]
    assert found == [f"{live_server.url}/dispositifs/{asset.pk}/"]

    qr = page.locator(".sign-qr svg")
    box = qr.bounding_box()
    # Printed, 70 mm (265 CSS pixels) at the foot of the page: the whole code at that size, not cropped.
    assert box is not None and 260 <= box["width"] <= 270 and 260 <= box["height"] <= 270
    sign = page.locator(".sign").bounding_box()
    assert box["y"] + box["height"] > sign["y"] + sign["height"] * 0.6  # in the lower part, not mid-page


def test_on_a_phone_the_sign_s_caption_stays_inside_its_frame(page, live_server, territory, settings):
    # Seen on a phone before it is printed: the QR code and its caption (with the long address) fit in the sign.
    from alleger.assets.models import Asset, AssetType

    settings.SITE_URL = live_server.url
    bench = AssetType.objects.create(territory=territory, slug="banc", name="Banc")
    asset = Asset.objects.create(territory=territory, asset_type=bench, name="Banc du square", lat=45.75, lon=4.81)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/dispositifs/{asset.pk}/panneau/", wait_until="load")
    footer = page.locator(".sign-footer").bounding_box()
    for part in (".sign-footer p", ".sign-qr svg"):
        box = page.locator(part).bounding_box()
        assert footer["x"] <= box["x"] and box["x"] + box["width"] <= footer["x"] + footer["width"] + 0.5, part
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_printed_kit_says_where_it_is_online_with_a_qr_code_and_no_action_button(page, live_server, territory,
                                                                                  settings):
    from alleger.testing.kits_factories import make_kit

    settings.SITE_URL = live_server.url
    kit = make_kit(territory=territory, status="published", title="Fleurir les trottoirs")
    page.set_viewport_size({"width": 794, "height": 1123})
    page.goto(f"{live_server.url}{kit.get_absolute_url()}", wait_until="load")
    assert not page.locator(".print-link").is_visible()  # on screen, the page is its own link
    page.emulate_media(media="print")
    assert page.locator(".print-link").is_visible()
    assert not page.get_by_text("Déclarer une intervention avec ce kit").is_visible()  # no button on paper
    # The last thing printed, after the interventions and the variants
    assert page.evaluate("""() => { const f = document.querySelector('.print-link'); const all = [...document.querySelectorAll(
        'main h2, main section')].filter(e => e.checkVisibility()); return all.every(e => e.getBoundingClientRect().top
        <= f.getBoundingClientRect().top); }""")
    shot = Image.open(io.BytesIO(page.locator(".print-link").screenshot()))
    assert [barcode.text for barcode in zxingcpp.read_barcodes(shot)] == [f"{live_server.url}{kit.get_absolute_url()}"]

"""A territory's look: its colours (text readable on the colour: WCAG AA 4.5:1), logo and banner,
applied through /t/<slug>/theme.css since the CSP forbids inline styles."""

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict

from alleger.territories.models import Territory
from alleger.territories.theme import contrast_ratio

pytestmark = pytest.mark.django_db


def test_the_contrast_ratio_follows_wcag():
    # Reference values of the WCAG 2 definition: black on white is 21:1; #767676 is the lightest grey
    # that passes AA on white (4.54:1), #777777 just fails (4.48:1).
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#ffffff", "#777777") == pytest.approx(4.48, abs=0.01)


def test_a_readable_pair_of_colours_is_accepted(territory):
    territory.colour, territory.text_colour = "#1f5f4a", "#ffffff"
    territory.full_clean()


def test_an_unreadable_pair_is_refused_with_a_clear_message(territory):
    territory.colour, territory.text_colour = "#777777", "#ffffff"
    with pytest.raises(ValidationError) as refused:
        territory.full_clean()
    assert "pas assez contrasté (4,48:1)" in refused.value.message_dict["text_colour"][0]


def _admin_data(territory, **changes):
    data = {k: v for k, v in model_to_dict(territory, exclude=["id", "boundary", "logo", "banner",
                                                                "min_lat", "min_lon", "max_lat", "max_lon"]).items()}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    data.update(changes)
    for prefix in ("neighbourhoods", "roles"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    return data


def test_the_admin_refuses_unreadable_colours_and_changes_nothing(client, territory, platform_admin):
    client.force_login(platform_admin)
    url = f"/admin/territories/territory/{territory.pk}/change/"
    response = client.post(url, _admin_data(territory, colour="#ffcc00", text_colour="#ffffff"))
    assert response.status_code == 200
    assert "n&#x27;est pas assez contrasté" in response.content.decode()
    territory.refresh_from_db()
    assert territory.colour == "" and territory.text_colour == "#ffffff"
    # A readable pair is saved
    response = client.post(url, _admin_data(territory, colour="#ffcc00", text_colour="#1d2a26"))
    assert response.status_code == 302
    territory.refresh_from_db()
    assert (territory.colour, territory.text_colour) == ("#ffcc00", "#1d2a26")


def test_the_admin_refuses_a_colour_that_is_not_hex(client, territory, platform_admin):
    client.force_login(platform_admin)
    response = client.post(f"/admin/territories/territory/{territory.pk}/change/",
                           _admin_data(territory, colour="#1f5f4z", text_colour="#ffffff"))
    assert "Une couleur s&#x27;écrit #rrggbb" in response.content.decode()
    assert Territory.objects.get(pk=territory.pk).colour == ""


def test_the_theme_is_a_stylesheet_the_territory_page_links(client, territory):
    Territory.objects.filter(pk=territory.pk).update(colour="#1f5f4a", text_colour="#ffffff")
    css = client.get(f"/t/{territory.slug}/theme.css")
    assert css.status_code == 200 and css["Content-Type"].startswith("text/css")
    assert css.content.decode() == ".territory-banner { --territory: #1f5f4a; --territory-text: #ffffff; }\n"
    page = client.get(f"/t/{territory.slug}/").content.decode()
    assert f'<link rel="stylesheet" href="/t/{territory.slug}/theme.css">' in page
    assert 'class="territory-banner themed"' in page and "style=" not in page


def test_a_territory_without_colours_keeps_the_sites_look(client, territory):
    assert client.get(f"/t/{territory.slug}/theme.css").content == b""
    assert "theme.css" not in client.get(f"/t/{territory.slug}/").content.decode()


def test_a_colour_written_around_the_admin_never_reaches_the_stylesheet(client, territory):
    Territory.objects.filter(pk=territory.pk).update(colour="#f;}*{}", text_colour="#000000")
    assert client.get(f"/t/{territory.slug}/theme.css").content == b""


def _png_with_trailer() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "#1f5f4a").save(buffer, format="PNG")
    return buffer.getvalue() + b"<script>smuggled</script>"


def test_the_admin_re_encodes_an_uploaded_logo(client, territory, platform_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(platform_admin)
    data = _admin_data(territory, logo=SimpleUploadedFile("logo.png", _png_with_trailer(), "image/png"))
    assert client.post(f"/admin/territories/territory/{territory.pk}/change/", data).status_code == 302
    territory.refresh_from_db()
    stored = territory.logo.read()
    assert stored.startswith(b"\x89PNG") and b"smuggled" not in stored
    assert f'src="{territory.logo.url}"' in client.get(f"/t/{territory.slug}/").content.decode()


def test_the_admin_refuses_a_logo_that_is_not_an_image(client, territory, platform_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(platform_admin)
    data = _admin_data(territory, logo=SimpleUploadedFile("logo.png", b"not an image", "image/png"))
    response = client.post(f"/admin/territories/territory/{territory.pk}/change/", data)
    assert response.status_code == 200
    territory.refresh_from_db()
    assert not territory.logo

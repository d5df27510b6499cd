"""Uploaded images: the content decides the type, metadata goes, size is bounded."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from alleger.core.images import image_clean

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def _image_bytes(fmt="JPEG", size=(64, 48), color=(200, 40, 40), exif=None, mode="RGB"):
    buffer = io.BytesIO()
    image = Image.new(mode, size, color)
    options = {"exif": exif} if exif is not None else {}
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def _exif_with_gps():
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x0131] = "PhoneSoftware 1.0"  # Software
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (45.0, 26.0, 3.0), 3: "E", 4: (4.0, 23.0, 15.0)})
    return exif


def _upload(content, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _open(cleaned):
    return Image.open(io.BytesIO(cleaned.read()))


def test_it_strips_exif_and_gps_position():
    # Given a JPEG carrying a GPS position and camera details
    original = _image_bytes(exif=_exif_with_gps())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)
    # When it is cleaned
    cleaned = image_clean(_upload(original))
    # Then the copy has no EXIF at all, and no trace of the values
    data = cleaned.read()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert not image.getexif()
    assert "exif" not in image.info
    assert b"CameraMaker" not in data and b"PhoneSoftware" not in data


def test_it_applies_the_exif_orientation_before_dropping_it():
    # Given a landscape JPEG whose EXIF says "rotate 90°" (orientation 6)
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    cleaned = image_clean(_upload(_image_bytes(size=(40, 20), exif=exif)))
    # Then the pixels are turned, so the picture still shows upright without EXIF
    assert _open(cleaned).size == (20, 40)


def test_it_sniffs_the_real_type_whatever_the_name_says():
    # Given a PNG uploaded as "photo.jpg" with a JPEG content type
    cleaned = image_clean(_upload(_image_bytes("PNG"), name="photo.jpg", content_type="image/jpeg"))
    # Then it is treated, named and re-encoded as the PNG it is
    assert re.fullmatch(r"[0-9a-f]{16}\.png", cleaned.name)
    assert cleaned.content_type == "image/png"
    assert _open(cleaned).format == "PNG"


def test_it_turns_a_gif_into_a_png():
    cleaned = image_clean(_upload(_image_bytes("GIF", mode="P", color=1), name="anim.gif"))
    assert re.fullmatch(r"[0-9a-f]{16}\.png", cleaned.name)
    assert _open(cleaned).format == "PNG"


def test_it_keeps_webp_as_webp():
    cleaned = image_clean(_upload(_image_bytes("WEBP"), name="x.webp"))
    assert _open(cleaned).format == "WEBP"


def test_it_drops_bytes_smuggled_after_the_image():
    # Given a valid JPEG with a script appended (a classic polyglot)
    payload = b"<script>alert(document.cookie)</script>"
    cleaned = image_clean(_upload(_image_bytes() + payload))
    # Then the re-encoded copy does not carry it
    assert payload not in cleaned.read()


SECRET = b"Jane Doe, 12 rue Gambetta"


@pytest.mark.parametrize(("fmt", "options"), [
    ("JPEG", {"comment": SECRET}),  # a JPEG comment segment
    ("PNG", {"icc_profile": SECRET}),  # an ICC profile (Pillow copies it back from the source by default)
    ("WEBP", {"xmp": SECRET}),  # an XMP packet
])
def test_it_drops_comments_profiles_and_xmp_too(fmt, options):
    # Given an image carrying text outside its pixels
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (30, 120, 80)).save(buffer, format=fmt, **options)
    assert SECRET in Image.open(io.BytesIO(buffer.getvalue())).info.values()
    # When it is cleaned, then the copy does not carry it
    data = image_clean(_upload(buffer.getvalue(), name=f"x.{fmt.lower()}")).read()
    cleaned = Image.open(io.BytesIO(data))
    assert SECRET not in data and SECRET not in cleaned.info.values()
    assert cleaned.format == fmt


def test_it_keeps_the_transparency_of_a_palette_image():
    # Given a GIF whose palette index 0 is transparent
    image = Image.new("P", (16, 16), 0)
    image.putpalette([255, 255, 255, 200, 0, 0] + [0] * 762)
    image.paste(1, (4, 4, 12, 12))
    buffer = io.BytesIO()
    image.save(buffer, format="GIF", transparency=0)
    # When it is cleaned (into a PNG), then the corners stay see-through
    cleaned = _open(image_clean(_upload(buffer.getvalue(), name="x.gif", content_type="image/gif")))
    assert cleaned.convert("RGBA").getpixel((0, 0))[3] == 0
    assert cleaned.convert("RGBA").getpixel((8, 8))[3] == 255


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"%PDF-1.4 not an image at all", "cv.png"),
        (b"<html><script>alert(1)</script></html>", "page.jpg"),
        (b"", "empty.png"),
        (_image_bytes()[:200], "truncated.jpg"),
    ],
)
def test_it_refuses_what_is_not_a_readable_image(content, name):
    with pytest.raises(ValidationError) as caught:
        image_clean(_upload(content, name=name))
    assert caught.value.code == "not_an_image"


def test_it_refuses_image_formats_it_does_not_accept():
    # Given a real TIFF image named like a JPEG
    with pytest.raises(ValidationError) as caught:
        image_clean(_upload(_image_bytes("TIFF"), name="scan.jpg"))
    assert caught.value.code == "bad_format"


def test_it_refuses_a_file_over_the_size_cap(settings):
    # Given a cap of 2 KiB and an image larger than that
    settings.UPLOAD_MAX_BYTES = 2048
    content = _image_bytes("PNG", size=(300, 300)) + b"\0" * 4096
    assert len(content) > 2048
    # Then it is refused before being decoded
    with pytest.raises(ValidationError) as caught:
        image_clean(_upload(content, name="big.png"))
    assert caught.value.code == "too_large"


def test_it_accepts_a_file_just_under_the_size_cap(settings):
    content = _image_bytes()
    settings.UPLOAD_MAX_BYTES = len(content)
    assert _open(image_clean(_upload(content))).format == "JPEG"


def test_it_downscales_huge_dimensions():
    # Given a very wide image
    cleaned = image_clean(_upload(_image_bytes("PNG", size=(6000, 300)), name="panorama.png"))
    # Then its longest side is brought down to the cap, keeping its proportions
    assert _open(cleaned).size == (2400, 120)


def test_it_downscales_to_the_side_the_caller_asks_for():
    cleaned = image_clean(_upload(_image_bytes(size=(1000, 2000))), max_side=512)
    assert _open(cleaned).size == (256, 512)


def test_it_does_not_upscale_small_images():
    assert _open(image_clean(_upload(_image_bytes(size=(30, 20))))).size == (30, 20)


def test_it_refuses_images_over_the_pixel_cap(settings):
    # Given a pixel cap of 10,000 and a 150 × 100 (15,000 pixel) image
    settings.UPLOAD_MAX_PIXELS = 10_000
    with pytest.raises(ValidationError) as caught:
        image_clean(_upload(_image_bytes("PNG", size=(150, 100)), name="big.png"))
    assert caught.value.code == "too_large"


def test_it_refuses_a_decompression_bomb(settings):
    # Given a tiny file that decodes to far more pixels than allowed
    settings.UPLOAD_MAX_PIXELS = 10_000
    content = _image_bytes("PNG", size=(1000, 1000), mode="L", color=0)
    assert len(content) < 10_000
    with pytest.raises(ValidationError):
        image_clean(_upload(content, name="bomb.png"))


def test_the_uploaded_name_is_not_kept():
    # A phone's or a person's file name is published with the file: each copy gets a random name instead
    names = {image_clean(_upload(_image_bytes("JPEG"), name="IMG_20260101_Marie_Dupont.jpg")).name for _ in range(3)}
    assert len(names) == 3 and all(re.fullmatch(r"[0-9a-f]{16}\.jpg", name) for name in names)

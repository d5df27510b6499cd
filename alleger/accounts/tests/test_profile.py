"""The profile page: display name, neighbourhood, bio, language and avatar."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from alleger.accounts.models import User

pytestmark = pytest.mark.django_db


def _jpeg_with_gps(size=(1200, 800)):
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    exif.get_ifd(0x8825).update({1: "N", 2: (45.0, 26.0, 3.0), 3: "E", 4: (4.0, 23.0, 15.0)})
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def _form(**overrides):
    data = {"display_name": "Clémence V.", "neighbourhood": "", "bio": "Cycliste.", "preferred_language": ""}
    data.update(overrides)
    return data


def test_it_requires_login(client):
    response = client.get("/compte/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_updates_the_profile(client, resident, neighbourhood):
    # Given a logged-in resident
    client.force_login(resident)
    # When they save a new name, neighbourhood and bio
    response = client.post("/compte/", _form(neighbourhood=neighbourhood.pk, bio="Je répare des vélos."))
    # Then the profile is stored and they come back to it
    assert response.status_code == 302
    assert response["Location"] == "/compte/"
    resident.refresh_from_db()
    assert (resident.display_name, resident.neighbourhood, resident.bio) == (
        "Clémence V.", neighbourhood, "Je répare des vélos.")


def test_it_refuses_an_empty_display_name(client, resident):
    client.force_login(resident)
    response = client.post("/compte/", _form(display_name="", bio="Autre chose"))
    assert response.status_code == 200
    assert "display_name" in response.context["form"].errors
    resident.refresh_from_db()
    assert (resident.display_name, resident.bio) == ("Clémence", "")


def test_it_stores_an_avatar_re_encoded_without_metadata(client, resident):
    client.force_login(resident)
    # Given a photo with a GPS position, uploaded with a misleading name
    upload = SimpleUploadedFile("moi.png", _jpeg_with_gps(), content_type="image/png")
    # When it is saved as avatar
    response = client.post("/compte/", {**_form(), "avatar": upload})
    assert response.status_code == 302
    # Then the stored file is a small re-encoded JPEG without EXIF
    resident.refresh_from_db()
    assert resident.avatar.name.startswith("avatars/") and resident.avatar.name.endswith(".jpg")
    with resident.avatar.open("rb") as handle:
        data = handle.read()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert max(image.size) == 512
    assert not image.getexif()
    assert b"CameraMaker" not in data
    # And the profile page shows it
    assert resident.avatar.url in client.get("/compte/").content.decode()


def test_it_refuses_a_bad_avatar_and_changes_nothing(client, resident):
    client.force_login(resident)
    # Given an existing profile
    before = User.objects.values().get(pk=resident.pk)
    # When they upload something that is not an image, along with other changes
    upload = SimpleUploadedFile("avatar.jpg", b"<?php system($_GET['c']); ?>", content_type="image/jpeg")
    response = client.post("/compte/", {**_form(display_name="Autre nom"), "avatar": upload})
    # Then the form shows an error on the avatar
    assert response.status_code == 200
    assert "avatar" in response.context["form"].errors
    assert "error-summary" in response.content.decode()
    # And nothing changed, not even the name
    assert User.objects.values().get(pk=resident.pk) == before


def test_it_removes_the_avatar(client, resident):
    client.force_login(resident)
    client.post("/compte/", {**_form(), "avatar": SimpleUploadedFile("a.jpg", _jpeg_with_gps((64, 64)))})
    resident.refresh_from_db()
    stored = resident.avatar.name
    assert stored and resident.avatar.storage.exists(stored)
    response = client.post("/compte/", _form(remove_avatar="on"))
    assert response.status_code == 302
    resident.refresh_from_db()
    assert not resident.avatar
    assert not resident.avatar.storage.exists(stored)


def test_saving_without_a_new_avatar_keeps_the_old_one(client, resident):
    client.force_login(resident)
    client.post("/compte/", {**_form(), "avatar": SimpleUploadedFile("a.jpg", _jpeg_with_gps((64, 64)))})
    resident.refresh_from_db()
    stored = resident.avatar.name
    client.post("/compte/", _form(bio="Nouvelle bio"))
    resident.refresh_from_db()
    assert resident.avatar.name == stored
    assert resident.bio == "Nouvelle bio"


def test_choosing_a_language_sets_the_cookie(client, resident):
    client.force_login(resident)
    response = client.post("/compte/", _form(preferred_language="en"))
    assert response.cookies["django_language"].value == "en"
    resident.refresh_from_db()
    assert resident.preferred_language == "en"

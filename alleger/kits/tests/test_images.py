"""Pictures on a kit's steps: added and removed by who may edit it, re-encoded, shown on the page and the API."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from alleger.core.errors import Refused
from alleger.core.models import AuditEvent
from alleger.kits import services
from alleger.kits.models import Kit, KitImage
from alleger.testing.kits_factories import make_kit

pytestmark = pytest.mark.django_db


def jpeg(name="etape.jpg", size=(64, 48)):
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Appareil espion"  # Make
    Image.new("RGB", size, (20, 140, 60)).save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def kit(territory):
    return make_kit(status=Kit.Status.PUBLISHED, territory=territory)


def test_an_image_is_attached_to_a_step_without_its_metadata(kit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    picture = services.kit_image_add(kit=kit, actor=kit.author, image=jpeg(), alt="Le trou creusé", step=2)
    assert (picture.step, picture.alt) == (2, "Le trou creusé")
    with Image.open(picture.image.path) as stored:
        assert "exif" not in stored.info
    assert AuditEvent.objects.filter(action="kit.image.add").count() == 1


def test_refusals_write_nothing(kit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(Refused) as refusal:
        services.kit_image_add(kit=kit, actor=kit.author, image=jpeg(), alt="  ")
    assert refusal.value.code == "alt_required"
    not_an_image = SimpleUploadedFile("x.jpg", b"GIF89a nope", content_type="image/jpeg")
    with pytest.raises(Exception) as refusal:
        services.kit_image_add(kit=kit, actor=kit.author, image=not_an_image, alt="Rien")
    assert refusal.value.code == "not_an_image"
    assert not KitImage.objects.exists()


def test_a_kit_has_at_most_max_images(kit, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(services, "MAX_IMAGES", 2)
    for n in (1, 2):
        services.kit_image_add(kit=kit, actor=kit.author, image=jpeg(), alt=f"Image {n}", step=n)
    with pytest.raises(Refused) as refusal:
        services.kit_image_add(kit=kit, actor=kit.author, image=jpeg(), alt="Une de trop")
    assert refusal.value.code == "too_many_images"
    assert kit.images.count() == 2


def test_the_page_shows_the_images_under_the_steps_and_the_api_lists_them(client, kit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    services.kit_image_add(kit=kit, actor=kit.author, image=jpeg(), alt="Arroser chaque semaine", step=3)
    page = client.get(kit.get_absolute_url()).text
    steps = page.index('id="section-steps"')
    assert page.index("Arroser chaque semaine</figcaption>") > steps  # described by its caption
    assert "Étape 3 — Arroser chaque semaine" in page
    images = client.get(f"/api/v1/kits/{kit.slug}").json()["images"]
    assert [(i["alt"], i["step"]) for i in images] == [("Arroser chaque semaine", 3)]
    assert images[0]["url"].startswith("http")


def test_the_author_adds_and_removes_images_through_the_form(client, territory, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    kit = make_kit(territory=territory)  # a draft: its author may still change it
    client.force_login(kit.author)
    url = f"/kits/{kit.slug}/images/"
    response = client.post(url, {"image": jpeg(), "alt": "Les outils", "step": "1"})
    assert response.status_code == 302
    picture = kit.images.get()
    assert picture.step == 1

    response = client.post(url, {"image": jpeg(), "alt": "", "step": "0"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"alt", "step"}
    assert kit.images.count() == 1

    response = client.post(f"/kits/{kit.slug}/images/{picture.pk}/retirer/")
    assert response.status_code == 302
    assert not kit.images.exists()


def test_others_may_not_touch_the_images(client, kit, resident, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    picture = services.kit_image_add(kit=kit, actor=kit.author, image=jpeg(), alt="Avant")
    client.force_login(resident)
    assert client.get(f"/kits/{kit.slug}/images/").status_code == 403
    assert client.post(f"/kits/{kit.slug}/images/", {"image": jpeg(), "alt": "Pirate"}).status_code == 403
    assert client.post(f"/kits/{kit.slug}/images/{picture.pk}/retirer/").status_code == 403
    assert kit.images.count() == 1

"""The demo's pictures: drawn, passed through the upload pipeline, attached once, described."""

import io

import pytest
from django.conf import settings
from django.utils.html import escape
from PIL import Image

from alleger.assets import demo_pictures as asset_pictures
from alleger.assets.models import Asset, AssetPhoto
from alleger.core.demo_images import CREDIT, SCENES, demo_upload
from alleger.core.images import MAX_SIDE
from alleger.funding import demo_pictures as project_pictures
from alleger.funding.models import Project
from alleger.interventions.models import JournalPhoto
from alleger.kits import demo_pictures as kit_pictures
from alleger.kits.models import Kit, KitImage


def _files():
    return sorted(str(p.relative_to(settings.MEDIA_ROOT)) for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())


def _check_stored(field_file):
    """A stored picture went through alleger.core.images: re-encoded, capped, without metadata."""
    with field_file.open("rb") as handle:
        data = handle.read()
    assert CREDIT not in data  # the raw drawing's comment did not survive the re-encoding
    assert len(data) <= settings.UPLOAD_MAX_BYTES
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert max(image.size) <= MAX_SIDE
        assert "exif" not in image.info and "comment" not in image.info
        assert image.convert("RGB").getcolors(maxcolors=256) is None  # a drawing, not a flat placeholder


def test_the_demo_gives_every_project_kit_asset_and_journal_a_described_picture_once(demo, client):
    # Every demo project has a picture and its description
    projects = Project.objects.filter(title__in=project_pictures.PROJECTS)
    assert projects.count() == len(project_pictures.PROJECTS)
    for project in projects:
        assert project.image and project.image_alt == project_pictures.PROJECTS[project.title][1]
        _check_stored(project.image)

    # Every demo kit, the fork included, has its pictures, the steps' ones on their step
    kits = Kit.objects.filter(slug__in=kit_pictures.KITS)
    assert kits.count() == len(kit_pictures.KITS)
    fork = Kit.objects.get(forked_from__slug="kit-du-jardinier-urbain")
    for kit in [*kits, fork]:
        expected = kit_pictures.KITS[kit.slug if kit.slug in kit_pictures.KITS else kit.forked_from.slug]
        assert sorted(kit.images.values_list("step", "alt"), key=str) == sorted(
            [(step, alt) for step, _scene, alt in expected], key=str)
    for picture in KitImage.objects.all():
        _check_stored(picture.image)

    # Every demo asset of a pictured type has exactly one photo, and the files are few and shared
    assets = Asset.objects.filter(source_id__startswith="demo-", asset_type__slug__in=asset_pictures.ASSETS)
    assert assets.count() > 200
    assert not assets.filter(photos__isnull=True).exists()
    assert AssetPhoto.objects.filter(asset__in=assets).count() == assets.count()
    files = set(AssetPhoto.objects.values_list("image", flat=True))
    assert len(files) <= len(asset_pictures.ASSETS) * asset_pictures.VARIANTS
    for photo in [AssetPhoto.objects.filter(image=name).first() for name in files]:
        assert photo.alt
        _check_stored(photo.image)

    # The interventions' journals show drawn photos too
    assert JournalPhoto.objects.count() >= 4
    for photo in JournalPhoto.objects.all():
        assert photo.alt
        _check_stored(photo.image)

    # The pages show the pictures with their descriptions
    project = projects.get(title="Le Café d'à Côté : café, AMAP et ressourcerie")
    page = client.get(project.get_absolute_url()).content.decode()
    assert f'src="{project.image.url}" alt="{escape(project.image_alt)}"' in page
    kit = kits.get(slug="parklet-park-ing-day")
    picture = kit.images.get()
    # Described once, by its caption (an alt text repeating the caption would be read twice: axe's
    # image-redundant-alt).
    page = client.get(kit.get_absolute_url()).content.decode()
    assert f'src="{picture.image.url}" alt=""' in page and f"{escape(picture.alt)}</figcaption>" in page
    asset = assets.filter(asset_type__slug="banc").first()
    photo = asset.photos.get()
    page = client.get(asset.get_absolute_url()).content.decode()
    assert f'src="{photo.image.url}" alt=""' in page and f"<figcaption>{escape(photo.alt)}</figcaption>" in page


def test_a_demo_picture_is_drawn_the_same_each_time_and_only_for_known_scenes():
    first, again = demo_upload("bench", seed=3).read(), demo_upload("bench", seed=3).read()
    assert first == again and first != demo_upload("bench", seed=4).read()
    assert len({demo_upload(scene).read() for scene in SCENES}) == len(SCENES)
    with pytest.raises(ValueError):
        demo_upload("unicorn")

"""The import page's upload is checked by its form (size, format), before any import is tried."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from alleger.assets import imports, selectors
from alleger.assets.forms import ImportForm
from alleger.assets.models import Asset
from alleger.territories.models import Territory
from alleger.testing.assets_factories import AssetFactory, AssetTypeFactory

pytestmark = pytest.mark.django_db


def _form(territory, upload) -> ImportForm:
    return ImportForm({"territory": territory.pk, "asset_type": AssetTypeFactory(territory=territory).pk},
                      {"file": upload}, territories=Territory.objects.filter(pk=territory.pk))


@pytest.mark.parametrize(("name", "file_format"), [("arbres.CSV", "csv"), ("arbres.geojson", "geojson"),
                                                   ("arbres.json", "geojson")])
def test_a_known_file_name_gives_its_format(territory, name, file_format):
    form = _form(territory, SimpleUploadedFile(name, b"id,lat,lon\n"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["file_format"] == file_format


def test_an_unknown_file_name_is_refused_on_the_file(territory):
    form = _form(territory, SimpleUploadedFile("arbres.xlsx", b"PK"))
    assert not form.is_valid() and form.has_error("file", code="bad_format")


def test_a_file_over_the_limit_is_refused_before_it_is_read(territory, monkeypatch):
    monkeypatch.setattr(imports, "MAX_BYTES", 10)
    form = _form(territory, SimpleUploadedFile("arbres.csv", b"id,lat,lon\n1,45.4,4.3\n"))
    assert not form.is_valid() and form.has_error("file", code="too_large")


def test_the_extent_frames_the_assets_or_is_none(territory):
    assert selectors.extent(Asset.objects.all()) is None
    AssetFactory(territory=territory, lat=45.40, lon=4.30)
    AssetFactory(territory=territory, lat=45.50, lon=4.40)
    assert selectors.extent(Asset.objects.all()) == (4.30, 45.40, 4.40, 45.50)

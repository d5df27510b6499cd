import pytest
from django.db import IntegrityError, transaction

from alleger.testing.assets_factories import AssetFactory

pytestmark = pytest.mark.django_db


def test_an_asset_has_a_public_page(client):
    asset = AssetFactory(name="Banc du square Jules Ferry")
    response = client.get(asset.get_absolute_url())
    assert response.status_code == 200
    assert "Banc du square Jules Ferry" in response.text


@pytest.mark.parametrize("field, value", [("lat", 91), ("lon", -181), ("required_level", 4), ("max_participants", 0),
                                          ("status", "ajar")])
def test_the_database_refuses_impossible_assets(field, value):
    asset = AssetFactory()
    setattr(asset, field, value)
    with pytest.raises(IntegrityError), transaction.atomic():
        asset.save()


def test_only_a_tool_cabinet_has_a_code():
    asset = AssetFactory(cabinet_code="")
    asset.cabinet_code = "1234"
    with pytest.raises(IntegrityError), transaction.atomic():
        asset.save()
    asset.is_tool_cabinet = True
    asset.save()


def test_a_source_id_is_unique_within_a_territory():
    first = AssetFactory(source_id="ARB-1")
    AssetFactory(source_id="ARB-1")  # another territory
    with pytest.raises(IntegrityError), transaction.atomic():
        AssetFactory(source_id="ARB-1", territory=first.territory)

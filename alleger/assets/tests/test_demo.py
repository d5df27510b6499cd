"""The demo assets: a few hundred on Saint-Étienne's map, deterministic, with a tool cabinet."""

import pytest

from alleger.assets.models import Asset, AssetProposal

pytestmark = pytest.mark.django_db


def test_the_demo_puts_a_few_hundred_assets_and_a_cabinet_on_the_map(demo, client):
    published = Asset.objects.filter(territory__slug="saint-etienne", moderation="published")
    assert 300 <= published.count() <= 400
    assert set(published.values_list("status", flat=True)) == {"open", "openable", "closed"}
    assert published.filter(neighbourhood__isnull=True).count() <= 1  # all inside the neighbourhoods
    cabinet = Asset.objects.get(source_id="demo-armoire-centre")
    assert cabinet.is_tool_cabinet and cabinet.cabinet_code and cabinet.cabinet_charter and cabinet.manager
    assert AssetProposal.objects.filter(status="proposed").count() == 2
    tree = published.filter(asset_type__slug="pied-d-arbre").first()
    kits = [k["slug"] for k in client.get(f"/api/v1/assets/{tree.pk}").json()["kits"]]
    assert "kit-du-jardinier-urbain" in kits
    assert Asset.objects.filter(territory__slug="saint-etienne").count() == published.count() + 1  # + proposed
    data = client.get("/api/v1/assets.geojson", {"bbox": "4.365,45.415,4.415,45.460"}).json()
    assert len(data["features"]) == published.count()

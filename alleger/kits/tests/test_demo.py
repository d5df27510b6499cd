"""The demo kits: what the tour shows, loaded by `alleger demo_data`."""

import pytest

from alleger.kits.models import Kit

pytestmark = pytest.mark.django_db


def test_the_demo_has_published_submitted_and_forked_kits(demo, client):
    # The kits demo's own kits (later apps' demos add theirs: the cell's composters kit).
    statuses = dict(Kit.objects.exclude(slug="composteur-collectif-de-quartier").values_list("slug", "status"))
    assert statuses["cartographier-son-quartier-dans-openstreetmap"] == "published"
    assert statuses["kit-du-jardinier-urbain"] == "published"
    assert statuses["guerilla-gardening-et-bombes-a-graines"] == "submitted"
    assert statuses["micro-kit-de-bricolage-du-buraliste"] == statuses["pedibus"] == "published"
    assert statuses["atelier-bombes-a-graines"] == "published"
    assert list(statuses.values()).count("published") == 8
    fork = Kit.objects.get(forked_from__slug="kit-du-jardinier-urbain")
    assert (fork.author.email, fork.status, fork.versions.count()) == ("clemence@alleger.localhost", "draft", 2)
    osm = Kit.objects.get(slug="cartographier-son-quartier-dans-openstreetmap")
    assert osm.versions.count() == 2
    response = client.get(f"/kits/{osm.slug}/comparer/", {"de": 1, "a": 2})
    assert response.status_code == 200 and [d.name for d in response.context["diffs"]] == ["steps"]
    assert client.get("/kits/").status_code == 200

"""Assets, interventions and reports are discussed, flagged and fed like kits and proposals."""

import pytest

from alleger.discussions import registry
from alleger.testing.assets_factories import AssetFactory
from alleger.testing.discussions_factories import flag_by, make_comment
from alleger.testing.interventions_factories import make_intervention
from alleger.testing.reports_factories import make_category, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def contents(territory):
    asset = AssetFactory(territory=territory, name="Banc du square")
    return {
        "asset": asset,
        "intervention": make_intervention(territory=territory, asset=asset, title="Repeindre le banc"),
        "report": make_report(category=make_category(territory=territory)),
    }


@pytest.mark.parametrize("key", ["asset", "intervention", "report"])
def test_each_page_carries_its_thread(client, contents, key):
    target = contents[key]
    assert registry.target_of(target).key == key
    make_comment(target, body="Qui vient samedi ?")
    text = client.get(target.get_absolute_url()).text
    assert "Qui vient samedi ?" in text


@pytest.mark.parametrize("key", ["asset", "intervention", "report"])
def test_three_flags_hide_the_content_from_the_public_not_from_its_moderator(client, contents, key, moderator):
    target = contents[key]
    flag_by(target, 3)
    text = client.get(target.get_absolute_url(), {"apres": "signalements"}).text
    assert "Ce contenu est masqué en attente de modération." in text
    client.force_login(moderator)
    text = client.get(target.get_absolute_url()).text
    assert "Masqué en attente de modération" in text
    assert "Ce contenu est masqué" not in text


def test_the_territory_feed_has_the_new_interventions_and_reports(client, territory, contents):
    text = client.get(f"/t/{territory.slug}/flux.atom").text
    assert "Repeindre le banc" in text
    assert contents["report"].category.name in text
    flag_by(contents["intervention"], 3)
    # (a new query string: anonymous answers are cached for a minute)
    assert "Repeindre le banc" not in client.get(f"/t/{territory.slug}/flux.atom", {"v": 2}).text

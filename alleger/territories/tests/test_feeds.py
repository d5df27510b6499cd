"""The territory's Atom and RSS feeds: the merge of the registered feed sources (kits and proposals here)."""

from datetime import UTC, datetime
from html import unescape
from xml.etree import ElementTree

import pytest

from alleger.kits.models import Kit
from alleger.territories import feeds
from alleger.testing.discussions_factories import flag_by, make_proposal
from alleger.testing.kits_factories import make_kit

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def news(territory, other_territory):
    kit = make_kit(territory=territory, status=Kit.Status.PUBLISHED, title="Kit publié")
    Kit.objects.filter(pk=kit.pk).update(published_at=datetime(2025, 3, 1, tzinfo=UTC))
    make_kit(territory=territory, title="Kit brouillon")
    make_kit(territory=other_territory, status=Kit.Status.PUBLISHED, title="Kit de Lyon")
    proposal = make_proposal(territory=territory, title="Dégrapper les trottoirs")
    make_proposal(territory=other_territory, title="Proposition lyonnaise")
    return kit, proposal


def test_the_atom_feed_merges_kits_and_proposals_newest_first(client, territory, news):
    kit, proposal = news
    response = client.get(f"/t/{territory.slug}/flux.atom")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    entries = root.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles == ["Proposition · Dégrapper les trottoirs", "Kit · Kit publié"]
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert links == [f"http://testserver{proposal.get_absolute_url()}", f"http://testserver{kit.get_absolute_url()}"]


def test_the_rss_feed_has_the_same_items(client, territory, news):
    response = client.get(f"/t/{territory.slug}/flux.rss")
    assert response["Content-Type"].startswith("application/rss+xml")
    items = ElementTree.fromstring(response.content).findall("channel/item")
    assert [i.findtext("title") for i in items] == ["Proposition · Dégrapper les trottoirs", "Kit · Kit publié"]


def test_hidden_contents_leave_the_feed(client, territory, news):
    kit, proposal = news
    flag_by(proposal, 3)
    titles = [i.findtext("title") for i in ElementTree.fromstring(
        client.get(f"/t/{territory.slug}/flux.rss").content).findall("channel/item")]
    assert titles == ["Kit · Kit publié"]


def test_an_unknown_territory_is_a_404(client):
    assert client.get("/t/nulle-part/flux.atom").status_code == 404


def test_a_new_source_is_one_registration(client, territory, monkeypatch):
    monkeypatch.setattr(feeds, "_sources", dict(feeds._sources))
    when = datetime(2030, 1, 1, tzinfo=UTC)
    feeds.register_source("interventions", lambda t, limit: [
        feeds.FeedItem(title=f"Jardin de {t.name}", url="/interventions/1/", published_at=when, kind="Intervention")])
    response = client.get(f"/t/{territory.slug}/flux.rss")
    assert ElementTree.fromstring(response.content).findtext("channel/item/title") == \
        "Intervention · Jardin de Saint-Étienne"


def test_the_territory_page_announces_its_feeds(client, territory):
    html = client.get(territory.get_absolute_url()).content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert f'href="/t/{territory.slug}/flux.atom"' in html and f'href="/t/{territory.slug}/flux.rss"' in html


@pytest.mark.parametrize("kind, path", [("atom", f"{ATOM}entry/{ATOM}summary"), ("rss", "channel/item/description")])
def test_summaries_are_the_plain_words_of_the_markdown(client, territory, kind, path):
    make_proposal(territory=territory, title="Des grilles en moins",
                  body="## Pourquoi\n\nRetirer les **grilles** des [pieds d'arbre](https://a.example) & <b>vite</b>.")
    root = ElementTree.fromstring(client.get(f"/t/{territory.slug}/flux.{kind}").content)
    # The summary is read as HTML: escaped once more, so a reader shows the words as written
    summary = root.findtext(path)
    assert "<" not in summary and "**" not in summary and "##" not in summary
    assert unescape(summary) == "Pourquoi Retirer les grilles des pieds d'arbre & <b>vite</b>."

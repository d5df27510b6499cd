"""The home page and a territory's page show what is happening: campaigns ending soon, open calls,
new kits, recent interventions and a few figures, in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from alleger.core import fragments
from alleger.core.templatetags.alleger import euros
from alleger.funding.models import Project
from alleger.testing.funding_factories import CallFactory, ProjectFactory
from alleger.testing.interventions_factories import make_intervention, published_kit

pytestmark = pytest.mark.django_db


def _campaign(territory, days, title, **fields):
    return ProjectFactory(territory=territory, live=True, title=title,
                          deadline=timezone.now() + timedelta(days=days), **fields)


def _section(body, heading_id):
    return body.split(f'id="{heading_id}"', 1)[1].split("</ul>", 1)[0]


def _world(territory, other_territory):
    late = _campaign(territory, 20, "Campagne tardive", pledged_cents=10_000)
    soon = _campaign(other_territory, 2, "Campagne pressée", pledged_cents=25_000, matched_cents=5_000)
    funded = ProjectFactory(territory=territory, status=Project.Status.SUCCEEDED, title="Projet réussi",
                            published_at=timezone.now() - timedelta(days=90), pledged_cents=700_000)
    ProjectFactory(territory=territory, title="Brouillon caché", pledged_cents=999_000)  # a draft counts nowhere
    open_call = CallFactory(territory=territory, title="Appel ouvert")
    CallFactory(territory=territory, title="Appel clos", opens_at=timezone.now() - timedelta(days=60),
                closes_at=timezone.now() - timedelta(days=1))
    kit = published_kit(territory, title="Kit tout neuf")
    done = make_intervention(territory=territory, kit=kit, title="Fleurir la place", status="done")
    make_intervention(territory=territory, kit=kit, title="Projet abandonné", status="abandoned")
    elsewhere = make_intervention(territory=other_territory, kit=published_kit(other_territory, title="Kit lyonnais"),
                                  title="Repeindre le banc", status="done")
    return {"late": late, "soon": soon, "funded": funded, "call": open_call, "kit": kit, "done": done,
            "elsewhere": elsewhere}


def test_the_home_shows_what_is_happening_now(client, territory, other_territory):
    world = _world(territory, other_territory)
    body = client.get("/").content.decode()
    ending = _section(body, "bientot-clos")
    assert ending.index("Campagne pressée") < ending.index("Campagne tardive")  # nearest deadline first
    assert "Projet réussi" not in ending and "Brouillon caché" not in ending
    calls = _section(body, "appels-ouverts")
    assert "Appel ouvert" in calls and "Appel clos" not in calls
    assert f'href="/t/{territory.slug}/appels/{world["call"].slug}/"' in calls
    assert "Kit tout neuf" in _section(body, "nouveaux-kits")
    interventions = _section(body, "interventions-recentes")
    assert "Fleurir la place" in interventions and "Repeindre le banc" in interventions
    assert "Projet abandonné" not in interventions
    # Figures: money of the public campaigns (pledges and matching), funded projects, done interventions
    raised = sum(p.pledged_cents + p.matched_cents for p in (world["late"], world["soon"], world["funded"]))
    with translation.override("fr"):
        assert f"<strong>{euros(raised)}</strong> collectés" in body
    assert "<strong>1</strong> projet financé" in body
    assert "<strong>2</strong> interventions réalisées" in body


def test_the_four_ways_to_act_link_to_their_tracks(client):
    tracks = client.get("/").content.decode().split('class="tracks"', 1)[1].split("</ul>", 1)[0]
    assert '<h3><a href="/projets/">Financer</a></h3>' in tracks
    assert '<h3><a href="/kits/">Agir</a></h3>' in tracks
    assert 'href="/dispositifs/"' in tracks and 'href="/propositions/"' in tracks
    assert '<h3><a href="/lieux/">Partager des lieux</a></h3>' in tracks
    assert '<h3><a href="/cellule/">Innover ensemble</a></h3>' in tracks
    assert "bientôt" not in tracks


def test_a_territory_page_shows_its_own_life_only(client, territory, other_territory):
    _world(territory, other_territory)
    body = client.get(f"/t/{territory.slug}/").content.decode()
    assert "Fleurir la place" in _section(body, "interventions-recentes")
    assert "Repeindre le banc" not in body and "Kit lyonnais" not in body
    assert "<strong>1</strong> intervention réalisée" in body
    with translation.override("fr"):
        assert f"<strong>{euros(710_000)}</strong> collectés" in body


def test_the_home_page_shows_the_figures_in_english(client, territory, other_territory):
    _world(territory, other_territory)
    client.cookies["django_language"] = "en"
    body = client.get("/").content.decode()
    assert "Right now" in body and "Campaigns ending soon" in body and "projects funded" not in body
    assert "<strong>1</strong> project funded" in body and "<strong>2</strong> interventions done" in body


@pytest.mark.parametrize("path", ["/", "/t/saint-etienne/"])
def test_the_live_pages_keep_a_fixed_and_small_number_of_queries(client, territory, other_territory, path):
    def count():
        caches["pages"].clear()  # the anonymous page cache would answer without a query
        fragments.forget()  # and so would this process's copy of the fragments
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    _world(territory, other_territory)
    count()  # a process's first request fills its once-per-process caches (content types): not a page's cost
    few = count()
    for n in range(4):  # more of everything: the count does not grow (no query per item)
        _campaign(territory, 3 + n, f"Encore {n}")
        make_intervention(territory=territory, title=f"Encore {n}", status="done")
        CallFactory(territory=territory)
    assert count() == few


# Measured: 7 queries for the home, 16 for a territory's page (with its map, calls and organisations, 2 for the
# shared places open now (the places and their services, prefetched) and 1 for its published implantation studies),
# plus the data version of the shared fragments (alleger/core/fragments.py) when they are rendered.
@pytest.mark.parametrize("path, budget", [("/", 8), ("/t/saint-etienne/", 17)])
def test_the_live_pages_stay_within_their_query_budget(client, territory, other_territory, path, budget,
                                                      django_assert_max_num_queries):
    _world(territory, other_territory)
    with django_assert_max_num_queries(budget):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("path, names", [("/", {"Fleurir la place", "Repeindre le banc"}),
                                         ("/t/saint-etienne/", {"Fleurir la place"})])
def test_the_recent_interventions_are_on_a_small_map_too(client, territory, other_territory, path, names):
    import json
    import re

    world = _world(territory, other_territory)
    body = client.get(path).content.decode()
    assert 'id="live-interventions-map" class="map-canvas map-small"' in body
    data = json.loads(re.search(r'<script id="live-interventions-map-data" type="application/json">(.*?)</script>',
                                body, re.S)[1])
    assert {f["properties"]["name"] for f in data["features"]} == names  # the list's interventions, no more
    done = world["done"]
    assert [done.lon, done.lat] in [f["geometry"]["coordinates"] for f in data["features"]]

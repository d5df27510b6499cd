"""Every text search ignores accents, case and ligatures, on SQLite and PostgreSQL alike (alleger.core.search)."""

import re
from pathlib import Path

import pytest
from django.utils.html import escape

from alleger.core.search import Fold, fold
from alleger.kits.models import Kit
from alleger.testing.assets_factories import AssetFactory
from alleger.testing.discussions_factories import make_proposal
from alleger.testing.factories import OrganisationFactory
from alleger.testing.interventions_factories import make_intervention
from alleger.testing.kits_factories import make_kit
from alleger.testing.money import published_project
from alleger.testing.places_factories import PlaceFactory
from alleger.testing.reports_factories import make_category, make_report

pytestmark = pytest.mark.django_db

SPELLINGS = ("velo", "VÉLO", "Vélo", "vélo", "VELO")


def test_fold_lowercases_strips_accents_and_spreads_ligatures():
    assert fold("VÉLO") == fold("Vélo") == fold("velo") == "velo"
    assert fold("Œuvre d'ÆSOP à l'Hôtel-Dieu") == "oeuvre d'aesop a l'hotel-dieu"
    assert fold("Straße ﬁn Ça") == "strasse fin ca"


@pytest.mark.parametrize("text", ["VÉLO", "Œuvre", "cœur", "Ærø", "Hôtel-Dieu", "ÇA ÉTÉ", "ﬁnale", "naïve"])
def test_the_database_folds_as_python_does(text):
    """The same rule on both sides: the query is folded in Python, the columns in SQL."""
    make_kit(title=text)
    assert Kit.objects.annotate(folded=Fold("title")).values_list("folded", flat=True).get() == fold(text)


VELO, OEUVRE = "Atelier vélo du Crêt", "Œuvre collective"


def _assets(territory):
    AssetFactory(territory=territory, name=VELO)
    AssetFactory(territory=territory, name="Jardin partagé")
    return VELO, "Jardin partagé"


def _kits(territory):
    make_kit(status=Kit.Status.PUBLISHED, title="Réparer un VÉLO", slug="velo")
    make_kit(status=Kit.Status.PUBLISHED, title=OEUVRE, slug="oeuvre", steps="Peindre", summary="Une fresque.")
    return "Réparer un VÉLO", OEUVRE


def _projects(territory):
    published_project(territory=territory, title=VELO)
    published_project(territory=territory, title=OEUVRE)
    return VELO, OEUVRE


def _proposals(territory):
    make_proposal(territory=territory, title=VELO)
    make_proposal(territory=territory, title=OEUVRE)
    return VELO, OEUVRE


def _reports(territory):
    category = make_category(territory=territory, name="Voirie", service_code="voirie", keywords="", group="",
                             description="")
    make_report(category=category, description=VELO, address=VELO)
    make_report(category=category, description=OEUVRE, address=OEUVRE)
    return VELO, OEUVRE


def _interventions(territory):
    kit = make_kit(status=Kit.Status.PUBLISHED, territory=territory, title="Planter")
    make_intervention(territory=territory, kit=kit, title=VELO)
    make_intervention(territory=territory, kit=kit, title=OEUVRE)
    return VELO, OEUVRE


def _organisations(territory):
    OrganisationFactory(name=VELO)
    OrganisationFactory(name=OEUVRE)
    return VELO, OEUVRE


def _places(territory):
    PlaceFactory(territory=territory, name=VELO)
    PlaceFactory(territory=territory, name=OEUVRE)
    return VELO, OEUVRE


def _in_geojson(response, titles):
    return {feature["properties"]["name"] for feature in response.json()["features"]}


def _in_page(response, titles):
    return {t for t in titles if escape(t) in response.content.decode()}


def _in_json(key):
    def read(response, titles):
        body = response.json()
        return {row[key] for row in (body["items"] if isinstance(body, dict) else body)}
    return read


# name: (url, rows made (return the title "velo" finds, and one that "oeuvre" finds), reader)
LISTS = {
    "assets page": ("/dispositifs/", _assets, _in_page),
    "kits page": ("/kits/", _kits, _in_page),
    "kits API": ("/api/v1/kits", _kits, _in_json("title")),
    "projects page": ("/projets/", _projects, _in_page),
    "projects API": ("/api/v1/projects", _projects, _in_json("title")),
    "proposals page": ("/propositions/", _proposals, _in_page),
    "proposals API": ("/api/v1/proposals", _proposals, _in_json("title")),
    "reports page": ("/signalements/t/saint-etienne/", _reports, _in_page),
    "reports API": ("/api/v1/reports", _reports, _in_json("description")),
    "interventions page": ("/interventions/", _interventions, _in_page),
    "interventions API": ("/api/v1/interventions", _interventions, _in_json("title")),
    "organisations page": ("/organisations/", _organisations, _in_page),
    "organisations API": ("/api/v1/organisations", _organisations, _in_json("name")),
    "places page": ("/lieux/", _places, _in_page),
    "places API": ("/api/v1/places", _places, _in_json("name")),
    "places GeoJSON": ("/api/v1/places.geojson", _places, _in_geojson),
}


@pytest.mark.parametrize("name", LISTS)
def test_every_spelling_finds_the_same_rows(client, territory, name):
    url, make, read = LISTS[name]
    velo, other = make(territory)
    everything = client.get(url)
    assert everything.status_code == 200
    assert read(everything, (velo, other)) == {velo, other}
    for q in SPELLINGS:
        response = client.get(url, {"q": q})
        assert response.status_code == 200, (q, response.content[:300])
        assert read(response, (velo, other)) == {velo}, q
    assert read(client.get(url, {"q": "% _"}), (velo, other)) == set()  # LIKE wildcards are plain characters
    if other == OEUVRE:  # "oeuvre" finds "Œuvre"
        assert read(client.get(url, {"q": "oeuvre"}), (velo, other)) == {other}
        assert read(client.get(url, {"q": "ŒUVRE collective"}), (velo, other)) == {other}


@pytest.mark.parametrize("name", LISTS)
def test_a_query_too_long_is_a_clear_error_in_the_api_and_ignored_on_pages(client, territory, name):
    url, make, read = LISTS[name]
    titles = make(territory)
    response = client.get(url, {"q": "vélo " * 21})
    if url.startswith("/api/"):
        assert response.status_code == 422, response.content[:300]
        assert response.json()["message"]
    else:  # the invalid filter is dropped (some pages also show the form's error): the whole list shows
        assert response.status_code in (200, 400)
        assert read(response, titles) == set(titles)


def test_every_list_with_a_text_parameter_is_covered_here(client):
    """A new API list taking `q` must be added to LISTS above, so its search is checked accent-insensitive."""
    schema = client.get("/api/v1/openapi.json").json()
    with_q = {path for path, operations in schema["paths"].items()
              if any(p["name"] == "q" for p in operations.get("get", {}).get("parameters", []))}
    tested = {url for url, *_ in LISTS.values() if url.startswith("/api/")}
    assert len(tested) == 8
    assert with_q == tested


PLAIN_LOOKUP = re.compile(r"__i?(contains|regex)\b|__(search|unaccent)\b")


def test_no_code_searches_text_with_a_plain_lookup():
    """Plain icontains is accent-sensitive: every text search goes through alleger.core.search.matching."""
    root = Path(__file__).resolve().parents[2]
    offenders = [f"{path.relative_to(root)}:{n}" for path in root.rglob("*.py")
                 if "tests" not in path.parts and "migrations" not in path.parts and path.name != "admin.py"
                 for n, line in enumerate(path.read_text().splitlines(), 1) if PLAIN_LOOKUP.search(line)]
    assert offenders == []

"""Every text search ignores accents, case and ligatures, on SQLite and PostgreSQL alike (alleger.core.search)."""

import re
from pathlib import Path

import pytest

from alleger.core.search import Fold, fold
from alleger.kits.models import Kit
from alleger.testing.assets_factories import AssetFactory
from alleger.testing.kits_factories import make_kit
from alleger.testing.money import published_project

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


def _asset_rows():
    AssetFactory(name="Atelier vélo du Crêt", territory__slug="t-velo")
    AssetFactory(name="Jardin partagé", territory__slug="t-jardin")


def _kit_rows():
    make_kit(status=Kit.Status.PUBLISHED, title="Réparer un VÉLO", slug="velo")
    make_kit(status=Kit.Status.PUBLISHED, title="Œuvre collective au pied des arbres", slug="oeuvre",
             steps="Peindre", summary="Une fresque.")


def _project_rows(territory):
    published_project(territory=territory, title="Vélo-école du quartier")
    published_project(territory=territory, title="Œuvre collective")


def _html_titles(*wanted):
    return lambda response: {t for t in wanted if t in response.content.decode()}


def _json_titles(key):
    def read(response):
        body = response.json()
        return {row[key] for row in (body["items"] if isinstance(body, dict) else body)}
    return read


# (url, how to make the rows, how to read the matching titles, the title "velo" must find, the other one)
LISTS = {
    "assets page": ("/dispositifs/", "assets", _html_titles("Atelier vélo du Crêt", "Jardin partagé"),
                    "Atelier vélo du Crêt", "Jardin partagé"),
    "kits page": ("/kits/", "kits", _html_titles("Réparer un VÉLO", "Œuvre collective au pied des arbres"),
                  "Réparer un VÉLO", "Œuvre collective au pied des arbres"),
    "kits API": ("/api/v1/kits", "kits", _json_titles("title"), "Réparer un VÉLO",
                 "Œuvre collective au pied des arbres"),
    "projects page": ("/projets/", "projects", _html_titles("Vélo-école du quartier", "Œuvre collective"),
                      "Vélo-école du quartier", "Œuvre collective"),
    "projects API": ("/api/v1/projects", "projects", _json_titles("title"), "Vélo-école du quartier",
                     "Œuvre collective"),
}


@pytest.fixture
def rows(territory):
    def make(kind):
        {"assets": _asset_rows, "kits": _kit_rows, "projects": lambda: _project_rows(territory)}[kind]()
    return make


@pytest.mark.parametrize("name", LISTS)
def test_every_spelling_finds_the_same_rows(client, rows, name):
    url, kind, titles, wanted, other = LISTS[name]
    rows(kind)
    everything = client.get(url)
    assert everything.status_code == 200
    assert titles(everything) == {wanted, other}
    for q in SPELLINGS:
        response = client.get(url, {"q": q})
        assert response.status_code == 200, (q, response.content[:300])
        assert titles(response) == {wanted}, q
    if name != "assets page":
        assert titles(client.get(url, {"q": "oeuvre"})) == {other}  # "oeuvre" finds "Œuvre"
        assert titles(client.get(url, {"q": "ŒUVRE"})) == {other}


def test_every_list_with_a_text_parameter_is_covered_here(client):
    """A new API list taking `q` must be added to LISTS above, so its search is checked accent-insensitive."""
    schema = client.get("/api/v1/openapi.json").json()
    with_q = {path for path, operations in schema["paths"].items()
              if any(p["name"] == "q" for p in operations.get("get", {}).get("parameters", []))}
    tested = {url for url, *_ in LISTS.values() if url.startswith("/api/")}
    assert with_q == tested


PLAIN_LOOKUP = re.compile(r"__i?(contains|regex)\b|__(search|unaccent)\b")


def test_no_code_searches_text_with_a_plain_lookup():
    """Plain icontains is accent-sensitive: every text search goes through alleger.core.search.matching."""
    root = Path(__file__).resolve().parents[2]
    offenders = [f"{path.relative_to(root)}:{n}" for path in root.rglob("*.py")
                 if "tests" not in path.parts and "migrations" not in path.parts and path.name != "admin.py"
                 for n, line in enumerate(path.read_text().splitlines(), 1) if PLAIN_LOOKUP.search(line)]
    assert offenders == []

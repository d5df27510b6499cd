"""French prepositions before a proper name: « d'Auvergne-Rhône-Alpes », « en Auvergne-Rhône-Alpes »."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from alleger.core.grammar import date_format, elides, of_name
from alleger.core.tests.test_translations import compiled_locale, translated  # noqa: F401
from alleger.territories.models import Territory
from alleger.testing.factories import TerritoryFactory


@pytest.mark.parametrize("name, elided", [
    ("Auvergne-Rhône-Alpes", True), ("Île-de-France", True), ("Orléans", True), ("Yssingeaux", True),
    ("Saint-Étienne", False), ("Yutz", False), ("Le Havre", False), ("Haute-Loire", False), (" ", False),
])
def test_de_elides_before_a_vowel_sound(name, elided):
    assert elides(name) is elided
    with translation.override("fr"):
        assert of_name(name) == ("du Havre" if name == "Le Havre" else f"d'{name}" if elided else f"de {name.strip()}")


@pytest.mark.parametrize("name, french, english", [
    ("Le Café d'à Côté", "du Café d'à Côté", "of Le Café d'à Côté"), ("Les Amis du parc", "des Amis du parc",
                                                                     "of Les Amis du parc"),
    ("La Fabrique", "de La Fabrique", "of La Fabrique"), ("L'Atelier", "de L'Atelier", "of L'Atelier"),
    ("Atelier Soleil", "d'Atelier Soleil", "of Atelier Soleil"),
])
def test_de_contracts_with_a_name_s_own_article(name, french, english, translated):  # noqa: F811
    with translation.override("fr"):
        assert of_name(name) == french
    with translation.override("en"):
        assert of_name(name) == english


@pytest.mark.django_db
def test_a_region_s_pages_read_en_and_d_in_french_and_in_and_of_in_english(client, translated):  # noqa: F811
    region = TerritoryFactory(name="Auvergne-Rhône-Alpes", slug="aura", kind=Territory.Kind.REGION)
    city = TerritoryFactory(name="Saint-Étienne", slug="st-etienne", kind=Territory.Kind.CITY)

    def page(url):
        return client.get(url).content.decode().replace("&#x27;", "'")

    assert "<h1>Projets en Auvergne-Rhône-Alpes</h1>" in page(f"/projets/?territoire={region.slug}")
    assert "<h1>Projets à Saint-Étienne</h1>" in page(f"/projets/?territoire={city.slug}")
    assert "Tableau de bord d'Auvergne-Rhône-Alpes</h1>" in page(reverse("cell:dashboard", args=[region.slug]))
    assert "Tableau de bord de Saint-Étienne</h1>" in page(reverse("cell:dashboard", args=[city.slug]))
    client.cookies["django_language"] = "en"
    assert "<h1>Projects in Auvergne-Rhône-Alpes</h1>" in page(f"/projets/?territoire={region.slug}")
    assert "Dashboard of Auvergne-Rhône-Alpes</h1>" in page(reverse("cell:dashboard", args=[region.slug]))


@pytest.mark.parametrize("pattern, day, french, english", [
    ("j F Y", 1, "1er janvier 2027", "1 January 2027"),
    ("j F Y", 2, "2 janvier 2027", "2 January 2027"),
    ("l j F, H:i", 1, "vendredi 1er janvier, 09:30", "Friday 1 January, 09:30"),
    ("j N Y", 1, "1er jan. 2027", "1 Jan. 2027"),
    ("SHORT_DATE_FORMAT", 1, "01/01/2027", "01/01/2027"),  # in figures, no ordinal
    (r"\j j F", 1, "j 1er janvier", "j 1 January"),  # an escaped j is a letter
])
def test_the_first_day_of_a_month_is_an_ordinal_in_french(pattern, day, french, english, translated):  # noqa: F811
    from django.template import Context, Template

    moment = timezone.make_aware(datetime.datetime(2027, 1, day, 9, 30))
    template = Template("{{ moment|date:pattern }}")
    with translation.override("fr"):
        assert template.render(Context({"moment": moment, "pattern": pattern})) == french
        assert date_format(moment, pattern) == french
    with translation.override("en"):
        assert template.render(Context({"moment": moment, "pattern": pattern})) == english


def test_the_day_is_taken_in_local_time_before_its_ordinal(translated):  # noqa: F811
    from django.template import Context, Template

    midnight_in_paris = datetime.datetime(2027, 1, 31, 23, 30, tzinfo=datetime.UTC)  # 1 February, 00:30
    with translation.override("fr"):
        assert Template('{{ m|date:"j F" }}').render(Context({"m": midnight_in_paris})) == "1er février"

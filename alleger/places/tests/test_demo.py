"""The demo's ten shared places (names fixed: other apps rely on them), their managers, the proposal."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from alleger.places import selectors
from alleger.places.models import Moderation, Place
from alleger.testing.demo import demo_person

NAMES = ["Médiathèque de Carnot", "France Services du Crêt de Roch", "Tabac-presse Le Relais",
         "La Fabrique, coworking", "Fab lab de Jacquard", "Repair café de Montreynaud",
         "Jardin partagé du Crêt de Roch", "Atelier de quartier de Carnot", "Salle des fêtes de Jacquard",
         "Collège Jules-Vallès, salle informatique"]


def test_the_ten_demo_places_with_their_services_and_managers(demo):
    published = Place.objects.filter(territory__slug="saint-etienne", moderation=Moderation.PUBLISHED)
    assert sorted(published.values_list("name", flat=True)) == sorted(NAMES)
    assert all(p.neighbourhood_id and p.services.exists() for p in published)
    fs = published.get(name="France Services du Crêt de Roch")
    assert dict(fs.services.values_list("name", "opening_hours")) == {
        "Accueil France Services": "Mo-Fr 09:00-12:00,13:30-17:00; PH off", "Permanence CAF": "Th 14:00-17:00",
        "Conseiller France Travail": "Tu 09:00-12:00"}
    assert fs.neighbourhood.slug == "cret-de-roch"
    fab = published.get(name="Fab lab de Jacquard")
    assert (fab.place_type, fab.profile_creation, fab.neighbourhood.slug) == ("fablab", True, "jacquard")
    for person in ("alexis", "clement"):
        assert demo_person(person).has_perm("places.change_place", fab)
    assert demo_person("didier").has_perm("places.change_place", published.get(name="La Fabrique, coworking"))
    assert not demo_person("clemence").has_perm("places.change_place", fab)
    thursday = dt.datetime(2026, 12, 3, 15, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert [p.name for p in selectors.places_open_at(thursday, service_kind="family_benefits")] == [fs.name]


def test_clemence_proposed_a_place_that_waits_for_martha(demo):
    proposed = Place.objects.get(moderation=Moderation.PROPOSED)
    assert proposed.proposed_by.email == "clemence@alleger.localhost"
    assert demo_person("martha").has_perm("places.review_place", proposed)


@pytest.mark.django_db
def test_the_demo_is_idempotent(demo):
    from django.core.management import call_command

    call_command("demo_data", "--quiet")
    assert Place.objects.count() == 11

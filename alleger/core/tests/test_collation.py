"""Names sort as people read them on both databases (alleger.core.collation)."""

import pytest
from django.db import connection

from alleger.core import collation
from alleger.organisations.models import Organisation
from alleger.places.models import Place
from alleger.testing.factories import OrganisationFactory
from alleger.testing.places_factories import PlaceFactory

READ_ORDER = ["atelier du Soleil", "Banc 2", "Banc 10", "Café des Œillets", "école Jules-Ferry", "Église Saint-Roch",
              "Jardin 1", "Jardin 01b", "Zoo"]


def test_the_key_folds_case_accents_and_ligatures_and_reads_numbers_by_value():
    assert sorted(reversed(READ_ORDER), key=collation.key) == READ_ORDER
    assert collation.compare("Banc 2", "Banc 10") < 0
    assert collation.compare("école", "École") != 0  # deterministic: equal only when the same text
    assert collation.compare("Zoo", "Zoo") == 0


@pytest.mark.django_db
def test_a_list_ordered_by_name_reads_in_natural_order_on_this_database():
    for name in reversed(READ_ORDER):
        OrganisationFactory(name=name)
    assert list(Organisation.objects.order_by("name").values_list("name", flat=True)) == READ_ORDER
    # The models' default ordering and equality keep working: `=` still means the same text.
    assert Organisation.objects.filter(name="Banc 2").count() == 1
    assert not Organisation.objects.filter(name="banc 2").exists()


@pytest.mark.django_db
def test_the_places_list_reads_in_natural_order(client):
    names = ["Salle 10", "Salle 2", "Écurie", "atelier", "Zénith"]
    for name in names:
        PlaceFactory(name=name)
    page = client.get("/lieux/").content.decode()
    positions = [page.index(f">{name}</a>") for name in ["atelier", "Écurie", "Salle 2", "Salle 10", "Zénith"]]
    assert positions == sorted(positions), connection.vendor
    assert list(Place.objects.filter(name__in=names).values_list("name", flat=True)) == [
        "atelier", "Écurie", "Salle 2", "Salle 10", "Zénith"]

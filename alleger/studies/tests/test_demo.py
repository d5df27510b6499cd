"""The demo: Saint-Étienne's synthetic grid and Rémi's two questions, answered and published."""

import pytest
from django.core.management import call_command

from alleger.places.models import Place
from alleger.studies.models import PopulationGrid, Study
from alleger.testing.demo import demo_person

pytestmark = pytest.mark.django_db


def test_the_demo_answers_where_an_epn_and_a_food_coop_are_missing(demo, client):
    grid = PopulationGrid.objects.get(territory__slug="saint-etienne")
    assert grid.report["rejected_count"] == 0 and 300 < grid.cell_count < 700
    epn = Study.objects.get(title="Où manque-t-il un EPN ?")
    food = Study.objects.get(title="Où manque-t-il une épicerie coopérative ?")
    for study in (epn, food):
        assert study.status == Study.Status.DONE and study.published
        assert study.created_by == demo_person("remi")
        assert len(study.results["suggestions"]) == 3  # with or without the places app's demo places
        assert {n["slug"] for n in study.results["neighbourhoods"]} >= {"centre-ville", "montreynaud"}
        assert client.get(study.get_absolute_url()).status_code == 200
    assert epn.service_kinds == "digital_help,internet" and epn.weight_poor
    assert food.candidates == Study.Candidates.PREMISES
    assert {s["name"] for s in food.results["suggestions"]} <= {p["name"] for p in food.premises}
    # The places counted are the demo's published places offering digital help or internet (none is fine).
    offering = Place.objects.filter(territory__slug="saint-etienne", moderation="published",
                                    services__kind__in=["digital_help", "internet"])
    assert {p["name"] for p in epn.results["places"]} == set(offering.values_list("name", flat=True))


def test_loading_the_demo_again_changes_nothing(demo):
    before = list(Study.objects.values_list("pk", "results"))
    call_command("demo_data", quiet=True)
    assert list(Study.objects.values_list("pk", "results")) == before
    assert PopulationGrid.objects.count() == 1

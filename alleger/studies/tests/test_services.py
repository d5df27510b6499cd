"""Running a study through the services: which places count, the figures against brute force, refusals."""

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone

from alleger.core.errors import Refused
from alleger.places.models import Place, Service
from alleger.studies import analysis, grid, services
from alleger.studies.models import PopulationGrid, Study

from .conftest import grid_csv, make_place

pytestmark = pytest.mark.django_db


def _study(territory, grid_, user, **kwargs):
    params = {"title": "EPN", "radius_m": 500, "service_kinds": ["internet", "digital_help"], "suggestions": 3}
    params.update(kwargs)
    return services.study_create(territory=territory, grid=grid_, user=user, **params)


def test_the_figures_match_a_brute_force_computation(territory, town_grid, cell_member):
    # Given two places offering internet access, one offering food (not counted), one unpublished
    a = make_place(territory, "EPN A", 45.428, 4.383)
    b = make_place(territory, "EPN B", 45.432, 4.395, kind=Service.Kind.DIGITAL_HELP)
    make_place(territory, "Épicerie", 45.430, 4.390, kind=Service.Kind.FOOD)
    make_place(territory, "Proposé", 45.430, 4.391, moderation=Place.Moderation.PROPOSED)
    # When the cell runs a study
    study = _study(territory, town_grid, cell_member)
    # Then it counts the two places, and its figures are brute force's
    assert study.status == Study.Status.DONE
    assert [p["name"] for p in study.results["places"]] == ["EPN A", "EPN B"]
    cells = grid.Cells.from_bytes(town_grid.cells)
    px, py = grid.to_3035([a.lon, b.lon], [a.lat, b.lat])
    d = np.sqrt(((cells.centres[:, None, :] - np.column_stack([px, py])[None]) ** 2).sum(axis=2)).min(axis=1)
    summary = study.results["summary"]
    assert summary["population"] == round(cells.ind.sum())
    assert summary["covered"] == round(cells.ind[d <= 500].sum())
    assert summary["mean_distance"] == round((d * cells.ind).sum() / cells.ind.sum())
    np.testing.assert_allclose(analysis.load_distances(study), d, atol=0.01)
    # The suggestions add coverage, each less than or as much as the one before
    added = [s["added_population"] for s in study.results["suggestions"]]
    assert added and added == sorted(added, reverse=True) and added[0] > 0
    assert study.results["suggestions"][-1]["covered_share_after"] > summary["covered_share"]


def test_what_if_a_place_closed_is_the_study_without_it(territory, town_grid, cell_member):
    make_place(territory, "EPN A", 45.428, 4.383)
    make_place(territory, "EPN B", 45.432, 4.395)
    both = _study(territory, town_grid, cell_member)
    Place.objects.filter(name="EPN A").delete()
    only_b = _study(territory, town_grid, cell_member)
    lost = next(p for p in both.results["places"] if p["name"] == "EPN A")["lost_population"]
    assert lost == both.results["summary"]["covered"] - only_b.results["summary"]["covered"]
    assert lost > 0


def test_open_at_counts_only_the_places_open_then(territory, town_grid, cell_member):
    make_place(territory, "CAF le jeudi", 45.428, 4.383, hours="Th 14:00-17:00")
    make_place(territory, "EPN en semaine", 45.432, 4.395, hours="Mo-Fr 09:00-12:00")
    thursday = _study(territory, town_grid, cell_member, open_weekday=3, open_time=dt.time(15, 0))
    monday = _study(territory, town_grid, cell_member, open_weekday=0, open_time=dt.time(10, 0))
    sunday = _study(territory, town_grid, cell_member, open_weekday=6, open_time=dt.time(10, 0))
    assert [p["name"] for p in thursday.results["places"]] == ["CAF le jeudi"]
    assert [p["name"] for p in monday.results["places"]] == ["EPN en semaine"]
    assert sunday.results["places"] == [] and sunday.results["summary"]["covered"] == 0
    assert dt.datetime.fromisoformat(thursday.results["open_at"]).weekday() == 3


def test_places_chosen_by_type_or_profile(territory, town_grid, cell_member):
    make_place(territory, "Fab lab", 45.428, 4.383, place_type="fablab", profile_mediation=False,
               profile_creation=True)
    make_place(territory, "EPN", 45.432, 4.395)
    by_type = _study(territory, town_grid, cell_member, service_kinds=[], place_type="fablab")
    by_profile = _study(territory, town_grid, cell_member, service_kinds=[], profile="mediation")
    assert [p["name"] for p in by_type.results["places"]] == ["Fab lab"]
    assert [p["name"] for p in by_profile.results["places"]] == ["EPN"]


def test_without_any_place_nobody_is_covered_and_suggestions_start_from_zero(territory, town_grid, cell_member):
    study = _study(territory, town_grid, cell_member)
    assert study.results["summary"]["covered"] == 0 and study.results["summary"]["mean_distance"] is None
    assert len(study.results["suggestions"]) == 3 and len(study.results["worst"]) == 20


def test_neighbourhoods_get_the_cells_whose_centre_they_hold(territory, neighbourhood, town_grid, cell_member):
    study = _study(territory, town_grid, cell_member)
    rows = {r["name"]: r for r in study.results["neighbourhoods"]}
    # Jacquard is lon 4.36–4.38: the town's first column of cells (4.38) has its centres east of it, or in it.
    cells = grid.Cells.from_bytes(town_grid.cells)
    lon, lat = grid.to_wgs84(cells.east + 100, cells.north + 100)
    inside = (lon >= 4.36) & (lon <= 4.38) & (lat >= 45.42) & (lat <= 45.44)
    assert rows.get("Jacquard", {"cells": 0})["cells"] == int(inside.sum())
    assert sum(r["cells"] for r in rows.values()) == len(cells)
    assert rows[""]["cells"] == len(cells) - int(inside.sum())


def test_premises_are_the_candidates_when_given(territory, town_grid, cell_member):
    premises = services.read_premises(b"name;lat;lon\nBoutique;45,430;4,390\nGarage;45.4;4.2\n")
    study = _study(territory, town_grid, cell_member, candidates=Study.Candidates.PREMISES, premises=premises)
    assert study.results["candidate_count"] == 2
    assert [s["name"] for s in study.results["suggestions"]] == ["Boutique"]  # the garage covers nobody


@pytest.mark.parametrize(("data", "code"), [
    (b"nom\nA\n", "premises_columns"),
    (b"lat,lon,name\nabc,4.3,A\n", "premises_row"),
    (b"lat,lon,name\n95,4.3,A\n", "premises_row"),
    (b"lat,lon,name\n", "premises_empty"),
])
def test_bad_premises_are_refused(data, code):
    with pytest.raises(Refused) as caught:
        services.read_premises(data)
    assert caught.value.code == code


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"service_kinds": ["internet"], "place_type": "epn"}, "study_selection"),
    ({"service_kinds": []}, "study_selection"),
    ({"service_kinds": ["teleportation"]}, "study_selection"),
    ({"radius_m": 10}, "study_radius"),
    ({"open_weekday": 2}, "study_open_at"),
    ({"candidates": Study.Candidates.PREMISES}, "premises_empty"),
])
def test_a_bad_study_is_refused_and_nothing_is_recorded(territory, town_grid, cell_member, kwargs, code):
    with pytest.raises(Refused) as caught:
        _study(territory, town_grid, cell_member, **kwargs)
    assert caught.value.code == code and not Study.objects.exists()


def test_a_grid_of_another_territory_is_refused(territory, other_territory, town_grid, cell_member):
    with pytest.raises(Refused) as caught:
        _study(other_territory, town_grid, cell_member)
    assert caught.value.code == "study_grid"


def test_a_grid_without_a_cell_in_the_territory_is_refused(other_territory, cell_member):
    with pytest.raises(Refused) as caught:
        services.grid_upload(territory=other_territory, user=cell_member, name="x",
                             data=grid_csv([(4.39, 45.43, 10, 1)]))
    assert caught.value.code == "grid_empty" and not PopulationGrid.objects.exists()


def test_an_unreadable_grid_is_refused(territory, cell_member):
    with pytest.raises(Refused) as caught:
        services.grid_upload(territory=territory, user=cell_member, name="x", data=b"a,b\n1,2\n")
    assert caught.value.code == "grid_unreadable" and "idcar_200m" in caught.value.messages[0]


def test_a_big_grid_is_computed_by_the_job_queue_after_commit(territory, town_grid, cell_member, monkeypatch,
                                                              django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "BACKGROUND_CELLS", 10)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        study = _study(territory, town_grid, cell_member)
    assert Study.objects.get(pk=study.pk).status == Study.Status.PENDING and len(callbacks) == 1
    callbacks[0]()  # huey is immediate in tests
    assert Study.objects.get(pk=study.pk).status == Study.Status.DONE


def test_a_failed_computation_is_stored_with_its_reason(territory, town_grid, cell_member, monkeypatch):
    def broken(study, now):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(analysis, "run", broken)
    study = _study(territory, town_grid, cell_member)
    assert study.status == Study.Status.FAILED and "disque plein" in study.error


def test_the_open_instant_is_the_next_one(settings):
    now = timezone.make_aware(dt.datetime(2026, 12, 3, 16, 0))  # a Thursday, 16:00 local
    assert analysis.open_instant(3, dt.time(15, 0), now).date() == dt.date(2026, 12, 10)
    assert analysis.open_instant(3, dt.time(17, 0), now).date() == dt.date(2026, 12, 3)
    assert analysis.open_instant(0, dt.time(9, 0), now).date() == dt.date(2026, 12, 7)


def test_a_suggested_premises_says_its_neighbourhood(territory, neighbourhood, town_grid, cell_member):
    premises = [{"name": "Atelier", "lat": 45.430, "lon": 4.379}]
    study = _study(territory, town_grid, cell_member, candidates=Study.Candidates.PREMISES, premises=premises)
    assert [(s["name"], s["neighbourhood"]) for s in study.results["suggestions"]] == [("Atelier", "Jacquard")]

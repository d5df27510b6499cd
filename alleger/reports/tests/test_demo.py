"""The demo reports: Clémence's broken shared bike and its suggestions, reports in every status."""

import pytest

from alleger.reports import selectors
from alleger.reports.models import Report, ReportCategory, Status

pytestmark = pytest.mark.django_db


def test_clemence_is_offered_the_bike_kit_the_micro_kit_and_a_tool_cabinet(demo, client):
    report = Report.objects.get(reporter__email="clemence@alleger.localhost", category__service_code="velo-partage")
    suggestions = selectors.suggestions_for(report)
    assert {kit.slug for kit in suggestions.kits} == {"entretenir-et-customiser-les-velos-en-libre-service",
                                                     "micro-kit-de-bricolage-du-buraliste"}
    assert suggestions.assets and suggestions.assets[0][1].is_tool_cabinet
    assert set(Report.objects.values_list("status", flat=True)) == set(Status.values)
    duplicate = Report.objects.get(status=Status.DUPLICATE)
    assert duplicate.duplicate_of.category == duplicate.category
    assert ReportCategory.objects.filter(territory__slug="saint-etienne").count() == 6
    page = client.get(report.get_absolute_url())
    assert page.status_code == 200 and "Le micro-kit de bricolage du buraliste" in page.content.decode()


def test_the_broken_bike_suggests_the_tool_cabinet_first_and_no_bench_nor_tree_pit(demo):
    report = Report.objects.get(reporter__email="clemence@alleger.localhost", category__service_code="velo-partage")
    assets = [asset for _, asset in selectors.suggestions_for(report).assets]
    assert assets and assets[0].is_tool_cabinet
    assert {asset.asset_type.slug for asset in assets} <= {"armoire-de-bricolage", "bureau-de-tabac", "station-velos"}
    # The same spot, for a category that declares nothing, would offer the benches and tree pits around.
    around = selectors.nearby_assets(territory=report.territory, lat=report.lat, lon=report.lon)
    assert {"banc", "pied-d-arbre"} & {asset.asset_type.slug for _, asset in around}

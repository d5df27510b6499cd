"""The reads behind the Open311 endpoints (alleger.reports.selectors), without HTTP."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alleger.reports import selectors, services
from alleger.reports.models import Status
from alleger.testing.factories import UserFactory
from alleger.testing.reports_factories import make_category, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(territory, other_territory):
    bikes = make_category(territory=territory)
    lights = make_category(territory=territory, service_code="eclairage", name="Éclairage")
    fixed = make_report(category=lights)
    services.report_set_status(report=fixed, actor=UserFactory(is_superuser=True), status=Status.FIXED)
    return {"open": make_report(category=bikes), "fixed": fixed,
            "elsewhere": make_report(category=make_category(territory=other_territory), lat=None, lon=None,
                                     address="Place du marché")}


def _ids(found) -> set:
    return {report.pk for report in found}


def test_requests_are_filtered_by_territory_code_status_and_window(territory, reports):
    now = timezone.now()
    window = {"start": now - timedelta(days=1), "end": now + timedelta(days=1), "limit": 10}
    assert _ids(selectors.open311_requests(territory=territory, **window)) == {reports["open"].pk, reports["fixed"].pk}
    assert _ids(selectors.open311_requests(territory=territory, open311_status="open", **window)) == {
        reports["open"].pk}
    assert _ids(selectors.open311_requests(territory=territory, open311_status="closed", **window)) == {
        reports["fixed"].pk}
    assert _ids(selectors.open311_requests(territory=territory, service_codes=["eclairage"], **window)) == {
        reports["fixed"].pk}
    assert selectors.open311_requests(territory=territory, start=now + timedelta(hours=1),
                                      end=now + timedelta(days=2), limit=10) == []


def test_requests_by_number_stay_within_the_territory_given(territory, reports):
    numbers = [report.pk for report in reports.values()]
    assert _ids(selectors.open311_requests(ids=numbers, limit=10)) == set(numbers)
    assert reports["elsewhere"].pk not in _ids(selectors.open311_requests(territory=territory, ids=numbers, limit=10))
    assert selectors.report_in(reports["elsewhere"].pk, territory=territory) is None
    assert selectors.report_in(reports["elsewhere"].pk) == reports["elsewhere"]


def test_the_jurisdiction_is_the_one_territory_taking_reports_or_a_choice(territory, other_territory, reports):
    assert list(selectors.territories_taking_reports()) == sorted([territory, other_territory], key=lambda t: t.pk)
    assert selectors.category_of(territory, "eclairage").name == "Éclairage"
    assert selectors.category_of(other_territory, "eclairage") is None

"""Retries arriving together on PostgreSQL: an Open311 update posted several times at once with the
same update_id (a client retrying after a timeout) is recorded once, and every answer names it."""

import pytest

from alleger.reports import services
from alleger.reports.models import ReportUpdate, Status
from alleger.testing.concurrency import all_at_once
from alleger.testing.factories import UserFactory
from alleger.testing.reports_factories import make_category, make_report

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_five_simultaneous_retries_of_one_update_record_it_once(territory):
    category = make_category(territory=territory)
    agent = UserFactory()
    category.agents.add(agent)
    report = make_report(category=category)
    results = all_at_once(5, lambda i: services.report_set_status(
        report=report, actor=agent, status=Status.CLOSED, note="Réparé.", external_id="fms-42").pk)
    assert [r[0] for r in results] == ["ok"] * 5
    [update] = ReportUpdate.objects.filter(report=report, external_id="fms-42")
    assert {r[1] for r in results} == {update.pk}
    assert ReportUpdate.objects.filter(report=report).count() == 2  # the creation and this one

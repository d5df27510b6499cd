"""Digests on PostgreSQL: workers racing on one saved watch send its digest once (row lock, then the unique
(watch, period) row as the backstop)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from alleger.cell import watch_services
from alleger.cell.models import WatchDigest
from alleger.testing.concurrency import all_at_once
from alleger.testing.funding_factories import ProjectFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WEDNESDAY = datetime.date(2026, 12, 9)


def test_eight_workers_at_once_send_one_digest(territory, cell_member):
    launched = datetime.datetime(2026, 12, 2, 12, tzinfo=ZoneInfo("Europe/Paris"))
    ProjectFactory(territory=territory, title="Le café associatif", status="published", published_at=launched,
                   deadline=launched + datetime.timedelta(days=30))
    saved = watch_services.saved_watch_create(user=cell_member, territory=territory, name="Tout", filters={},
                                              frequency="weekly")
    results = all_at_once(8, lambda i: watch_services.digest_send(saved=saved, today=WEDNESDAY) is not None)
    assert sorted(value for _, value in results) == [False] * 7 + [True]
    assert WatchDigest.objects.filter(watch=saved).count() == 1
    assert len(mail.outbox) == 1

"""On PostgreSQL, the outermost rebuild reads the contributions on a second connection while its own computes
the rest: the rows are exactly those of the one-connection computation, and a failure there fails the rebuild
(nothing written)."""

import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from alleger.cell import metrics, services
from alleger.cell.models import Metric
from alleger.funding.models import Contribution
from alleger.testing.factories import NeighbourhoodFactory, TerritoryFactory, UserFactory
from alleger.testing.funding_factories import ProjectFactory, pledge

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PARIS = ZoneInfo("Europe/Paris")
D1, D3 = datetime.date(2026, 3, 10), datetime.date(2026, 3, 12)


def _history():
    territory = TerritoryFactory()
    north = NeighbourhoodFactory(territory=territory, name="Nord", slug="nord")
    projects = [ProjectFactory(territory=territory, neighbourhood=north, live=True),
                ProjectFactory(territory=territory, live=True)]
    people = [UserFactory() for _ in range(4)]
    for i, (person, project, day) in enumerate([(p, pr, d) for p in people for pr in projects
                                                for d in (D1, D3)][:12]):
        c = pledge(project, person, 100 * (i + 1))
        Contribution.objects.filter(pk=c.pk).update(
            created_at=datetime.datetime.combine(day, datetime.time(9 + i), tzinfo=PARIS))
    return territory


def _stored(territory):
    return sorted(Metric.objects.filter(territory=territory).values_list("day", "neighbourhood_id", "key",
                                                                         "dimension", "value"), key=str)


def test_the_rebuild_on_two_connections_gives_the_rows_of_one():
    territory = _history()
    with mock.patch.object(services, "_on_own_connection", wraps=services._on_own_connection) as second:
        services.rebuild(since=D1, until=D3, territories=[territory])
    assert second.call_count == 1  # the contributions' statement did run on the other connection
    alone = services.compute(territory, D1, D3)
    assert _stored(territory) == sorted(alone, key=str)
    assert {key for _, _, key, _, _ in alone} >= {"pledged_cents", "contributors_new", "contributors_returning"}
    # Rebuilt after a change: a day's contributions gone, another's amount changed; still exactly the rows.
    Contribution.objects.filter(created_at__date=D1).delete()
    Contribution.objects.filter(pk=Contribution.objects.filter(created_at__date=D3).first().pk).update(
        amount_cents=9_999)
    services.rebuild(since=D1, until=D3, territories=[territory])
    assert _stored(territory) == sorted(services.compute(territory, D1, D3), key=str)
    assert not Metric.objects.filter(territory=territory, day=D1, key="pledged_cents").exists()


def test_a_failure_on_the_second_connection_fails_the_rebuild_and_writes_nothing():
    territory = _history()
    with mock.patch.object(metrics._pledges, "__wrapped__", side_effect=RuntimeError("connection lost")), \
            pytest.raises(RuntimeError, match="connection lost"):
        services.rebuild(since=D1, until=D3, territories=[territory])
    assert not Metric.objects.filter(territory=territory).exists()

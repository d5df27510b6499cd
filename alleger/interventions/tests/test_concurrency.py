"""Races on PostgreSQL: twenty residents join an asset limited to five at the same time.

Each thread has its own connection; a barrier releases them together. The
asset row lock serialises the seat counting; the unique seat per asset is
the backstop. Exactly five participants (organiser included) must come out.
"""

import fcntl
import tempfile
import threading
from pathlib import Path

import pytest
from django.db import connection

from alleger.interventions.models import Participation
from alleger.interventions.services import Refused, intervention_join
from alleger.testing.assets_factories import AssetFactory
from alleger.testing.factories import UserFactory
from alleger.testing.interventions_factories import make_intervention

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _one_crowd_at_a_time():
    """Twenty threads hold twenty connections: one such test at a time across xdist workers
    (the same lock file as the funding races)."""
    with open(Path(tempfile.gettempdir()) / "alleger-funding-concurrency.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def all_at_once(count: int, action) -> list[tuple[str, object]]:
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(i):
        try:
            barrier.wait(timeout=30)
            results[i] = ("ok", action(i))
        except Refused as refusal:
            results[i] = ("refused", refusal.code)
        except Exception as error:  # noqa: BLE001 — reported and asserted on below
            results[i] = ("error", repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread never finished"
    errors = [r for r in results if r[0] == "error"]
    assert not errors, errors
    return results


def test_twenty_residents_joining_an_asset_limited_to_five_gives_exactly_five(territory):
    asset = AssetFactory(territory=territory, max_participants=5)
    # Two interventions share the asset: its limit counts both, organisers included.
    first = make_intervention(territory=territory, asset=asset)
    second = make_intervention(territory=territory, asset=asset)
    residents = [UserFactory() for _ in range(20)]

    results = all_at_once(20, lambda i: intervention_join(intervention=first if i % 2 else second,
                                                          user=residents[i], charter_accepted=True).seat)

    assert sorted(r[1] for r in results if r[0] == "ok") == [3, 4, 5]
    assert [r[1] for r in results if r[0] == "refused"] == ["asset_full"] * 17
    seated = Participation.objects.filter(asset=asset)
    assert seated.count() == 5 and sorted(seated.values_list("seat", flat=True)) == [1, 2, 3, 4, 5]


def test_twenty_residents_on_one_intervention_of_an_asset_limited_to_five(territory):
    asset = AssetFactory(territory=territory, max_participants=5)
    intervention = make_intervention(territory=territory, asset=asset)
    residents = [UserFactory() for _ in range(20)]

    results = all_at_once(20, lambda i: intervention_join(intervention=intervention, user=residents[i],
                                                          charter_accepted=True).pk)

    assert sum(1 for r in results if r[0] == "ok") == 4  # plus the organiser: five
    assert intervention.participations.count() == 5


def test_without_the_row_lock_the_seat_constraint_still_never_seats_more_than_the_limit(territory, monkeypatch):
    """The backstop alone: a code path that forgot the lock may refuse too much, never seat too many."""
    from alleger.assets.models import Asset
    from alleger.interventions import services

    monkeypatch.setattr(services, "_lock_asset", lambda asset_id: Asset.objects.get(pk=asset_id))
    asset = AssetFactory(territory=territory, max_participants=5)
    intervention = make_intervention(territory=territory, asset=asset)
    residents = [UserFactory() for _ in range(20)]

    results = all_at_once(20, lambda i: intervention_join(intervention=intervention, user=residents[i],
                                                          charter_accepted=True).seat)

    seats = [r[1] for r in results if r[0] == "ok"]
    assert 1 <= len(seats) <= 4 and len(set(seats)) == len(seats)
    assert {r[1] for r in results if r[0] == "refused"} <= {"asset_full"}
    assert Participation.objects.filter(asset=asset).count() <= 5

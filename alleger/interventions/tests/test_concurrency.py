"""Races on PostgreSQL: twenty residents join an asset limited to five at the same time.

Each thread has its own connection; a barrier releases them together. The
asset row lock serialises the seat counting; the unique seat per asset is
the backstop. Exactly five participants (organiser included) must come out.
"""


import pytest

from alleger.interventions.models import Participation
from alleger.interventions.services import intervention_join
from alleger.testing.assets_factories import AssetFactory
from alleger.testing.concurrency import all_at_once
from alleger.testing.factories import UserFactory
from alleger.testing.interventions_factories import make_intervention

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


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

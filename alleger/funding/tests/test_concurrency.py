"""Races on PostgreSQL: real threads, each with its own connection, released together by a barrier.

Every write locks the project row first and pools after it in pk order, so
these must come out exact: never a cent above the cap, never a reward
oversold, one contribution per idempotency key, never a pool below zero,
and no deadlock when live campaigns and settlement share pools.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from alleger.funding import ledger
from alleger.funding.models import Contribution, Match, MatchingPool, Project
from alleger.funding.providers import CARD_CAPTURE_ALWAYS_FAILS
from alleger.funding.services import settlement, sponsors
from alleger.funding.services.contributions import contribution_cancel, contribution_create
from alleger.testing.concurrency import all_at_once
from alleger.testing.factories import UserFactory
from alleger.testing.money import books_problems, contribute, published_project, sponsor_pool

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def campaign(territory):
    return published_project(territory=territory, goal_cents=10_000, duration_days=30,
                             rewards=[{"title": "Un repas au lancement", "min_amount_cents": 1_000,
                                       "quantity": 5}])


def test_fifty_contributions_at_the_cap_boundary_never_exceed_it(campaign):
    people = [UserFactory() for _ in range(50)]
    contribute(campaign, UserFactory(), 12_000)  # cap 20_000: room for exactly eight gifts of 1_000
    results = all_at_once(50, lambda i: contribute(campaign, people[i], 1_000).pk)
    outcomes = sorted(r[1] if r[0] == "refused" else "ok" for r in results)
    assert outcomes.count("ok") == 8
    assert outcomes.count("over_cap") == 42
    campaign.refresh_from_db()
    assert (campaign.pledged_cents, campaign.total_cents, campaign.contributors_count) == (20_000, 20_000, 9)
    assert Contribution.objects.filter(project=campaign).count() == 9
    assert books_problems() == []


def test_twenty_claims_of_a_reward_with_a_stock_of_five_give_exactly_five(campaign):
    reward = campaign.rewards.get()
    people = [UserFactory() for _ in range(20)]
    results = all_at_once(20, lambda i: contribute(campaign, people[i], 1_000, reward=reward).pk)
    assert sum(r[0] == "ok" for r in results) == 5
    assert [r[1] for r in results if r[0] == "refused"] == ["reward_sold_out"] * 15
    reward.refresh_from_db()
    assert reward.claimed == 5 == Contribution.objects.filter(reward=reward).count()
    assert books_problems() == []


def test_the_same_idempotency_key_from_ten_threads_gives_one_contribution(campaign):
    person = UserFactory()

    def pledge(_):
        contribution, created = contribution_create(project=campaign, contributor=person, amount_cents=2_500,
                                                    idempotency_key="double-click")
        return contribution.pk, created

    results = all_at_once(10, pledge)
    ids = {r[1][0] for r in results}
    assert len(ids) == 1
    assert sum(r[1][1] for r in results) == 1  # created once, nine repeats
    assert Contribution.objects.get().pk == ids.pop()
    campaign.refresh_from_db()
    assert (campaign.pledged_cents, campaign.contributors_count) == (2_500, 1)
    assert books_problems() == []


@pytest.mark.parametrize("in_sql", [True, False], ids=["stored-function", "orm"])
@pytest.mark.parametrize("other", ["project", "amount"])
def test_one_key_sent_at_once_with_different_parameters_makes_one_contribution_and_refuses_the_other(
        territory, campaign, settings, in_sql, other):
    # Given one person's two requests with the same key: on two projects (two different locks), or the
    # same project with two amounts
    settings.FUNDING_RECORD_IN_SQL = in_sql
    person = UserFactory()
    second = published_project(territory=territory, goal_cents=10_000) if other == "project" else campaign
    requests = [(campaign, 2_500), (second, 2_500 if other == "project" else 3_000)]

    def pledge(i):
        project, amount = requests[i]
        contribution, created = contribution_create(project=project, contributor=person, amount_cents=amount,
                                                    idempotency_key="same-key")
        return contribution.pk, created

    # When they arrive at once
    results = all_at_once(2, pledge)
    # Then one is created, the other refused as a reused key, and no hold is left behind
    assert sorted(r[0] for r in results) == ["ok", "refused"]
    assert [r[1] for r in results if r[0] == "refused"] == ["idempotency_key_reused"]
    assert [r[1][1] for r in results if r[0] == "ok"] == [True]
    assert Contribution.objects.count() == 1
    assert books_problems() == []


def test_a_pool_matched_from_many_projects_at_once_spends_exactly_its_balance_and_no_more(territory):
    pool = sponsor_pool(territory=territory, amount_cents=5_500)
    campaigns = [published_project(territory=territory, goal_cents=100_000) for _ in range(4)]
    people = [UserFactory() for _ in range(40)]
    all_at_once(40, lambda i: contribute(campaigns[i % 4], people[i], 1_000).pk)
    pool.refresh_from_db()
    assert pool.balance_cents == 0 == ledger.balance(ledger.pool_key(pool.pk))
    assert sorted(Match.objects.values_list("amount_cents", flat=True)) == [500] + [1_000] * 5
    assert sum(Project.objects.values_list("matched_cents", flat=True)) == 5_500
    assert books_problems() == []


def test_given_pools_shared_by_live_and_ending_campaigns_when_all_move_at_once_then_no_deadlock(territory):
    """Pledges lock the project then every pool in scope by pk; settlement gives matches back
    (failed campaigns, dropped payments) locking pools by pk too. Before that order was kept,
    a drop could lock pool B then pool A while a pledge held A and waited for B."""
    now = timezone.now()
    # The lump sum has the lowest pk, then two first-euro pools.
    lump = sponsor_pool(territory=territory, amount_cents=50_000, trigger="lump_sum", lump_sum_cents=500,
                        threshold_contributors=2)
    first = sponsor_pool(territory=territory, amount_cents=0)
    second = sponsor_pool(territory=territory, amount_cents=50_000)
    backers = [UserFactory() for _ in range(40)]

    # A campaign that will succeed but whose payments never capture: its matches come back when the
    # grace period ends, in the order of its contributions — from `second` first, then from `first`.
    dropping = published_project(territory=territory, goal_cents=3_000, duration_days=7,
                                 now=now - timedelta(days=20))
    contribute(dropping, backers[0], 1_500, now=now - timedelta(days=19),
               payment_details={"card_number": CARD_CAPTURE_ALWAYS_FAILS})
    sponsors.pool_top_up(pool=first, actor=None, amount_cents=50_000, idempotency_key="top-up")
    for person in backers[1:6]:
        contribute(dropping, person, 200, now=now - timedelta(days=19),
                   payment_details={"card_number": CARD_CAPTURE_ALWAYS_FAILS})
    # Campaigns that will fail, holding matches from every pool.
    failing = [published_project(territory=territory, goal_cents=100_000, duration_days=7,
                                 now=now - timedelta(days=8)) for _ in range(3)]
    for project in failing:
        for person in backers[6:10]:
            contribute(project, person, 500, now=now - timedelta(days=7))
    live = [published_project(territory=territory, goal_cents=100_000) for _ in range(3)]
    earlier = [contribute(live[i % 3], backers[10 + i], 300) for i in range(9)]
    assert Match.objects.filter(pool=first).exists() and Match.objects.filter(pool=second).exists()

    def act(i):
        if i == 0:
            return len(settlement.settle_due(now=now))
        if i < 10:
            mine = earlier[i - 1]
            return contribution_cancel(contribution=mine, actor=mine.contributor).pk
        return contribute(live[i % 3], backers[i], 700).pk

    all_at_once(40, act)
    for project in failing:
        project.refresh_from_db()
        assert (project.status, project.settled_at is not None) == (Project.Status.FAILED, True)
    dropping.refresh_from_db()
    assert dropping.status == Project.Status.SUCCEEDED and dropping.paid_out_at is not None
    assert not Match.objects.filter(project__in=failing).exclude(status=Match.Status.RETURNED).exists()
    # The dropped payments' matches went back; only the lump sum was paid out with the campaign.
    assert list(Match.objects.filter(project=dropping).exclude(status=Match.Status.RETURNED).values_list(
        "pool", "status")) == [(lump.pk, Match.Status.RELEASED)]
    assert all(c.status == Contribution.Status.CANCELLED for c in Contribution.objects.filter(
        pk__in=[c.pk for c in earlier]))
    for pool in (lump, first, second):
        pool.refresh_from_db()
        assert pool.balance_cents == ledger.balance(ledger.pool_key(pool.pk)) >= 0
    assert MatchingPool.objects.filter(balance_cents__lt=0).count() == 0
    assert books_problems() == []


def test_offline_money_owed_back_confirmed_returned_by_eight_moderators_at_once_is_returned_once(territory, campaign):
    from alleger.core.models import AuditEvent
    from alleger.funding.services.contributions import (
        contribution_confirm_receipt,
        contribution_confirm_returned,
    )
    from alleger.territories.models import TerritoryRole
    from alleger.testing.factories import TerritoryRoleFactory

    moderators = [TerritoryRoleFactory(territory=territory, role=TerritoryRole.Role.MODERATOR,
                                       user=UserFactory()).user for _ in range(8)]
    backer = UserFactory()
    offline = contribute(campaign, backer, 3_000, provider="offline")
    contribution_confirm_receipt(contribution=offline, actor=moderators[0])
    contribution_cancel(contribution=offline, actor=backer)
    results = all_at_once(8, lambda i: contribution_confirm_returned(
        contribution=Contribution.objects.get(pk=offline.pk), actor=moderators[i]).returned_by_id)
    assert sum(r[0] == "ok" for r in results) == 1
    assert [r[1] for r in results if r[0] == "refused"] == ["not_owed"] * 7
    offline.refresh_from_db()
    assert offline.returned_by_id == next(r[1] for r in results if r[0] == "ok")
    assert AuditEvent.objects.filter(action="contribution.confirm_returned").count() == 1
    assert books_problems() == []

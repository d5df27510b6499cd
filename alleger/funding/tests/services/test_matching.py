"""funding.services.matching (through contributions): how sponsors' pools match contributions."""

import pytest

from alleger.funding import ledger
from alleger.funding.models import Call, Match, MatchingPool, Theme, Transfer
from alleger.funding.services import sponsors
from alleger.funding.services.contributions import contribution_create
from alleger.testing.factories import TerritoryFactory
from alleger.testing.money import (
    DAY,
    T0,
    books_problems,
    contribute,
    published_project,
    sponsor_pool,
)

from .support import DURING, refused, reload

pytestmark = pytest.mark.django_db


# --- matching -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("factor_bp, expected", [(10_000, 1_000), (5_000, 500), (20_000, 2_000), (3_333, 333)])
def test_given_a_pool_with_a_factor_then_the_match_is_the_amount_times_the_factor_rounded_down(
        territory, project, backers, factor_bp, expected):
    pool = sponsor_pool(territory=territory, amount_cents=100_000, factor_bp=factor_bp)
    contribution = contribute(project, backers[0], 1_000, now=DURING)
    assert contribution.matched_cents == expected
    assert (reload(project).matched_cents, reload(pool).balance_cents) == (expected, 100_000 - expected)
    commit = Transfer.objects.get(kind=Transfer.Kind.MATCH_COMMIT)
    assert (commit.source.key, commit.destination.key, commit.amount_cents) == (
        ledger.pool_key(pool.pk), ledger.escrow_key(project.pk), expected)
    assert books_problems() == []


def test_given_a_gift_to_one_s_own_project_then_no_pool_matches_it(territory, project, holder, backers):
    from alleger.funding.models import Project
    from alleger.organisations.models import Membership
    from alleger.testing.factories import MembershipFactory, OrganisationFactory

    pool = sponsor_pool(territory=territory, amount_cents=100_000)
    assert contribute(project, holder, 1_000, now=DURING).matched_cents == 0  # the holder herself
    carrier = OrganisationFactory(name="Le Café d'à Côté")
    Project.objects.filter(pk=project.pk).update(organisation=carrier)
    member = MembershipFactory(organisation=carrier, role=Membership.Role.MEMBER).user
    assert contribute(project, member, 1_000, now=DURING).matched_cents == 0  # a member of the carrier
    MembershipFactory(organisation=carrier, user=backers[1], role=Membership.Role.ADMIN)
    assert contribute(project, backers[1], 1_000, now=DURING, organisation=carrier).matched_cents == 0  # in its name
    assert contribute(project, backers[0], 1_000, now=DURING).matched_cents == 1_000  # anyone else, as before
    assert (reload(project).matched_cents, reload(pool).balance_cents) == (1_000, 99_000)
    assert reload(project).pledged_cents == 4_000
    assert books_problems() == []


def test_given_a_gift_from_a_pool_s_own_sponsor_then_that_pool_does_not_match_it(territory, project, backers):
    from alleger.organisations.models import Membership
    from alleger.testing.factories import MembershipFactory, OrganisationFactory

    foundation = OrganisationFactory(is_sponsor=True, territory=territory, name="Fondation Nouveau Monde")
    own = sponsor_pool(territory=territory, amount_cents=100_000, sponsor=foundation)
    other = sponsor_pool(territory=territory, amount_cents=100_000)
    MembershipFactory(organisation=foundation, user=backers[0], role=Membership.Role.ADMIN)
    # In its name or as one of its people: its own pool passes, the next one matches as for anyone
    assert contribute(project, backers[0], 1_000, now=DURING, organisation=foundation).matched_cents == 1_000
    assert contribute(project, backers[0], 500, now=DURING).matched_cents == 500
    assert (reload(own).balance_cents, reload(other).balance_cents) == (100_000, 98_500)
    assert contribute(project, backers[1], 1_000, now=DURING).matched_cents == 1_000  # others: the first pool
    assert reload(own).balance_cents == 99_000
    assert books_problems() == []


def test_given_a_cap_per_contribution_then_a_large_gift_is_matched_up_to_it(territory, project, backers):
    sponsor_pool(territory=territory, amount_cents=100_000, cap_per_contribution_cents=2_000)
    assert contribute(project, backers[0], 5_000, now=DURING).matched_cents == 2_000
    assert contribute(project, backers[1], 1_500, now=DURING).matched_cents == 1_500


def test_given_a_cap_per_project_then_matches_stop_there(territory, project, backers):
    sponsor_pool(territory=territory, amount_cents=100_000, cap_per_project_cents=2_500)
    amounts = [contribute(project, b, 1_000, now=DURING).matched_cents for b in backers]
    assert amounts == [1_000, 1_000, 500, 0]
    assert reload(project).matched_cents == 2_500


def test_given_a_limit_of_matches_per_contributor_then_further_gifts_are_not_matched(territory, project,
                                                                                   backers):
    sponsor_pool(territory=territory, amount_cents=100_000, max_matches_per_contributor=2)
    amounts = [contribute(project, backers[0], 1_000, now=DURING).matched_cents for _ in range(3)]
    assert amounts == [1_000, 1_000, 0]
    assert contribute(project, backers[1], 1_000, now=DURING).matched_cents == 1_000


def test_given_a_lump_sum_on_a_percentage_then_it_comes_once_when_the_crowd_reaches_it(territory, project,
                                                                                     backers):
    pool = sponsor_pool(territory=territory, amount_cents=50_000, trigger="lump_sum", lump_sum_cents=20_000,
                        threshold_percent=50)
    contribute(project, backers[0], 49_900, now=DURING)
    assert reload(project).matched_cents == 0
    contribute(project, backers[1], 100, now=DURING)  # 50 % of the goal: 50_000
    assert reload(project).matched_cents == 20_000
    contribute(project, backers[2], 10_000, now=DURING)
    lump = Match.objects.get()
    assert (lump.contribution, lump.amount_cents, reload(pool).balance_cents) == (None, 20_000, 30_000)
    assert books_problems() == []


def test_given_a_lump_sum_on_a_number_of_contributors_then_it_counts_people_not_gifts(territory, project,
                                                                                    backers):
    sponsor_pool(territory=territory, amount_cents=50_000, trigger="lump_sum", lump_sum_cents=5_000,
                 threshold_contributors=3)
    contribute(project, backers[0], 1_000, now=DURING)
    contribute(project, backers[0], 1_000, now=DURING)
    contribute(project, backers[1], 1_000, now=DURING)
    assert reload(project).matched_cents == 0
    contribute(project, backers[2], 1_000, now=DURING)
    assert reload(project).matched_cents == 5_000


def test_given_a_pool_narrowed_to_a_theme_then_it_matches_only_projects_of_that_theme(territory, holder,
                                                                                    backers):
    food = Theme.objects.create(territory=territory, name="Alimentation", slug="alimentation")
    sponsor_pool(territory=territory, amount_cents=10_000, theme=food)
    themed = published_project(territory=territory, holder=holder, now=T0, themes=[food])
    other = published_project(territory=territory, holder=holder, now=T0)
    assert contribute(themed, backers[0], 1_000, now=DURING).matched_cents == 1_000
    assert contribute(other, backers[0], 1_000, now=DURING).matched_cents == 0


def test_given_a_pool_attached_to_a_call_then_it_matches_only_projects_of_that_call(territory, holder, backers):
    pool = sponsor_pool(territory=territory, amount_cents=10_000)
    call = Call.objects.create(territory=territory, title="Appel", slug="appel", description="…",
                               opens_at=T0 - 10 * DAY, closes_at=T0 + 10 * DAY, pool=pool)
    in_call = published_project(territory=territory, holder=holder, now=T0, call=call)
    outside = published_project(territory=territory, holder=holder, now=T0)
    assert contribute(in_call, backers[0], 1_000, now=DURING).matched_cents == 1_000
    assert contribute(outside, backers[0], 1_000, now=DURING).matched_cents == 0


def test_given_a_pool_of_another_territory_or_inactive_then_it_matches_nothing(territory, project, backers):
    sponsor_pool(territory=TerritoryFactory(), amount_cents=10_000)
    pool = sponsor_pool(territory=territory, amount_cents=10_000)
    MatchingPool.objects.filter(pk=pool.pk).update(active=False)
    assert contribute(project, backers[0], 1_000, now=DURING).matched_cents == 0


def test_given_a_pool_nearly_empty_then_it_gives_what_it_has_and_never_goes_negative(territory, project,
                                                                                   backers):
    pool = sponsor_pool(territory=territory, amount_cents=300)
    assert contribute(project, backers[0], 1_000, now=DURING).matched_cents == 300
    assert contribute(project, backers[1], 1_000, now=DURING).matched_cents == 0
    assert reload(pool).balance_cents == 0 == ledger.balance(ledger.pool_key(pool.pk))
    assert books_problems() == []


def test_given_the_room_under_the_cap_is_short_then_the_match_is_cut_to_it_and_the_total_stays_at_the_cap(
        territory, project, backers):
    sponsor_pool(territory=territory, amount_cents=500_000)
    assert contribute(project, backers[0], 150_000, now=DURING).matched_cents == 50_000
    assert reload(project).total_cents == 200_000
    sponsor_pool(territory=territory, amount_cents=10_000, trigger="lump_sum", lump_sum_cents=1_000,
                 threshold_contributors=1)
    refused("over_cap", contribution_create, project=project, contributor=backers[1], amount_cents=100,
            idempotency_key="k", now=DURING)


def test_given_the_first_pool_is_empty_then_the_next_one_matches(territory, project, backers):
    empty = sponsor_pool(territory=territory, amount_cents=0)
    full = sponsor_pool(territory=territory, amount_cents=5_000)
    contribute(project, backers[0], 1_000, now=DURING)
    assert Match.objects.get().pool == full
    assert reload(empty).balance_cents == 0


def test_given_a_top_up_when_the_same_key_is_replayed_then_it_counts_once_but_another_pool_is_funded(
        territory, sponsor_organisation, sponsor):
    a = sponsor_pool(territory=territory, amount_cents=0, sponsor=sponsor_organisation)
    b = sponsor_pool(territory=territory, amount_cents=0, sponsor=sponsor_organisation)
    for _ in range(2):
        sponsors.pool_top_up(pool=a, actor=sponsor, amount_cents=1_000, idempotency_key="virement-42")
    sponsors.pool_top_up(pool=b, actor=sponsor, amount_cents=700, idempotency_key="virement-42")
    sponsors.pool_top_up(pool=b, actor=sponsor, amount_cents=1, idempotency_key="u" * 80)  # the longest a form sends
    assert (reload(a).balance_cents, reload(b).balance_cents) == (1_000, 701)
    assert ledger.balance(ledger.sponsor_key(sponsor_organisation.pk)) == -1_701
    refused("invalid", sponsors.pool_top_up, pool=a, actor=sponsor, amount_cents=0, idempotency_key="x")
    refused("invalid", sponsors.pool_top_up, pool=a, actor=sponsor, amount_cents=1, idempotency_key="x" * 81)
    refused("invalid", sponsors.pool_create, sponsor=sponsor_organisation, actor=sponsor, name="N",
            territory=territory, initial_cents=-5, idempotency_key="y")
    assert books_problems() == []

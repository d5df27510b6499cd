"""The hot path of a pledge: checks before the lock, the record under it, and the two ways to record.

`contribution_create` refuses what it can from a snapshot read without any
lock, authorises the card, then records under the project's lock — with one
stored function on PostgreSQL (`funding_contribution_record`, migration 0004)
or the ORM elsewhere. What the snapshot said may be stale by the time the
lock is taken: these tests make that race deterministic by handing the
service a stale snapshot, and check that the record refuses, leaves nothing
behind and gives the card hold back. On PostgreSQL they run through both
recorders; `test_the_stored_function_and_the_orm_record_the_same_histories`
runs random histories through both and compares every row.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alleger.core.errors import Refused
from alleger.funding.models import (
    Contribution,
    Match,
    MatchingPool,
    Project,
    Reward,
    SimulatedCharge,
    Transfer,
)
from alleger.funding.services import contributions as contribution_services
from alleger.funding.services.contributions import contribution_cancel, contribution_create
from alleger.organisations.models import Membership
from alleger.testing.factories import MembershipFactory, TerritoryFactory, UserFactory
from alleger.testing.funding_factories import ThemeFactory
from alleger.testing.money import (
    books_problems,
    cap_cents,
    contribute,
    money_snapshot,
    published_project,
    sponsor_pool,
    unique_key,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["sql", "orm"])
def recorder(request, settings):
    """Which recorder runs: the stored function (PostgreSQL only) or the ORM."""
    if request.param == "sql" and connection.vendor != "postgresql":
        pytest.skip("the stored function exists on PostgreSQL only")
    settings.FUNDING_RECORD_IN_SQL = request.param == "sql"
    return request.param


@pytest.fixture
def territory():
    return TerritoryFactory(overfunding_cap_bp=12_000)


def _stale_snapshot(monkeypatch, **stale):
    """Make the lock-free snapshot return what was true a moment ago: `stale` overrides the project's fields,
    `first_id=None` hides a contribution already made with the key."""
    real = contribution_services._snapshot

    def snapshot(project_id, contributor_id, key):
        project, first_id = real(project_id, contributor_id, key)
        first_id = stale.pop("first_id", first_id)
        for name, value in stale.items():
            setattr(project, name, value)
        return project, first_id

    monkeypatch.setattr(contribution_services, "_snapshot", snapshot)


def _no_hold_left_behind():
    """Every authorised card hold belongs to a contribution (books_problems checks it, named here for clarity)."""
    used = set(Contribution.objects.values_list("provider_reference", flat=True))
    return [r for r in SimulatedCharge.objects.filter(status="authorised").values_list("reference", flat=True)
            if r not in used]


def test_the_cap_reached_between_snapshot_and_lock_refuses_with_the_room_left_and_keeps_nothing(
        recorder, territory, monkeypatch):
    project = published_project(territory=territory, goal_cents=10_000)
    contribute(project, UserFactory(), cap_cents(project) - 300)  # 300 cents of room left
    before = money_snapshot()
    _stale_snapshot(monkeypatch, pledged_cents=0)

    with pytest.raises(Refused) as refused:
        contribute(project, UserFactory(), 1_000)

    assert refused.value.code == "over_cap"
    assert "il reste 3\xa0€" in refused.value.message  # the room left, in euros
    after = money_snapshot()
    assert {k: v for k, v in after.items() if k != "charges"} == {k: v for k, v in before.items() if k != "charges"}
    assert _no_hold_left_behind() == []
    assert books_problems() == []


def test_the_last_reward_taken_between_snapshot_and_lock_is_refused_and_the_hold_voided(
        recorder, territory, monkeypatch):
    project = published_project(territory=territory, rewards=[
        {"title": "Un café", "min_amount_cents": 500, "quantity": 1}])
    reward = project.rewards.get()
    contribute(project, UserFactory(), 500, reward=reward)
    before = money_snapshot()
    monkeypatch.setattr(Reward, "remaining", property(lambda self: 1))  # the snapshot still sees one left

    with pytest.raises(Refused) as refused:
        contribute(project, UserFactory(), 500, reward=reward)

    assert refused.value.code == "reward_sold_out"
    assert {k: v for k, v in money_snapshot().items() if k != "charges"} == \
        {k: v for k, v in before.items() if k != "charges"}
    assert Reward.objects.get(pk=reward.pk).claimed == 1
    assert _no_hold_left_behind() == []
    assert books_problems() == []


def test_a_campaign_closed_between_snapshot_and_lock_takes_nothing(recorder, territory, monkeypatch):
    project = published_project(territory=territory)
    Project.objects.filter(pk=project.pk).update(status=Project.Status.SUCCEEDED)
    _stale_snapshot(monkeypatch, status=Project.Status.PUBLISHED)

    with pytest.raises(Refused) as refused:
        contribute(project, UserFactory(), 1_000)

    assert refused.value.code == "campaign_closed"
    assert not Contribution.objects.exists()
    assert _no_hold_left_behind() == []


def test_a_key_used_between_snapshot_and_lock_returns_the_first_contribution_and_voids_the_second_hold(
        recorder, territory, monkeypatch):
    project = published_project(territory=territory)
    backer = UserFactory()
    first = contribute(project, backer, 1_000, key="same-key")
    _stale_snapshot(monkeypatch, first_id=None)

    again, created = contribution_create(project=project, contributor=backer, amount_cents=1_000,
                                         idempotency_key="same-key")

    assert (again.pk, created, again.amount_cents) == (first.pk, False, 1_000)
    assert Contribution.objects.count() == 1
    assert SimulatedCharge.objects.filter(status="authorised").count() == 1  # the first one's, still held
    assert _no_hold_left_behind() == []
    assert books_problems() == []


def test_a_key_used_between_snapshot_and_lock_with_other_parameters_is_refused_and_voids_the_second_hold(
        recorder, territory, monkeypatch):
    project = published_project(territory=territory)
    backer = UserFactory()
    first = contribute(project, backer, 1_000, key="same-key")
    _stale_snapshot(monkeypatch, first_id=None)
    before = money_snapshot()

    with pytest.raises(Refused) as refused:
        contribution_create(project=project, contributor=backer, amount_cents=2_000, idempotency_key="same-key")

    assert refused.value.code == "idempotency_key_reused"
    assert Contribution.objects.get().pk == first.pk
    assert SimulatedCharge.objects.filter(status="authorised").count() == 1  # the first one's, still held
    assert _no_hold_left_behind() == []
    after = money_snapshot()
    assert [after[k] == before[k] for k in before if k != "charges"] == [True] * (len(before) - 1)
    assert books_problems() == []


def test_a_declined_card_writes_nothing(recorder, territory):
    project = published_project(territory=territory)
    before = money_snapshot()
    with pytest.raises(Refused) as refused:
        contribute(project, UserFactory(), 1_000, payment_details={"card_number": "4000000000000002"})
    assert refused.value.code == "payment_declined"
    assert money_snapshot() == before


def test_the_pledge_returned_by_the_service_is_the_one_stored(recorder, territory):
    project = published_project(territory=territory)
    sponsor_pool(territory=territory, amount_cents=10_000, cap_per_contribution_cents=400)
    admin = MembershipFactory(role=Membership.Role.ADMIN).user
    organisation = admin.memberships.get().organisation
    contribution = contribute(project, admin, 1_000, anonymous=True, message="Bravo", organisation=organisation)
    stored = Contribution.objects.get(pk=contribution.pk)
    assert stored.organisation_id == organisation.pk and stored.contributor_id == admin.pk
    for name in ("project_id", "contributor_id", "kind", "amount_cents", "anonymous", "message", "idempotency_key",
                 "provider", "provider_reference", "status", "matched_cents", "organisation_id"):
        assert getattr(contribution, name) == getattr(stored, name), name
    assert stored.matched_cents == 400
    project.refresh_from_db()
    assert (project.pledged_cents, project.matched_cents, project.contributors_count) == (1_000, 400, 1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_lock_is_taken_and_released_within_one_autocommitted_statement(territory):
    """The project's lock never waits on Python: the stored function runs as a statement of its own
    (autocommit), after every other statement of the pledge."""
    project = published_project(territory=territory)
    seen = []

    def spy(execute, sql, params, many, context):
        seen.append(("funding_contribution_record" if "funding_contribution_record(" in sql else sql.split()[0],
                     connection.get_autocommit(), connection.in_atomic_block))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        contribute(project, UserFactory(), 1_000)

    record = [s for s in seen if s[0] == "funding_contribution_record"]
    assert record == [("funding_contribution_record", True, False)]
    after = [s[0] for s in seen[seen.index(record[0]) + 1:]]
    assert set(after) <= {"SELECT"}  # nothing written after it (the receipt job reads its recipient)
    project.refresh_from_db()
    assert (project.pledged_cents, project.contributors_count) == (1_000, 1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_pledge_s_snapshot_and_record_are_prepared_once_and_renew_the_data_version(territory):
    """Planning the snapshot cost more than running it: both statements are prepared on the connection
    (alleger.core.db), and the record's statement still renews the shared fragments' data version."""
    from alleger.core import fragments

    project = published_project(territory=territory)

    def version():
        with connection.cursor() as cursor:
            cursor.execute("SELECT version FROM core_dataversion WHERE id = 1")
            return cursor.fetchone()[0]

    versions = []
    for _ in range(3):
        before = version()
        with CaptureQueriesContext(connection) as queries:
            contribute(project, UserFactory(), 1_000)
        versions.append(version() != before)
    assert versions == [True, True, True]
    # Django's query log still shows them (DEBUG, assertNumQueries)
    logged = [query["sql"] for query in queries.captured_queries]
    assert None not in logged and sum("funding_contribution_record(" in sql for sql in logged) == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        prepared = [row[0] for row in cursor.fetchall()]
    assert sum("funding_contribution_record(" in sql for sql in prepared) == 1
    assert sum(fragments.BUMP_CALL.split("(")[0] in sql for sql in prepared) == 1
    assert sum("idempotency_key = $" in sql for sql in prepared) == 1  # the snapshot
    project.refresh_from_db()
    assert (project.pledged_cents, project.contributors_count) == (3_000, 3)


@pytest.mark.postgres
def test_on_postgresql_a_card_pledge_writes_no_index_it_does_not_need():
    """Each index is one more entry written by every pledge, under the project's lock (migration 0012)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename IN "
                       "('funding_contribution', 'funding_transfer', 'funding_simulatedcharge')")
        indexes = cursor.fetchall()
    assert not [name for _table, name, sql in indexes if "pattern_ops" in sql]
    full = sorted(name for table, name, sql in indexes if table == "funding_contribution" and " WHERE " not in sql)
    assert len(full) == 5, full  # the key, (contributor, key), (project, contributor), (project, status), date
    partial = {name for table, name, sql in indexes if table == "funding_contribution" and " WHERE " in sql}
    assert partial == {"contribution_awaiting_money", "contribution_reward", "contribution_organisation",
                       "contribution_confirmed_by"}


# --------------------------------------------------------------------------
# The two recorders, side by side


first_euro_pools = st.fixed_dictionaries({
    "trigger": st.just(MatchingPool.Trigger.FIRST_EURO),
    "factor_bp": st.sampled_from([5_000, 10_000, 20_000]),
    "cap_per_contribution_cents": st.sampled_from([None, 300, 1_000]),
    "cap_per_project_cents": st.sampled_from([None, 1_500, 5_000]),
    "max_matches_per_contributor": st.sampled_from([None, 1, 2]),
    "amount": st.sampled_from([0, 500, 3_000, 20_000]),
    "on_theme": st.booleans(),
})
lump_sum_pools = st.fixed_dictionaries({
    "trigger": st.just(MatchingPool.Trigger.LUMP_SUM),
    "lump_sum_cents": st.sampled_from([1_000, 5_000]),
    "threshold_percent": st.sampled_from([None, 20, 50]),
    "threshold_contributors": st.sampled_from([None, 2, 3]),
    "cap_per_project_cents": st.sampled_from([None, 2_000]),
    "amount": st.sampled_from([500, 20_000]),
    "on_theme": st.booleans(),
}).filter(lambda p: p["threshold_percent"] is not None or p["threshold_contributors"] is not None)
steps = st.lists(st.one_of(
    st.tuples(st.just("give"), st.integers(0, 3), st.sampled_from([100, 500, 1_000, 2_500, 7_000]), st.booleans()),
    st.tuples(st.just("cancel"), st.integers(0, 20)),
), min_size=1, max_size=14)


def _play(plan: dict) -> dict:
    """Build the scene and play the history through the services; return every row, numbered by creation."""
    territory = TerritoryFactory(overfunding_cap_bp=12_000)
    theme = ThemeFactory(territory=territory)
    other_theme = ThemeFactory(territory=territory)
    pools = []
    for rules in plan["pools"]:
        rules = dict(rules)
        amount, on_theme = rules.pop("amount"), rules.pop("on_theme")
        pools.append(sponsor_pool(territory=territory, amount_cents=amount,
                                  theme=theme if on_theme else other_theme if rules["trigger"] == "first_euro"
                                  else None, **rules))
    project = published_project(territory=territory, goal_cents=10_000, themes=[theme], rewards=[
        {"title": "Un panier", "min_amount_cents": 500, "quantity": 2}])
    reward = project.rewards.get()
    people = [UserFactory() for _ in range(4)]
    # The first person administers an organisation and gives in its name.
    organisation = MembershipFactory(user=people[0], role=Membership.Role.ADMIN).organisation
    outcomes, made = [], []
    for step in plan["steps"]:
        try:
            if step[0] == "give":
                _, who, amount, with_reward = step
                contribution = contribute(project, people[who], amount, key=unique_key(),
                                          reward=reward if with_reward and amount >= 500 else None,
                                          organisation=organisation if who == 0 else None)
                made.append(contribution)
                outcomes.append(("ok", contribution.amount_cents, contribution.matched_cents))
            elif made:
                contribution = made[step[1] % len(made)]
                contribution_cancel(contribution=contribution, actor=contribution.contributor)
                outcomes.append(("cancelled",))
        except Refused as refusal:
            outcomes.append(("refused", refusal.code))
        # The totals after every step: a match committed one step early or late shows here.
        outcomes.append(Project.objects.filter(pk=project.pk).values_list(
            "pledged_cents", "matched_cents", "contributors_count").get())
    problems = books_problems()

    number = {}

    def n(kind, pk):
        return None if pk is None else number.setdefault((kind, pk), len([k for k in number if k[0] == kind]))

    for pool in pools:
        n("pool", pool.pk)
    for person in people:
        n("person", person.pk)
    contributions = [(n("contribution", c.pk), n("person", c.contributor_id), c.amount_cents, c.status,
                      c.matched_cents, c.reward_id is not None, c.organisation_id is not None)
                     for c in Contribution.objects.order_by("pk")]
    matches = [(n("pool", m.pool_id), n("contribution", m.contribution_id), m.amount_cents, m.status)
               for m in Match.objects.order_by("pk")]
    project.refresh_from_db()
    return {
        "outcomes": outcomes,
        "problems": problems,
        "project": (project.pledged_cents, project.matched_cents, project.contributors_count,
                    project.goal_reached_at is not None),
        "reward": Reward.objects.get(pk=reward.pk).claimed,
        "pools": [MatchingPool.objects.get(pk=p.pk).balance_cents for p in pools],
        "contributions": contributions,
        "matches": matches,
        "transfers": sorted((t.kind, t.amount_cents) for t in Transfer.objects.filter(project=project)),
    }


def _play_and_forget(plan: dict, *, in_sql: bool) -> dict:
    from django.conf import settings as django_settings

    previous = django_settings.FUNDING_RECORD_IN_SQL
    django_settings.FUNDING_RECORD_IN_SQL = in_sql
    try:
        with transaction.atomic():
            result = _play(plan)
            transaction.set_rollback(True)
    finally:
        django_settings.FUNDING_RECORD_IN_SQL = previous
    return result


@pytest.mark.postgres
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(plan=st.fixed_dictionaries({
    "pools": st.lists(st.one_of(first_euro_pools, lump_sum_pools), max_size=3),
    "steps": steps,
}))
def test_the_stored_function_and_the_orm_record_the_same_histories(plan):
    if connection.vendor != "postgresql":
        pytest.skip("the stored function exists on PostgreSQL only")
    in_sql = _play_and_forget(plan, in_sql=True)
    in_orm = _play_and_forget(plan, in_sql=False)
    assert in_sql["problems"] == [] and in_orm["problems"] == []
    assert in_sql == in_orm

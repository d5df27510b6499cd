"""The lifecycle as a state machine: whatever people and providers do, the books stay right.

Hypothesis drives two campaigns and three matching pools through random
sequences of contributions (any amount, over the cap too; rewards with a
stock of one or two; card or offline; test cards that decline or fail
captures; repeated idempotency keys), cancellations on both sides of the
24-hour cutoff, offline receipts, webhook replays, time passing and
settlement runs at any moment, repeated. After every step the cached
figures are recomputed from the ledger (`books_problems`), and every
service's answer is compared with what the rules predict: a refusal has the
right code and changed nothing; an acceptance took the amount as asked.
At the end, far in the future, everything is settled: nobody paid for a
failed campaign, the holder of a successful one received exactly what was
captured and matched minus the commission, escrows are empty, and each pool
kept exactly what it did not give.

Each example runs in a savepoint that is rolled back, so examples never see
each other's rows.
"""

import json
import sys
from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from alleger.core.errors import Refused
from alleger.funding import ledger
from alleger.funding.models import (
    Contribution,
    Match,
    MatchingPool,
    Project,
    Theme,
    Transfer,
    WebhookEvent,
)
from alleger.funding.providers import (
    CARD_CAPTURE_ALWAYS_FAILS,
    CARD_CAPTURE_FAILS_ONCE,
    CARD_DECLINED,
    CARD_OK,
    SimulatedCardProvider,
    get_provider,
)
from alleger.funding.services import payments, settlement
from alleger.funding.services.contributions import (
    cancellable_until,
    contribution_cancel,
    contribution_confirm_receipt,
    contribution_create,
)
from alleger.testing.factories import TerritoryFactory, UserFactory
from alleger.testing.money import (
    DAY,
    HOUR,
    T0,
    books_problems,
    cap_cents,
    money_snapshot,
    net_paid,
    published_project,
    sponsor_pool,
)

CARDS = [CARD_OK, CARD_OK, CARD_DECLINED, CARD_CAPTURE_ALWAYS_FAILS, CARD_CAPTURE_FAILS_ONCE]
MIN_CENTS = 100
amounts = st.one_of(
    st.sampled_from([1, MIN_CENTS - 1, MIN_CENTS, 499, 500, 999, 1_000, 1_999, 2_000]),  # floors and tiers
    st.integers(MIN_CENTS, 6_000),          # ordinary gifts
    st.integers(6_000, 45_000),             # large ones, often over the cap
    st.just("room"),                        # exactly what is left under the cap
)


class Lifecycle(RuleBasedStateMachine):
    """Two campaigns and three pools, built once by the test (see `start`); every example runs in a
    savepoint, rolled back at the end, so each one starts from that same state."""

    territory = moderator = contributors = outsider = None
    projects: list[Project] = []
    pools: list[MatchingPool] = []
    funded: dict[int, int] = {}

    @classmethod
    def start(cls):
        territory = cls.territory = TerritoryFactory(allow_loan=True, commission_bp=750, overfunding_cap_bp=20_000)
        cls.moderator = UserFactory()
        cls.contributors = [UserFactory() for _ in range(3)]
        cls.outsider = UserFactory()
        food = Theme.objects.create(territory=territory, name="Alimentation", slug="alimentation")
        # The lump-sum pools are created first, so that they have the lower primary keys: locks
        # are taken by pk whatever the trigger.
        cls.pools = [
            sponsor_pool(territory=territory, amount_cents=3_000, trigger="lump_sum", lump_sum_cents=2_500,
                         threshold_percent=50, theme=food),
            sponsor_pool(territory=territory, amount_cents=2_000, trigger="lump_sum", lump_sum_cents=1_500,
                         threshold_contributors=3),
            sponsor_pool(territory=territory, amount_cents=6_000, factor_bp=10_000,
                         cap_per_contribution_cents=1_500, cap_per_project_cents=4_000,
                         max_matches_per_contributor=2),
        ]
        cls.funded = {pool.pk: pool.balance_cents for pool in cls.pools}
        cls.projects = [
            published_project(territory=territory, moderator=cls.moderator, goal_cents=10_000, duration_days=8,
                              now=T0, themes=[food],
                              rewards=[{"title": "Un café", "min_amount_cents": 500, "quantity": 2},
                                       {"title": "Un repas", "min_amount_cents": 2_000}]),
            published_project(territory=territory, moderator=cls.moderator, goal_cents=20_000,
                              duration_days=10, now=T0, accepts_loan=True, loan_term_months=4,
                              rewards=[{"title": "Une visite", "min_amount_cents": 1_000, "quantity": 1}]),
        ]

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.now = T0 + HOUR
        self.keys: dict[tuple[int, str], tuple[int, tuple]] = {}  # (pk, what was asked)
        self.events: set[str] = set()

    def teardown(self):
        try:
            # Hypothesis calls teardown from a `finally`: after a failed step (or a discarded
            # example), there is nothing to conclude, and the failure must be the one reported.
            if sys.exc_info()[0] is None:
                self._settle_everything()
        finally:
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)

    # --- helpers ---------------------------------------------------------------------------------

    def _project(self, index: int) -> Project:
        return Project.objects.select_related("territory").get(pk=self.projects[index].pk)

    def _expected_refusal(self, project, kind, amount, reward, provider, card) -> str | None:
        """What the rules say about this pledge, in the order the service checks them."""
        territory = project.territory
        if project.status != Project.Status.PUBLISHED or self.now >= project.deadline:
            return "campaign_closed"
        if kind == "loan":
            if not (project.accepts_loan and territory.allow_loan):
                return "kind_not_accepted"
        elif not project.accepts_donation:
            return "kind_not_accepted"
        if amount < MIN_CENTS:
            return "below_minimum"
        if reward is not None and amount < reward.min_amount_cents:
            return "below_reward_minimum"
        if amount > cap_cents(project) - project.total_cents:
            return "over_cap"
        if reward is not None and reward.quantity is not None and reward.claimed >= reward.quantity:
            return "reward_sold_out"
        if provider == "simulated_card" and card == CARD_DECLINED:
            return "payment_declined"
        return None

    def _refused_without_change(self, code, call, **kwargs):
        before = money_snapshot()
        with pytest.raises(Refused) as caught:
            call(**kwargs)
        assert caught.value.code == code, (code, caught.value.messages)
        assert money_snapshot() == before

    def _contributions(self):
        return list(Contribution.objects.filter(project__in=[p.pk for p in self.projects]).order_by("pk"))

    # --- rules -----------------------------------------------------------------------------------

    @rule(index=st.integers(0, 1), who=st.integers(0, 2), amount=amounts, reward_index=st.integers(-1, 1),
          provider=st.sampled_from(["simulated_card", "simulated_card", "offline"]), card=st.sampled_from(CARDS),
          lend=st.sampled_from([False, False, False, True]), key=st.integers(0, 12))
    def contribute(self, index, who, amount, reward_index, provider, card, lend, key):
        project = self._project(index)
        contributor = self.contributors[who]
        rewards = list(project.rewards.order_by("pk"))
        kind = "loan" if lend else "donation"  # the first campaign takes no loans
        reward = rewards[reward_index] if 0 <= reward_index < len(rewards) and kind == "donation" else None
        if amount == "room":
            amount = max(1, cap_cents(project) - project.total_cents)
        key = f"key-{key}"
        first = self.keys.get((contributor.pk, key))
        request = dict(project=project, contributor=contributor, amount_cents=amount, kind=kind, reward=reward,
                       provider=provider, payment_details={"card_number": card}, idempotency_key=key,
                       now=self.now)
        asked = (project.pk, amount, kind, reward, provider)
        if first is not None:
            first_pk, first_asked = first
            if asked != first_asked:  # a key names one request: other parameters are refused
                self._refused_without_change("idempotency_key_reused", contribution_create, **request)
                return
            before = money_snapshot()
            contribution, created = contribution_create(**request)
            assert (contribution.pk, created) == (first_pk, False)
            assert money_snapshot() == before
            return
        expected = self._expected_refusal(project, kind, amount, reward, provider, card)
        if expected:
            self._refused_without_change(expected, contribution_create, **request)
            return
        contribution, created = contribution_create(**request)
        assert created and contribution.amount_cents == amount  # taken as asked, never clamped
        self.keys[(contributor.pk, key)] = (contribution.pk, asked)

    @rule(index=st.integers(0, 1), who=st.integers(0, 2), amount=amounts, reward_index=st.integers(-1, 1),
          provider=st.sampled_from(["simulated_card", "offline"]), card=st.sampled_from(CARDS),
          lend=st.sampled_from([False, False, False, True]), key=st.integers(0, 12))
    def contribute_again(self, **request):
        """The same rule twice, so that pledges are drawn as often as everything else together."""
        self.contribute(**request)

    @precondition(lambda self: Contribution.objects.exists())
    @rule(data=st.data(), live_only=st.sampled_from([True, True, True, False]),
          when=st.sampled_from(["now", "now", "now", "before_cutoff", "at_cutoff", "after_cutoff"]),
          by_someone_else=st.sampled_from([False, False, False, True]))
    def cancel(self, data, live_only, when, by_someone_else):
        candidates = [c for c in self._contributions() if c.status in Contribution.ACTIVE or not live_only]
        if not candidates:
            return
        contribution = data.draw(st.sampled_from(candidates), label="contribution")
        project = self._project(self.projects.index(next(p for p in self.projects
                                                         if p.pk == contribution.project_id)))
        cutoff = cancellable_until(project)
        at = {"now": self.now, "before_cutoff": cutoff - timedelta(seconds=1), "at_cutoff": cutoff,
              "after_cutoff": cutoff + timedelta(seconds=1)}[when]
        self.now = max(self.now, at)  # the clock never goes back
        actor = self.outsider if by_someone_else else contribution.contributor
        kwargs = dict(contribution=contribution, actor=actor, now=self.now)
        if actor != contribution.contributor:
            self._refused_without_change("forbidden", contribution_cancel, **kwargs)
        elif contribution.status == Contribution.Status.CANCELLED:
            before = money_snapshot()
            contribution_cancel(**kwargs)
            assert money_snapshot() == before
        elif (contribution.status not in (Contribution.Status.PENDING, Contribution.Status.AUTHORISED,
                                          Contribution.Status.CAPTURED)
              or project.status != Project.Status.PUBLISHED):
            self._refused_without_change("not_cancellable", contribution_cancel, **kwargs)
        elif self.now > cutoff:
            self._refused_without_change("too_late", contribution_cancel, **kwargs)
        else:
            assert contribution_cancel(**kwargs).status == Contribution.Status.CANCELLED
            assert not Match.objects.filter(contribution=contribution, status=Match.Status.COMMITTED).exists()

    @precondition(lambda self: Contribution.objects.exists())
    @rule(data=st.data(), offline=st.sampled_from([True, True, True, False]))
    def confirm_receipt(self, data, offline):
        candidates = [c for c in self._contributions() if c.provider == "offline" or not offline]
        if not candidates:
            return
        contribution = data.draw(st.sampled_from(candidates), label="contribution")
        project = contribution.project
        kwargs = dict(contribution=contribution, actor=self.moderator, now=self.now)
        if project.status not in (Project.Status.PUBLISHED, Project.Status.SUCCEEDED):
            self._refused_without_change("campaign_closed", contribution_confirm_receipt, **kwargs)
        elif contribution.provider != "offline" or contribution.status not in (
                Contribution.Status.PENDING, Contribution.Status.CAPTURE_FAILED):
            self._refused_without_change("not_pending", contribution_confirm_receipt, **kwargs)
        else:
            assert contribution_confirm_receipt(**kwargs).status == Contribution.Status.CAPTURED

    @rule(step=st.sampled_from([HOUR, 6 * HOUR, 23 * HOUR, 2 * DAY, 5 * DAY, 8 * DAY]))
    def time_passes(self, step):
        self.now += step

    @rule(which=st.sampled_from(["due", 0, 1]))
    def settle(self, which):
        if which == "due":
            settlement.settle_due(now=self.now)
            settled = [self._project(0), self._project(1)]
        else:
            settlement.settle_project(project_id=self.projects[which].pk, now=self.now)
            settled = [self._project(which)]
        for project in settled:
            if project.deadline <= self.now:
                assert project.status != Project.Status.PUBLISHED

    @precondition(lambda self: Contribution.objects.filter(provider="simulated_card").exists())
    @rule(data=st.data(), replay=st.integers(0, 1))
    def webhook(self, data, replay):
        card = [c for c in self._contributions() if c.provider == "simulated_card"]
        contribution = data.draw(st.sampled_from(card), label="contribution")
        event_id = f"evt-{contribution.pk}-{replay}"
        body = json.dumps({"id": event_id, "type": "charge.captured",
                           "reference": contribution.provider_reference}).encode()
        event = get_provider("simulated_card").parse_webhook(
            body, {"X-Simulated-Signature": SimulatedCardProvider.signature(body)})
        applies = (event_id not in self.events
                   and contribution.status in (Contribution.Status.AUTHORISED, Contribution.Status.CAPTURE_FAILED)
                   and contribution.project.status == Project.Status.SUCCEEDED)
        before = money_snapshot()
        assert payments.webhook_receive(provider="simulated_card", event=event, payload=body) is (
            event_id not in self.events)
        self.events.add(event_id)
        contribution.refresh_from_db()
        if applies:
            assert contribution.status == Contribution.Status.CAPTURED
        else:
            assert money_snapshot() == before

    # --- invariants ----------------------------------------------------------------------------------

    @invariant()
    def the_books_agree(self):
        """The ledger, the cached figures and the statuses agree (see `books_problems`); each pool
        holds what it was given minus what it committed; each webhook event was recorded once."""
        assert books_problems() == []
        spent = dict(Match.objects.exclude(status=Match.Status.RETURNED).values("pool")
                     .annotate(s=Sum("amount_cents")).values_list("pool", "s"))
        for pk, balance in MatchingPool.objects.filter(pk__in=self.funded).values_list("pk", "balance_cents"):
            assert balance == self.funded[pk] - spent.get(pk, 0) >= 0
        assert WebhookEvent.objects.count() == len(self.events)

    # --- the end ---------------------------------------------------------------------------------------

    def _settle_everything(self):
        far = max(self.now, max(p.deadline for p in self.projects)) + 30 * DAY
        settlement.settle_due(now=far)
        before = money_snapshot()
        assert settlement.settle_due(now=far + DAY) == []  # a repeat changes nothing
        assert money_snapshot() == before
        assert books_problems() == []
        for project in Project.objects.filter(pk__in=[p.pk for p in self.projects]).select_related("territory"):
            contributions = list(project.contributions.all())
            event(f"a campaign {project.status}")
            for status in {c.status for c in contributions}:
                event(f"a contribution ended {status}")
            if project.matches.exists():
                event("a campaign was matched")
            escrow = ledger.balance(ledger.escrow_key(project.pk))
            assert escrow == 0
            if project.status == Project.Status.FAILED:
                assert project.settled_at is not None
                for contributor in {c.contributor_id for c in contributions}:
                    assert net_paid(contributor, project.pk) == 0
                assert not any(c.status in Contribution.ACTIVE for c in contributions)
                refunds = Transfer.objects.filter(project=project, kind=Transfer.Kind.REFUND)
                assert refunds.count() == len({t.contribution_id for t in refunds})
            else:
                assert project.status == Project.Status.SUCCEEDED and project.paid_out_at is not None
                assert {c.status for c in contributions} <= {
                    Contribution.Status.CAPTURED, Contribution.Status.CANCELLED, Contribution.Status.DROPPED}
                captured = sum(c.amount_cents for c in contributions if c.status == Contribution.Status.CAPTURED)
                released = (project.matches.filter(status=Match.Status.RELEASED)
                            .aggregate(s=Sum("amount_cents"))["s"] or 0)
                total = captured + released
                commission = total * project.territory.commission_bp // 10_000
                assert ledger.balance(ledger.holder_key(project.pk)) == total - commission
                for contributor in {c.contributor_id for c in contributions}:
                    assert net_paid(contributor, project.pk) == sum(
                        c.amount_cents for c in contributions
                        if c.contributor_id == contributor and c.status == Contribution.Status.CAPTURED)
        for pool in MatchingPool.objects.filter(pk__in=self.funded):
            released = (pool.matches.filter(status=Match.Status.RELEASED)
                        .aggregate(s=Sum("amount_cents"))["s"] or 0)
            assert pool.balance_cents == self.funded[pool.pk] - released
            assert not pool.matches.filter(status=Match.Status.COMMITTED).exists()


@pytest.mark.django_db
def test_the_books_hold_whatever_happens():
    Lifecycle.start()
    run_state_machine_as_test(Lifecycle, settings=settings(
        max_examples=50, stateful_step_count=30, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    ))

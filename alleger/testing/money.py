"""Builders and book-keeping checks for the funding track's tests.

Builders go through the services (a project is created, submitted and
accepted as a moderator would), so tests start from states the application
can really reach. `books_problems()` recomputes every cached money figure from
the ledger and the contributions and lists what disagrees: tests assert it is
empty after whatever they did, and so do the funding benchmarks (bench/).
"""

import itertools
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

from django.db.models import Sum
from django.utils import timezone

from alleger.funding import ledger
from alleger.funding.models import (
    Account,
    Contribution,
    Match,
    MatchingPool,
    Project,
    Reward,
    SimulatedCharge,
    Transfer,
)
from alleger.funding.services import contributions as contribution_services
from alleger.funding.services import projects as project_services
from alleger.funding.services import sponsors as sponsor_services
from alleger.testing.factories import OrganisationFactory, UserFactory

#: A fixed instant for tests that drive the clock themselves.
T0 = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

_sequence = itertools.count(1)


def unique_key(prefix: str = "key") -> str:
    return f"{prefix}-{next(_sequence)}"


def published_project(*, territory, holder=None, moderator=None, goal_cents: int = 100_000,
                      duration_days: int = 30, now=None, rewards=(), themes=(), call=None,
                      accepts_donation: bool = True, accepts_loan: bool = False, loan_term_months=None,
                      title: str | None = None) -> Project:
    """A project drafted, submitted and accepted through the services; its campaign starts at `now`."""
    holder = holder or UserFactory()
    project = project_services.project_create(
        holder=holder, territory=territory, title=title or f"Projet {next(_sequence)}",
        summary="Un projet de quartier.", story="Une *histoire* de quartier.", goal_cents=goal_cents,
        duration_days=duration_days, themes=themes, call=call, accepts_donation=accepts_donation,
        accepts_loan=accepts_loan, loan_term_months=loan_term_months,
    )
    for reward in rewards:
        project_services.reward_save(project=project, actor=holder, **reward)
    project_services.project_submit(project=project, actor=holder)
    project_services.project_review(project=project, moderator=moderator or UserFactory(),
                                    decision="accept", now=now or timezone.now())
    project.refresh_from_db()
    return project


def sponsor_pool(*, territory, amount_cents: int, sponsor=None, name: str | None = None, **rules) -> MatchingPool:
    """A funded matching pool, created through the sponsors' service."""
    sponsor = sponsor or OrganisationFactory(is_sponsor=True, territory=territory)
    return sponsor_services.pool_create(
        sponsor=sponsor, actor=None, name=name or f"Fonds {next(_sequence)}", territory=territory,
        initial_cents=amount_cents, idempotency_key=unique_key("pool"), **rules,
    )


def contribute(project: Project, contributor, amount_cents: int, *, key: str | None = None, now=None,
               **options) -> Contribution:
    """Pledge through the service (simulated card with a good card unless told otherwise)."""
    contribution, _ = contribution_services.contribution_create(
        project=project, contributor=contributor, amount_cents=amount_cents,
        idempotency_key=key or unique_key(), now=now, **options,
    )
    return contribution


def money_snapshot() -> dict:
    """Everything a refused action must leave untouched."""
    return {
        "projects": list(Project.objects.order_by("pk").values_list(
            "pk", "status", "pledged_cents", "matched_cents", "contributors_count", "goal_reached_at",
            "paid_out_at", "settled_at")),
        "rewards": list(Reward.objects.order_by("pk").values_list("pk", "claimed")),
        "contributions": list(Contribution.objects.order_by("pk").values_list(
            "pk", "status", "matched_cents", "capture_attempts", "next_attempt_at")),
        "matches": list(Match.objects.order_by("pk").values_list("pk", "status", "amount_cents")),
        "pools": list(MatchingPool.objects.order_by("pk").values_list("pk", "balance_cents")),
        "transfers": list(Transfer.objects.order_by("pk").values_list("pk", "idempotency_key", "amount_cents")),
        "charges": list(SimulatedCharge.objects.order_by("pk").values_list("reference", "status")),
    }


def cap_cents(project: Project) -> int:
    return project.goal_cents * project.territory.overfunding_cap_bp // 10_000


# What each contribution status allows in the ledger: (capture-or-receive transfers, refund transfers).
_TRANSFERS_BY_STATUS = {
    Contribution.Status.PENDING: {(0, 0)},
    Contribution.Status.AUTHORISED: {(0, 0)},
    Contribution.Status.CAPTURE_FAILED: {(0, 0)},
    Contribution.Status.CAPTURED: {(1, 0)},
    Contribution.Status.CANCELLED: {(0, 0), (1, 1)},
    Contribution.Status.VOIDED: {(0, 0)},
    Contribution.Status.REFUNDED: {(1, 1)},
    Contribution.Status.DROPPED: {(0, 0)},
}
#: A failed campaign keeps the figures it ended with: its unwound contributions still count.
_FROZEN = (Contribution.Status.VOIDED, Contribution.Status.REFUNDED)


def ledger_problems(balances: dict[str, int] | None = None) -> list[str]:
    """The double-entry invariants, cheap enough for a benchmark's hundred thousand
    contributions: the balances sum to zero, and each pool caches its balance, never negative."""
    balances = ledger.balances() if balances is None else balances
    problems = []
    if sum(balances.values()) != 0:
        problems.append(f"the ledger does not sum to zero: {sum(balances.values())}")
    for pool in MatchingPool.objects.all():
        if pool.balance_cents < 0:
            problems.append(f"pool {pool.pk} is negative: {pool.balance_cents}")
        if pool.balance_cents != balances.get(ledger.pool_key(pool.pk), 0):
            problems.append(f"pool {pool.pk} caches {pool.balance_cents}, "
                            f"the ledger says {balances.get(ledger.pool_key(pool.pk), 0)}")
    return problems


def books_problems() -> list[str]:
    """Every way the cached figures, the ledger and the statuses could disagree, as readable lines
    (the tests' and bench/funding_hot.py's check)."""
    balances = ledger.balances()
    problems = ledger_problems(balances)
    account_keys = dict(Account.objects.values_list("pk", "key"))
    transfers = list(Transfer.objects.values(
        "kind", "source_id", "destination_id", "amount_cents", "contribution_id", "project_id", "idempotency_key"))

    by_contribution = defaultdict(Counter)
    for t in transfers:
        if t["contribution_id"] and t["kind"] in (Transfer.Kind.CAPTURE, Transfer.Kind.RECEIVE,
                                                  Transfer.Kind.REFUND):
            by_contribution[t["contribution_id"]]["refund" if t["kind"] == Transfer.Kind.REFUND else "in"] += 1
    contributions = list(Contribution.objects.select_related("project"))
    for c in contributions:
        seen = (by_contribution[c.pk]["in"], by_contribution[c.pk]["refund"])
        if seen not in _TRANSFERS_BY_STATUS[c.status]:
            problems.append(f"contribution {c.pk} is {c.status} with (in, refund) transfers {seen}")
    contribution_by_pk = {c.pk: c for c in contributions}
    for t in transfers:
        if t["kind"] in (Transfer.Kind.CAPTURE, Transfer.Kind.RECEIVE, Transfer.Kind.REFUND):
            c = contribution_by_pk[t["contribution_id"]]
            wanted = (ledger.contributor_key(c.contributor_id), ledger.escrow_key(c.project_id))
            if t["kind"] == Transfer.Kind.REFUND:
                wanted = wanted[::-1]
            if (account_keys[t["source_id"]], account_keys[t["destination_id"]]) != wanted \
                    or t["amount_cents"] != c.amount_cents:
                problems.append(f"transfer {t['idempotency_key']} moves the wrong money for contribution {c.pk}")

    matches = list(Match.objects.select_related("contribution"))
    match_of = {m.contribution_id: m for m in matches if m.contribution_id}
    for m in matches:
        if m.contribution_id is None:
            continue
        allowed = {Match.Status.COMMITTED: Contribution.ACTIVE,
                   Match.Status.RELEASED: (Contribution.Status.CAPTURED,)}.get(m.status)
        if allowed is None:
            allowed = [s for s in Contribution.Status if s not in Contribution.ACTIVE]
        if m.contribution.status not in allowed:
            problems.append(f"match {m.pk} is {m.status} for a {m.contribution.status} contribution")
    for c in contributions:
        match = match_of.get(c.pk)
        expected = match.amount_cents if match and match.status != Match.Status.RETURNED else 0
        if c.status in _FROZEN and match:
            expected = match.amount_cents
        if c.matched_cents != expected:
            problems.append(f"contribution {c.pk} says matched {c.matched_cents}, its match says {expected}")

    rewards = defaultdict(list)
    for reward in Reward.objects.all():
        rewards[reward.project_id].append(reward)
    contributions_of = defaultdict(list)
    for c in contributions:
        contributions_of[c.project_id].append(c)
    matches_of = defaultdict(list)
    for m in matches:
        matches_of[m.project_id].append(m)
    paid_of = defaultdict(dict)
    repaid_of = Counter()
    for t in transfers:
        if t["kind"] in (Transfer.Kind.COMMISSION, Transfer.Kind.PAYOUT):
            paid_of[t["project_id"]][t["kind"]] = t["amount_cents"]
        elif t["kind"] == Transfer.Kind.LOAN_REPAYMENT:
            repaid_of[t["project_id"]] += t["amount_cents"]
    for project in Project.objects.select_related("territory"):
        mine = contributions_of[project.pk]
        counted = Contribution.ACTIVE + (_FROZEN if project.status == Project.Status.FAILED else ())
        live = [c for c in mine if c.status in counted]
        if project.pledged_cents != sum(c.amount_cents for c in live):
            problems.append(f"project {project.pk} caches pledged {project.pledged_cents}, "
                            f"its contributions sum to {sum(c.amount_cents for c in live)}")
        if project.contributors_count != len({c.contributor_id for c in live}):
            problems.append(f"project {project.pk} counts {project.contributors_count} contributors, "
                            f"not {len({c.contributor_id for c in live})}")
        project_matches = matches_of[project.pk]
        kept = [m for m in project_matches if m.status != Match.Status.RETURNED
                or (project.status == Project.Status.FAILED
                    and (m.contribution is None or m.contribution.status in _FROZEN))]
        if project.matched_cents != sum(m.amount_cents for m in kept):
            problems.append(f"project {project.pk} caches matched {project.matched_cents}, "
                            f"its matches sum to {sum(m.amount_cents for m in kept)}")
        if project.total_cents > cap_cents(project):
            problems.append(f"project {project.pk} holds {project.total_cents}, above its cap {cap_cents(project)}")
        for reward in rewards[project.pk]:
            claimed = sum(1 for c in live if c.reward_id == reward.pk)
            if reward.claimed != claimed:
                problems.append(f"reward {reward.pk} says {reward.claimed} claimed, not {claimed}")
            if reward.quantity is not None and reward.claimed > reward.quantity:
                problems.append(f"reward {reward.pk} is oversold")

        escrow = balances.get(ledger.escrow_key(project.pk), 0)
        captured = sum(c.amount_cents for c in mine if c.status == Contribution.Status.CAPTURED)
        committed = sum(m.amount_cents for m in project_matches if m.status == Match.Status.COMMITTED)
        released = sum(m.amount_cents for m in project_matches if m.status == Match.Status.RELEASED)
        if project.paid_out_at is None:
            if escrow != captured + committed:
                problems.append(f"escrow of project {project.pk} holds {escrow}, not {captured + committed}")
            if released:
                problems.append(f"project {project.pk} released matches before paying out")
        else:
            if escrow != 0:
                problems.append(f"escrow of paid-out project {project.pk} still holds {escrow}")
            held = captured + released
            commission = held * project.territory.commission_bp // 10_000
            paid = paid_of[project.pk]
            if paid.get(Transfer.Kind.COMMISSION, 0) != commission or paid.get(Transfer.Kind.PAYOUT, 0) != held - commission:
                problems.append(f"project {project.pk} paid {paid}, expected commission {commission} "
                                f"and payout {held - commission}")
            repaid = repaid_of[project.pk]
            if balances.get(ledger.holder_key(project.pk), 0) != held - commission - repaid:
                problems.append(f"holder of project {project.pk} has "
                                f"{balances.get(ledger.holder_key(project.pk), 0)}, not {held - commission - repaid}")
        if project.status == Project.Status.FAILED and project.settled_at is not None:
            if escrow != 0:
                problems.append(f"escrow of failed project {project.pk} still holds {escrow}")
            if any(c.status in Contribution.ACTIVE for c in mine):
                problems.append(f"failed project {project.pk} still has active contributions")
            if any(m.status != Match.Status.RETURNED for m in project_matches):
                problems.append(f"failed project {project.pk} kept a match")

    # A card hold that no contribution uses (a pledge refused under the lock,
    # a repeated key) must have been voided: nobody's money stays blocked.
    used = {c.provider_reference for c in contributions if c.provider == "simulated_card"}
    for reference in SimulatedCharge.objects.filter(status="authorised").values_list("reference", flat=True):
        if reference not in used:
            problems.append(f"card hold {reference} is authorised but no contribution uses it")
    return problems


def net_paid(contributor_id: int, project_id: int) -> int:
    """What a contributor paid into a project's escrow, refunds deducted."""
    paid = Transfer.objects.filter(project_id=project_id, contribution__contributor_id=contributor_id)
    into = paid.filter(kind__in=[Transfer.Kind.CAPTURE, Transfer.Kind.RECEIVE]).aggregate(s=Sum("amount_cents"))["s"]
    back = paid.filter(kind=Transfer.Kind.REFUND).aggregate(s=Sum("amount_cents"))["s"]
    return (into or 0) - (back or 0)

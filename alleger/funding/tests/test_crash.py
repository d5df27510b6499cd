"""Crash safety: a settlement killed with SIGKILL mid-way and started again ends exactly where an
uninterrupted run ends.

Two identical campaigns of a few thousand card contributions (some cards fail
every capture, some fail once; one in ten is matched by the campaign's own
pool) are built side by side. The first is settled by separate processes
without interruption; the second's first pass is killed while it captures
(inside a chunk's transaction), then started again and run to the end. The
two final states are compared field by field, with primary keys replaced by
positions.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection

from alleger.accounts.models import User
from alleger.funding import ledger
from alleger.funding.models import (
    Contribution,
    Match,
    MatchingPool,
    Project,
    SimulatedCharge,
    Transfer,
)
from alleger.testing.money import DAY, HOUR, T0, books_problems, published_project, sponsor_pool

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SIZE = 3_000
PEOPLE = 200
DEADLINE = T0 + 30 * DAY
PASSES = [DEADLINE + timedelta(minutes=1), DEADLINE + 2 * HOUR, DEADLINE + 8 * DAY]

# Settles one project at fixed instants, one run after the other, as the periodic job would. With a
# delay, chunks are small and each waits inside its transaction after capturing, so that a kill
# lands on uncommitted work.
SCRIPT = """
import sys, time, django
django.setup()
from datetime import datetime
from alleger.funding.services import settlement
project_id, delay, instants = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3:]
if delay:
    settlement.CHUNK = 200
    capture_batch = settlement._capture_batch
    def slowed(*args, **kwargs):
        capture_batch(*args, **kwargs)
        time.sleep(delay)
    settlement._capture_batch = slowed
for now in instants:
    print(settlement.settle_project(project_id=project_id, now=datetime.fromisoformat(now)), flush=True)
"""


def settle_process(project: Project, *instants, delay: float = 0.0) -> subprocess.Popen:
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "alleger.settings",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "SECRET_KEY": settings.SECRET_KEY,
        "HTTPS": "false",
        "ALLEGER_VAR_DIR": tempfile.mkdtemp(prefix="alleger-crash-"),
    }
    return subprocess.Popen([sys.executable, "-c", SCRIPT, str(project.pk), str(delay),
                             *(now.isoformat() for now in instants)],
                            env=env, cwd=settings.BASE_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def settle_to_the_end(project: Project, *instants) -> None:
    process = settle_process(project, *instants)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err.decode()[-3000:]


def in_open_transaction() -> bool:
    """Whether another session on the test database sits inside a transaction that has written."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid() AND state = 'idle in transaction' "
                       "AND backend_xid IS NOT NULL")
        return cursor.fetchone()[0] > 0


def campaign(territory, people, label: str) -> Project:
    """A campaign that reached its goal, built in bulk as the services would have left it."""
    project = published_project(territory=territory, goal_cents=2_000_000, duration_days=30, now=T0,
                                title=f"Campagne {label}")
    pool = sponsor_pool(territory=territory, amount_cents=10_000_000, name=f"Fonds {label}")
    contributions = Contribution.objects.bulk_create([
        Contribution(project=project, contributor=people[i % PEOPLE], amount_cents=500 + (i * 37) % 1_000,
                     idempotency_key=f"crash-{label}-{i}", provider="simulated_card",
                     provider_reference=f"SIM-{label}-{i}", status=Contribution.Status.AUTHORISED,
                     matched_cents=min(800, 500 + (i * 37) % 1_000) if i % 10 == 0 else 0)
        for i in range(SIZE)
    ])
    SimulatedCharge.objects.bulk_create([
        SimulatedCharge(reference=c.provider_reference, amount_cents=c.amount_cents, status="authorised",
                        capture_failures_left=-1 if i % 97 == 0 else 1 if i % 89 == 0 else 0)
        for i, c in enumerate(contributions)
    ])
    matches = Match.objects.bulk_create([
        Match(pool=pool, project=project, contribution=c, amount_cents=c.matched_cents)
        for c in contributions if c.matched_cents
    ])
    accounts = ledger.accounts([ledger.pool_key(pool.pk), ledger.escrow_key(project.pk)])
    Transfer.objects.bulk_create([
        Transfer(kind=Transfer.Kind.MATCH_COMMIT, source=accounts[ledger.pool_key(pool.pk)],
                 destination=accounts[ledger.escrow_key(project.pk)], amount_cents=m.amount_cents,
                 idempotency_key=f"match:{pool.pk}:{m.contribution_id}", project=project,
                 contribution_id=m.contribution_id)
        for m in matches
    ])
    matched = sum(m.amount_cents for m in matches)
    MatchingPool.objects.filter(pk=pool.pk).update(balance_cents=pool.balance_cents - matched)
    Project.objects.filter(pk=project.pk).update(
        pledged_cents=sum(c.amount_cents for c in contributions), matched_cents=matched,
        contributors_count=PEOPLE, goal_reached_at=T0 + DAY)
    return project


def state_of(project: Project) -> dict:
    """Everything settlement decides, with primary keys replaced by positions."""
    contributions = list(Contribution.objects.filter(project=project).order_by("pk"))
    position = {c.pk: n for n, c in enumerate(contributions)}
    matches = list(Match.objects.filter(project=project).order_by("pk"))
    match_position = {m.pk: n for n, m in enumerate(matches)}
    pool = MatchingPool.objects.get(matches__project=project, matches__contribution__isnull=False,
                                    matches__pk=matches[0].pk)

    def normal(key: str) -> str:
        """An idempotency key (ledger or processor) with its primary keys made positional."""
        kind, _, rest = key.partition(":")
        parts = rest.split(":")
        if kind in ("capture", "refund", "drop-void", "void"):
            parts[0] = f"c{position[int(parts[0])]}"
        elif kind == "match":
            assert parts[0] == str(pool.pk)
            parts = ["POOL", f"c{position[int(parts[1])]}"]
        elif kind == "match-return":
            parts = [f"m{match_position[int(parts[0])]}"]
        elif kind in ("commission", "payout"):
            assert parts == [str(project.pk)]
            parts = ["P"]
        return ":".join([kind, *parts])

    def account(key: str) -> str:
        kind, _, pk = key.partition(":")
        if kind in ("escrow", "holder"):
            assert pk == str(project.pk)
            return f"{kind}:P"
        if kind == "pool":
            assert pk == str(pool.pk)
            return "pool:POOL"
        return key  # the platform, and contributors: the same people back both campaigns

    charges = {c.reference: c for c in SimulatedCharge.objects.filter(
        reference__in=[c.provider_reference for c in contributions])}
    fresh = Project.objects.get(pk=project.pk)
    return {
        "project": (fresh.status, fresh.pledged_cents, fresh.matched_cents, fresh.contributors_count,
                    fresh.settled_at, fresh.paid_out_at),
        "contributions": [(c.status, c.amount_cents, c.matched_cents, c.capture_attempts, c.last_error,
                           c.next_attempt_at, c.captured_at, c.ended_at) for c in contributions],
        "charges": [(charges[c.provider_reference].status, charges[c.provider_reference].capture_failures_left,
                     sorted((normal(k), v["ok"]) for k, v in charges[c.provider_reference].operations.items()))
                    for c in contributions],
        "matches": [(m.status, m.amount_cents, position[m.contribution_id]) for m in matches],
        "transfers": sorted(
            (t.kind, normal(t.idempotency_key), t.amount_cents, account(t.source.key), account(t.destination.key))
            for t in Transfer.objects.filter(project=project).select_related("source", "destination")),
        "pool": MatchingPool.objects.get(pk=pool.pk).balance_cents,
        "escrow": ledger.balance(ledger.escrow_key(project.pk)),
        "holder": ledger.balance(ledger.holder_key(project.pk)),
    }


def test_a_settlement_killed_mid_way_and_restarted_ends_as_an_uninterrupted_run(territory):
    people = User.objects.bulk_create([User(email=f"foule{n}@example.org", display_name=f"Foule {n}")
                                       for n in range(PEOPLE)])
    calm, crashed = campaign(territory, people, "A"), campaign(territory, people, "B")
    assert books_problems() == []
    assert state_of(calm) == state_of(crashed)

    settle_to_the_end(calm, *PASSES)

    # First pass, killed once a chunk has committed and while the next one is open, captured but
    # not committed (its connection is "idle in transaction" while the script waits).
    process = settle_process(crashed, PASSES[0], delay=0.3)
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
        if (Contribution.objects.filter(project=crashed, status=Contribution.Status.CAPTURED).exists()
                and in_open_transaction()):
            break
    assert process.poll() is None, "the settlement ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    # Killed mid-way: part of the work is there, and what is there is whole — each capture is in the
    # contribution, the processor's book and the ledger, or in none of them.
    captured = Contribution.objects.filter(project=crashed, status=Contribution.Status.CAPTURED).count()
    assert 0 < captured < SIZE - SIZE // 50
    assert SimulatedCharge.objects.filter(reference__startswith="SIM-B-", status="captured").count() == captured
    assert Transfer.objects.filter(project=crashed, kind=Transfer.Kind.CAPTURE).count() == captured
    assert books_problems() == []

    settle_to_the_end(crashed, *PASSES)  # the first pass again, to the end, then the later ones

    final = state_of(crashed)
    assert final == state_of(calm)
    assert final["project"][0] == Project.Status.SUCCEEDED and final["escrow"] == 0
    assert {row[0] for row in final["contributions"]} == {Contribution.Status.CAPTURED, Contribution.Status.DROPPED}
    assert sum(row[0] == Contribution.Status.DROPPED for row in final["contributions"]) == len(range(0, SIZE, 97))
    assert books_problems() == []

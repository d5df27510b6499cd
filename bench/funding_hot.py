"""Benchmark: a hot campaign on PostgreSQL — contributions through the service layer against the floor.

    uv run python bench/funding_hot.py [--seconds 5] [--rounds 3] [--clients 8] [--no-pool]
                                       [--database-url postgres://postgres@127.0.0.1:5432/alleger_bench_funding_hot]

N clients (threads, each with its own database connection) hammer ONE live
project for `--seconds` per round:

* floor:   BEGIN; SELECT … FROM funding_project WHERE id=%s FOR UPDATE;
           INSERT one row into a scratch table; COMMIT — the least a pledge
           that respects the project's lock can do;
* service: funding.services.contributions.contribution_create (simulated
           card, a fresh idempotency key each time): a lock-free snapshot
           of the project and its rules, the card's authorisation, then
           under the project's lock the stored function that rechecks the
           campaign and the cap, writes the contribution, commits a
           sponsor's 1:1 match with its ledger transfer (unless --no-pool)
           and the totals; after the commit, the receipt e-mail is queued
           (Redis, as in production; see docs/architecture.md, "The hot
           path of a pledge").

The process's garbage collector is set as a web worker's (`alleger.server.tune_gc`: the
loaded application frozen, young objects collected every 10 000), since that is where pledges run.

Rounds are interleaved (floor, service, floor, service…) because the machine
is shared and noisy; the report gives throughput, p50/p99 latency per kind,
the CPU per operation of this process (the clients' Python) and of the rest
of the machine (PostgreSQL, Redis: /proc/stat's busy time less this
process's), the ceiling that the rest of the machine leaves (the ratio if
Python cost nothing: cores / its CPU per pledge, against the floor),
the per-round and median ratio service/floor (target >= 1/2), then checks the
books with the tests' `alleger.testing.money.books_problems`: every cached
figure (pledged, matched, contributors, pools) recomputed from the ledger and
the contributions, the cap kept, the ledger summing to zero (zero violations
expected).

The benchmark database is created for the run and dropped at the end
(Ctrl+C included). Only 127.0.0.1 is used. The job queue is a Redis
database of its own (--redis-url, emptied before and after). After the rounds
the queued receipts are worked as `alleger run_huey` would — rendered,
MIME-encoded and handed to a counting backend instead of being sent — and
that work is reported on its own line, outside the timed rounds.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from _common import percentile
from pgbench_db import in_fresh_database

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/alleger_bench_funding_hot"
#: The job queue (and cache) of the run, as in production: a Redis database of its own, emptied before and after.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
TARGET_RATIO = 1 / 2
AMOUNT_CENTS = 1_000
# Settings read by alleger/settings.py that must not leak from the caller's environment.
APP_VARIABLES = ("REDIS_URL", "TASKS_IMMEDIATE", "DEBUG", "S3_BUCKET", "EMAIL_HOST", "SITE_URL", "LOG_LEVEL", "DB_CONN_MAX_AGE",
                 "PAYMENT_PROVIDERS", "CONTRIBUTION_MIN_CENTS")


# --------------------------------------------------------------------------
# Database and Django






def setup_django(database_url: str, var_dir: str, redis_url: str) -> None:
    for name in APP_VARIABLES:
        os.environ.pop(name, None)
    os.environ.update({
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "alleger.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "HTTPS": "false",
        "DATABASE_URL": database_url,
        "ALLEGER_VAR_DIR": var_dir,
        "LOG_LEVEL": "WARNING",
    })
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    # Notifications are rendered as in production, then counted instead of written to files.
    settings.EMAIL_BACKEND = "bench_mail.CountingBackend"
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def install_counting_mail_backend() -> type:
    """A mail backend that counts the messages it is given (registered as module `bench_mail`)."""
    import types

    from django.core.mail.backends.base import BaseEmailBackend

    class CountingBackend(BaseEmailBackend):
        sent = 0
        lock = threading.Lock()

        def send_messages(self, messages):
            for message in messages:
                message.message()  # build the MIME message, as an SMTP backend would
            with CountingBackend.lock:
                CountingBackend.sent += len(messages)
            return len(messages)

    module = types.ModuleType("bench_mail")
    module.CountingBackend = CountingBackend
    sys.modules["bench_mail"] = module
    return CountingBackend


# --------------------------------------------------------------------------
# The scene: a big live campaign, eight backers, a sponsor's pool


@dataclass
class Scene:
    project_id: int
    users: list
    pool_id: int | None


def build_scene(clients: int, with_pool: bool) -> Scene:
    from django.db import connection

    from alleger.accounts.models import User
    from alleger.funding.services import projects as project_services
    from alleger.funding.services import sponsors as sponsor_services
    from alleger.organisations.models import Organisation
    from alleger.organisations.services import organisation_create
    from alleger.territories.services import territory_create

    territory = territory_create(name="Bench", slug="bench", max_goal_cents=10_000_000_000,
                                 overfunding_cap_bp=20_000, campaign_min_days=1, campaign_max_days=90)
    holder = User.objects.create_user(email="holder@bench.localhost", display_name="Porteuse")
    moderator = User.objects.create_user(email="moderator@bench.localhost", display_name="Modératrice")
    users = [User.objects.create_user(email=f"backer{n}@bench.localhost", display_name=f"Backer {n}")
             for n in range(clients)]
    # The cap (2 × goal) is far above what any run can pledge: nothing is refused.
    project = project_services.project_create(
        holder=holder, territory=territory, title="Campagne très suivie", summary="Un projet qui plaît.",
        story="Tout le monde contribue en même temps.", goal_cents=5_000_000_000, duration_days=60)
    project_services.project_submit(project=project, actor=holder)
    project_services.project_review(project=project, moderator=moderator, decision="accept")
    pool_id = None
    if with_pool:
        sponsor_admin = User.objects.create_user(email="sponsor@bench.localhost", display_name="Mécène")
        sponsor = organisation_create(creator=sponsor_admin, name="Fondation Bench", kind=Organisation.Kind.ASSOCIATION,
                                      is_sponsor=True, territory=territory)
        # 1:1 up to 5 € per contribution; large enough never to run dry during a run.
        pool = sponsor_services.pool_create(
            sponsor=sponsor, actor=sponsor_admin, name="Fonds 1:1", territory=territory,
            initial_cents=1_000_000_000, idempotency_key="bench-pool", factor_bp=10_000,
            cap_per_contribution_cents=500)
        pool_id = pool.pk
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_floor (id bigserial PRIMARY KEY, project_id bigint NOT NULL, "
                       "contributor_id bigint NOT NULL, amount_cents bigint NOT NULL, "
                       "created_at timestamptz NOT NULL DEFAULT now())")
    return Scene(project_id=project.pk, users=users, pool_id=pool_id)


# --------------------------------------------------------------------------
# Clients


def floor_once(project_id: int, user) -> None:
    from django.db import connection, transaction

    # The driver's own cursor, in Django's transaction: the floor pays nothing of Django's statement
    # wrappers (the shared fragments' write watch would add a data-version write after the commit).
    with transaction.atomic():
        connection.ensure_connection()
        cursor = connection.connection.cursor()
        cursor.execute("SELECT id, pledged_cents FROM funding_project WHERE id = %s FOR UPDATE", [project_id])
        cursor.fetchone()
        cursor.execute("INSERT INTO bench_floor (project_id, contributor_id, amount_cents) VALUES (%s, %s, %s)",
                       [project_id, user.pk, AMOUNT_CENTS])


def service_once(project, user) -> None:
    from alleger.funding.services.contributions import contribution_create

    _, created = contribution_create(project=project, contributor=user, amount_cents=AMOUNT_CENTS,
                                     idempotency_key=uuid.uuid4().hex)
    assert created


@dataclass
class Round:
    kind: str
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cpu_seconds: float = 0.0  # CPU time of this whole process (all client threads) during the round
    #: CPU time of the rest of the machine during the round (PostgreSQL, Redis…; None off Linux).
    rest_cpu_seconds: float | None = None

    @property
    def rest_ms_per_op(self) -> float:
        if self.rest_cpu_seconds is None or not self.latencies:
            return float("nan")
        return self.rest_cpu_seconds * 1000 / len(self.latencies)

    @property
    def cpu_ms_per_op(self) -> float:
        return self.cpu_seconds * 1000 / len(self.latencies) if self.latencies else float("nan")

    @property
    def cpu_share(self) -> float:
        """Process CPU time over wall time: 1.0 is one core busy all the time (the GIL's ceiling)."""
        return self.cpu_seconds / self.seconds if self.seconds else 0.0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def machine_cpu_seconds() -> float | None:
    """CPU time the whole machine has spent busy since it booted (all cores; /proc/stat), None off Linux."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle and iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def run_round(kind: str, scene: Scene, seconds: float) -> Round:
    from django.db import connection

    from alleger.funding.models import Project

    project = Project.objects.get(pk=scene.project_id)
    operation = floor_once if kind == "floor" else service_once
    target = scene.project_id if kind == "floor" else project
    barrier = threading.Barrier(len(scene.users) + 1)
    results: list[list[float]] = [[] for _ in scene.users]
    errors: list[str] = []
    stop_at = [0.0]

    def client(index: int, user) -> None:
        try:
            connection.ensure_connection()  # each thread opens its own connection before the clock starts
            barrier.wait()
            mine = results[index]
            while True:
                started = time.perf_counter()
                if started >= stop_at[0]:
                    break
                operation(target, user)
                mine.append(time.perf_counter() - started)
        except Exception as exc:  # reported, and the run counts as failed
            errors.append(f"{type(exc).__name__}: {exc}")
            if barrier.n_waiting:
                barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(n, user), daemon=True) for n, user in enumerate(scene.users)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + 3600  # provisional, set for real once everyone is connected
    barrier.wait()
    begun, cpu, machine = time.perf_counter(), time.process_time(), machine_cpu_seconds()
    stop_at[0] = begun + seconds
    for thread in threads:
        thread.join()
    elapsed, cpu = time.perf_counter() - begun, time.process_time() - cpu
    machine_after = machine_cpu_seconds()
    rest = None if machine is None or machine_after is None else max(0.0, machine_after - machine - cpu)
    return Round(kind=kind, seconds=elapsed, latencies=[x for r in results for x in r], errors=errors,
                 cpu_seconds=cpu, rest_cpu_seconds=rest)


# --------------------------------------------------------------------------
# Report


def summary(rounds: list[Round], kind: str) -> dict:
    mine = [r for r in rounds if r.kind == kind]
    latencies = [x for r in mine for x in r.latencies]
    return {
        "ops": len(latencies),
        "per_round": [r.throughput for r in mine],
        "median": statistics.median(r.throughput for r in mine),
        "p50": percentile(latencies, 0.50) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
        "cpu_ms": sum(r.cpu_seconds for r in mine) * 1000 / len(latencies) if latencies else float("nan"),
        "cpu_share": statistics.median(r.cpu_share for r in mine),
        "rest_ms": statistics.median(r.rest_ms_per_op for r in mine),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each round (default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="floor/service pairs (default 3)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--no-pool", action="store_true", help="no sponsor pool matching the contributions")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL),
                        help="the job queue's Redis database (emptied before and after the run)")
    args = parser.parse_args()
    if not (0 < args.seconds <= 60 and 1 <= args.rounds <= 10 and 1 <= args.clients <= 32):
        parser.error("keep it bounded: 0 < seconds <= 60, 1 <= rounds <= 10, 1 <= clients <= 32")

    return in_fresh_database(args.database_url, lambda var_dir: run(args, var_dir))


def run(args, var_dir: str) -> int:
    setup_django(args.database_url, var_dir, args.redis_url)
    mail_backend = install_counting_mail_backend()
    from huey.contrib.djhuey import HUEY

    HUEY.flush()
    from django.db import connection

    # Pledges run in a web worker, whose garbage collector leaves the loaded application alone
    # (alleger/server.py): the same here, for the floor and the service alike.
    from alleger.server import tune_gc

    tune_gc()
    scene = build_scene(args.clients, with_pool=not args.no_pool)
    server_version = connection.cursor().connection.info.server_version
    print(f"hot campaign: {args.clients} clients on one project, PostgreSQL {server_version // 10000}."
          f"{server_version % 10000}, {os.cpu_count()} CPUs, {args.rounds} x ({args.seconds:g} s floor + "
          f"{args.seconds:g} s service), pool matching {'off' if args.no_pool else 'on (1:1, 5 € cap)'}, "
          f"garbage collector as in a web worker")
    connection.close()

    # One short warm-up of each kind (imports, first queries, caches), not counted.
    run_round("floor", scene, 0.5)
    run_round("service", scene, 0.5)
    rounds: list[Round] = []
    for n in range(args.rounds):
        for kind in ("floor", "service"):
            result = run_round(kind, scene, args.seconds)
            rounds.append(result)
            print(f"  round {n + 1} {kind:<7} {result.throughput:8.1f} ops/s  "
                  f"p50 {percentile(result.latencies, .5) * 1000:6.1f} ms  "
                  f"p99 {percentile(result.latencies, .99) * 1000:6.1f} ms  ({len(result.latencies)} ops, "
                  f"{result.cpu_ms_per_op:.2f} ms CPU/op, process CPU {result.cpu_share:.0%} of a core, "
                  f"rest of the machine {result.rest_ms_per_op:.2f} ms/op)"
                  + (f"  ERRORS: {result.errors[:3]}" if result.errors else ""))

    floor, service = summary(rounds, "floor"), summary(rounds, "service")
    ratios = [s.throughput / f.throughput for f, s in
              zip(rounds[0::2], rounds[1::2], strict=True) if f.throughput]
    ratio = service["median"] / floor["median"] if floor["median"] else float("nan")
    print()
    print(f"{'':9}{'ops/s (median)':>15}{'p50 ms':>9}{'p99 ms':>9}{'ops':>8}{'CPU ms/op':>11}{'CPU/core':>10}"
          f"{'rest ms/op':>12}")
    for name, s in (("floor", floor), ("service", service)):
        print(f"{name:9}{s['median']:15.1f}{s['p50']:9.1f}{s['p99']:9.1f}{s['ops']:8d}{s['cpu_ms']:11.2f}"
              f"{s['cpu_share']:10.0%}{s['rest_ms']:12.2f}")
    print(f"ratio service/floor: {ratio:.2f} (per round: {', '.join(f'{r:.2f}' for r in ratios)}) — "
          f"target >= {TARGET_RATIO:.2f}: {'MET' if ratio >= TARGET_RATIO else 'MISSED'}")
    print("(the clients are threads of one process: Python code runs one thread at a time, so a kind whose "
          "CPU/core is near 100 % is bound by its Python CPU per op, not by the project's row lock)")
    if service["rest_ms"] == service["rest_ms"] and service["rest_ms"] > 0:  # not NaN: /proc/stat was read
        ceiling = os.cpu_count() * 1000 / service["rest_ms"] / floor["median"]
        print(f"ceiling: the rest of the machine (PostgreSQL, Redis, and whatever else runs) spends "
              f"{service['rest_ms']:.2f} ms of CPU per pledge against {floor['rest_ms']:.2f} per floor op; "
              f"with Python free, {os.cpu_count()} cores could do at most {os.cpu_count() * 1000 / service['rest_ms']:.0f} "
              f"pledges/s, a ratio of {ceiling:.2f} (an upper bound: it ignores the lock's queue)")
    # The receipts were queued after each commit; a worker (`alleger run_huey`) renders and sends them.
    # Done here after the rounds, so that the figures above do not include it, and reported on its own.
    queued = HUEY.pending_count()
    started, cpu = time.perf_counter(), time.process_time()
    while (task := HUEY.dequeue()) is not None:
        HUEY.execute(task)
    worked, worker_cpu = time.perf_counter() - started, time.process_time() - cpu
    HUEY.flush()
    print(f"receipts queued during the run: {queued}; then rendered, MIME-encoded and handed to a counting "
          f"backend by the worker: {mail_backend.sent} in {worked:.1f} s "
          f"({worker_cpu * 1000 / max(1, mail_backend.sent):.2f} ms CPU each)")

    from alleger.funding.models import Contribution
    from alleger.testing.money import books_problems

    problems = books_problems()  # the tests' check: every cached figure recomputed from the ledger
    errors = [e for r in rounds for e in r.errors]

    print(f"books after {Contribution.objects.count()} contributions: "
          + ("0 invariant violations" if not problems else f"{len(problems)} VIOLATIONS"))
    for problem in problems:
        print(f"  ! {problem}")
    for error in errors[:10]:
        print(f"  ! client error: {error}")
    return 1 if problems or errors else 0


if __name__ == "__main__":
    sys.exit(main())

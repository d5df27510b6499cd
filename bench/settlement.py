"""Benchmark: settling a campaign of 100 000 card contributions against a bulk insert of as many ledger rows.

    uv run python bench/settlement.py [--sizes 100000,20000] [--backends postgres,sqlite] [--no-tracemalloc]
                                      [--database-url postgres://postgres@127.0.0.1:5432/alleger_bench_settlement]

For each backend and size N, the parent process prepares a campaign whose
deadline has passed with N authorised card contributions (bulk_create of
Contribution and SimulatedCharge rows, contributor ledger Accounts, the
project's cached totals), then runs, each in a fresh child process so that
memory is measured from a clean baseline:

* floor:  Transfer.objects.bulk_create of N ledger rows shaped like captures
          (contributor → escrow, with project and contribution), in chunks of
          the settlement's own size, one transaction per chunk;
* settle: funding.services.settlement.settle_project — decide, capture every
          authorisation through the simulated processor, write the ledger,
          take the commission and pay the holder out;
* floor again (the table grew: the floor is the mean of the two).

It reports both times, the ratio settle/floor (target <= 5x), and the
settlement's peak memory: the child's resource.getrusage maxrss growth over
its baseline and, in a separate child on a twin campaign, the tracemalloc
peak (tracemalloc slows Python down, so that run is not timed). The two sizes
show whether memory stays flat as the campaign grows. The books are checked
after each settlement. E-mails are built as in production and counted, not
written. Databases are created for the run and dropped at the end; only
127.0.0.1 is used.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

from pgbench_db import recreate_database

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/alleger_bench_settlement"
TARGET_RATIO = 5.0
SETUP_BATCH = 5_000
CONTRIBUTIONS_PER_PERSON = 4
APP_VARIABLES = ("REDIS_URL", "DEBUG", "S3_BUCKET", "EMAIL_HOST", "SITE_URL", "LOG_LEVEL", "DB_CONN_MAX_AGE",
                 "PAYMENT_PROVIDERS", "CONTRIBUTION_MIN_CENTS", "DATABASE_URL", "ALLEGER_VAR_DIR")


# --------------------------------------------------------------------------
# Databases and Django






def child_env(database_url: str, var_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in APP_VARIABLES}
    env.update({"DJANGO_SETTINGS_MODULE": "alleger.settings", "SECRET_KEY": secrets.token_urlsafe(50),
                "HTTPS": "false", "DATABASE_URL": database_url, "ALLEGER_VAR_DIR": var_dir,
                "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)})
    return env


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    import types

    import django
    from django.conf import settings
    from django.core.mail.backends.base import BaseEmailBackend

    class CountingBackend(BaseEmailBackend):
        """Messages are built (MIME-encoded, as SMTP would) and counted, never written."""

        sent = 0

        def send_messages(self, messages):
            for message in messages:
                message.message()
            CountingBackend.sent += len(messages)
            return len(messages)

    module = types.ModuleType("bench_mail")
    module.CountingBackend = CountingBackend
    sys.modules["bench_mail"] = module
    django.setup()
    settings.EMAIL_BACKEND = "bench_mail.CountingBackend"


# --------------------------------------------------------------------------
# The campaigns (parent)


def amount_of(i: int) -> int:
    return 1_000 + (i % 7) * 500  # 10 € to 40 €


def build_campaign(size: int, label: str) -> int:
    """A campaign whose deadline passed yesterday, with `size` authorised card contributions."""
    from django.db import transaction
    from django.utils import timezone

    from alleger.accounts.models import User
    from alleger.funding import ledger
    from alleger.funding.models import Account, Contribution, Project, SimulatedCharge
    from alleger.funding.services import projects as project_services
    from alleger.territories.models import Territory
    from alleger.territories.services import territory_create

    territory = Territory.objects.filter(slug="bench").first() or territory_create(
        name="Bench", slug="bench", max_goal_cents=10_000_000_000, overfunding_cap_bp=20_000,
        campaign_min_days=1, campaign_max_days=90, commission_bp=500)
    holder = User.objects.create_user(email=f"holder-{label}@bench.localhost", display_name="Porteur")
    moderator = User.objects.create_user(email=f"moderator.{label}@bench.localhost", display_name="Modératrice")
    total = sum(amount_of(i) for i in range(size))
    goal = total * 6 // 10  # reached, and the total stays under the 200 % cap
    started = timezone.now() - timedelta(days=31)
    project = project_services.project_create(
        holder=holder, territory=territory, title=f"Campagne {label}", summary="Très suivie.",
        story="Cent mille contributions.", goal_cents=goal, duration_days=30)
    project_services.project_submit(project=project, actor=holder, now=started)
    project = project_services.project_review(project=project, moderator=moderator, decision="accept", now=started)

    people = max(1, size // CONTRIBUTIONS_PER_PERSON)
    for first in range(0, people, SETUP_BATCH):
        with transaction.atomic():
            users = User.objects.bulk_create([
                User(email=f"p{n}-{label}@bench.localhost", display_name=f"P{n}", password="!")
                for n in range(first, min(people, first + SETUP_BATCH))])
            Account.objects.bulk_create([Account(key=ledger.contributor_key(u.pk), kind="contributor")
                                         for u in users])
    user_ids = list(User.objects.filter(email__endswith=f"-{label}@bench.localhost")
                    .order_by("pk").values_list("pk", flat=True))
    Account.objects.get_or_create(key=ledger.escrow_key(project.pk), defaults={"kind": "escrow"})
    for first in range(0, size, SETUP_BATCH):
        with transaction.atomic():
            rows = range(first, min(size, first + SETUP_BATCH))
            SimulatedCharge.objects.bulk_create([
                SimulatedCharge(reference=f"SIM-{label}-{i}", amount_cents=amount_of(i), status="authorised")
                for i in rows])
            Contribution.objects.bulk_create([
                Contribution(project=project, contributor_id=user_ids[i % people], amount_cents=amount_of(i),
                             idempotency_key=f"bench-{i}", provider="simulated_card",
                             provider_reference=f"SIM-{label}-{i}", status=Contribution.Status.AUTHORISED)
                for i in rows])
    Project.objects.filter(pk=project.pk).update(pledged_cents=total, contributors_count=people)
    return project.pk


def check_books(project_id: int, size: int, label: str) -> list[str]:
    from django.db.models import Count, Sum

    from alleger.funding import ledger
    from alleger.funding.models import Contribution, Project, SimulatedCharge, Transfer
    from alleger.testing.money import ledger_problems

    project = Project.objects.select_related("territory").get(pk=project_id)
    problems = []
    statuses = dict(project.contributions.values_list("status").annotate(n=Count("pk")))
    if statuses != {Contribution.Status.CAPTURED: size}:
        problems.append(f"contribution statuses {statuses}, expected {size} captured")
    total = project.contributions.aggregate(s=Sum("amount_cents"))["s"]
    captures = Transfer.objects.filter(project=project, kind=Transfer.Kind.CAPTURE,
                                       idempotency_key__startswith="capture:").aggregate(
        n=Count("pk"), s=Sum("amount_cents"))
    if (captures["n"], captures["s"]) != (size, total):
        problems.append(f"capture transfers {captures}, expected {size} summing to {total}")
    commission = total * project.territory.commission_bp // 10_000
    if ledger.balance(ledger.holder_key(project.pk)) != total - commission:
        problems.append(f"holder got {ledger.balance(ledger.holder_key(project.pk))}, not {total - commission}")
    if ledger.balance(ledger.escrow_key(project.pk)) != 0:
        problems.append("escrow not empty after payout")
    if project.status != Project.Status.SUCCEEDED or project.paid_out_at is None:
        problems.append(f"project is {project.status}, paid_out_at={project.paid_out_at}")
    charges = SimulatedCharge.objects.filter(reference__startswith=f"SIM-{label}-")
    if charges.exclude(status="captured").exists():
        problems.append("some simulated charges were not captured")
    # The ledger as a whole: balances sum to zero, pools agree (the tests' double-entry check).
    return problems + ledger_problems()


# --------------------------------------------------------------------------
# Children: one measured operation each


def rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def current_rss_kib() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def child(args) -> None:
    setup_django()
    from django.db import connection, transaction

    from alleger.funding import ledger
    from alleger.funding.models import Account, Contribution, Transfer
    from alleger.funding.services import settlement

    # Baseline: Django loaded, the code imported, the connection open.
    connection.ensure_connection()
    list(Contribution.objects.filter(project_id=args.project)[:1])
    tracing = args.child == "settle-traced"
    if tracing:
        import tracemalloc

        tracemalloc.start()
    sampled = [current_rss_kib()]
    stop = threading.Event()

    def sample():
        while not stop.wait(0.02):
            sampled.append(current_rss_kib())

    sampler = threading.Thread(target=sample, daemon=True)
    if args.child == "floor":  # what the rows are made of is read before the clock starts
        sources = list(Account.objects.filter(kind="contributor", key__in=[
            ledger.contributor_key(c) for c in Contribution.objects.filter(project_id=args.project)
            .values_list("contributor_id", flat=True).distinct()]).order_by("pk"))
        escrow = Account.objects.get_or_create(key=f"escrow:floor-{args.run}", defaults={"kind": "escrow"})[0]
        rows = list(Contribution.objects.filter(project_id=args.project).order_by("pk").values_list(
            "pk", "amount_cents"))
        chunk = settlement.CHUNK
        pending = []
    baseline_max, baseline_now = rss_kib(), current_rss_kib()
    sampler.start()
    started = time.perf_counter()
    result = {}
    if args.child == "floor":
        for n, (pk, amount) in enumerate(rows):
            pending.append(Transfer(kind=Transfer.Kind.CAPTURE, source=sources[n % len(sources)],
                                    destination=escrow, amount_cents=amount,
                                    idempotency_key=f"floor:{args.run}:{pk}", project_id=args.project,
                                    contribution_id=pk))
            if len(pending) == chunk:
                with transaction.atomic():
                    Transfer.objects.bulk_create(pending, batch_size=chunk)
                pending = []
        if pending:
            with transaction.atomic():
                Transfer.objects.bulk_create(pending, batch_size=chunk)
    else:
        report = settlement.settle_project(project_id=args.project)
        result["report"] = {"outcome": report.outcome, "captured": report.captured,
                            "capture_failed": report.capture_failed, "paid_out": report.paid_out}
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    result.update({
        "seconds": seconds,
        "maxrss_growth_mib": (rss_kib() - baseline_max) / 1024,
        "baseline_maxrss_mib": baseline_max / 1024,
        "rss_peak_growth_mib": (max(sampled) - baseline_now) / 1024,
        "baseline_rss_mib": baseline_now / 1024,
    })
    if tracing:
        result["tracemalloc_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    from bench_mail import CountingBackend

    result["mails"] = CountingBackend.sent
    print("RESULT " + json.dumps(result))


def run_child(kind: str, project_id: int, env: dict, run: str, timeout: float) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--project", str(project_id),
               "--run", run]
    completed = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if completed.returncode != 0:
        raise RuntimeError(f"{kind} child failed:\n{completed.stderr[-3000:]}")
    line = next(line for line in completed.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


# --------------------------------------------------------------------------
# Parent


def bench_backend(name: str, database_url: str, sizes: list[int], traced: bool, timeout: float) -> bool:
    with tempfile.TemporaryDirectory(prefix="alleger-bench-") as var_dir:
        env = child_env(database_url, var_dir)
        os.environ.update(env)
        setup_django()
        from django.core.management import call_command
        from django.db import connection, connections

        call_command("migrate", verbosity=0)
        version = ""
        if connection.vendor == "postgresql":
            v = connection.cursor().connection.info.server_version
            version = f" {v // 10000}.{v % 10000}"
        print(f"\n== {name}{version} ==")
        ok = True
        rows = []
        for size in sizes:
            started = time.perf_counter()
            project = build_campaign(size, f"{size}")
            twin = build_campaign(size, f"{size}t") if traced else None
            connections.close_all()
            print(f"  {size:>7} contributions: campaign{'s' if traced else ''} ready in "
                  f"{time.perf_counter() - started:.1f} s")
            floor1 = run_child("floor", project, env, f"{size}a", timeout)
            settled = run_child("settle", project, env, "", timeout)
            floor2 = run_child("floor", project, env, f"{size}b", timeout)
            traced_result = run_child("settle-traced", twin, env, "", timeout) if traced else None
            problems = check_books(project, size, f"{size}") + (check_books(twin, size, f"{size}t") if traced else [])
            connections.close_all()
            floor = (floor1["seconds"] + floor2["seconds"]) / 2
            ratio = settled["seconds"] / floor
            ok = ok and not problems and ratio <= TARGET_RATIO
            rows.append((size, floor1, floor2, floor, settled, ratio, traced_result, problems))
            print(f"  {size:>7}: floor {floor1['seconds']:.2f} s / {floor2['seconds']:.2f} s (mean {floor:.2f} s), "
                  f"settle {settled['seconds']:.2f} s -> ratio {ratio:.2f}x "
                  f"(target <= {TARGET_RATIO:g}x: {'MET' if ratio <= TARGET_RATIO else 'MISSED'})")
            print(f"           settle memory: RSS peak (sampled every 20 ms) +{settled['rss_peak_growth_mib']:.1f} MiB "
                  f"over {settled['baseline_rss_mib']:.0f} MiB at start; maxrss high-water mark "
                  f"+{settled['maxrss_growth_mib']:.1f} MiB over the {settled['baseline_maxrss_mib']:.0f} MiB "
                  f"the child reached while starting"
                  + (f"; tracemalloc peak {traced_result['tracemalloc_peak_mib']:.1f} MiB "
                     f"(untimed twin run)" if traced_result else ""))
            print(f"           floor memory: maxrss +{floor1['maxrss_growth_mib']:.1f} MiB; "
                  f"settlement report {settled['report']}; notifications built: {settled['mails']}; "
                  f"books: {'OK' if not problems else problems}")
        if len(rows) > 1:
            big = max(rows, key=lambda r: r[0])
            small = min(rows, key=lambda r: r[0])
            line = (f"  settlement memory {small[0]} -> {big[0]} contributions ({big[0] / small[0]:.0f}x): RSS peak "
                    f"+{small[4]['rss_peak_growth_mib']:.1f} -> +{big[4]['rss_peak_growth_mib']:.1f} MiB, "
                    f"maxrss growth {small[4]['maxrss_growth_mib']:.1f} -> {big[4]['maxrss_growth_mib']:.1f} MiB")
            if traced:
                line += (f", tracemalloc peak {small[6]['tracemalloc_peak_mib']:.1f} -> "
                         f"{big[6]['tracemalloc_peak_mib']:.1f} MiB")
            print(line)
        return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,20000", help="contributions per campaign (default 100000,20000)")
    parser.add_argument("--backends", default="postgres", help="postgres, sqlite or both (comma-separated)")
    parser.add_argument("--no-tracemalloc", action="store_true", help="skip the traced twin settlement")
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed to each child (default 600)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--child", choices=["floor", "settle", "settle-traced"], help=argparse.SUPPRESS)
    parser.add_argument("--project", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--run", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if not sizes or any(not 1 <= s <= 200_000 for s in sizes):
        parser.error("sizes between 1 and 200 000")
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if set(backends) - {"postgres", "sqlite"}:
        parser.error("backends: postgres, sqlite")
    print(f"settlement of N card contributions vs bulk insert of N ledger rows; sizes {sizes}; "
          f"{os.cpu_count()} CPUs; chunks of 1000")
    if len(backends) > 1:  # Django is configured once per process: one process per backend
        codes = [subprocess.run([sys.executable, str(Path(__file__).resolve()), "--backends", backend,
                                 "--sizes", args.sizes, "--timeout", str(args.timeout),
                                 "--database-url", args.database_url]
                                + (["--no-tracemalloc"] if args.no_tracemalloc else []), cwd=ROOT).returncode
                 for backend in backends]
        return max(codes)
    ok = True
    for backend in backends:
        if backend == "postgres":
            recreate_database(args.database_url)
            try:
                ok &= bench_backend("PostgreSQL", args.database_url, sizes, not args.no_tracemalloc, args.timeout)
            finally:
                from django.db import connections

                connections.close_all()
                recreate_database(args.database_url, drop_only=True)
        else:
            with tempfile.TemporaryDirectory(prefix="alleger-bench-sqlite-") as folder:
                ok &= bench_backend("SQLite", f"sqlite:///{folder}/bench.sqlite3", sizes,
                                    not args.no_tracemalloc, args.timeout)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

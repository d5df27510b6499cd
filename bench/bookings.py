"""Benchmark: bookings of a capacity-1 room on PostgreSQL — the service against the floor.

    uv run python bench/bookings.py [--seconds 5] [--rounds 3] [--clients 8]
                                    [--database-url postgres://postgres@127.0.0.1:5432/alleger_bench_bookings]

N clients (threads, each with its own database connection) book DISTINCT slots of ONE room (capacity 1,
15-minute slots, open 24/7) for `--seconds` per round:

* floor:   the same row INSERTed into bookings_booking in raw SQL, autocommit: one statement, checked by
           the exclusion constraint `booking_no_overlap` (GiST on resource × time range) — the least a
           booking that cannot overlap another can cost;
* service: alleger.bookings.services.booking_create, as the page and the API call it: every rule
           (range, slot grid from the opening hours, booking window, training, no-show count), then
           the room's row lock and the insert in one statement, the constraint deciding.

Rounds are interleaved (floor, service, floor, service…) because the machine is shared and noisy; the
report gives throughput, p50/p99 latency, the per-round and median ratio service/floor (target ≥ 1/2),
then checks that no two active bookings overlap (zero expected).

The benchmark database is created for the run and dropped at the end (Ctrl+C included); 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import secrets
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from _common import percentile
from pgbench_db import in_fresh_database

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/alleger_bench_bookings"
TARGET_RATIO = 1 / 2
SLOT = dt.timedelta(minutes=15)
APP_VARIABLES = ("REDIS_URL", "TASKS_IMMEDIATE", "DEBUG", "S3_BUCKET", "EMAIL_HOST", "SITE_URL", "LOG_LEVEL",
                 "DB_CONN_MAX_AGE", "BOOKINGS_NO_SHOW_LIMIT")

FLOOR_SQL = """
INSERT INTO bookings_booking (resource_id, user_id, organisation_id, series_id, start, "end", blocked_end, exclusive,
                              seats, status, hold_until, price_cents, purpose, created_at, updated_at)
VALUES (%s, %s, NULL, NULL, %s, %s, %s, TRUE, 1, 'confirmed', NULL, 0, '', now(), now())
"""


def setup_django(database_url: str, var_dir: str) -> None:
    for name in APP_VARIABLES:
        os.environ.pop(name, None)
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "alleger.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "HTTPS": "false",
        "DATABASE_URL": database_url,
        "ALLEGER_VAR_DIR": var_dir,
        "LOG_LEVEL": "WARNING",
        "TASKS_IMMEDIATE": "true",
    })
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


@dataclass
class Scene:
    resource_id: int
    users: list
    base: dt.datetime
    slots: itertools.count = field(default_factory=itertools.count)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_slot(self) -> tuple[dt.datetime, dt.datetime]:
        with self.lock:
            n = next(self.slots)
        start = self.base + n * SLOT
        return start, start + SLOT


def build_scene(clients: int) -> Scene:
    from django.utils import timezone

    from alleger.accounts.models import User
    from alleger.bookings.models import Resource
    from alleger.places.models import Place
    from alleger.territories.services import territory_create

    territory = territory_create(name="Bench", slug="bench")
    place = Place.objects.create(territory=territory, name="Tiers-lieu du banc d'essai", place_type="third_place",
                                 profile_work=True, address="1 rue du Banc", lat=45.43, lon=4.39)
    resource = Resource.objects.create(place=place, name="Salle", kind=Resource.Kind.ROOM, capacity=1,
                                       opening_hours="24/7", slot_minutes=15, max_slots=4, book_ahead_days=3650)
    users = [User.objects.create_user(email=f"person{n}@bench.localhost", display_name=f"Personne {n}")
             for n in range(clients)]
    base = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    return Scene(resource_id=resource.pk, users=users, base=base)


def floor_once(scene: Scene, resource, user) -> None:
    from django.db import connection

    start, end = scene.next_slot()
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, [resource.pk, user.pk, start, end, end])


def service_once(scene: Scene, resource, user) -> None:
    from alleger.bookings.services import booking_create

    start, end = scene.next_slot()
    booking_create(resource=resource, user=user, start=start, end=end)


@dataclass
class Round:
    kind: str
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cpu_seconds: float = 0.0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    @property
    def cpu_share(self) -> float:
        return self.cpu_seconds / self.seconds if self.seconds else 0.0


def run_round(kind: str, scene: Scene, seconds: float) -> Round:
    from django.db import connection

    from alleger.bookings.models import Resource

    resource = Resource.objects.select_related("place", "training").get(pk=scene.resource_id)
    operation = floor_once if kind == "floor" else service_once
    barrier = threading.Barrier(len(scene.users) + 1)
    results: list[list[float]] = [[] for _ in scene.users]
    errors: list[str] = []
    stop_at = [time.perf_counter() + 3600]

    def client(index: int, user) -> None:
        try:
            connection.ensure_connection()
            barrier.wait()
            mine = results[index]
            while True:
                started = time.perf_counter()
                if started >= stop_at[0]:
                    break
                operation(scene, resource, user)
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
    barrier.wait()
    begun, cpu = time.perf_counter(), time.process_time()
    stop_at[0] = begun + seconds
    for thread in threads:
        thread.join()
    return Round(kind=kind, seconds=time.perf_counter() - begun, latencies=[x for r in results for x in r],
                 errors=errors, cpu_seconds=time.process_time() - cpu)


def summary(rounds: list[Round], kind: str) -> dict:
    mine = [r for r in rounds if r.kind == kind]
    latencies = [x for r in mine for x in r.latencies]
    return {"ops": len(latencies), "median": statistics.median(r.throughput for r in mine),
            "p50": percentile(latencies, 0.50) * 1000, "p99": percentile(latencies, 0.99) * 1000,
            "cpu_ms": sum(r.cpu_seconds for r in mine) * 1000 / len(latencies) if latencies else float("nan"),
            "cpu_share": statistics.median(r.cpu_share for r in mine)}


def overlaps(resource_id: int) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT count(*) FROM bookings_booking a JOIN bookings_booking b
              ON a.resource_id = b.resource_id AND a.id < b.id
             AND tstzrange(a.start, a.blocked_end) && tstzrange(b.start, b.blocked_end)
             WHERE a.resource_id = %s AND a.status IN ('held', 'confirmed', 'checked_in')
               AND b.status IN ('held', 'confirmed', 'checked_in')""", [resource_id])
        return cursor.fetchone()[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each round (default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="floor/service pairs (default 3)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    if not (0 < args.seconds <= 60 and 1 <= args.rounds <= 10 and 1 <= args.clients <= 32):
        parser.error("keep it bounded: 0 < seconds <= 60, 1 <= rounds <= 10, 1 <= clients <= 32")
    return in_fresh_database(args.database_url, lambda var_dir: run(args, var_dir))


def run(args, var_dir: str) -> int:
    setup_django(args.database_url, var_dir)
    from django.db import connection

    scene = build_scene(args.clients)
    version = connection.cursor().connection.info.server_version
    print(f"bookings: {args.clients} clients booking distinct slots of one capacity-1 room, PostgreSQL "
          f"{version // 10000}.{version % 10000}, {os.cpu_count()} CPUs, {args.rounds} x ({args.seconds:g} s floor + "
          f"{args.seconds:g} s service)")
    connection.close()
    run_round("floor", scene, 0.5)
    run_round("service", scene, 0.5)
    rounds: list[Round] = []
    for n in range(args.rounds):
        for kind in ("floor", "service"):
            result = run_round(kind, scene, args.seconds)
            rounds.append(result)
            print(f"  round {n + 1} {kind:<7} {result.throughput:8.1f} ops/s  "
                  f"p50 {percentile(result.latencies, .5) * 1000:6.2f} ms  "
                  f"p99 {percentile(result.latencies, .99) * 1000:6.2f} ms  ({len(result.latencies)} ops, "
                  f"process CPU {result.cpu_share:.0%} of a core)"
                  + (f"  ERRORS: {result.errors[:3]}" if result.errors else ""))
    floor, service = summary(rounds, "floor"), summary(rounds, "service")
    ratios = [s.throughput / f.throughput for f, s in zip(rounds[0::2], rounds[1::2], strict=True) if f.throughput]
    ratio = service["median"] / floor["median"] if floor["median"] else float("nan")
    print()
    print(f"{'':9}{'ops/s (median)':>15}{'p50 ms':>9}{'p99 ms':>9}{'ops':>8}{'CPU ms/op':>11}{'CPU/core':>10}")
    for name, s in (("floor", floor), ("service", service)):
        print(f"{name:9}{s['median']:15.1f}{s['p50']:9.2f}{s['p99']:9.2f}{s['ops']:8d}{s['cpu_ms']:11.2f}"
              f"{s['cpu_share']:10.0%}")
    print(f"ratio service/floor: {ratio:.2f} (per round: {', '.join(f'{r:.2f}' for r in ratios)}) — "
          f"target >= {TARGET_RATIO:.2f}: {'MET' if ratio >= TARGET_RATIO else 'MISSED'}")
    print("(the clients are threads of one process: Python runs one thread at a time, so a kind near 100 % "
          "CPU/core is bound by its Python CPU per op)")
    found = overlaps(scene.resource_id)
    errors = [e for r in rounds for e in r.errors]
    print(f"overlapping active bookings after the run: {found}")
    for error in errors[:10]:
        print(f"  ! client error: {error}")
    return 1 if found or errors else 0


if __name__ == "__main__":
    sys.exit(main())

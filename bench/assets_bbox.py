"""Benchmark: the map's bbox GeoJSON endpoint over 200 000 assets on PostgreSQL, against the raw-SQL floor.

    uv run python bench/assets_bbox.py [--assets 200000] [--duration 3] [--rounds 3] [--connections 8]
                                       [--database-url postgres://postgres@127.0.0.1:5432/alleger_bench_assets]

It creates its own PostgreSQL database (dropped and recreated each run, loopback
only), migrates it, loads the demo data (Saint-Étienne and its asset types),
then COPYs `--assets` published assets spread over the city's 5 × 4.5 km box
(seeded random, so every run has the same map) and ANALYZEs the table.

Two boxes are measured:

* city-wide (4.365,45.415,4.415,45.460): every asset is in it, so the server
  clusters on its grid (about 650 cluster features);
* street-level (about 55 × 65 m in the centre): plain features (about 55: the
  answer covers the snapped box, see below).

Three servers run side by side, the first two `alleger serve` (gunicorn, 2 gthread
workers × 4 threads, persistent database connections), Django's middleware,
MapMiddleware (alleger/assets/middleware.py) answering the endpoint before the
session/auth/CSRF stack, then the SQL and orjson:

* cached: the production default. wrk asks for the same box again and again,
  so after the first request every answer comes from the per-process LRU of
  alleger/assets/mapcache.py (no SQL; the data version is re-read once a
  second). This is what a map pays for the boxes its visitors share — the
  best case, as every request hits;
* uncached: the same server with MAP_CACHE_SECONDS=0, so every request runs
  the SQL and encodes the answer (still through MapMiddleware) — what a box
  nobody asked for before costs;
* ceiling: a third gunicorn, configured the same way, serving bench/sql_wsgi.py
  instead of Django: the floor's statements for the requested box through
  psycopg, then the row count as the body. No Django, no encoding: what the
  HTTP server itself leaves, so no endpoint served by it can pass that ratio.

The endpoint answers for the snapped box (the request widened to a
power-of-two grid, up to 1.5 times as wide), a superset of the request; the
floor keeps the request's own box, so the uncached endpoint does somewhat more
SQL work than its floor (for the street box: about 55 rows against 30).

For each box, in turn and for `--rounds` interleaved rounds (floor, cached,
uncached, ceiling, floor… because the machine is shared and noisy):

* floor: the SQL statements the endpoint would run for the requested box
  (`alleger.assets.geo.statements`: the `LIMIT 2001` select, then the grouped
  cluster query when the box holds more than 2 000 assets), executed with
  psycopg by the same number of concurrent clients (threads, one connection
  each) on the same database, every row fetched;
* cached, uncached and ceiling: `GET /api/v1/assets.geojson?bbox=…` driven by wrk
  (Debian's /usr/bin/wrk; a bounded Python client if wrk is missing).

It checks first that both servers give the same bytes. It prints one line per
run, then per box: req/s, p50 and p99 of the floor, the cached and the
uncached endpoint side by side, the throughput ratio endpoint/floor of each
(median of the rounds, and per round) and the verdict against the target
(>= 1/3; >= 1/2 for a street-level box uncached) for both. The figures also go
to bench/results/assets_bbox.json
(ignored by git).

Exit status: 0 whatever the ratios (it is a report); 1 when a server did not
start, an answer was not 200 before the run, the two servers disagreed, or any
response during the run was not 2xx/3xx; 130 on Ctrl+C. The servers, the
temporary files and the database are always removed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from _common import percentile
from http_pages import BenchError, Server, base_environment, get, manage, python_client, wrk
from pgbench_db import admin_url, recreate_database

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/alleger_bench_assets"
CITY = (4.365, 45.415, 4.415, 45.460)
#: (label, bbox): a city-wide box (clustered) and a street-level one (a few dozen features).
BOXES = [
    ("city-wide (clustered)", CITY),
    ("street-level", (4.3890, 45.4390, 4.3897, 45.4396)),
]
TARGET_RATIO = 1 / 3
#: A new street-level box, the cache off: at least half the floor.
TARGETS = {("street-level", "uncached"): 1 / 2}
SEED = 200_000


# --------------------------------------------------------------------------
# Data


def load_assets(database_url: str, count: int) -> None:
    """COPY `count` published assets into Saint-Étienne (after the demo data), then ANALYZE."""
    import psycopg

    rng = random.Random(SEED)
    with psycopg.connect(database_url) as conn:
        territory_id = conn.execute("SELECT id FROM territories_territory WHERE slug = 'saint-etienne'").fetchone()[0]
        types = [row[0] for row in conn.execute(
            "SELECT id FROM assets_assettype WHERE territory_id = %s ORDER BY id", (territory_id,))]
        statuses = ["open", "open", "openable", "closed"]
        columns = ("territory_id", "asset_type_id", "name", "description", "lat", "lon", "address", "status",
                   "private_actors_allowed", "required_level", "conditions", "source_id", "moderation",
                   "is_tool_cabinet", "cabinet_code", "cabinet_charter", "created_at", "updated_at")
        with conn.cursor() as cursor:
            with cursor.copy(f"COPY assets_asset ({', '.join(columns)}) FROM STDIN") as copy:
                for n in range(count):
                    lon = rng.uniform(CITY[0], CITY[2])
                    lat = rng.uniform(CITY[1], CITY[3])
                    copy.write_row((territory_id, rng.choice(types), f"Dispositif n° {n}", "", lat, lon, "",
                                    rng.choice(statuses), False, 0, "", f"bench-{n}", "published", False, "", "",
                                    "now", "now"))
        conn.commit()
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE assets_asset")


def floor_statements(bbox) -> list[tuple[str, list]]:
    """The statements the endpoint runs for this box, with their parameters (Django not needed at run time)."""
    from alleger.assets import geo

    (features, params), (clusters, _params) = geo.statements(bbox)
    return [(features, params), (clusters, params)]


# --------------------------------------------------------------------------
# Floor: raw SQL through psycopg, same concurrency


def floor_run(database_url: str, bbox, duration: float, connections: int) -> dict:
    import psycopg

    (features_sql, params), (clusters_sql, _params) = floor_statements(bbox)
    latencies: list[float] = []
    lock = threading.Lock()
    ready = threading.Barrier(connections + 1)
    errors: list[str] = []

    def client() -> None:
        mine = []
        try:
            with psycopg.connect(database_url, autocommit=True) as conn:
                cursor = conn.cursor()
                ready.wait()
                deadline = time.monotonic() + duration
                while time.monotonic() < deadline:
                    started = time.perf_counter()
                    cursor.execute(features_sql, params, prepare=False)
                    rows = cursor.fetchall()
                    if len(rows) > 2000:  # the endpoint then groups on the grid
                        cursor.execute(clusters_sql, params, prepare=False)
                        cursor.fetchall()
                    mine.append((time.perf_counter() - started) * 1000)
        except Exception as exc:  # reported, the run is then meaningless
            errors.append(str(exc))
            try:
                ready.abort()
            except threading.BrokenBarrierError:
                pass
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    try:
        ready.wait()
    except threading.BrokenBarrierError:
        pass
    started = time.monotonic()
    for thread in threads:
        thread.join(timeout=duration + 30)
    elapsed = time.monotonic() - started
    if errors or not latencies:
        raise BenchError(f"floor failed: {errors[:1] or 'no query completed'}")
    return {"rps": len(latencies) / elapsed, "p50_ms": percentile(latencies, 0.50),
            "p99_ms": percentile(latencies, 0.99), "requests": len(latencies)}


# --------------------------------------------------------------------------
# Run


def bbox_path(bbox) -> str:
    return "/api/v1/assets.geojson?bbox=" + ",".join(f"{v:.4f}" for v in bbox)


def measure(client, port: int, path: str, args, label: str) -> tuple[dict, bool]:
    """One wrk run; (figures, whether any answer was not 2xx/3xx)."""
    sample = client(port, path, args.duration, args.connections, args.threads, label=label)
    figures = {"rps": sample.rps, "p50_ms": sample.p50_ms, "p99_ms": sample.p99_ms, "requests": sample.requests,
               "non_2xx": sample.non_2xx}
    return figures, bool(sample.non_2xx or sample.socket_errors)


def run(args, client, client_name: str, tmp_path: Path) -> int:
    env = base_environment(tmp_path / "var", tmp_path / "static")
    env["DATABASE_URL"] = args.database_url
    env.pop("MAP_CACHE_SECONDS", None)  # the cached server runs with the production default
    print("== collectstatic, migrate, demo_data", flush=True)
    manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
    manage("migrate", "--noinput", "--verbosity", "0", env=env)
    manage("demo_data", "--quiet", env=env)
    started = time.monotonic()
    load_assets(args.database_url, args.assets)
    print(f"== {args.assets} assets copied and analysed in {time.monotonic() - started:.1f} s", flush=True)

    # Django only to read the endpoint's SQL (geo.statements); the servers are separate processes.
    os.environ.update({k: v for k, v in env.items() if k in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "HTTPS",
                                                             "ALLEGER_VAR_DIR", "DATABASE_URL")})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()

    results = {label: {"floor": [], "cached": [], "uncached": [], "ceiling": []} for label, _ in BOXES}
    failed = False
    statements = {bbox_path(bbox).split("?", 1)[1]: floor_statements(bbox) for _label, bbox in BOXES}
    with Server(env, tmp_path / "gunicorn-cached.log", args.workers, args.server_threads) as cached, \
            Server({**env, "MAP_CACHE_SECONDS": "0"}, tmp_path / "gunicorn-uncached.log", args.workers,
                   args.server_threads) as uncached, \
            Server({**env, "BENCH_STATEMENTS": json.dumps(statements)}, tmp_path / "gunicorn-ceiling.log",
                   args.workers, args.server_threads, application="sql_wsgi:application") as ceiling:
        servers = {"cached": cached, "uncached": uncached, "ceiling": ceiling}
        print(f"== gunicorn, {args.workers} workers x {args.server_threads} threads each: cached (production "
              f"default) on 127.0.0.1:{cached.port}, uncached (MAP_CACHE_SECONDS=0) on 127.0.0.1:{uncached.port}, "
              f"ceiling (bench/sql_wsgi.py: the floor's SQL alone) on 127.0.0.1:{ceiling.port}")
        for label, bbox in BOXES:
            bodies = {}
            for kind, server in servers.items():
                if kind == "ceiling":
                    continue
                status, body = get(server.port, bbox_path(bbox))
                if status != 200:
                    raise BenchError(f"{kind}: {bbox_path(bbox)} answered {status}: {body[:300]!r}")
                bodies[kind] = body
            status, body = get(ceiling.port, bbox_path(bbox))
            if status != 200 or not body.isdigit() or int(body) == 0:
                raise BenchError(f"ceiling: {bbox_path(bbox)} answered {status}: {body[:300]!r}")
            if bodies["cached"] != bodies["uncached"]:
                raise BenchError(f"{label}: the cached and uncached servers disagree")
            data = json.loads(bodies["cached"])
            print(f"   {label}: {len(data['features'])} features, clustered={data['clustered']}, "
                  f"{len(bodies['cached']) / 1024:.0f} KiB, snapped box {data['bbox']}")
            results[label].update(features=len(data["features"]), clustered=data["clustered"],
                                  bytes=len(bodies["cached"]), snapped_bbox=data["bbox"])
            # Warm-up (not recorded)
            for server in servers.values():
                client(server.port, bbox_path(bbox), 1, args.connections, args.threads, label=label)
            floor_run(args.database_url, bbox, 1, args.connections)
        healthz = []
        for round_number in range(1, args.rounds + 1):
            sample = client(cached.port, "/healthz", args.duration, args.connections, args.threads, label="healthz")
            healthz.append(sample.rps)
            print(f"   round {round_number}  /healthz (framework floor, for reference) {sample.rps:8.1f} req/s "
                  f"p99 {sample.p99_ms:7.2f} ms", flush=True)
            for label, bbox in BOXES:
                floor = floor_run(args.database_url, bbox, args.duration, args.connections)
                results[label]["floor"].append(floor)
                line = f"   round {round_number}  {label:<22} floor {floor['rps']:8.1f} req/s p99 {floor['p99_ms']:7.2f}"
                for kind, server in servers.items():
                    figures, bad = measure(client, server.port, bbox_path(bbox), args, label)
                    failed = failed or bad
                    results[label][kind].append(figures)
                    line += (f" | {kind} {figures['rps']:8.1f} p99 {figures['p99_ms']:7.2f} "
                             f"ratio {figures['rps'] / floor['rps']:.2f}"
                             + (f" NON-2xx {figures['non_2xx']}" if figures["non_2xx"] else ""))
                    if server.process is None or server.process.poll() is not None:
                        raise BenchError(f"the {kind} server died during the run:\n{server.tail()}")
                print(line, flush=True)

    def med(rows, key):
        return statistics.median(r[key] for r in rows)

    print("\n" + "=" * 110)
    print(f"Results: {args.assets} assets on PostgreSQL, {client_name.split(' (')[0]}, {args.connections} "
          f"connections, {args.duration:g} s per run, median of {args.rounds} interleaved rounds")
    print("cached = the production path (MapMiddleware + mapcache, the same box again and again: cache hits);")
    print("uncached = the same server with MAP_CACHE_SECONDS=0 (MapMiddleware, then the SQL and the encoding "
          "on every request)\n")
    print(f"  {'box':<24}{'floor req/s':>12}{'p50':>9}{'p99':>9}{'cached req/s':>14}{'p50':>9}{'p99':>9}"
          f"{'ratio':>8}{'uncached req/s':>16}{'p50':>9}{'p99':>9}{'ratio':>8}")
    summary = {}
    for label, _bbox in BOXES:
        floor = results[label]["floor"]
        line = f"  {label:<24}{med(floor, 'rps'):>12.1f}{med(floor, 'p50_ms'):>9.2f}{med(floor, 'p99_ms'):>9.2f}"
        summary[label] = {}
        for kind, width in (("cached", 14), ("uncached", 16)):
            rows = results[label][kind]
            ratio = med(rows, "rps") / med(floor, "rps")
            ratios = [e["rps"] / f["rps"] for f, e in zip(floor, rows, strict=True) if f["rps"]]
            summary[label][kind] = {"ratio": ratio, "ratios": ratios}
            line += f"{med(rows, 'rps'):>{width}.1f}{med(rows, 'p50_ms'):>9.2f}{med(rows, 'p99_ms'):>9.2f}{ratio:>8.2f}"
        print(line)
    print(f"  (latencies in ms; for reference, Django's /healthz through the same server: "
          f"{statistics.median(healthz):.1f} req/s)\n")
    print("ceiling = the floor's own SQL served by the same gunicorn, without Django or any encoding "
          "(bench/sql_wsgi.py):\nno endpoint on this server can pass its ratio.")
    for label, _bbox in BOXES:
        floor, rows = results[label]["floor"], results[label]["ceiling"]
        ratio = med(rows, "rps") / med(floor, "rps")
        summary[label]["ceiling"] = {"ratio": ratio}
        print(f"  {label:<24} ceiling {med(rows, 'rps'):8.1f} req/s, p99 {med(rows, 'p99_ms'):6.2f} ms, "
              f"ratio {ratio:.2f}")
    print()
    for label, _bbox in BOXES:
        for kind in ("cached", "uncached"):
            s = summary[label][kind]
            target = TARGETS.get((label, kind), TARGET_RATIO)
            verdict = "MET" if s["ratio"] >= target else "NOT MET"
            print(f"target ({label}, {kind} >= 1/{round(1 / target)} of the raw-SQL floor): {verdict} "
                  f"(ratio {s['ratio']:.2f}; "
                  f"per round {', '.join(f'{r:.2f}' for r in s['ratios'])})")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "assets_bbox.json").write_text(json.dumps({
        "generated": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "client": client_name, "assets": args.assets,
        "connections": args.connections, "duration": args.duration, "rounds": args.rounds,
        "workers": args.workers, "server_threads": args.server_threads,
        "healthz_rps": healthz,
        "boxes": {label: {"bbox": bbox, **results[label], **summary[label]} for label, bbox in BOXES},
    }, indent=2))
    return 1 if failed else 0


def interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assets", type=int, default=200_000, help="assets to create (default 200 000)")
    parser.add_argument("--duration", type=float, default=3, help="seconds per run (default 3)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="interleaved floor/cached/uncached rounds (default 3)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent clients, both sides (default 8)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--server-threads", type=int, default=4, help="threads per worker (default 4)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_URL),
                        help="benchmark database, dropped and recreated (name must start with alleger_bench)")
    args = parser.parse_args(argv)
    if not 1_000 <= args.assets <= 2_000_000:
        parser.error("--assets must be between 1 000 and 2 000 000")
    if not (1 <= args.duration <= 60 and 1 <= args.rounds <= 20 and 1 <= args.connections <= 64):
        parser.error("--duration 1-60, --rounds 1-20, --connections 1-64")
    admin_url(args.database_url)  # refuses a non-loopback host or a name not starting with alleger_bench
    signal.signal(signal.SIGTERM, interrupt)
    if shutil.which("wrk"):
        client, client_name = wrk, "wrk (" + shutil.which("wrk") + ")"
    else:
        client, client_name = python_client, "Python fallback client (threads + http.client): wrk is not installed"
    print(f"load generator: {client_name}; {os.cpu_count()} CPUs")
    created = False
    try:
        with tempfile.TemporaryDirectory(prefix="alleger-bench-assets-") as tmp:
            recreate_database(args.database_url)
            created = True
            return run(args, client, client_name, Path(tmp))
    except KeyboardInterrupt:
        print("\ninterrupted: server stopped, temporary files removed", file=sys.stderr)
        return 130
    except BenchError as exc:
        print(f"\n!! {exc}", file=sys.stderr)
        return 1
    finally:
        if created:
            try:
                recreate_database(args.database_url, drop_only=True)
            except Exception as exc:  # cleanup must not hide the real outcome
                print(f"could not drop the benchmark database: {exc}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())

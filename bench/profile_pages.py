"""Where a logged-in page's time goes, in-process: queries, template rendering, middleware.

    uv run python bench/profile_pages.py [--database-url URL] [--user clemence] [--requests 50]
                                         [--cprofile LABEL] [--middleware] [--prepare]

It runs in this process, against a database that already holds the demo data
(`--database-url`, default `DATABASE_URL`; without one, a temporary SQLite
database that it prepares itself; `--prepare` runs migrate + demo_data first on
the given one). It logs in as a demo person (`--user`, default the resident
clemence: a real session row, as a browser would have) and asks each page of
bench/http_pages.py's logged-in mode `--requests` times through Django's whole
handler (every middleware, as gunicorn would call it). Per page it prints the
median wall time of a request, its CPU time, the number of SQL queries and the
time spent in them, the time spent rendering templates (outermost render,
queries made while rendering included) and what is left (the view's Python,
the middleware, the handler).

`--middleware` measures each middleware on the floor itself: /healthz through
stacks growing one middleware at a time (anonymous, then with the session
cookie), the cost of each being the difference of medians.

`--queries LABEL` prints the SQL of one request of that page; `--cprofile LABEL` prints the 30 heaviest functions (cumulative) of that page
(`PROFILE_CALLERS=pattern`: also who calls the functions matching it).

Nothing is written; no server, no network. Times are this machine's, noisy:
compare figures of one run.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(database_url: str | None, var_dir: str) -> None:
    for name in ("REDIS_URL", "DEBUG", "LOG_LEVEL", "S3_BUCKET", "EMAIL_HOST"):
        os.environ.pop(name, None)
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "alleger.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLEGER_VAR_DIR": var_dir,
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "HTTPS": "false",
        "LOG_LEVEL": "WARNING",
        # No collected static files here: plain storage (the manifest's lookup is a dict read).
        "STATIC_MANIFEST": "false",
    })
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()


def pages() -> list[tuple[str, str]]:
    """The logged-in pages of bench/http_pages.py, with their paths in the demo data."""
    from _pages import logged_in_pages

    return logged_in_pages()


class Meter:
    """Counts queries and their time, and the time of outermost template renders."""

    def __init__(self):
        self.queries = 0
        self.sql = 0.0
        self.render = 0.0
        self._depth = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.sql += time.perf_counter() - started
            self.queries += 1

    def install_render(self):
        from django.template import base

        original = base.Template.render
        meter = self

        def render(template, context):
            meter._depth += 1
            started = time.perf_counter()
            try:
                return original(template, context)
            finally:
                meter._depth -= 1
                if meter._depth == 0:
                    meter.render += time.perf_counter() - started

        base.Template.render = render
        return lambda: setattr(base.Template, "render", original)


def client_for(username: str | None):
    from django.test import Client

    from alleger.accounts.models import User

    client = Client()
    if username:
        client.force_login(User.objects.get(email=f"{username}@alleger.localhost"),
                           backend="django.contrib.auth.backends.ModelBackend")
    return client


def measure_page(client, path: str, requests: int) -> dict:
    from django.db import connection

    for _ in range(3):  # warm-up: imports, template loading, connection
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    walls, cpus, queries, sqls, renders = [], [], [], [], []
    meter = Meter()
    restore = meter.install_render()
    try:
        with connection.execute_wrapper(meter):
            for _ in range(requests):
                meter.queries, meter.sql, meter.render = 0, 0.0, 0.0
                wall, cpu = time.perf_counter(), time.thread_time()
                response = client.get(path)
                walls.append(time.perf_counter() - wall)
                cpus.append(time.thread_time() - cpu)
                queries.append(meter.queries)
                sqls.append(meter.sql)
                renders.append(meter.render)
                assert response.status_code == 200
    finally:
        restore()
    ms = 1000
    return {
        "wall": statistics.median(walls) * ms, "cpu": statistics.median(cpus) * ms,
        "queries": statistics.median(queries), "sql": statistics.median(sqls) * ms,
        "render": statistics.median(renders) * ms, "bytes": len(response.content),
    }


def profile_page(client, path: str, requests: int) -> None:
    # PROFILE_CLOCK=cpu: this thread's CPU time (what the page costs the server's cores; waits for
    # PostgreSQL and for the other processes of a loaded machine left out); the default is wall time.
    clock = os.environ.get("PROFILE_CLOCK", "wall")
    profiler = cProfile.Profile(time.thread_time) if clock == "cpu" else cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(int(os.environ.get("PROFILE_LINES", "30")))
    if os.environ.get("PROFILE_CALLERS"):
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_callers(os.environ["PROFILE_CALLERS"])
    print(out.getvalue())


def middleware_costs(username: str, requests: int) -> None:
    from django.conf import settings
    from django.test import override_settings

    full = list(settings.MIDDLEWARE)
    for who in (None, username):
        client = client_for(who)
        previous = None
        print(f"\n/healthz through growing middleware stacks ({'logged in as ' + who if who else 'anonymous'}),"
              f" median of {requests} requests:")
        print(f"  {'stack ends with':<58}{'µs':>8}{'+µs':>8}")
        for size in range(len(full) + 1):
            with override_settings(MIDDLEWARE=full[:size]):
                client.handler.load_middleware()
                for _ in range(20):
                    client.get("/healthz")
                times = []
                for _ in range(requests):
                    started = time.perf_counter()
                    client.get("/healthz")
                    times.append(time.perf_counter() - started)
            median = statistics.median(times) * 1e6
            name = full[size - 1] if size else "(no middleware)"
            delta = "" if previous is None else f"{median - previous:+8.0f}"
            print(f"  {name:<58}{median:8.0f}{delta}")
            previous = median
        client.handler.load_middleware()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--prepare", action="store_true", help="migrate and load the demo data first")
    parser.add_argument("--user", default="clemence", help="demo person to log in as (default clemence)")
    parser.add_argument("--requests", type=int, default=50, help="requests per page (default 50)")
    parser.add_argument("--cprofile", metavar="LABEL", help="cProfile this page (a label of the table)")
    parser.add_argument("--queries", metavar="LABEL", help="print the SQL of one request of this page")
    parser.add_argument("--middleware", action="store_true", help="measure each middleware on /healthz")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="alleger-profile-") as var_dir:
        setup(args.database_url, var_dir)
        from django.core.management import call_command

        if args.prepare or not args.database_url:
            call_command("migrate", verbosity=0)
            call_command("demo_data", quiet=True)
        from django.db import connection

        print(f"{connection.vendor}, logged in as {args.user}, median of {args.requests} requests per page\n")
        client = client_for(args.user)
        floor = measure_page(client, "/healthz", args.requests)
        print(f"{'page':<22}{'wall ms':>9}{'CPU ms':>8}{'queries':>9}{'SQL ms':>8}{'render ms':>10}"
              f"{'other ms':>9}{'KiB':>6}")
        rows = [("floor /healthz", "/healthz", floor)]
        for label, path in pages():
            rows.append((label, path, measure_page(client, path, args.requests)))
        for label, _path, m in rows:
            other = m["wall"] - m["render"] - max(0.0, m["sql"] - 0)  # SQL inside renders counted once below
            print(f"{label:<22}{m['wall']:9.2f}{m['cpu']:8.2f}{m['queries']:9.0f}{m['sql']:8.2f}"
                  f"{m['render']:10.2f}{other:9.2f}{m['bytes'] / 1024:6.0f}")
        print("\n(render includes the SQL of lazy querysets evaluated while rendering, so SQL and render"
              " overlap; 'other' = wall - render - SQL, a floor on the view + middleware Python)")
        if args.cprofile:
            path = {**dict(pages()), "floor": "/healthz"}[args.cprofile]
            print(f"\ncProfile of {args.cprofile} ({path}), {args.requests} requests:")
            profile_page(client, path, args.requests)
        if args.queries:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as captured:
                client.get(dict(pages())[args.queries])
            print(f"\nSQL of one request of {args.queries}:")
            for query in captured.captured_queries:
                print(f"  {query['time']}s  {query['sql'][:300]}")
            if os.environ.get("PROFILE_STACKS"):  # where each query comes from
                import traceback

                def show(execute, sql, params, many, context):
                    print(sql[:120])
                    print("".join(f"    {f.filename.split('site-packages/')[-1]}:{f.lineno} {f.name}\n"
                                  for f in traceback.extract_stack()[-40:-2] if "django/" not in f.filename))
                    return execute(sql, params, many, context)

                with connection.execute_wrapper(show):
                    client.get(dict(pages())[args.queries])
        if args.middleware:
            middleware_costs(args.user, args.requests)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())

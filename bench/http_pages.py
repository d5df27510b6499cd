"""HTTP benchmark: public and logged-in pages against the framework's floor.

    uv run python bench/http_pages.py [--duration SECONDS] [--connections N] [--rounds N]
                                      [--mode all|anonymous|logged-in]

For each database backend (SQLite in a temporary var dir; PostgreSQL when
reachable, in a database of its own that is dropped and recreated each run) it
prepares the demo database (migrate + demo_data), starts the real server
(`alleger serve`: gunicorn, gthread workers) on a free loopback port, and
drives it with wrk. The floor (/healthz) and the pages — the territory front
page, the project listing and a project page as anonymous visitors see them
(served from the page cache, see alleger/core/cache.py), and the front page
rendered for every request (a cookie bypasses the cache, as for a logged-in
person) — and, logged in as the demo resident (her session cookie, created in
the benchmark's database: every request is rendered for her, never from the
page cache), the home page, the territory page, the project listing, the
project page, a kit, the asset list and the territory's reports
(bench/_pages.py) are measured in the same run, interleaved (floor, pages,
floor, pages…) for several rounds, and the medians are reported, because this
machine is shared and noisy.

It prints req/s, p50 and p99 for each URL, each page/floor throughput ratio,
and whether the targets hold on PostgreSQL (anonymous front page, project page
and listing >= 1/3 of the floor; each logged-in page >= 1/3 of the floor with
a p99 at most 3 times the floor's; the anonymous uncached render is reported,
not judged).
Exit status: 0 whatever the ratio (it is a report); 1 if a server failed to
start, a URL did not answer 200, or any response was not 2xx/3xx.

Load stays on 127.0.0.1, bounded in time and connections; the servers and the
benchmark database are always removed, Ctrl+C included.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from _common import percentile

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
FLOOR = "/healthz"
FRONT = "/t/saint-etienne/"
#: (label, path, extra header, target ratio to the floor or None when only reported); the
#: project's and the place's paths are found after the demo data is loaded. Logged-in pages
#: (bench/_pages.py) are added after them, with the resident's session cookie.
PAGES = [
    ("front page", FRONT, None, 1 / 3),
    ("project listing", "/projets/?territoire=saint-etienne", None, 1 / 3),
    ("project page", "<cafe>", None, 1 / 3),
    ("front page, uncached", FRONT, "Cookie: bench=uncached", None),
    # Shared places (issue 11): the list and a place's page at 1/2 of the floor, the open-now search
    # rendered anew (a cookie bypasses the page cache) reported.
    ("places list", "/lieux/?territoire=saint-etienne", None, 1 / 2),
    ("place page", "<place>", None, 1 / 2),
    ("open-now search, uncached", "/lieux/?territoire=saint-etienne&ouvert=maintenant",
     "Cookie: bench=uncached", None),
]
PLACE_NAME = "Fab lab de Jacquard"
CAFE_SLUG_PREFIX = "le-cafe"
TARGET_RATIO = 1 / 3
#: Logged-in pages: p99 at most this many times the floor's p99.
TARGET_P99 = 3
LOGGED_IN = "logged in: "
# Two cores: one worker process per core; a few threads each so a request
# waiting on the database does not idle the core.
WORKERS = 2
THREADS = 4
START_TIMEOUT = 60  # seconds for gunicorn to answer /healthz
# Settings read by alleger/settings.py that must not leak from the caller's
# environment into a benchmark (each backend sets its own).
APP_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "DEBUG",
    "S3_BUCKET",
    "EMAIL_HOST",
    "SECURE_SSL_REDIRECT",
    "SITE_URL",
    "ALLOWED_HOSTS",
    "HTTPS",
    "LOG_LEVEL",
    "DB_CONN_MAX_AGE",
    "WEB_CONCURRENCY",
    "WEB_THREADS",
    "HOST",
    "PORT",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "ALLEGER_VAR_DIR",
)


class BenchError(Exception):
    """A failure that makes the figures meaningless (server down, errors)."""


@dataclass
class Sample:
    url: str
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int = 0
    socket_errors: str = ""


@dataclass
class BackendResult:
    backend: str
    samples: list[Sample] = field(default_factory=list)
    error: str = ""

    def of(self, url: str) -> list[Sample]:
        return [s for s in self.samples if s.url == url]

    def median(self, url: str, attribute: str) -> float:
        values = [getattr(s, attribute) for s in self.of(url)]
        return statistics.median(values) if values else float("nan")

    def ratio(self, label: str) -> float:
        floor = self.median(FLOOR, "rps")
        return self.median(label, "rps") / floor if floor else float("nan")

    def round_ratios(self, label: str) -> list[float]:
        return [p.rps / f.rps for f, p in zip(self.of(FLOOR), self.of(label), strict=False) if f.rps]


# --------------------------------------------------------------------------
# Processes


def run(command: list[str], env: dict[str, str], what: str) -> None:
    completed = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if completed.returncode != 0:
        raise BenchError(
            f"{what} failed (exit {completed.returncode}):\n{completed.stderr[-3000:]}"
        )


def manage(*argv: str, env: dict[str, str]) -> None:
    run([sys.executable, "-m", "alleger.cli", *argv], env, f"alleger {' '.join(argv)}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, timeout: float = 5.0, headers: dict | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Server:
    """`alleger serve` (gunicorn) in its own process group, logs to a file."""

    def __init__(self, env: dict[str, str], log_path: Path, workers: int, threads: int,
                 application: str | None = None):
        """`application`: another WSGI application (module:callable, found from bench/) served by
        gunicorn exactly as `alleger serve` configures it (alleger.cli.gunicorn_args)."""
        self.application = application
        self.port = free_port()
        self.env = {
            **env,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "WEB_CONCURRENCY": str(workers),
            "WEB_THREADS": str(threads),
        }
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        # The access log goes to a file: a pipe nobody reads would fill up
        # and block the workers.
        self.log = self.log_path.open("wb")
        if self.application is None:
            command = [sys.executable, "-m", "alleger.cli", "serve"]
        else:
            from unittest import mock

            from alleger.cli import gunicorn_args

            with mock.patch.dict(os.environ, self.env, clear=True):  # it reads the threads and the log there
                args = gunicorn_args(self.application, "127.0.0.1", self.port, int(self.env["WEB_CONCURRENCY"]))
            command = [sys.executable, "-m", *args, "--pythonpath", str(ROOT / "bench")]
        self.process = subprocess.Popen(
            command,
            env=self.env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(
                    f"the server exited with {self.process.returncode}:\n{self.tail()}"
                )
            try:
                status, _ = get(self.port, FLOOR, timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise BenchError(
            f"the server did not answer {FLOOR} within {START_TIMEOUT}s:\n{self.tail()}"
        )

    def tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """Stop the whole process group (arbiter and workers): TERM, then KILL."""
        process, self.process = self.process, None
        if process is not None:
            for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
                try:
                    os.killpg(process.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    process.wait(timeout=grace)
                    break
                except subprocess.TimeoutExpired:
                    continue
        self.log.close()

    def __exit__(self, *exc) -> None:
        self.stop()


# --------------------------------------------------------------------------
# Load generators

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise BenchError(f"unreadable wrk latency {text!r}")
    return float(match.group(1)) * UNITS_MS[match.group(2)]


def parse_wrk(url: str, output: str) -> Sample:
    def find(pattern: str) -> re.Match | None:
        return re.search(pattern, output, re.MULTILINE)

    rps = find(r"^Requests/sec:\s+([\d.]+)")
    total = find(r"^\s*(\d+) requests in ")
    p50 = find(r"^\s+50%\s+(\S+)")
    p99 = find(r"^\s+99%\s+(\S+)")
    if not (rps and total and p50 and p99):
        raise BenchError(f"could not read wrk's output:\n{output}")
    non_2xx = find(r"^\s*Non-2xx or 3xx responses:\s+(\d+)")
    errors = find(r"^\s*Socket errors:\s+(.*)$")
    return Sample(
        url=url,
        rps=float(rps.group(1)),
        p50_ms=_ms(p50.group(1)),
        p99_ms=_ms(p99.group(1)),
        requests=int(total.group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=errors.group(1).strip() if errors else "",
    )


def wrk(port: int, url: str, duration: float, connections: int, threads: int,
        label: str | None = None, header: str | None = None) -> Sample:
    seconds = max(1, round(duration))
    command = [
        "wrk",
        *(["--header", header] if header else []),
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        "--latency",
        f"http://127.0.0.1:{port}{url}",
    ]
    # wrk stops by itself after --duration; the timeout is a backstop.
    completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30)
    if completed.returncode != 0:
        raise BenchError(f"wrk failed (exit {completed.returncode}): {completed.stderr}")
    return parse_wrk(label or url, completed.stdout)


def python_client(port: int, url: str, duration: float, connections: int, threads: int,
                  label: str | None = None, header: str | None = None) -> Sample:
    """Bounded fallback when wrk is missing: one keep-alive connection per thread."""
    deadline = time.monotonic() + duration
    latencies: list[float] = []
    failures = [0, 0]  # non-2xx/3xx responses, socket errors
    lock = threading.Lock()

    def worker() -> None:
        mine: list[float] = []
        bad = errors = 0
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                headers = dict([header.split(": ", 1)]) if header else {}
                connection.request("GET", url, headers=headers)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                errors += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            mine.append((time.perf_counter() - started) * 1000)
            if not 200 <= response.status < 400:
                bad += 1
        connection.close()
        with lock:
            latencies.extend(mine)
            failures[0] += bad
            failures[1] += errors

    started = time.monotonic()
    pool = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=duration + 15)
    elapsed = time.monotonic() - started
    if not latencies:
        raise BenchError(f"no response from {url}")
    return Sample(
        url=label or url,
        rps=len(latencies) / elapsed,
        p50_ms=percentile(latencies, 0.50),
        p99_ms=percentile(latencies, 0.99),
        requests=len(latencies),
        non_2xx=failures[0],
        socket_errors=f"{failures[1]} errors" if failures[1] else "",
    )


# --------------------------------------------------------------------------
# Backends


def base_environment(var_dir: Path, static_root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in APP_VARIABLES}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "alleger.settings",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "HTTPS": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "ALLEGER_VAR_DIR": str(var_dir),
            "STATIC_ROOT": str(static_root),
            "STATIC_MANIFEST": "true",
            "LOG_LEVEL": "WARNING",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env


def postgres_admin_url(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/postgres"


def postgres_reachable(admin_url: str) -> str:
    """'' when PostgreSQL answers, otherwise why not."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    try:
        with psycopg.connect(admin_url, connect_timeout=3):
            return ""
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]


def postgres_recreate(url: str, *, create: bool = True) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(postgres_admin_url(url), autocommit=True, connect_timeout=5) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if create:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def prepare(env: dict[str, str]) -> None:
    manage("migrate", "--noinput", "--verbosity", "0", env=env)
    manage("demo_data", "--quiet", env=env)


def project_path(port: int) -> str:
    """The demo café's page, found from the public API."""
    status, body = get(port, "/api/v1/projects?territory=saint-etienne&limit=500")
    if status != 200:
        raise BenchError(f"/api/v1/projects answered {status}")
    for project in json.loads(body):
        if project["slug"].startswith(CAFE_SLUG_PREFIX):
            return urlparse(project["url"]).path
    raise BenchError(f"no demo project whose slug starts with {CAFE_SLUG_PREFIX!r}")


def place_path(port: int) -> str:
    """The demo fab lab's page, found from the public API."""
    status, body = get(port, "/api/v1/places?territory=saint-etienne&limit=100")
    if status != 200:
        raise BenchError(f"/api/v1/places answered {status}")
    data = json.loads(body)
    for place in data["items"] if isinstance(data, dict) else data:
        if place["name"] == PLACE_NAME:
            return urlparse(place["url"]).path
    raise BenchError(f"no demo place named {PLACE_NAME!r}")


def logged_in(env: dict[str, str]) -> tuple[list[tuple[str, str]], str]:
    """The logged-in pages and a session cookie of the demo resident, made in the benchmark's database."""
    code = ("import sys; sys.path.insert(0, 'bench'); import _pages; _pages.print_pages_and_session()")
    completed = subprocess.run([sys.executable, "-m", "alleger.cli", "shell", "-c", code], env=env, cwd=ROOT,
                               capture_output=True, text=True)
    if completed.returncode != 0:
        raise BenchError(f"could not log the resident in:\n{completed.stderr[-3000:]}")
    found = json.loads(completed.stdout.strip().splitlines()[-1])
    return [tuple(page) for page in found["pages"]], found["cookie"]


def page_list(args) -> list[tuple[str, str, str | None, float | None]]:
    """The (label, path, header, target) of this run; logged-in paths are filled in by measure()."""
    pages = [] if args.mode == "logged-in" else list(PAGES)
    if args.mode != "anonymous":
        pages += [(LOGGED_IN + label, f"<{label}>", "<session>", TARGET_RATIO) for label in LOGGED_IN_LABELS]
    return pages


#: The logged-in pages' labels, in bench/_pages.py's order.
LOGGED_IN_LABELS = ["front page", "territory page", "project listing", "project page", "kit page",
                    "asset list", "reports list"]


def measure(backend: str, env: dict[str, str], args, client, log_path: Path) -> BackendResult:
    result = BackendResult(backend)
    print(f"\n== {backend}: migrate + demo_data", flush=True)
    prepare(env)
    logged_in_paths, cookie = logged_in(env) if args.mode != "anonymous" else ([], "")
    logged_in_paths = dict(logged_in_paths)
    with Server(env, log_path, args.workers, args.server_threads) as server:
        print(
            f"== {backend}: gunicorn on 127.0.0.1:{server.port} "
            f"({args.workers} workers x {args.server_threads} threads, gthread)",
            flush=True,
        )
        cafe = project_path(server.port) if args.mode != "logged-in" else ""
        place = place_path(server.port) if args.mode != "logged-in" else ""

        def resolve(label: str, path: str, header: str | None) -> tuple[str, str, str | None]:
            if label.startswith(LOGGED_IN):
                return label, logged_in_paths[label.removeprefix(LOGGED_IN)], f"Cookie: {cookie}"
            return label, {"<cafe>": cafe, "<place>": place}.get(path, path), header

        targets = [("floor", FLOOR, None)] + [resolve(label, path, header)
                                               for label, path, header, _ in page_list(args)]
        for label, url, header in targets:
            status, body = get(server.port, url, headers=dict([header.split(": ", 1)]) if header else None)
            if status == 200 and label.startswith(LOGGED_IN) and b"/accounts/logout/" not in body:
                raise BenchError(f"{url} did not show the resident logged in")
            if status != 200:
                raise BenchError(f"{url} answered {status}:\n{body[:500]!r}\n{server.tail()}")
        # Warm-up: imports, template loading, connections; not recorded.
        for label, url, header in targets:
            client(server.port, url, 1, args.connections, args.threads, label=label, header=header)
        for round_number in range(1, args.rounds + 1):
            for label, url, header in targets:
                key = FLOOR if label == "floor" else label
                sample = client(server.port, url, args.duration, args.connections, args.threads,
                                label=key, header=header)
                result.samples.append(sample)
                print(
                    f"   round {round_number}  {key:<34} {sample.rps:9.1f} req/s  "
                    f"p50 {sample.p50_ms:7.2f} ms  p99 {sample.p99_ms:7.2f} ms"
                    + (f"  NON-2xx {sample.non_2xx}" if sample.non_2xx else "")
                    + (f"  socket errors: {sample.socket_errors}" if sample.socket_errors else ""),
                    flush=True,
                )
                if server.process is None or server.process.poll() is not None:
                    raise BenchError(f"the server died during the run:\n{server.tail()}")
    return result


# --------------------------------------------------------------------------
# Report


def table(result: BackendResult, pages) -> str:
    floor_p99 = result.median(FLOOR, "p99_ms")
    lines = [
        f"{result.backend}  (median of {len(result.of(FLOOR))} interleaved rounds)",
        f"  {'URL':<36}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'ratio':>8}{'p99/floor':>11}",
        f"  {'floor ' + FLOOR:<36}{result.median(FLOOR, 'rps'):>10.1f}"
        f"{result.median(FLOOR, 'p50_ms'):>10.2f}{floor_p99:>10.2f}{'1.00':>8}{'1.00':>11}",
    ]
    for label, _, _, _ in pages:
        lines.append(
            f"  {label:<36}{result.median(label, 'rps'):>10.1f}"
            f"{result.median(label, 'p50_ms'):>10.2f}{result.median(label, 'p99_ms'):>10.2f}"
            f"{result.ratio(label):>8.2f}{result.median(label, 'p99_ms') / floor_p99:>11.2f}"
        )
    for label, _, _, _ in pages:
        ratios = ", ".join(f"{r:.2f}" for r in result.round_ratios(label))
        lines.append(f"  ratio {label}/floor per round: {ratios}")
    return "\n".join(lines)


def interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=3, help="seconds per wrk run (default 3)")
    parser.add_argument(
        "--connections", type=int, default=8, help="concurrent connections (default 8)"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="interleaved floor/page rounds (default 3)"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="wrk threads (default 1: 2 cores are shared with the server)",
    )
    parser.add_argument(
        "--workers", type=int, default=WORKERS, help=f"gunicorn workers (default {WORKERS})"
    )
    parser.add_argument(
        "--server-threads",
        type=int,
        default=THREADS,
        help=f"threads per gunicorn worker (default {THREADS})",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/alleger_bench"
        ),
        help="benchmark database, dropped and recreated each run (env BENCH_POSTGRES_URL)",
    )
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--mode", choices=["all", "anonymous", "logged-in"], default="all",
                        help="anonymous pages, logged-in pages, or both (default)")
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= 60:
        parser.error("--duration must be between 1 and 60 seconds")
    if not 1 <= args.connections <= 256:
        parser.error("--connections must be between 1 and 256")
    if not 1 <= args.rounds <= 20:
        parser.error("--rounds must be between 1 and 20")
    if not (1 <= args.workers <= 8 and 1 <= args.server_threads <= 16):
        parser.error("--workers must be 1-8 and --server-threads 1-16")
    args.threads = max(1, min(args.threads, args.connections))
    if urlparse(args.postgres_url).hostname not in {"127.0.0.1", "localhost", "::1"}:
        parser.error("--postgres-url must point at a PostgreSQL on the loopback interface")
    if not args.postgres_url.rsplit("/", 1)[-1].startswith("alleger_bench"):
        parser.error(
            "--postgres-url must name a database starting with alleger_bench (it is dropped)"
        )

    # SIGTERM behaves like Ctrl+C so the finally blocks stop the servers.
    signal.signal(signal.SIGTERM, interrupt)

    if shutil.which("wrk"):
        client, client_name = wrk, "wrk (" + shutil.which("wrk") + ")"
    else:
        client, client_name = (
            python_client,
            "Python fallback client (threads + http.client): wrk is not installed",
        )
    print(f"load generator: {client_name}")
    print(
        f"{args.rounds} rounds x (floor + {len(page_list(args))} pages) x {args.duration:g}s, "
        f"{args.connections} connections, "
        f"{args.threads if client is wrk else args.connections} client thread(s), "
        f"{os.cpu_count()} CPUs"
    )
    if not list((ROOT / "alleger" / "locale").glob("*/LC_MESSAGES/*.mo")):
        print(
            "note: translations are not compiled (`uv run alleger build`); French pages are unaffected"
        )

    results: list[BackendResult] = []
    failed = False
    pg_created = False
    with tempfile.TemporaryDirectory(prefix="alleger-bench-http-") as tmp:
        tmp_path = Path(tmp)
        static_root = tmp_path / "static"
        try:
            env = base_environment(tmp_path / "var-sqlite", static_root)
            print("\n== collectstatic (temporary STATIC_ROOT)", flush=True)
            manage("collectstatic", "--noinput", "--verbosity", "0", env=env)

            backends = [("SQLite", env)]
            if not args.no_postgres:
                why = postgres_reachable(postgres_admin_url(args.postgres_url))
                if why:
                    print(f"\nPostgreSQL skipped: not reachable ({why})")
                else:
                    pg_env = base_environment(tmp_path / "var-postgres", static_root)
                    pg_env["DATABASE_URL"] = args.postgres_url
                    backends.append(("PostgreSQL", pg_env))

            for name, backend_env in backends:
                try:
                    if name == "PostgreSQL":
                        postgres_recreate(args.postgres_url)
                        pg_created = True
                    results.append(
                        measure(
                            name,
                            backend_env,
                            args,
                            client,
                            tmp_path / f"gunicorn-{name.lower()}.log",
                        )
                    )
                except BenchError as exc:
                    failed = True
                    results.append(BackendResult(name, error=str(exc)))
                    print(f"\n!! {name}: {exc}", file=sys.stderr, flush=True)
        except KeyboardInterrupt:
            print("\ninterrupted: servers stopped, temporary files removed", file=sys.stderr)
            return 130
        except BenchError as exc:
            print(f"\n!! {exc}", file=sys.stderr)
            return 1
        finally:
            if pg_created:
                try:
                    postgres_recreate(args.postgres_url, create=False)
                except Exception as exc:  # cleanup must not hide the real outcome
                    print(f"could not drop the benchmark database: {exc}", file=sys.stderr)

    print("\n" + "=" * 64)
    print(
        f"Results ({client_name.split(' (')[0]}, {args.connections} connections, "
        f"{args.duration:g}s per run)\n"
    )
    for result in results:
        print(table(result, page_list(args)) if not result.error else f"{result.backend}: FAILED")
        bad = sum(s.non_2xx for s in result.samples)
        if bad:
            failed = True
            print(f"  !! {bad} non-2xx/3xx responses")
        print()
    postgres = next((r for r in results if r.backend == "PostgreSQL" and not r.error), None)
    if postgres is None:
        print("targets (pages >= 1/3 of floor on PostgreSQL): not measured (no PostgreSQL run)")
    else:
        floor_p99 = postgres.median(FLOOR, "p99_ms")
        for label, _, _, target in page_list(args):
            ratio = postgres.ratio(label)
            if target is None:
                print(f"reported ({label}): ratio {ratio:.2f} to the floor, p99 "
                      f"{postgres.median(label, 'p99_ms'):.2f} ms vs {floor_p99:.2f} ms")
                continue
            verdict = "MET" if ratio >= target else "NOT MET"
            print(f"target ({label} >= 1/{round(1 / target)} of floor on PostgreSQL): {verdict} "
                  f"(ratio {ratio:.2f}, p99 {postgres.median(label, 'p99_ms'):.2f} ms vs {floor_p99:.2f} ms)")
            if label.startswith(LOGGED_IN):
                p99 = postgres.median(label, "p99_ms")
                verdict = "MET" if p99 <= TARGET_P99 * floor_p99 else "NOT MET"
                print(f"target ({label} p99 <= 3 x floor p99 on PostgreSQL): {verdict} "
                      f"({p99:.2f} ms vs {floor_p99:.2f} ms: {p99 / floor_p99:.2f} x)")

    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "http_pages.json").write_text(
        json.dumps(
            {
                "generated": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "client": client_name,
                "connections": args.connections,
                "duration": args.duration,
                "rounds": args.rounds,
                "workers": args.workers,
                "server_threads": args.server_threads,
                "backends": [
                    {**asdict(r), "ratios": None if r.error else {p[0]: r.ratio(p[0]) for p in page_list(args)}}
                    for r in results
                ],
            },
            indent=2,
        )
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

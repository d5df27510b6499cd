"""The benchmarks' own PostgreSQL database: loopback only, dropped and recreated each run."""

from urllib.parse import urlparse, urlunparse


def admin_url(url: str) -> tuple[str, str]:
    """The maintenance database's URL and the benchmark database's name."""
    parsed = urlparse(url)
    if parsed.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("this benchmark only runs against a PostgreSQL on the loopback interface")
    name = parsed.path.lstrip("/")
    if not name.startswith("alleger_bench"):
        raise SystemExit("the benchmark database's name must start with alleger_bench (it is dropped)")
    return urlunparse(parsed._replace(path="/postgres")), name


def recreate_database(url: str, *, drop_only: bool = False) -> None:
    import psycopg
    from psycopg import sql

    maintenance, name = admin_url(url)
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def in_fresh_database(url: str, run) -> int:
    """Run `run(var_dir)` on a new empty database and a temporary var dir; drop both afterwards, always."""
    import tempfile

    recreate_database(url)
    try:
        with tempfile.TemporaryDirectory(prefix="alleger-bench-") as var_dir:
            return run(var_dir)
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # Django may not be set up yet: nothing to close
            pass
        recreate_database(url, drop_only=True)

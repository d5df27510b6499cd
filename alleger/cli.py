"""The `alleger` command: run the demo, serve, build translations, or any manage.py command.

    alleger demo [--port N]      migrate, load the demo data, serve on http://127.0.0.1:8000 (or port N),
                                 with the periodic jobs (alleger worker) beside it
    alleger serve [--port N]     serve with gunicorn (configuration from the environment)
    alleger build                compile translations and collect static files
    alleger <django command>     any manage.py command (migrate, demo_data, settle, …)
"""

import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def compile_translations() -> int:
    """Compile every .po file under alleger/locale to .mo (Babel, no system gettext needed)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    count = 0
    for po_path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=po_path.parts[-3])
        with po_path.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        count += 1
    return count


def _var_dir() -> Path:
    var = Path(os.environ.get("ALLEGER_VAR_DIR", ROOT / "var"))
    var.mkdir(parents=True, exist_ok=True)
    return var


def _demo_environment(host: str, port: int) -> None:
    """The demo's own settings: a secret generated once and kept in var/, plain HTTP on loopback."""
    var = _var_dir()
    key_file = var / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    os.environ.setdefault("SECRET_KEY", key_file.read_text().strip())
    os.environ.setdefault("HTTPS", "false")
    os.environ.setdefault("ALLOWED_HOSTS", f"{host},localhost,127.0.0.1")
    os.environ.setdefault("SITE_URL", f"http://{host}:{port}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alleger.settings")


def collect_static() -> None:
    """collectstatic, once the front-end packages are there (`npm ci`): without them every page
    would fail on its missing stylesheet, so say it now, in one line."""
    import django
    from django.conf import settings

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alleger.settings")
    django.setup()
    missing = [f"node_modules/{path}" for _prefix, path in settings.FRONT_END_PACKAGES
               if not (settings.NODE_MODULES / path).is_dir()]
    if missing:
        raise SystemExit(f"alleger: the front-end packages are missing ({', '.join(missing)}): run `npm ci` "
                         "first (scripts/demo does it).")
    _django("collectstatic", "--noinput", "--verbosity", "0")


def _django(*argv: str) -> None:
    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alleger.settings")
    django.setup()
    call_command(*argv)


#: gunicorn's longest request line (method, URI and protocol), its maximum short of 0 (unlimited;
#: the default is 4094). An Open311 poll of 800 ids of 7 digits is about 6 500 bytes (8 000 with the
#: commas percent-encoded); a longer line gets gunicorn's own 414.
REQUEST_LINE_LIMIT = 8190


def _access_log() -> bool:
    value = os.environ.get("WEB_ACCESS_LOG", "").strip().lower()
    if value in ("", "1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise SystemExit(f"WEB_ACCESS_LOG must be true or false, not {value!r}.")


def gunicorn_args(app: str, host: str, port: int, workers: int) -> list[str]:
    return [
        "gunicorn", app,
        "--bind", f"{host}:{port}",
        "--workers", str(workers),
        "--worker-class", "alleger.server.ThreadWorker", "--threads", os.environ.get("WEB_THREADS", "4"),
        # One line per request on stdout; WEB_ACCESS_LOG=false behind a proxy that logs them already
        # (it costs a formatted write per request: bench/README.md).
        *(["--access-logfile", "-"] if _access_log() else []),
        "--forwarded-allow-ips", os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        "--limit-request-line", str(REQUEST_LINE_LIMIT),
    ]


def serve(host: str, port: int, workers: int | None = None) -> None:
    """Replace this process with gunicorn serving the WSGI application."""
    workers = workers or int(os.environ.get("WEB_CONCURRENCY", "3"))
    # The rate limits' table without Redis (settings.CACHES): `migrate` makes it, but a deployment that drops
    # REDIS_URL and restarts without migrating would refuse every login. Idempotent, and nothing with Redis.
    _django("createcachetable")
    args = gunicorn_args("alleger.wsgi:application", host, port, workers)
    os.execvp(sys.executable, [sys.executable, "-m", *args])


def demo(host: str = "127.0.0.1", port: int = 8000) -> None:
    _demo_environment(host, port)
    compile_translations()
    collect_static()
    _django("migrate", "--noinput", "--verbosity", "0")
    _django("demo_data")
    # The periodic jobs (settlement, holds, metrics…) beside the server, as a deployment runs them: a campaign
    # past its deadline settles, a dashboard follows the day. The server takes this process's place (exec), so
    # the worker watches this pid and stops with it, whatever stops it.
    import subprocess

    subprocess.Popen([sys.executable, "-m", "alleger.cli", "worker", "--parent", str(os.getpid())])
    print(f"\nAlléger runs on http://{host}:{port}/  (Ctrl+C to stop)", flush=True)
    serve(host, port)


def main(argv: list[str] | None = None) -> None:
    from django.core.exceptions import ImproperlyConfigured

    try:
        _main(list(sys.argv[1:] if argv is None else argv))
    except ImproperlyConfigured as exc:
        # A configuration mistake deserves one clear line, not a traceback.
        sys.exit(f"alleger: configuration error: {exc}")


def _main(argv: list[str]) -> None:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return
    command, rest = argv[0], argv[1:]
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    if command in ("demo", "serve"):
        import argparse

        parser = argparse.ArgumentParser(prog=f"alleger {command}")
        parser.add_argument("--host", default=host, help="address to listen on (env HOST, default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=port, help="port (env PORT, default 8000)")
        options = parser.parse_args(rest)  # an unknown option is an error, never silently ignored
        host, port = options.host, options.port
    if command == "demo":
        demo(host, port)
    elif command == "serve":
        serve(host, port)
    elif command == "build":
        # Building signs nothing: a throwaway key lets it run before any secret exists.
        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
        print(f"compiled {compile_translations()} translation catalogue(s)")
        collect_static()
    else:
        from django.core.management import execute_from_command_line

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alleger.settings")
        execute_from_command_line(["alleger", command, *rest])


if __name__ == "__main__":
    main()

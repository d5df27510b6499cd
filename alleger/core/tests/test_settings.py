"""Settings read the environment strictly; production mode passes the deploy checks.

Each case starts a fresh process, as a deployment would: settings are read
once, at start-up.
"""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

MANAGE = [sys.executable, str(settings.BASE_DIR / "manage.py")]


def _run(tmp_path, *args, **env):
    base = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "LANG": "C.UTF-8",
        "ALLEGER_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": secrets.token_urlsafe(50),
    }
    base.update(env)
    environment = {key: value for key, value in base.items() if value is not None}
    return subprocess.run(
        [*MANAGE, *args], env=environment, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("variable", "env"),
    [
        ("DEBUG", {"DEBUG": "maybe"}),
        ("HTTPS", {"HTTPS": "sometimes"}),
        ("SECRET_KEY", {"SECRET_KEY": "too-short"}),
        ("SECRET_KEY", {"SECRET_KEY": None}),
        ("DATABASE_URL", {"DATABASE_URL": "mysql://alleger:secret@db.example.org/alleger"}),
        ("REDIS_URL", {"REDIS_URL": "http://cache.example.org:6379"}),
        ("SITE_URL", {"SITE_URL": "ftp://alleger.example.org"}),
        ("EMAIL_PORT", {"EMAIL_HOST": "smtp.example.org", "EMAIL_PORT": "abc"}),
        ("EMAIL_PORT", {"EMAIL_PORT": "abc"}),
        ("EMAIL_USE_TLS", {"EMAIL_USE_TLS": "perhaps"}),
        ("UPLOAD_MAX_BYTES", {"UPLOAD_MAX_BYTES": "-5"}),
        ("SECURE_HSTS_SECONDS", {"SECURE_HSTS_SECONDS": "a year"}),
    ],
)
def test_it_refuses_a_bad_environment_value(tmp_path, variable, env):
    # When the platform starts with a malformed value
    result = _run(tmp_path, "check", **env)
    # Then it stops, with a message that names the variable, not a traceback
    assert result.returncode != 0
    assert variable in result.stderr
    assert "Traceback" not in result.stderr
    if env[variable] and variable != "SECRET_KEY":  # never echo a secret back
        assert env[variable] in result.stderr


def test_production_mode_passes_the_deploy_checks(tmp_path):
    # Given production defaults: HTTPS on, DEBUG off, a long random secret
    result = _run(tmp_path, "check", "--deploy", "--fail-level", "WARNING",
                  ALLOWED_HOSTS="alleger.example.org", SITE_URL="https://alleger.example.org")
    # Then Django's deployment checklist has nothing to say
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_demo_mode_over_plain_http_is_not_taken_for_production(tmp_path):
    # HTTPS=false (the local demo) must show up in the deploy checks
    result = _run(tmp_path, "check", "--deploy", "--fail-level", "WARNING", HTTPS="false")
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stderr + result.stdout


def test_sqlite_runs_in_wal_mode(tmp_path):
    result = _run(tmp_path, "shell", "-c",
                  "from django.db import connection\n"
                  "cursor = connection.cursor()\n"
                  "cursor.execute('PRAGMA journal_mode')\n"
                  "print(connection.vendor, cursor.fetchone()[0])")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["sqlite", "wal"]


def test_csp_lets_images_come_from_the_tile_server_and_object_storage(tmp_path):
    result = _run(tmp_path, "shell", "-c",
                  "from django.conf import settings\n"
                  "print(' '.join(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))",
                  MAP_TILE_URL="https://{s}.tiles.example.org:8443/{z}/{x}/{y}.png", S3_BUCKET="photos",
                  S3_ENDPOINT_URL="https://s3.example.net/", CSP_IMG_SRC="https://images.example.com")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "'self'", "data:", "https://*.tiles.example.org:8443", "https://s3.example.net",
        "https://images.example.com"]


def test_without_redis_the_rate_limits_are_shared_by_every_web_process(tmp_path):
    """Each web process has its own memory: limits counted there would be multiplied by the number of
    processes. Without REDIS_URL, `migrate` makes the database's cache table, and a count made by one
    process is seen by another (here, two `manage.py` processes on the same SQLite file)."""
    database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "SHARED_CACHE": None}
    assert _run(tmp_path, "migrate", "--noinput", **database).returncode == 0
    first = _run(tmp_path, "shell", "-c", "from django.core.cache import cache, caches\n"
                 "cache.set('alleger:test', [1, 2, 3], 60)\nprint(type(caches['default']).__name__, type(caches['pages']).__name__)",
                 **database)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[-1].split() == ["DatabaseCache", "LocMemCache"]
    second = _run(tmp_path, "shell", "-c", "from django.core.cache import cache\nprint(cache.get('alleger:test'))",
                  **database)
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines()[-1] == "[1, 2, 3]"


def test_with_redis_the_two_caches_keep_their_keys_apart(tmp_path):
    result = _run(tmp_path, "shell", "-c", "from django.conf import settings; "
                  "print(sorted((a, c['KEY_PREFIX']) for a, c in settings.CACHES.items()))",
                  REDIS_URL="redis://127.0.0.1:6379/0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[('default', 'alleger-default'), ('pages', 'alleger-pages')]"

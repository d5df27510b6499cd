"""pytest plugin (loaded with -p before Django settings are read): the test environment.

Settings refuse to start without SECRET_KEY; tests get a random one, plain
HTTP, and a private var/ folder so uploads and mail never touch the demo's.
"""

import os
import secrets
import tempfile

os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("ALLEGER_VAR_DIR", tempfile.mkdtemp(prefix="alleger-test-"))
# Background jobs run at once, so a test sees the e-mails its action sent;
# alleger/core/tests/test_mail.py works a real queue.
os.environ.setdefault("TASKS_IMMEDIATE", "true")
# One process per test database: the rate limits may live in its memory (alleger/core/tests/test_settings.py
# checks the database's cache, shared by processes, which is the default).
os.environ.setdefault("SHARED_CACHE", "memory")

# Hypothesis judges correctness here, not speed: on a busy two-core machine its
# timing checks (per-example deadline, slow input generation) fail at random.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("alleger", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("alleger")

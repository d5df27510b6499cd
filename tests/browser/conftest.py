"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Nothing is downloaded: Chromium is /usr/bin/chromium (or $CHROMIUM), axe-core
comes from node_modules (npm ci). Requests to any host other than the live
server's loopback address are aborted, so map tiles never reach the network.
"""

import json
import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an asyncio loop in the test thread; Django's ORM
# (used by the tests to prepare data and read the outbox) would refuse it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(config, items):
    # Every test in this folder drives the browser, marked or not.
    for item in items:
        if "tests/browser/" in item.nodeid.replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright_instance():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    """One Chromium per xdist worker.

    Playwright gives each launch a fresh temporary --user-data-dir; HOME and
    the XDG folders point at a throwaway directory too, so nothing (NSS
    database, crash reports, caches) lands in the real home.
    """
    home = tempfile.mkdtemp(prefix="alleger-chromium-")
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        env={**os.environ, "HOME": home, "XDG_CONFIG_HOME": home, "XDG_CACHE_HOME": home},
    )
    yield browser
    browser.close()
    shutil.rmtree(home, ignore_errors=True)


def _block_external(route):
    host = urlsplit(route.request.url).hostname or ""
    if host in LOOPBACK or host.strip("[]") in LOOPBACK:
        route.continue_()
    else:
        route.abort("blockedbyclient")


def _new_context(browser, **options):
    context = browser.new_context(locale="fr-FR", **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    context.route("**/*", _block_external)
    return context


@pytest.fixture
def new_context(browser):
    """Factory for extra contexts (e.g. java_script_enabled=False); closed after the test."""
    contexts = []

    def make(**options):
        context = _new_context(browser, **options)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context):
    return new_context()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture(scope="session")
def axe_source():
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci` in the project root.")
    return AXE_JS.read_text(encoding="utf-8")


SERIOUS = {"serious", "critical"}


def axe_run(page, source):
    """Inject axe-core into the page and return its violations (all impacts)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated by the DevTools protocol: an injected <script> would be refused by the page's CSP.
        page.evaluate(source + "\n;undefined")
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, html: n.html, summary: n.failureSummary})),
            }));
        }"""
    )
    return result


def format_violations(url, violations):
    lines = [f"axe-core: {len(violations)} serious/critical violation(s) on {url}"]
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:10]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['html'][:200]}")
            for summary_line in (node["summary"] or "").splitlines():
                lines.append(f"      {summary_line}")
    return "\n".join(lines)


@pytest.fixture
def check_axe(axe_source):
    """check_axe(page): fail with a readable list if axe finds serious or critical violations."""

    def check(page):
        violations = axe_run(page, axe_source)
        serious = [v for v in violations if v["impact"] in SERIOUS]
        if serious:
            pytest.fail(format_violations(page.url, serious), pytrace=False)
        return violations

    return check


# --- data -----------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fast_and_fresh(settings):
    """Cheap password hashing (the live server thread sees this setting too) and an
    empty cache, where allauth counts its per-IP rate limits: every browser comes
    from 127.0.0.1, so sign-ups and logins would otherwise add up across tests."""
    from django.core.cache import caches

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for each in caches.all():
        each.clear()
    yield
    for each in caches.all():
        each.clear()


PASSWORD = "Trottoir-Fleuri-2025"


def _square(lon, lat, size):
    return {
        "type": "Polygon",
        "coordinates": [
            [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
        ],
    }


@pytest.fixture
def territory(transactional_db):
    """A city with a GeoJSON boundary and two neighbourhoods, made by the services."""
    from alleger.territories.services import neighbourhood_create, territory_create

    city = territory_create(
        name="Villeclaire",
        slug="villeclaire",
        boundary=_square(4.80, 45.74, 0.08),
        tagline="Une ville d'essai pour les tests du navigateur.",
        description="Des **rues** plus légères.",
    )
    neighbourhood_create(
        territory=city, name="Les Pentes", slug="pentes", boundary=_square(4.80, 45.74, 0.04)
    )
    neighbourhood_create(
        territory=city, name="Bord de Saône", slug="bord-saone", boundary=_square(4.84, 45.74, 0.04)
    )
    return city


@pytest.fixture
def member(transactional_db):
    """A resident whose e-mail address is verified, so the login form accepts them."""
    from allauth.account.models import EmailAddress

    from alleger.accounts.models import User

    user = User.objects.create_user("martha@example.org", PASSWORD, display_name="Martha")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def logged_in(context, live_server, member):
    """Put a session for `member` into the browser context (no form round trip)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return member

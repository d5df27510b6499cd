"""The logged-in pages that bench/http_pages.py measures and bench/profile_pages.py profiles.

`logged_in_pages()` needs Django set up on a database holding the demo data; http_pages.py calls it
through `alleger shell` in the benchmark's environment (`print_pages_and_session`).
"""

import json

TERRITORY = "saint-etienne"
CAFE_SLUG_PREFIX = "le-cafe"
KIT_SLUG = "kit-du-jardinier-urbain"
#: The demo resident whose session the logged-in mode sends (accounts/demo.py).
RESIDENT = "clemence@alleger.localhost"


def logged_in_pages() -> list[tuple[str, str]]:
    """(label, path) of each page measured logged in, in the demo data."""
    from alleger.funding.models import Project

    cafe = Project.objects.filter(slug__startswith=CAFE_SLUG_PREFIX).order_by("pk").first()
    if cafe is None:
        raise SystemExit(f"no demo project whose slug starts with {CAFE_SLUG_PREFIX!r}")
    return [
        ("front page", "/"),
        ("territory page", f"/t/{TERRITORY}/"),
        ("project listing", f"/projets/?territoire={TERRITORY}"),
        ("project page", cafe.get_absolute_url()),
        ("kit page", f"/kits/{KIT_SLUG}/"),
        ("asset list", "/dispositifs/"),
        ("reports list", f"/signalements/t/{TERRITORY}/"),
    ]


def session_cookie(email: str = RESIDENT) -> str:
    """The cookies (`name=value; name=value`) a browser holds after a demo person logged in: a fresh
    session, and the CSRF cookie that the login page set (without it, every page would make and set
    a new one, which no browser asks for twice)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.middleware.csrf import _get_new_csrf_string

    from alleger.accounts.models import User

    user = User.objects.get(email=email)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return (f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
            f"{settings.CSRF_COOKIE_NAME}={_get_new_csrf_string()}")


def print_pages_and_session() -> None:
    """Print, as JSON, the pages and a fresh session cookie value of the demo resident."""
    print(json.dumps({"pages": logged_in_pages(), "cookie": session_cookie()}))

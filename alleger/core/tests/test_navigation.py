"""Findable: every main page is reached from the home page by links alone, and the menu shows
the four tracks and the links of one's roles."""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest

from alleger.territories.models import Territory
from alleger.testing.demo import demo_person

# Never followed: the back office, machine endpoints, feeds and files, and the logout form's target.
SKIP = re.compile(r"^/(admin|api|open311|i18n|static|media|accounts/logout)/|\.(atom|rss|csv|json|xml|txt|ics|png|svg)$")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs += [value for name, value in attrs if name == "href" and value]


def _crawl(client, expected: dict[str, re.Pattern], budget: int = 600) -> set[str]:
    """Breadth-first over <a href> from /, each path once (query strings dropped); the names found."""
    found, seen, queue = set(), {"/"}, deque(["/"])
    while queue and budget and len(found) < len(expected):
        path = queue.popleft()
        budget -= 1
        response = client.get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        found |= {name for name, pattern in expected.items() if pattern.fullmatch(path)}
        parser = _Links()
        parser.feed(response.content.decode())
        for href in parser.hrefs:
            parts = urlsplit(urldefrag(href).url)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if parts.path not in seen and not SKIP.search(parts.path):
                seen.add(parts.path)
                queue.append(parts.path)
    return found


def _expected(territory: Territory) -> dict[str, re.Pattern]:
    t = re.escape(territory.slug)
    pages = {
        "home": "/", "territory": f"/t/{t}/", "projects": "/projets/", "a project": r"/projets/[\w-]+/",
        "kits": "/kits/", "a kit": r"/kits/(?!nouveau/|relecture/)[\w-]+/", "assets": "/dispositifs/",
        "an asset": r"/dispositifs/\d+/", "interventions": "/interventions/", "an intervention": r"/interventions/\d+/",
        "reports": "/signalements/", "report form": r"/signalements/t/[\w-]+/nouveau/", "proposals": "/propositions/",
        "organisations": "/organisations/", "places": "/lieux/", "a place": r"/lieux/\d+/", "bookings": "/reservations/",
        "a bookable resource": r"/reservations/ressources/\d+/", "legal notice": "/mentions-legales/", "privacy": "/confidentialite/",
        "accessibility": "/accessibilite/", "terms": "/conditions-utilisation/",
    }
    return {name: re.compile(pattern) for name, pattern in pages.items()}


@pytest.fixture
def saint_etienne(demo):
    return Territory.objects.get(slug="saint-etienne")


ROLES = {  # who, and the pages their role adds; None is a visitor
    None: {},
    "clemence": {"my contributions": "/contributions/", "my account": "/compte/",
                 "my bookings": "/reservations/mes-reservations/"},
    "helene": {"sponsor space": "/mecenat/"},
    "martha": {"moderation queue": "/moderation/"},
}


def test_every_main_page_is_reached_from_the_home_page_by_links(client, saint_etienne):
    missing = {}
    for who, extra in ROLES.items():
        client.logout()
        if who:
            client.force_login(demo_person(who))
        expected = {**_expected(saint_etienne), **{name: re.compile(re.escape(path)) for name, path in extra.items()}}
        if who is None:  # a visitor is sent to log in by the report form's link
            expected["report form"] = re.compile("/accounts/login/")
        missing[who] = set(expected) - _crawl(client, expected)
    assert missing == {who: set() for who in ROLES}


def _menu(client):
    body = client.get("/kits/").content.decode()
    return body.split('class="site-menu"', 1)[1].split("</details>", 1)[0]


@pytest.mark.django_db
def test_the_menu_groups_the_four_tracks(client):
    menu = _menu(client)
    for heading in ("Financer", "Agir", "Partager des lieux", "Innover ensemble"):
        assert heading in menu
    for href in ("/projets/", "/kits/", "/dispositifs/", "/interventions/", "/signalements/", "/propositions/",
                 "/organisations/", "/lieux/", "/lieux/?ouvert=maintenant", "/reservations/", "/etudes/", "/cellule/"):
        assert f'href="{href}"' in menu
    # Every track is built: nothing is announced « bientôt » any more.
    assert "bientôt" not in menu and "nav-soon" not in menu


@pytest.mark.django_db
def test_role_links_show_only_to_those_who_have_the_role(client, resident, sponsor, moderator):
    assert "/mecenat/" not in _menu(client) and "/contributions/" not in _menu(client)
    client.force_login(resident)
    menu = _menu(client)
    assert 'href="/contributions/"' in menu and 'href="/reservations/mes-reservations/"' in menu
    assert "/mecenat/" not in menu and 'href="/moderation/"' not in menu
    client.force_login(sponsor)
    menu = _menu(client)
    assert 'href="/mecenat/">Mécénat' in menu and 'href="/moderation/"' not in menu
    client.force_login(moderator)
    menu = _menu(client)
    assert 'href="/moderation/">Modération' in menu and "/mecenat/" not in menu


@pytest.mark.django_db
def test_the_menu_speaks_english_too(client):
    client.cookies["django_language"] = "en"
    menu = _menu(client)
    assert "Take action" in menu and "Innovate together" in menu and "Discover" in menu

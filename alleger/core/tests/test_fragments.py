"""Shared fragments (alleger/core/fragments.py): a page served from them is the page rendered anew,
for every person, whoever filled the cache; a write shows at once."""

import re

import pytest
from django.core.cache import caches
from django.template import Context, Template
from django.test import Client, RequestFactory

from alleger.accounts.models import User
from alleger.core import fragments
from alleger.funding.models import Project

#: Demo people with different roles and data: a resident, the café's holder (an association's
#: admin: "Vos projets", "Gérer le projet"), the territory's moderator, a sponsor.
PEOPLE = ["clemence", "clement", "martha", "helene"]

# Per-request values: CSRF tokens (masked anew for each request) and CSP nonces.
_PER_REQUEST = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), 'name="csrfmiddlewaretoken" value="…"'),
    (re.compile(r'nonce="[^"]+"'), 'nonce="…"'),
]


def _pages():
    cafe = Project.objects.filter(slug__startswith="le-cafe").order_by("pk").first()
    return ["/", "/t/saint-etienne/", "/projets/?territoire=saint-etienne", "/projets/",
            cafe.get_absolute_url(), "/kits/kit-du-jardinier-urbain/", "/dispositifs/",
            "/dispositifs/?territoire=saint-etienne", "/signalements/t/saint-etienne/",
            "/cellule/saint-etienne/tableau-de-bord/", "/cellule/saint-etienne/tableau-de-bord/?quartier=carnot-bellevue"]


def _client(person):
    client = Client()
    client.force_login(User.objects.get(email=f"{person}@alleger.localhost"),
                       backend="django.contrib.auth.backends.ModelBackend")
    return client


def _page(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    text = response.content.decode()
    for pattern, replacement in _PER_REQUEST:
        text = pattern.sub(replacement, text)
    return text


@pytest.mark.parametrize("first", PEOPLE)
def test_nobody_sees_a_page_filled_by_someone_else_but_their_own(demo, first):
    # Given each person's pages rendered with no fragment in the cache
    clients = {person: _client(person) for person in PEOPLE}
    fresh = {}
    for person in PEOPLE:
        for path in _pages():
            caches["pages"].clear()
            fresh[person, path] = _page(clients[person], path)
    # When `first` fills the cache, then everyone asks for the same pages
    caches["pages"].clear()
    for path in _pages():
        _page(clients[first], path)
    # Then each gets exactly their own page, as rendered anew
    for person in PEOPLE:
        for path in _pages():
            assert _page(clients[person], path) == fresh[person, path], (first, person, path)


def test_the_people_really_see_different_pages(demo):
    # The comparison above would prove nothing if everyone got the same page.
    clement, clemence, martha = _client("clement"), _client("clemence"), _client("martha")
    cafe = Project.objects.filter(slug__startswith="le-cafe").order_by("pk").first().get_absolute_url()
    holder_page = _page(clement, cafe)
    resident_page = _page(clemence, cafe)
    assert "Clément" in holder_page and "Clément" not in _page(clemence, "/")
    assert "Clémence" in resident_page and "Clémence" not in _page(clement, "/")
    assert f"/projets/{cafe.split('/')[2]}/gerer/" in holder_page
    assert "/gerer/" not in resident_page
    assert "Vous modérez ce territoire" in _page(martha, "/t/saint-etienne/")
    assert "Vous modérez ce territoire" not in _page(clemence, "/t/saint-etienne/")
    assert "Vos projets" in _page(clement, "/projets/?territoire=saint-etienne")
    assert "Vos projets" not in _page(martha, "/projets/?territoire=saint-etienne")


def test_a_visitor_and_a_person_share_nothing_personal(demo):
    visitor = Client(HTTP_COOKIE="bench=uncached")  # a cookie: not the anonymous page cache
    for path in _pages():
        _page(_client("clement"), path)
        page = _page(visitor, path)
        assert "Clément" not in page.split("<main")[0], path  # the header is the visitor's
        assert "Se connecter" in page


def test_a_write_shows_at_once(demo):
    client = _client("clemence")
    cafe = Project.objects.filter(slug__startswith="le-cafe").order_by("pk").first()
    assert cafe.title in _page(client, cafe.get_absolute_url())
    Project.objects.filter(pk=cafe.pk).update(title="Un tout autre titre")
    assert "Un tout autre titre" in _page(client, cafe.get_absolute_url())
    assert "Un tout autre titre" in _page(client, "/projets/?territoire=saint-etienne")


def test_every_write_changes_the_version_after_its_commit(db, django_capture_on_commit_callbacks):
    request = RequestFactory().get("/")
    before = fragments.data_version(request)
    with django_capture_on_commit_callbacks(execute=True):
        User.objects.create_user(email="new@example.org", password=None)
    after = fragments.data_version(RequestFactory().get("/"))
    assert before is not None and after is not None
    assert before[0] != after[0]  # the database's number, which every process reads


def test_a_session_saved_changes_nothing(db, django_capture_on_commit_callbacks):
    from django.contrib.sessions.backends.db import SessionStore

    before = fragments.data_version(RequestFactory().get("/"))
    with django_capture_on_commit_callbacks(execute=True):
        session = SessionStore()
        session["x"] = 1
        session.save()
    assert fragments.data_version(RequestFactory().get("/")) == before


def test_a_shared_fragment_renders_as_a_visitor_with_the_persons_csrf_token_and_nonce(resident, rf):
    template = Template('{% load fragments %}{% shared "t" %}[{{ user.is_authenticated }}|{{ perms.funding }}|'
                        '{% csrf_token %}|{{ request.csp_nonce }}|{{ request.user.is_anonymous }}]{% endshared %}')
    request = rf.get("/")
    request.user = resident
    request.LANGUAGE_CODE = "fr"
    request.csp_nonce = "N0NCE"
    text = template.render(Context({"request": request, "user": resident, "csrf_token": "real"}))
    assert text.startswith("[False|")
    assert "True]" in text and "|N0NCE|" in text
    assert 'name="csrfmiddlewaretoken" value="' in text and fragments.holes()[0] not in text


def test_a_post_caches_nothing(db, rf):
    # A POST's page may hold a form sent back with one person's errors.
    calls = []

    def render():
        calls.append(1)
        return "text"

    for _ in range(2):
        request = rf.post("/projets/x/")
        request.LANGUAGE_CODE = "fr"
        assert fragments.shared("t", request, (), render) == "text"
    assert len(calls) == 2
    for _ in range(2):
        request = rf.get("/projets/x/")
        request.LANGUAGE_CODE = "fr"
        assert fragments.shared("t", request, (), render) == "text"
    assert len(calls) == 3


def test_this_processs_copy_of_a_fragment_expires_with_the_shared_cache(db, rf, settings, monkeypatch):
    # A fragment may show the time (« il reste 2 jours »): the process's copy lives no longer than the cache's.
    settings.FRAGMENT_CACHE_SECONDS = 60
    now = [1000.0]
    monkeypatch.setattr(fragments.time, "monotonic", lambda: now[0])
    calls = []

    def render():
        calls.append(1)
        return f"text {len(calls)}"

    def get():
        request = rf.get("/projets/x/")
        request.LANGUAGE_CODE = "fr"
        return fragments.shared("t", request, (), render)

    assert get() == "text 1"
    caches["pages"].clear()  # the shared cache gone: the process's copy still answers, within the minute
    assert get() == "text 1"
    now[0] += 61
    caches["pages"].clear()
    assert get() == "text 2"
    assert len(calls) == 2


def test_this_processs_copies_are_bounded_in_characters_keys_included():
    texts = fragments.Texts(max_chars=6400)
    for n in range(100):
        texts.set(("k", n), "x" * 36, 60)  # 36 + the default 64 for the key: 100 each
    assert texts.get(("k", 0)) is None and texts.get(("k", 99)) == "x" * 36
    assert sum(size for _expiry, _value, size in texts._values.values()) <= 6400
    texts.set(("long",), "x" * 37, 60)  # over 1/64 of the bound with its key: left to the shared cache
    assert texts.get(("long",)) is None
    # A short fragment under a long key (a path with a query string a visitor made up) weighs its key
    for n in range(100):
        texts.set(("page", "/dispositifs/?x=" + "y" * 30 + str(n)), "z", 60, key_chars=80)
    assert len(texts._values) <= 6400 // 81


def test_a_fragment_s_copy_counts_its_path_in_the_bound(rf, settings, db):
    settings.FRAGMENT_CACHE_SECONDS = 60
    fragments.forget()
    request = rf.get("/dispositifs/", {"x": "y" * 3000})
    request.LANGUAGE_CODE = "fr"
    fragments.shared("t", request, (), lambda: "court", per_path=True)
    [(_expiry, text, size)] = [v for k, v in fragments._texts._values.items() if k[0] == "t"]
    assert text == "court" and size >= 3000


def test_the_session_hash_of_personal_fragments_follows_a_new_password(resident):
    before = fragments.session_auth_hash(resident)
    assert before == resident.get_session_auth_hash() == fragments.session_auth_hash(resident)
    resident.set_password("un tout autre mot de passe")
    assert fragments.session_auth_hash(resident) == resident.get_session_auth_hash() != before


def test_the_csrf_mask_is_djangos_with_a_fresh_uniform_mask():
    from collections import Counter

    from django.middleware.csrf import (
        CSRF_ALLOWED_CHARS,
        _get_new_csrf_string,
        _unmask_cipher_token,
    )

    secret = _get_new_csrf_string()
    tokens = [fragments.mask_csrf_secret(secret) for _ in range(3200)]
    assert {_unmask_cipher_token(token) for token in tokens} == {secret}  # Django reads every one back
    assert len(set(tokens)) == len(tokens)  # a fresh mask each time (BREACH)
    assert all(len(token) == 64 and not token.strip(CSRF_ALLOWED_CHARS) for token in tokens)
    # Uniform over the 62 characters: a plain `byte % 62` would make the first 8 a quarter more frequent.
    counts = Counter(char for token in tokens for char in token[:32])
    assert set(counts) == set(CSRF_ALLOWED_CHARS)
    first = sum(counts[char] for char in CSRF_ALLOWED_CHARS[:8]) / 8
    rest = sum(counts[char] for char in CSRF_ALLOWED_CHARS[8:]) / 54
    assert 0.9 < first / rest < 1.1  # uniform: 1 ± 0.03 (3 sigmas); biased: 1.25


def test_the_log_out_form_of_a_cached_account_menu_carries_a_token_that_logs_out(demo):
    # The account menu is a personal fragment: from the cache, its form's token is this request's.
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(email="clemence@alleger.localhost"),
                       backend="django.contrib.auth.backends.ModelBackend")
    client.get("/")  # sets the CSRF cookie, fills the cache
    text = client.get("/kits/").content.decode()
    token = re.search(r'action="/accounts/logout/">\s*<input type="hidden" name="csrfmiddlewaretoken" '
                      r'value="([^"]+)"', text).group(1)
    assert client.post("/accounts/logout/", {"csrfmiddlewaretoken": token[:-1] + "!"}).status_code == 403
    response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db(transaction=True)
def test_counting_a_rate_limit_in_the_database_s_cache_changes_no_page(settings):
    """Without Redis the rate limits are rows of the cache table: a login attempt is not a change of the data
    (else every attempt would throw away every shared fragment and map answer)."""
    from django.core.cache import caches
    from django.core.management import call_command

    from alleger.core.models import DataVersion

    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                                      "LOCATION": "alleger_cache"}}
    call_command("createcachetable", verbosity=0)
    before = DataVersion.objects.get(pk=1).version
    caches["default"].set("alleger:ratelimit:test", [1.0], 60)
    caches["default"].delete("alleger:ratelimit:test")
    assert DataVersion.objects.get(pk=1).version == before

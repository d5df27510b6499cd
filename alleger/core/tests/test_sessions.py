"""A logged-in GET reads its session and the data version in one query (alleger/core/sessions.py),
and the person comes from this process's memory at the same data version (core.middleware.
AuthenticationMiddleware): never someone else, never after a change that logs them out."""

from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from alleger.accounts.models import User
from alleger.core import fragments
from alleger.core.sessions import SessionStore

MENU = "/accounts/logout/"


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_the_session_brings_the_data_version(resident):
    client = _logged_in(resident)
    session = SessionStore(client.cookies["sessionid"].value)
    assert session[SESSION_KEY] == str(resident.pk)
    assert session.data_version is not fragments.NOT_READ and session.data_version is not None
    # An unknown key: no session, no version read with it.
    stranger = SessionStore("x" * 32)
    assert stranger.load() == {} and stranger.session_key is None and stranger.data_version is fragments.NOT_READ


def test_a_logged_in_page_asks_the_database_once_when_nothing_changed(resident):
    client = _logged_in(resident)
    assert MENU in client.get("/").content.decode()
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/").content.decode()
    assert MENU in page and "Clémence" in page
    assert len(queries) == 1 and "django_session" in queries[0]["sql"] and "core_dataversion" in queries[0]["sql"]


def test_each_person_is_themselves(resident, other_resident):
    first, second = _logged_in(resident), _logged_in(other_resident)
    for _ in range(2):
        assert "Clémence" in first.get("/").content.decode()
        page = second.get("/").content.decode()
        assert "Quelqu&#x27;un d&#x27;autre" in page and "Clémence" not in page


def test_a_new_password_logs_the_other_sessions_out(resident):
    client = _logged_in(resident)
    assert MENU in client.get("/").content.decode()  # remembered at this version
    resident.set_password("un tout autre mot de passe")
    resident.save()
    assert MENU not in client.get("/").content.decode()


def test_a_deactivated_account_is_logged_out(resident):
    client = _logged_in(resident)
    assert MENU in client.get("/").content.decode()
    User.objects.filter(pk=resident.pk).update(is_active=False)  # a queryset's update: seen all the same
    assert MENU not in client.get("/").content.decode()


def test_a_new_name_shows_at_once(resident):
    client = _logged_in(resident)
    assert "Clémence" in client.get("/").content.decode()
    User.objects.filter(pk=resident.pk).update(display_name="Clémence B.")
    assert "Clémence B." in client.get("/").content.decode()


def test_without_the_fragment_cache_the_person_is_read_each_time(resident, settings):
    settings.FRAGMENT_CACHE_SECONDS = 0
    client = _logged_in(resident)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert MENU in client.get("/").content.decode()
    assert any("accounts_user" in query["sql"] for query in queries)


def test_a_sessions_data_is_decoded_once_and_each_request_gets_its_own_copy(resident, settings):
    from alleger.core import sessions

    client = _logged_in(resident)
    key = client.cookies["sessionid"].value
    sessions._decoded.cache_clear()
    first, second = SessionStore(key), SessionStore(key)
    assert first[SESSION_KEY] == second[SESSION_KEY] == str(resident.pk)
    assert sessions._decoded.cache_info().hits == 1  # the second read did not check the signature again
    first["panier"] = 1
    assert "panier" not in second.load()  # a request changing its session changes no one else's
    # Signed with another key, the same text no longer decodes: the memo is by text and keys.
    settings.SECRET_KEY = "une-tout-autre-clé-" * 3
    assert SESSION_KEY not in SessionStore(key).load()

"""Django's database sessions, whose read also reads the data version: one round trip, not two.

A logged-in page reads the session (who is asking) and the data version (which shared fragments
are still good, alleger/core/fragments.py). Both are single-row reads on the same connection, so
the session's SELECT carries the version as a subquery; `fragments.data_version(request)` takes it
from the session instead of asking again. The session is loaded by `core.middleware.
AuthenticationMiddleware` at the start of a GET that sends a session cookie, so the version is read
before any of the data the page shows (the fragments' rule).

`SESSION_ENGINE = "alleger.core.sessions"`; the table and the rows are Django's (`django_session`),
so switching engines keeps everyone logged in.
"""

import functools
import pickle

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone

from . import fragments
from .models import DataVersion

#: Not read (the session was not loaded, or had no key to look up).
NOT_READ = fragments.NOT_READ


class SessionStore(DatabaseSessionStore):
    #: (version, this process's writes) read with the session; None without the version's row;
    #: NOT_READ until the session is loaded from the database.
    data_version = NOT_READ

    def load(self):
        if self.session_key is None:
            return {}
        model = self.model
        using = router.db_for_read(model)
        local = fragments.local_writes()
        sql = (f"SELECT session_data, (SELECT version FROM {DataVersion._meta.db_table} WHERE id = 1) "
               f"FROM {model._meta.db_table} WHERE session_key = %s AND expire_date > %s")
        with connections[using].cursor() as cursor:
            cursor.execute(sql, [self.session_key, timezone.now()])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        data, version = row
        self.data_version = None if version is None else (version, local)
        return self.decode(data)

    def decode(self, session_data):
        """Django's, remembered by the text and the keys: the same text signed with the same keys always
        decodes to the same data, and a changed session is a new text. Every logged-in request decodes
        one (a signature check and JSON, 15 µs; a copy from the memo, 3)."""
        keys = (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)
        return pickle.loads(_decoded(session_data, keys))  # noqa: S301 — our own pickle of our own data


@functools.lru_cache(maxsize=4096)
def _decoded(session_data: str, keys: tuple) -> bytes:
    """Pickled, so that each request gets its own copy to change."""
    return pickle.dumps(DatabaseSessionStore.decode(SessionStore(), session_data))

"""Statements that run so often that PostgreSQL should plan them once per connection.

Django's psycopg cursors bind parameters on the client and send each
statement as new text, which PostgreSQL parses and plans every time: for a
pledge's snapshot (a join and a subquery), planning costs more than running.
`prepared_cursor` gives a cursor whose statements are prepared on the server
the first time and executed by name afterwards, still wrapped by Django (its
error classes, its query log, `assertNumQueries`). It takes one statement per
call, with server-side parameters; on SQLite, or with DB_PREPARED_STATEMENTS
off, it is Django's ordinary cursor.
"""

import contextlib
import functools

from django.db import connection


@functools.cache
def _prepared_cursor_classes() -> tuple[type, type]:
    import psycopg

    class PreparedCursor(psycopg.Cursor):
        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

    class LoggedPreparedCursor(PreparedCursor):
        """For Django's query log (DEBUG, `assertNumQueries`): a prepared execution keeps no query text."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            result = super().execute(query, params, binary=binary)
            if self._query is None:
                self._query = self._convert_query(query, params)
            return result

    return PreparedCursor, LoggedPreparedCursor


@contextlib.contextmanager
def prepared_cursor():
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    if connection.vendor != "postgresql" or connection.connection.prepare_threshold is None:
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.validate_thread_sharing()
    plain, logged = _prepared_cursor_classes()
    if connection.queries_logged:
        cursor = connection.make_debug_cursor(logged(connection.connection))
    else:
        cursor = connection.make_cursor(plain(connection.connection))
    with cursor:
        yield cursor

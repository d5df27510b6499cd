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
def _prepared_cursor_class():
    import psycopg

    class PreparedCursor(psycopg.Cursor):
        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

    return PreparedCursor


@contextlib.contextmanager
def prepared_cursor():
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    if connection.vendor != "postgresql" or connection.connection.prepare_threshold is None:
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.validate_thread_sharing()
    raw = _prepared_cursor_class()(connection.connection)
    cursor = connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)
    with cursor:
        yield cursor

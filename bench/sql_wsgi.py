"""The least any map endpoint can do on `alleger serve`'s gunicorn: run the floor's statements, answer a row count.

bench/assets_bbox.py serves this bare WSGI application through gunicorn configured as `alleger serve`
configures it (alleger.cli.gunicorn_args: the same worker class, threads and access log) to measure
the ceiling of the server itself: no Django, no encoding, only the HTTP layer around the floor's SQL.

BENCH_STATEMENTS (JSON) maps a query string to the floor's statements for its box: the features'
select, then the clusters' one, each with its parameters; as the floor, the second runs only when the
first returns more than 2 000 rows. Each thread keeps one autocommit psycopg connection to
DATABASE_URL, as the floor's clients do. Any other request answers "ok" (the readiness check).
"""

import json
import os
import threading

import psycopg

STATEMENTS = json.loads(os.environ.get("BENCH_STATEMENTS", "{}"))
PATH = "/api/v1/assets.geojson"
MAX_FEATURES = 2000
_local = threading.local()


def _cursor() -> psycopg.Cursor:
    cursor = getattr(_local, "cursor", None)
    if cursor is None:
        cursor = _local.cursor = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True).cursor()
    return cursor


def application(environ, start_response):
    statements = STATEMENTS.get(environ.get("QUERY_STRING")) if environ.get("PATH_INFO") == PATH else None
    if statements:
        (features, params), (clusters, _params) = statements
        cursor = _cursor()
        cursor.execute(features, params, prepare=False)
        rows = cursor.fetchall()
        if len(rows) > MAX_FEATURES:
            cursor.execute(clusters, params, prepare=False)
            rows = cursor.fetchall()
        body = str(len(rows)).encode()
    else:
        body = b"ok"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]

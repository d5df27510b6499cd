"""A WSGI application that answers the length of the request's query string: lets a test drive a
real gunicorn, configured as `alleger serve` configures it, without a database.

`/pid` answers the worker's process id after a second (a request that keeps its thread busy); `/gc`
the garbage collector's thresholds and how many objects it keeps frozen."""

import gc
import os
import time


def application(environ, start_response):
    if environ.get("PATH_INFO") == "/pid":
        time.sleep(1)
        body = str(os.getpid()).encode()
    elif environ.get("PATH_INFO") == "/gc":
        body = f"{gc.get_threshold()} {gc.get_freeze_count()}".encode()
    else:
        body = str(len(environ.get("QUERY_STRING", ""))).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]

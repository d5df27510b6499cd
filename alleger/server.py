"""The web server's worker: gunicorn's gthread worker that takes a connection only when it has a free thread.

gunicorn's gthread worker accepts every connection it sees as long as it holds fewer than
`worker_connections` (1 000), and keeps each one for its whole life (keep-alive). When connections
arrive together, the worker that wakes first takes them all: eight keep-alive connections opened at
once (a proxy's pool, a browser's six, a load test) often land on one process, which then serves
them on one core — one GIL — while the other workers sit idle. Measured on two cores with wrk
(bench/README.md), `/healthz` and every page then ran at a third to half of what the same server
does when the connections are shared, from one run to the next, at random.

This worker stops listening while each of its threads has a request in hand, and listens again as
soon as one is free, so a new connection goes to a worker that can start on it at once (Puma calls it
`wait_for_less_busy_worker`). When every worker is busy, connections wait in the kernel's backlog,
where they waited anyway inside a busy worker's queue. Kept-alive connections are not touched:
a request on one is served by the worker that holds it.

It also sets the garbage collector for a web process. Every Django request leaves reference cycles
behind (the request and its lazy `user`, the messages' storage and the request, a template context
and its dicts), so the collector runs all the time, and its full collections walk every object of
the process: Django, the apps, the templates, some 180 000 objects. Such a pause took 80–200 ms
here, eight or nine times in about 25 s of load on one logged-in page, and set its 99th percentile
(96–142 ms against 22 ms). So, once the application is loaded, its objects are frozen
(`gc.freeze()`: never walked again, as Instagram's servers do) and a young collection waits for
10 000 new objects instead of 700, so that most of a request's cycles die young instead of reaching
the older generations: four full collections over the same load, walking only what was made since
(bench/README.md).
"""

import gc

from gunicorn.workers.gthread import ThreadWorker as GunicornThreadWorker

#: `gc.set_threshold` of a web process (Python's default: 700, 10, 10).
GC_THRESHOLDS = (10_000, 10, 10)


def tune_gc() -> None:
    """The garbage collector of a web process, once the application is loaded (see the module's
    docstring); bench/funding_hot.py runs its pledges under the same."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


class ThreadWorker(GunicornThreadWorker):
    """gthread, accepting a connection only with a thread free (see the module's docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        #: Requests handed to the thread pool and not finished (the main thread alone changes it).
        self.busy = 0

    def load_wsgi(self):
        super().load_wsgi()
        tune_gc()

    def enqueue_req(self, conn):
        self.busy += 1
        super().enqueue_req(conn)

    def finish_request(self, conn, fs):
        self.busy -= 1
        super().finish_request(conn, fs)

    def accept(self, listener):
        super().accept(listener)
        if self.busy >= self.cfg.threads:
            self.set_accept_enabled(False)

    def set_accept_enabled(self, enabled):
        # gunicorn's loop asks again on every turn (after each finished request among others).
        super().set_accept_enabled(enabled and self.busy < self.cfg.threads)

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
"""

from gunicorn.workers.gthread import ThreadWorker as GunicornThreadWorker


class ThreadWorker(GunicornThreadWorker):
    """gthread, accepting a connection only with a thread free (see the module's docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        #: Requests handed to the thread pool and not finished (the main thread alone changes it).
        self.busy = 0

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

"""Run an action in many threads released together (PostgreSQL race tests)."""

import contextlib
import fcntl
import tempfile
import threading
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import connection


@contextlib.contextmanager
def _one_crowd_at_a_time():
    """Each crowd holds as many connections as it has threads: one crowd at a time across xdist
    workers, so that together they stay under PostgreSQL's max_connections."""
    with open(Path(tempfile.gettempdir()) / "alleger-concurrency.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def all_at_once(count: int, action) -> list[tuple[str, object]]:
    """Run action(i) in `count` threads started together; each result is ("ok", value),
    ("refused", code) or ("error", repr), and any error fails the test."""
    with _one_crowd_at_a_time():
        return _crowd(count, action)


def _crowd(count: int, action) -> list[tuple[str, object]]:
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(i):
        try:
            barrier.wait(timeout=30)
            results[i] = ("ok", action(i))
        except ValidationError as refusal:  # a Refused: its code is the outcome
            results[i] = ("refused", refusal.code)
        except Exception as error:  # noqa: BLE001 — reported and asserted on below
            results[i] = ("error", repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread never finished"
    errors = [r for r in results if r[0] == "error"]
    assert not errors, errors
    return results

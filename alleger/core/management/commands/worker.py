import os
import signal
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections


class Command(BaseCommand):
    help = ("Run the periodic jobs (settings.PERIODIC_JOBS: settlement, reminders…) until stopped. "
            "Every job is an idempotent management command, so several workers, or a cron entry "
            "calling the command itself, are safe.")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run every job once, then exit")
        parser.add_argument("--parent", type=int, help="stop as soon as this process is no longer its parent "
                                                       "(alleger demo's server, gone)")

    def handle(self, *args, once=False, parent=None, **options):
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        try:
            self._loop(once, parent, stopping)
        except KeyboardInterrupt:  # Ctrl+C on `alleger demo` reaches the whole process group: a quiet stop
            pass

    def _loop(self, once, parent, stopping):
        next_run = {name: 0.0 for name, _ in settings.PERIODIC_JOBS}
        while not stopping and (parent is None or os.getppid() == parent):
            now = time.monotonic()
            for name, every in settings.PERIODIC_JOBS:
                if once or now >= next_run[name]:
                    if not once:
                        # A long-lived process drops connections the database
                        # or CONN_MAX_AGE has given up on, as a request would.
                        close_old_connections()
                    try:
                        call_command(name, stdout=self.stdout, stderr=self.stderr)
                    except Exception as exc:  # one failing job must not stop the others
                        self.stderr.write(f"job {name} failed: {exc!r}")
                    next_run[name] = now + every
            if once:
                return
            time.sleep(1)


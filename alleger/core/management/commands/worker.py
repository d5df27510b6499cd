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

    def handle(self, *args, once=False, **options):
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        next_run = {name: 0.0 for name, _ in settings.PERIODIC_JOBS}
        while not stopping:
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

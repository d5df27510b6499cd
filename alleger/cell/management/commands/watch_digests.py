from django.core.management.base import BaseCommand

from alleger.cell.watch_services import digests_send_due


class Command(BaseCommand):
    help = ("Send the saved watches' e-mail digests that are due (idempotent: each one once per period and per "
            "person, nothing for an empty period). Run it every hour (settings.PERIODIC_JOBS).")

    def handle(self, *args, **options):
        handled, emailed = digests_send_due()
        self.stdout.write(f"watch digests: {handled} periods handled, {emailed} e-mailed")

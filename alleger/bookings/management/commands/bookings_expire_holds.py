from django.core.management.base import BaseCommand

from alleger.bookings import services


class Command(BaseCommand):
    help = "Pass the waitlist holds whose deadline is over to the next in line (idempotent)."

    def handle(self, *args, **options):
        count = services.holds_expire_due()
        self.stdout.write(f"{count} hold(s) expired")
